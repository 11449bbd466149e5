"""Talking to a person, on Telegram: the case desk between a person's private chat and the caseworkers' group.

Only set up when OPERATORS_CHAT_ID names the caseworkers' group (the bot must be a member; with Telegram's privacy
mode on, which is the default, it receives there exactly what it needs: commands and replies to its own messages).

- A person asks (``/human``, the menu, the emergency card), reads what happens, agrees: a case is opened. From then
  on their messages, text and media alike, are copied into the group under the case number and their language;
  Telegram's copy carries no name, username or id. A first message after each answer is acknowledged. An emergency
  is answered at once with the numbers, then relayed.
- A caseworker answers by replying to one of the case's messages; the answer is copied to the person, who does not
  see who wrote it. ``/cases`` lists open cases, ``/close N`` closes one, the person's ``/end`` too.
- The store keeps the case-to-chat mapping and the ids of the case's messages in the group, nothing else. Closing
  (by either side, after CASE_RETENTION_DAYS idle, or on ``/forget``) deletes the case and, where Telegram allows,
  its messages in the group. A person nobody answered within CASE_REMINDER_MINUTES is told the hotlines.

Handlers run in their own group, ahead of the general ones: what they handle stops there (ApplicationHandlerStop);
anything else (no open case, another chat) goes on to the general handlers unchanged.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Sequence

from telegram import Bot, Message, MessageEntity, ReplyParameters, Update
from telegram.constants import ChatType
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels.telegram import handlers, render
from bot.channels.telegram.groups import text_for_bot
from bot.core import cases as words
from bot.core.cases import CaseDesk
from bot.core.dialogue import Dialogue
from bot.core.reply import Reply
from bot.settings import Settings
from bot.storage import Store

log = logging.getLogger(__name__)

GROUP = -2  # handler group: after an admin's alert draft (alerts, -3), before everything else
MAX_TEXT, MAX_CAPTION = 4096, 1024
_TAG = re.compile(r"^#(\d{1,9}) ·")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def shifted(entities: Sequence[MessageEntity], by: int) -> list[MessageEntity]:
    """The entities (bold, links, ...) of a text that now has ``by`` UTF-16 units in front of it."""
    return [MessageEntity(e.type, e.offset + by, e.length, url=e.url, user=e.user, language=e.language,
                          custom_emoji_id=e.custom_emoji_id) for e in entities]


async def copy_with_header(bot: Bot, message: Message, chat_id: int, header: str) -> list[int]:
    """Copy ``message`` (text or any media) to ``chat_id`` with ``header`` above it; Telegram's copy shows no
    sender. Returns the ids of the messages sent there (one, or two when the header cannot share the message)."""
    if message.text:
        text = f"{header}\n{message.text}"
        if utf16_len(text) <= MAX_TEXT:
            sent = await bot.send_message(chat_id, text, entities=shifted(message.entities, utf16_len(header) + 1),
                                          link_preview_options=handlers.NO_PREVIEW)
            return [sent.message_id]
    elif message.photo or message.video or message.document or message.audio or message.voice or message.animation:
        caption = f"{header}\n{message.caption}" if message.caption else header
        if utf16_len(caption) <= MAX_CAPTION:
            copied = await bot.copy_message(chat_id, message.chat_id, message.message_id, caption=caption,
                                            caption_entities=shifted(message.caption_entities,
                                                                     utf16_len(header) + 1))
            return [copied.message_id]
    # A sticker, location, contact, ... (nothing to write a header into), or too long to add one: two messages.
    first = await bot.send_message(chat_id, header)
    below = ReplyParameters(first.message_id, allow_sending_without_reply=True)
    copied = await bot.copy_message(chat_id, message.chat_id, message.message_id, reply_parameters=below)
    return [first.message_id, copied.message_id]


async def send_reply(bot: Bot, chat_id: int, reply: Reply) -> Message:
    return await bot.send_message(chat_id, render.text(reply), reply_markup=render.keyboard(reply),
                                  link_preview_options=handlers.NO_PREVIEW)


class CaseDeskBot:
    def __init__(self, settings: Settings, dialogue: Dialogue, store: Store):
        assert settings.operators_chat_id is not None
        self.operators = settings.operators_chat_id
        self.staff_lang = settings.operators_lang
        self.retention = settings.case_retention_days * 86400
        self.retention_days = settings.case_retention_days
        self.remind_after = settings.case_reminder_minutes * 60
        self.dialogue = dialogue
        self.store = store
        self.desk = CaseDesk(dialogue.content)

    # -- the person's side --------------------------------------------------------------------------------------

    async def human(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/human`` or the button: the consent screen (or the open case, if there is one)."""
        lang = handlers.user_lang(update, context)
        if update.effective_chat is None or update.effective_chat.type != ChatType.PRIVATE:
            await handlers.send(update, self.desk.private_only(lang))
            raise ApplicationHandlerStop
        case = self.store.case_of_user(update.effective_user.id)
        reply = self.desk.opened(lang, case.case_no, again=True) if case else self.desk.consent(lang)
        await self._answer(update, context, reply)
        raise ApplicationHandlerStop

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        data = query.data or ""
        if data == words.HUMAN:
            await self.human(update, context)
        lang = handlers.user_lang(update, context)
        if query.message is None or query.message.chat.type != ChatType.PRIVATE:
            await handlers.show(update, context, self.desk.private_only(lang))
        elif data == words.YES:
            await self.open(update, context, lang)
        elif data == words.NAME:
            await self.share_name(update, context, lang)
        elif data == words.END:
            await self.end(update, context)
        raise ApplicationHandlerStop

    async def open(self, update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str) -> None:
        user, chat = update.effective_user, update.effective_chat
        case, new = self.store.case_open(user.id, chat.id, lang)
        if new:
            sent = await context.bot.send_message(self.operators, self.desk.new_case(self.staff_lang, case.case_no,
                                                                                     case.lang))
            self.store.case_messages_add(case.case_no, [sent.message_id])
            self.store.count("case", "opened", case.lang)
            log.info("Case #%d opened", case.case_no)
        await handlers.show(update, context, self.desk.opened(lang, case.case_no, again=not new))

    async def share_name(self, update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str) -> None:
        """The one place a name reaches the caseworkers: the person pressed the button that says so."""
        user = update.effective_user
        case = self.store.case_of_user(user.id)
        if case is None:
            await handlers.show(update, context, self.desk.no_case(lang))
            return
        name = user.full_name + (f" (@{user.username})" if user.username else "")
        sent = await context.bot.send_message(self.operators, self.desk.name_note(self.staff_lang, case.case_no, name))
        self.store.case_messages_add(case.case_no, [sent.message_id])
        await handlers.show(update, context, self.desk.name_shared(lang))

    async def end(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/end`` or the button: the person closes their case."""
        lang = handlers.user_lang(update, context)
        case = self.store.case_of_user(update.effective_user.id) if update.effective_user else None
        if case is None:
            await self._answer(update, context, self.desk.no_case(lang))
        else:
            await self.close(context.bot, case.case_no, words.BY_PERSON, tell_person=False)
            await self._answer(update, context, self.desk.ended(lang, words.BY_PERSON))
        raise ApplicationHandlerStop

    async def before_forget(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/forget`` with an open case: close it first (the caseworkers are told, its messages deleted); the
        general handler then erases the rest and answers."""
        case = self.store.case_of_user(update.effective_user.id) if update.effective_user else None
        if case is not None:
            await self.close(context.bot, case.case_no, words.FORGOTTEN, tell_person=False)

    async def relay_if_open(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A private message from someone with an open case goes to the caseworkers (an emergency is answered
        first); without an open case, the general handlers answer it as usual."""
        message = update.effective_message
        case = self.store.case_of_user(update.effective_user.id)
        if case is None:
            return
        text = text_for_bot(message)
        emergency = False
        if text:
            reply = self.dialogue.respond(text, case.lang)
            if reply.kind == "emergency":
                emergency = True
                handlers.record(context, reply)
                await handlers.send(update, reply)
        ids = await copy_with_header(context.bot, message, self.operators,
                                     words.tag(case.case_no, case.lang, emergency))
        self.store.case_messages_add(case.case_no, ids)
        if self.store.case_user_wrote(case.case_no) and not emergency:
            await handlers.send(update, self.desk.delivered(case.lang))
        raise ApplicationHandlerStop

    # -- the caseworkers' side ----------------------------------------------------------------------------------

    async def caseworker_reply(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A reply in the caseworkers' group to one of the bot's messages: to the person of that case."""
        message = update.effective_message
        replied = message.reply_to_message
        if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
            raise ApplicationHandlerStop  # the caseworkers talking among themselves
        case = self.store.case_by_message(replied.message_id)
        if case is None:
            tagged = _TAG.match(replied.text or replied.caption or "")
            note = self.desk.gone(self.staff_lang, int(tagged.group(1))) if tagged else self.desk.not_a_case(
                self.staff_lang)
            await message.reply_text(note)
            raise ApplicationHandlerStop
        try:
            await copy_with_header(context.bot, message, case.chat_id, self.desk.answer_header(case.lang))
        except Forbidden:
            log.info("Case #%d: the person blocked the bot; closing it", case.case_no)
            await message.reply_text(self.desk.undelivered(self.staff_lang, case.case_no))
            await self.close(context.bot, case.case_no, words.BY_PERSON, tell_person=False, tell_staff=False)
            raise ApplicationHandlerStop from None
        self.store.case_messages_add(case.case_no, [message.message_id])
        self.store.case_answered(case.case_no)
        raise ApplicationHandlerStop

    async def list_cases(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(self.desk.cases_list(self.staff_lang, self.store.cases_open(),
                                                                        time.time()))
        raise ApplicationHandlerStop

    async def close_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        arg = context.args[0].lstrip("#") if context.args else ""
        if not arg.isdigit():
            await update.effective_message.reply_text(self.desk.close_usage(self.staff_lang))
        elif not await self.close(context.bot, int(arg), words.BY_CASEWORKER):
            await update.effective_message.reply_text(self.desk.gone(self.staff_lang, int(arg)))
        raise ApplicationHandlerStop

    # -- closing, expiry and reminders --------------------------------------------------------------------------

    async def close(self, bot: Bot, case_no: int, why: str, *, tell_person: bool = True,
                    tell_staff: bool = True) -> bool:
        """Delete the case (first, so nothing is left if the rest fails), then tell both sides and delete its
        messages in the group. False if there was no such open case."""
        case, message_ids = self.store.case_close(case_no)
        if case is None:
            return False
        self.store.count("case", "closed", case.lang)
        log.info("Case #%d closed (%s)", case_no, why)
        if tell_person:
            try:
                await send_reply(bot, case.chat_id, self.desk.ended(case.lang, why, self.retention_days))
            except TelegramError as exc:
                log.info("Case #%d: could not tell the person it closed (%s)", case_no, type(exc).__name__)
        undeleted = await self._delete_in_group(bot, message_ids)
        if tell_staff:
            text = self.desk.closed(self.staff_lang, case_no, why, self.retention_days)
            if undeleted:
                text += "\n" + self.desk.undeleted(self.staff_lang, case_no, undeleted)
            try:
                await bot.send_message(self.operators, text)
            except TelegramError as exc:
                log.warning("Case #%d: could not tell the caseworkers it closed (%s)", case_no, type(exc).__name__)
        return True

    async def _delete_in_group(self, bot: Bot, message_ids: list[int]) -> int:
        """Delete the case's messages in the group, 100 at a time; returns how many could not be deleted."""
        left = 0
        for i in range(0, len(message_ids), 100):
            batch = message_ids[i:i + 100]
            try:
                await bot.delete_messages(self.operators, batch)
            except TelegramError as exc:
                log.info("Could not delete %d case message(s) in the caseworkers' group (%s)", len(batch),
                         type(exc).__name__)
                left += len(batch)
        return left

    async def sweep(self, bot: Bot, now: float | None = None) -> None:
        """Close the cases idle too long; tell the hotlines to people nobody has answered in time."""
        now = time.time() if now is None else now
        expired = self.store.cases_idle(now - self.retention)
        for case in expired:
            await self.close(bot, case.case_no, words.EXPIRED)
        if expired:
            await asyncio.to_thread(self.store.scrub, None, False)
        for case in self.store.cases_to_remind(now - self.remind_after):
            self.store.case_reminded(case.case_no)
            try:
                await send_reply(bot, case.chat_id, self.desk.reminder(case.lang))
            except Forbidden:
                await self.close(bot, case.case_no, words.BY_PERSON, tell_person=False)
            except TelegramError as exc:
                log.info("Case #%d: could not send the reminder (%s)", case.case_no, type(exc).__name__)

    async def sweep_forever(self, application: Application) -> None:
        interval = min(60.0, max(0.5, min(self.retention, self.remind_after) / 4))
        while True:
            await asyncio.sleep(interval)
            try:
                await self.sweep(application.bot)
            except Exception as exc:  # noqa: BLE001 - try again next time; never stop sweeping
                log.warning("Case sweep failed: %s", type(exc).__name__)

    # -- pieces -------------------------------------------------------------------------------------------------

    async def _answer(self, update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply) -> None:
        if update.callback_query is not None:
            await handlers.show(update, context, reply)
        else:
            await handlers.send(update, reply)


def register(application: Application, settings: Settings, dialogue: Dialogue, store: Store) -> None:
    """Wire the case desk in, if OPERATORS_CHAT_ID is set; without it nothing of it is shown or answered."""
    if settings.operators_chat_id is None:
        return
    dialogue.human_help = True
    desk = CaseDeskBot(settings, dialogue, store)
    operators = filters.Chat(chat_id=settings.operators_chat_id)
    new = filters.UpdateType.MESSAGE
    for handler in (
        CommandHandler("cases", desk.list_cases, filters=operators),
        CommandHandler("close", desk.close_command, filters=operators),
        MessageHandler(new & operators & filters.REPLY & ~filters.COMMAND, desk.caseworker_reply),
        CommandHandler("human", desk.human),
        CommandHandler("end", desk.end, filters=filters.ChatType.PRIVATE),
        CommandHandler("forget", desk.before_forget, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(desk.button, pattern=r"^(human|cs:(yes|name|end))$"),
        MessageHandler(new & filters.ChatType.PRIVATE & ~filters.COMMAND, desk.relay_if_open),
    ):
        application.add_handler(handler, group=GROUP)
    application.bot_data.setdefault("background", []).append(desk.sweep_forever)
