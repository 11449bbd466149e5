"""Job adverts in Telegram: forwarded posts and photo captions are scanned for warning signs.

Pasted text needs nothing here: the text handler asks the dialogue, which scans an advert instead of matching a
topic. This module adds what only Telegram has: forwards (``Message.forward_origin``, from a channel, a group or a
person) and photos whose caption is the advert. A forward that is not an advert (a news item, a scam warning)
is answered like any message. Private chats only: in a group, a forwarded advert is other people's conversation.

Nothing about the advert is kept; only the scan's level is counted (event ``scan``, label the level) for /stats.
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import ContextTypes, MessageHandler, filters

from bot.channels.telegram import handlers
from bot.core.dialogue import Dialogue


class _ReadsAsAdvert(filters.MessageFilter):
    """Forwards with text or a caption, and photo captions that read as a job advert."""

    def __init__(self, dialogue: Dialogue):
        super().__init__(name="ReadsAsAdvert")
        self.dialogue = dialogue

    def filter(self, message: Message) -> bool:
        text = message.text or message.caption
        if not text or (message.text and message.text.startswith("/")):
            return False
        if message.forward_origin is not None:
            return True
        adverts = self.dialogue.adverts
        return message.caption is not None and adverts is not None and adverts.scanner.is_advert(text)


async def scan(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Scan the forwarded or captioned advert (or answer the forward as a question when it is not an advert)."""
    d = handlers.deps(context)
    message = update.effective_message
    reply = d.dialogue.respond(message.text or message.caption or "", handlers.known_lang(update, context),
                               forwarded=message.forward_origin is not None)
    handlers.record(context, reply)
    await handlers.send(update, reply)


def message_handler(dialogue: Dialogue) -> MessageHandler:
    """Registered before the text and non-text handlers, so forwards and advert captions come here first."""
    return MessageHandler(filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & _ReadsAsAdvert(dialogue), scan)
