"""Hotlines that users vouch for, on Telegram: count each report, anonymously.

The screens ("which number?", "did it answer?", "thank you") come from the core through the general button
handler, as in the terminal; this handler only counts a finished report, before that handler shows the thanks. It
keeps, in memory only, which (hashed) person reported on which number today, so pressing the button five times is
one report; a restart forgets that, and the store never sees who reported.
"""

from __future__ import annotations

import datetime as dt

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.channels.telegram import handlers
from bot.core.dialogue import Dialogue
from bot.storage import Store

GROUP = -1  # before the general button handler, which then shows the next screen


class FeedbackCounter:
    def __init__(self, dialogue: Dialogue, store: Store):
        self.dialogue = dialogue
        self.store = store
        self._day = dt.date.today()
        self._seen: set[tuple[str, str]] = set()

    async def count(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        vote = self.dialogue.feedback.vote(query.data or "")
        if vote is None or query.from_user is None:
            return
        today = dt.date.today()
        if today != self._day:
            self._day, self._seen = today, set()
        event, label = vote
        key = (self.store.user_key(query.from_user.id), label)
        if key in self._seen:
            return
        self._seen.add(key)
        self.store.count(event, label, handlers.user_lang(update, context), today)


def register(application: Application, dialogue: Dialogue, store: Store) -> None:
    counter = FeedbackCounter(dialogue, store)
    application.add_handler(CallbackQueryHandler(counter.count, pattern=r"^hf:"), group=GROUP)
