"""``/stats`` for admins: the anonymous counts as text, then the same as one small chart (PNG).

The chart is drawn in a child process (:mod:`bot.chart`), so matplotlib never loads into the bot; if it cannot be
drawn, the admin still has the text and the log says why (without any data).
"""

from __future__ import annotations

import io
import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.channels.telegram import handlers
from bot.chart import render_in_child
from bot.stats import chart_data, format_stats

log = logging.getLogger(__name__)


async def command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Admins only; to anyone else it looks like any unknown command, so it reveals nothing."""
    d = handlers.deps(context)
    user = update.effective_user
    if user is None or user.id not in d.settings.admin_ids:
        await handlers.send(update, d.dialogue.unknown_command(handlers.user_lang(update, context)))
        return
    message = update.effective_message
    await message.reply_text(format_stats(d.store), do_quote=False)
    try:
        png = await render_in_child(chart_data(d.store))
    except Exception as exc:  # noqa: BLE001 - the text is there; the picture is a bonus
        log.warning("The /stats chart could not be drawn: %s", type(exc).__name__)
        return
    await message.reply_photo(io.BytesIO(png), filename="safe-road-stats.png", do_quote=False)
