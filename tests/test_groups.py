"""In groups the bot answers only what is addressed to it; captions are read as the message."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from telegram import Chat, Message, MessageEntity, User

from bot.channels.telegram.groups import addressed_to_bot, text_for_bot

BOT = SimpleNamespace(id=999, username="SafeRoadTestBot")
PERSON = User(5, "Zarina", is_bot=False)
GROUP = Chat(-100123, Chat.SUPERGROUP)
PRIVATE = Chat(5, Chat.PRIVATE)


def message(text: str | None = None, chat: Chat = GROUP, caption: str | None = None,
            reply_to: Message | None = None) -> Message:
    def entities(s: str | None) -> list[MessageEntity]:
        """As Telegram marks them: @mentions (not inside an e-mail address) and a leading /command."""
        found = [MessageEntity(MessageEntity.MENTION, m.start(), m.end() - m.start())
                 for m in re.finditer(r"(?<![\w.])@\w+", s or "")]
        command = re.match(r"/\w+(@\w+)?", s or "")
        if command:
            found.append(MessageEntity(MessageEntity.BOT_COMMAND, 0, command.end()))
        return found

    msg = Message(1, dt.datetime.now(dt.timezone.utc), chat, from_user=PERSON, text=text, caption=caption,
                  entities=entities(text), caption_entities=entities(caption), reply_to_message=reply_to)
    msg.set_bot(BOT)
    return msg


@pytest.mark.parametrize("text", ["hi all", "my passport was taken", "@SomeoneElse what do you think?",
                                  "/help@OtherBot", "email me at x@SafeRoadTestBot.org"])
def test_group_chatter_is_not_for_the_bot(text):
    assert not addressed_to_bot(message(text))


@pytest.mark.parametrize("text", ["/help", "/help@SafeRoadTestBot", "/start@saferoadtestbot passport_taken",
                                  "@SafeRoadTestBot my passport was taken", "what now @saferoadtestbot?"])
def test_commands_and_mentions_are(text):
    assert addressed_to_bot(message(text))


def test_a_reply_to_the_bots_own_message_is_for_the_bot_and_a_reply_to_someone_else_is_not():
    from_bot = Message(7, dt.datetime.now(dt.timezone.utc), GROUP, from_user=User(999, "Safe Road", is_bot=True),
                       text="card")
    from_person = Message(8, dt.datetime.now(dt.timezone.utc), GROUP, from_user=PERSON, text="hello")
    assert addressed_to_bot(message("and what about wages?", reply_to=from_bot))
    assert not addressed_to_bot(message("and what about wages?", reply_to=from_person))


def test_everything_in_a_private_chat_is_for_the_bot():
    assert addressed_to_bot(message("hi all", chat=PRIVATE))


def test_a_caption_is_read_as_the_message_and_can_mention_the_bot():
    assert text_for_bot(message(caption="my passport was taken", chat=PRIVATE)) == "my passport was taken"
    photo = message(caption="@SafeRoadTestBot is this contract fair?")
    assert addressed_to_bot(photo)
    assert text_for_bot(photo) == "is this contract fair?"
    assert text_for_bot(message("@SafeRoadTestBot my passport was taken")) == "my passport was taken"
