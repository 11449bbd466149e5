"""A minimal echo bot on Safe Road's Telegram stack: the baseline for ``bench/telegram_load.py``.

Same python-telegram-bot version and the very same ApplicationBuilder (``application_builder`` in
``bot/channels/telegram/app.py``: RetryingRequest for both connections, AIORateLimiter, long polling), same
environment variables (BOT_TOKEN, TELEGRAM_BASE_URL, RATE_LIMIT_OVERALL, LOG_LEVEL); it answers every text message
with its own text and does nothing else. Run: ``BOT_TOKEN=... TELEGRAM_BASE_URL=... python bench/echo_bot.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import Update  # noqa: E402
from telegram.ext import ContextTypes, MessageHandler, filters  # noqa: E402

from bot.channels.telegram.app import application_builder  # noqa: E402
from bot.settings import SettingsError, load_settings, setup_logging  # noqa: E402


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    await message.reply_text(message.text, do_quote=False)


def main() -> int:
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"Cannot start the echo bot: {exc}", file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.token)
    application = application_builder(settings).build()
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
