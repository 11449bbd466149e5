"""Core replies as Telegram messages: plain text (no parse mode, so user-visible text can never break markup)
and inline keyboards whose callback data is the core's action string."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.reply import Reply

MAX_TEXT = 4096


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.action) for b in row] for row in reply.buttons])


def text(reply: Reply) -> str:
    return reply.text if len(reply.text) <= MAX_TEXT else reply.text[: MAX_TEXT - 1] + "…"
