"""Building and running the Telegram application, the way python-telegram-bot's examples do it.

Updates do not go through python-telegram-bot's Updater: they come from :mod:`.polling` or :mod:`.webhook` into the
durable :mod:`.inbox`, which hands them to ``Application.process_update`` chat by chat (the custom-webhook example's
pattern: ``Application.builder().updater(None)``, then ``async with application`` and ``start``/``stop``).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from telegram import BotCommand, Update
from telegram.error import EndPointNotFound, InvalidToken
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot import LANGUAGES
from bot.channels.telegram import adverts, alerts, cases, handlers, hotline_feedback, stats
from bot.channels.telegram.groups import ADDRESSED
from bot.channels.telegram.inbox import Inbox
from bot.channels.telegram.polling import Poller
from bot.channels.telegram.ratelimit import ChatRateLimiter
from bot.channels.telegram.request import RetryingRequest, with_retries
from bot.core.dialogue import Dialogue
from bot.i18n import gettext_for
from bot.settings import Settings, SettingsError, load_settings, setup_logging
from bot.storage import Store

log = logging.getLogger(__name__)

# The update types the bot answers; others (edits, reactions, member changes) are never fetched, so never stored.
ALLOWED_UPDATES = (Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY)
SHUTDOWN_GRACE = 3.0  # seconds for replies in progress after SIGTERM; the whole stop stays within 5 s

NON_TEXT = (filters.Sticker.ALL | filters.PHOTO | filters.VOICE | filters.AUDIO | filters.VIDEO | filters.VIDEO_NOTE
            | filters.ANIMATION | filters.LOCATION | filters.VENUE | filters.CONTACT | filters.Document.ALL
            | filters.POLL | filters.Dice.ALL)


def command_list(lang: str, case_desk: bool = False) -> list[BotCommand]:
    _ = gettext_for(lang)
    desk = [BotCommand("human", _("Talk to a person"))] if case_desk else []
    return desk + [
        BotCommand("start", _("Menu and language")),
        BotCommand("check", _("Check a job offer")),
        BotCommand("alerts", _("Alerts: news that matters for migrants")),
        BotCommand("hotlines", _("Phone numbers for help")),
        BotCommand("language", _("Change language")),
        BotCommand("help", _("How to use the bot")),
        BotCommand("about", _("About the bot and its sources")),
        BotCommand("forget", _("Erase what the bot keeps about me")),
    ]


async def _set_commands(application: Application) -> None:
    """Command lists per language; the default list (clients in other languages) is Tajik."""
    desk = application.bot_data["deps"].settings.operators_chat_id is not None
    await application.bot.set_my_commands(command_list("tg", desk))
    for lang in LANGUAGES:
        await application.bot.set_my_commands(command_list(lang, desk), language_code=lang)
    log.info("Bot @%s is ready", application.bot.username)


def application_builder(settings: Settings) -> ApplicationBuilder:
    """The Telegram stack (Bot API address, retrying requests, rate limits), shared with the benchmark's echo
    bot so that the two are measured on exactly the same framework settings."""
    return (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.base_url)
        .base_file_url(settings.base_file_url)
        .request(RetryingRequest(connection_pool_size=16))
        .get_updates_request(RetryingRequest(connection_pool_size=2))
        .rate_limiter(ChatRateLimiter(overall_max_rate=settings.rate_overall, private_chat_rate=settings.rate_per_chat,
                                      max_retries=5))
    )


def build_application(settings: Settings, dialogue: Dialogue, store: Store) -> Application:
    application = application_builder(settings).updater(None).build()
    application.bot_data["deps"] = handlers.Deps(dialogue=dialogue, store=store, settings=settings)

    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(CommandHandler(["language", "lang"], handlers.language))
    application.add_handler(CommandHandler("hotlines", handlers.hotlines))
    application.add_handler(CommandHandler("help", handlers.help_command))
    application.add_handler(CommandHandler("about", handlers.about))
    application.add_handler(CommandHandler("check", handlers.check))
    application.add_handler(CommandHandler("forget", handlers.forget))
    application.add_handler(CommandHandler("stats", stats.command))
    # New messages only: an edited message is not a new question and must not get a second answer. In groups,
    # only what is addressed to the bot (groups.py); a caption is read as the message it comes with.
    new = filters.UpdateType.MESSAGE & ADDRESSED
    application.add_handler(adverts.message_handler(dialogue))  # forwards and advert captions: scanned
    application.add_handler(MessageHandler(new & filters.COMMAND, handlers.unknown_command))
    application.add_handler(MessageHandler(new & (filters.TEXT | filters.CAPTION) & ~filters.COMMAND,
                                           handlers.text_message))
    application.add_handler(MessageHandler(new & NON_TEXT, handlers.non_text))
    application.add_handler(CallbackQueryHandler(handlers.button))
    application.add_handler(InlineQueryHandler(handlers.inline_query))
    application.add_error_handler(handlers.on_error)
    # People to people, each in its own handler group ahead of the ones above: alerts, cases, hotline reports.
    alerts.register(application, settings, dialogue, store)
    cases.register(application, settings, dialogue, store)
    hotline_feedback.register(application, dialogue, store)
    return application


def run_from_env() -> int:
    """``python -m bot run``: settings from the environment, content validated, then polling or webhook."""
    try:
        settings = load_settings()
    except SettingsError as exc:
        setup_logging("INFO")
        print(f"Cannot start the Telegram bot: {exc}", file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.token, (settings.webhook_secret or "",))

    from bot.cli import _load_dialogue  # validates content; exits with file and field on error

    dialogue = _load_dialogue()
    store = Store(settings.data_dir)
    application = build_application(settings, dialogue, store)
    try:
        asyncio.run(_serve(application, settings, store))
    except (InvalidToken, EndPointNotFound):
        # PTB's message quotes the token; say what happened without it.
        print("Cannot start the Telegram bot: Telegram rejected BOT_TOKEN (revoked or mistyped?). "
              "Check it with @BotFather.", file=sys.stderr)
        return 2
    finally:
        store.close()
    return 0


async def _serve(application: Application, settings: Settings, store: Store) -> None:
    """Run until SIGTERM or SIGINT, then stop within 5 s: stop fetching, let replies in progress finish for up to
    SHUTDOWN_GRACE seconds, and leave everything else stored for the next start."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    async with application:  # initialize() now (getMe: a bad token stops here), shutdown() at the end
        await _set_commands(application)
        await application.start()
        inbox = Inbox(application, store, chat_limit=settings.chat_queue_limit,
                      on_flood=lambda update: handlers.slow_down(
                          update, application.context_types.context.from_update(update, application)))
        await inbox.start()  # updates stored by an earlier run are queued first
        background = [asyncio.ensure_future(job(application)) for job in application.bot_data.get("background", ())]
        stopped = asyncio.ensure_future(stop.wait())
        if settings.webhook_url:
            from bot.channels.telegram.webhook import WebhookServer  # tornado only in webhook mode

            log.info("Starting in webhook mode on %s:%d", settings.listen, settings.port)
            server = WebhookServer(inbox, listen=settings.listen, port=settings.port, path=settings.webhook_path,
                                   secret=settings.webhook_secret or "")
            server.start()
            await with_retries("setWebhook", lambda: application.bot.set_webhook(
                settings.webhook_url, secret_token=settings.webhook_secret, allowed_updates=list(ALLOWED_UPDATES)))
            await stopped
            log.info("Stopping: no new updates; finishing replies in progress")
            await server.stop(grace=1.0)
        else:
            log.info("Starting with long polling")
            poller = Poller(application.bot, inbox, ALLOWED_UPDATES)
            polling = await poller.start()
            await asyncio.wait({stopped, polling}, return_when=asyncio.FIRST_COMPLETED)
            log.info("Stopping: no new updates; finishing replies in progress")
            await poller.stop()
            if polling.done() and not polling.cancelled() and polling.exception() is not None:
                await inbox.stop(grace=0)
                await application.stop()
                raise polling.exception()  # e.g. the token was revoked while running
        stopped.cancel()
        for task in background:  # alerts resume from the store on the next start; cases are swept again
            task.cancel()
        await inbox.stop(grace=SHUTDOWN_GRACE)
        await application.stop()
    log.info("Stopped")
