"""Building and running the Telegram application, the way python-telegram-bot's examples do it."""

from __future__ import annotations

import logging
import sys

from telegram import BotCommand, Update
from telegram.error import InvalidToken
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot import LANGUAGES
from bot.channels.telegram import adverts, handlers
from bot.channels.telegram.request import RetryingRequest
from bot.core.dialogue import Dialogue
from bot.i18n import gettext_for
from bot.settings import Settings, SettingsError, load_settings, setup_logging
from bot.storage import Store

log = logging.getLogger(__name__)

NON_TEXT = (filters.Sticker.ALL | filters.PHOTO | filters.VOICE | filters.AUDIO | filters.VIDEO | filters.VIDEO_NOTE
            | filters.ANIMATION | filters.LOCATION | filters.VENUE | filters.CONTACT | filters.Document.ALL
            | filters.POLL | filters.Dice.ALL)


def command_list(lang: str) -> list[BotCommand]:
    _ = gettext_for(lang)
    return [
        BotCommand("start", _("Menu and language")),
        BotCommand("check", _("Check a job offer")),
        BotCommand("hotlines", _("Phone numbers for help")),
        BotCommand("language", _("Change language")),
        BotCommand("help", _("How to use the bot")),
        BotCommand("about", _("About the bot and its sources")),
        BotCommand("forget", _("Erase what the bot keeps about me")),
    ]


async def _post_init(application: Application) -> None:
    """Command lists per language; the default list (clients in other languages) is Tajik."""
    await application.bot.set_my_commands(command_list("tg"))
    for lang in LANGUAGES:
        await application.bot.set_my_commands(command_list(lang), language_code=lang)
    log.info("Bot @%s is ready", application.bot.username)


async def _post_shutdown(application: Application) -> None:
    application.bot_data["deps"].store.close()


def application_builder(settings: Settings) -> ApplicationBuilder:
    """The Telegram stack (Bot API address, retrying requests, rate limiter), shared with the benchmark's echo
    bot so that the two are measured on exactly the same framework settings."""
    return (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.base_url)
        .base_file_url(settings.base_file_url)
        .request(RetryingRequest(connection_pool_size=16))
        .get_updates_request(RetryingRequest(connection_pool_size=2))
        .rate_limiter(AIORateLimiter(overall_max_rate=settings.rate_overall, max_retries=5))
    )


def build_application(settings: Settings, dialogue: Dialogue, store: Store) -> Application:
    application = application_builder(settings).post_init(_post_init).post_shutdown(_post_shutdown).build()
    application.bot_data["deps"] = handlers.Deps(dialogue=dialogue, store=store, settings=settings)

    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(CommandHandler(["language", "lang"], handlers.language))
    application.add_handler(CommandHandler("hotlines", handlers.hotlines))
    application.add_handler(CommandHandler("help", handlers.help_command))
    application.add_handler(CommandHandler("about", handlers.about))
    application.add_handler(CommandHandler("check", handlers.check))
    application.add_handler(CommandHandler("forget", handlers.forget))
    application.add_handler(CommandHandler("stats", handlers.stats))
    # New messages only: an edited message is not a new question and must not get a second answer.
    new = filters.UpdateType.MESSAGE
    application.add_handler(adverts.message_handler(dialogue))  # forwards and advert captions: scanned
    application.add_handler(MessageHandler(new & filters.COMMAND, handlers.unknown_command))
    application.add_handler(MessageHandler(new & filters.TEXT & ~filters.COMMAND, handlers.text_message))
    application.add_handler(MessageHandler(new & NON_TEXT, handlers.non_text))
    application.add_handler(CallbackQueryHandler(handlers.button))
    application.add_handler(InlineQueryHandler(handlers.inline_query))
    application.add_error_handler(handlers.on_error)
    return application


def run_from_env() -> int:
    """``python -m bot run``: settings from the environment, content validated, then polling or webhook."""
    try:
        settings = load_settings()
    except SettingsError as exc:
        setup_logging("INFO")
        print(f"Cannot start the Telegram bot: {exc}", file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.token)

    from bot.cli import _load_dialogue  # validates content; exits with file and field on error

    dialogue = _load_dialogue()
    store = Store(settings.data_dir)
    application = build_application(settings, dialogue, store)
    try:
        _run(application, settings)
    except InvalidToken:
        # PTB's message quotes the token; say what happened without it.
        print("Cannot start the Telegram bot: Telegram rejected BOT_TOKEN (revoked or mistyped?). "
              "Check it with @BotFather.", file=sys.stderr)
        return 2
    return 0


def _run(application: Application, settings: Settings) -> None:
    if settings.webhook_url:
        log.info("Starting in webhook mode on %s:%d", settings.listen, settings.port)
        application.run_webhook(
            listen=settings.listen,
            port=settings.port,
            url_path=settings.webhook_path,
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        log.info("Starting with long polling")
        application.run_polling(allowed_updates=Update.ALL_TYPES)
