"""Groups: the bot speaks when spoken to, and reads a caption as the message it stands for.

In a private chat every message is for the bot. In a group (when the bot can read all messages there) it answers
only commands, messages that mention it and replies to its own messages; "hi all" is not for it. A photo or file
with a caption is read as if the caption were the text.
"""

from __future__ import annotations

import re

from telegram import Message, MessageEntity
from telegram.constants import ChatType
from telegram.ext import filters


def addressed_to_bot(message: Message) -> bool:
    if message.chat.type == ChatType.PRIVATE:
        return True
    bot = message.get_bot()
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
        return True
    username = (bot.username or "").lower()
    entities = message.parse_entities() if message.text else message.parse_caption_entities()
    for entity, text in entities.items():
        if entity.type == MessageEntity.MENTION and username and text[1:].lower() == username:
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user is not None and entity.user.id == bot.id:
            return True
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            # "/help" is for every bot in the group; "/help@OtherBot" is not for this one.
            _, _, target = text.partition("@")
            return not target or target.lower() == username
    return False


class AddressedToBot(filters.MessageFilter):
    """Private messages; in groups, commands, mentions of the bot and replies to it."""

    def filter(self, message: Message) -> bool:
        return addressed_to_bot(message)


ADDRESSED = AddressedToBot(name="AddressedToBot")


def text_for_bot(message: Message) -> str:
    """What the person wrote to the bot: the text, or a photo's or file's caption, without the bot's @name."""
    text = message.text or message.caption or ""
    username = message.get_bot().username
    if username and message.chat.type != ChatType.PRIVATE:
        text = re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE).strip()
    return text
