"""Update handlers: read the update, ask the core, send what it says. No topic logic lives here.

Every handler gets its collaborators from ``context.bot_data["deps"]`` (set up in :mod:`.app`), so handlers stay
plain functions as in python-telegram-bot's examples.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Update,
)
from telegram.error import BadRequest, Forbidden
from telegram.ext import ContextTypes

from bot import LANGUAGES
from bot.channels.telegram import inbox, render
from bot.channels.telegram.groups import text_for_bot
from bot.core.deeplink import link, parse_payload
from bot.core.dialogue import Dialogue
from bot.core.reply import Reply
from bot.i18n import gettext_for
from bot.settings import Settings
from bot.storage import Store

log = logging.getLogger(__name__)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
DEEP_LINK_SCREENS = ("check",)


@dataclass
class Deps:
    dialogue: Dialogue
    store: Store
    settings: Settings


def deps(context: ContextTypes.DEFAULT_TYPE) -> Deps:
    return context.bot_data["deps"]


def telegram_language(code: str | None) -> str | None:
    """Telegram's interface language as one of ours (``ru-RU`` -> ``ru``), or None when it is none of them."""
    base = (code or "").split("-")[0].lower()
    return base if base in LANGUAGES else None


def known_lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The language chosen by the user, else their Telegram language, else None (we know nothing)."""
    user = update.effective_user
    if user is None:
        return None
    return deps(context).store.get_lang(user.id) or telegram_language(user.language_code)


def user_lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """:func:`known_lang`, else Tajik."""
    return known_lang(update, context) or "tg"


def user_destination(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The destination country the user chose (kept under their hashed id, like the language), or None."""
    user = update.effective_user
    return deps(context).store.get_destination(user.id) if user else None


def remember_destination(update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply) -> None:
    """Store the destination the core says the user just chose (the core validated it)."""
    user = update.effective_user
    if reply.destination and user:
        deps(context).store.set_destination(user.id, reply.destination)


def record(context: ContextTypes.DEFAULT_TYPE, reply: Reply) -> None:
    """Anonymous daily counters for /stats: which topics are asked, and what went unanswered."""
    store = deps(context).store
    if reply.kind in ("topic", "emergency") and reply.topic:
        store.count("topic", reply.topic, reply.lang)
        if reply.kind == "emergency":
            store.count("emergency", None, reply.lang)
    elif reply.kind in ("unsure", "out_of_scope"):
        store.count("unanswered", reply.kind, reply.lang)
    elif reply.kind == "verdict":
        store.count("verdict", reply.topic, reply.lang)
    elif reply.kind == "scan":  # an advert scan: only its level, never the advert
        store.count("scan", reply.topic, reply.lang)


async def send(update: Update, reply: Reply) -> None:
    message = update.effective_message
    if message is None:
        return
    await message.reply_text(render.text(reply), reply_markup=render.keyboard(reply), link_preview_options=NO_PREVIEW,
                             do_quote=False)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    user = update.effective_user
    payload = context.args[0] if context.args else None
    target = parse_payload(payload, d.dialogue.content.topics, DEEP_LINK_SCREENS)
    if user and target.lang:
        d.store.set_lang(user.id, target.lang)
    lang = target.lang or user_lang(update, context)
    if target.topic in DEEP_LINK_SCREENS:
        reply = d.dialogue.act(target.topic, lang)
    elif target.topic:
        reply = d.dialogue.topic(target.topic, lang, destination=user_destination(update, context))
    elif target.lang:
        reply = d.dialogue.menu(target.lang)
    else:
        reply = d.dialogue.welcome(lang)
    record(context, reply)
    await send(update, reply)


async def language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send(update, deps(context).dialogue.language_choice(user_lang(update, context)))


async def hotlines(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    reply = deps(context).dialogue.hotlines(user_lang(update, context))
    await send(update, reply)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send(update, deps(context).dialogue.help(user_lang(update, context)))


async def about(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send(update, deps(context).dialogue.about(user_lang(update, context)))


async def check(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send(update, deps(context).dialogue.act("check", user_lang(update, context)))


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    lang = user_lang(update, context)
    had = d.store.forget(update.effective_user.id) if update.effective_user else False
    await send(update, d.dialogue.forgotten(lang, had))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send(update, deps(context).dialogue.unknown_command(user_lang(update, context)))


async def text_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Free text, or the caption of a photo or file (read as if it were the message)."""
    d = deps(context)
    reply = d.dialogue.respond(text_for_bot(update.effective_message), known_lang(update, context),
                               user_destination(update, context))
    record(context, reply)
    await send(update, reply)


async def non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send(update, deps(context).dialogue.non_text(user_lang(update, context)))


async def slow_down(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sent once to a chat that floods the bot (see :mod:`.fairness`); not a handler of any update type."""
    await send(update, deps(context).dialogue.slow_down(user_lang(update, context)))


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press: the core validates the action (it may be forged or from an old message)."""
    d = deps(context)
    query = update.callback_query
    data = query.data or ""
    if data.startswith("l:") and data[2:] in LANGUAGES and query.from_user:
        d.store.set_lang(query.from_user.id, data[2:])
    reply = d.dialogue.act(data, user_lang(update, context), user_destination(update, context))
    remember_destination(update, context, reply)
    record(context, reply)
    await show(update, context, reply)


async def show(update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply) -> None:
    """A button's answer: the pressed message becomes the reply (or a new message when it cannot be edited)."""
    query = update.callback_query
    try:
        await query.answer()
    except BadRequest as exc:  # "query is too old" after a restart: the answer below still matters
        log.debug("Could not answer a callback query: %s", exc.message)
    message = query.message
    if message is None or not message.is_accessible:
        await context.bot.send_message(query.from_user.id, render.text(reply), reply_markup=render.keyboard(reply),
                                       link_preview_options=NO_PREVIEW)
        return
    try:
        await message.edit_text(render.text(reply), reply_markup=render.keyboard(reply),
                                link_preview_options=NO_PREVIEW)
    except BadRequest as exc:
        if "not modified" in exc.message.lower():
            return
        # Too old to edit, or deleted: the answer still reaches the user as a new message.
        await message.chat.send_message(render.text(reply), reply_markup=render.keyboard(reply),
                                        link_preview_options=NO_PREVIEW)


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``@bot passport`` in any chat: topic cards to drop into a group, each with a button that opens the bot."""
    d = deps(context)
    query = update.inline_query
    fallback = telegram_language(query.from_user.language_code if query.from_user else None)
    lang = d.dialogue.understander.language(query.query, fallback).lang if query.query.strip() else (fallback or "tg")
    username = context.bot.username
    _ = gettext_for(lang)
    open_label = _("Open the bot")
    results = []
    for topic_id in d.dialogue.suggest(query.query, lang):
        topic = d.dialogue.content.topics[topic_id]
        results.append(InlineQueryResultArticle(
            id=f"{topic_id}-{lang}",
            title=topic.title[lang],
            description=d.dialogue.summary(topic_id, lang),
            input_message_content=InputTextMessageContent(d.dialogue.share_text(topic_id, lang),
                                                          link_preview_options=NO_PREVIEW),
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton(open_label, url=link(username, topic_id, lang))]]),
        ))
    # Personal: results follow each user's Telegram language, so one user's cached answer must not reach another.
    await query.answer(results, cache_time=300, is_personal=True)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the problem and, where possible, tell the user; one bad update never stops the bot. When the reply could
    not reach Telegram at all, the inbox tries the update again later instead (nothing to tell the user yet)."""
    if inbox.postpone(context.error):
        return
    log.error("Error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        reply = deps(context).dialogue.error(user_lang(update, context))
        await context.bot.send_message(update.effective_chat.id, render.text(reply),
                                       reply_markup=render.keyboard(reply))
    except (BadRequest, Forbidden):
        log.warning("Could not tell the user about the error")
    except Exception:  # noqa: BLE001 - the error handler itself must never raise
        log.exception("Error handler failed")
