"""The inbox's small decisions: which queue an update joins, and which failures are worth trying again."""

from __future__ import annotations

import datetime as dt

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.channels.telegram import inbox


@pytest.mark.parametrize(("raw", "key"), [
    ({"update_id": 1, "message": {"chat": {"id": 42}, "from": {"id": 42}}}, 42),
    ({"update_id": 2, "message": {"chat": {"id": -100123}, "from": {"id": 42}}}, -100123),
    ({"update_id": 3, "callback_query": {"from": {"id": 42}, "message": {"chat": {"id": -5}}}}, -5),
    ({"update_id": 4, "inline_query": {"from": {"id": 42}, "query": "passport"}}, ("user", 42)),
    ({"update_id": 5, "message": "not a message"}, ("update", 5)),
    ({"update_id": 6}, ("update", 6)),
])
def test_an_update_joins_its_chats_queue_else_its_users_else_its_own(raw, key):
    assert inbox.chat_key(raw) == key


@pytest.mark.parametrize(("error", "again"), [
    (lambda: NetworkError("Bad Gateway"), True),
    (lambda: TimedOut(), True),
    (lambda: RetryAfter(dt.timedelta(seconds=5)), True),
    (lambda: BadRequest("Message is too long"), False),
    (lambda: Forbidden("bot was blocked by the user"), False),
    (lambda: ValueError("a bug"), False),
], ids=["5xx", "timeout", "429", "400", "403", "bug"])
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # PTB 22 on RetryAfter's int/timedelta change
def test_only_failures_to_reach_telegram_are_tried_again(error, again):
    error = error()
    attempt = inbox._Attempt(update_id=1, tries=1)
    token = inbox._attempt.set(attempt)
    try:
        assert inbox.postpone(error) is again
        assert attempt.retry is again
    finally:
        inbox._attempt.reset(token)


def test_nothing_is_tried_again_outside_the_inbox_or_after_the_last_try():
    assert inbox.postpone(NetworkError("Bad Gateway")) is False
    token = inbox._attempt.set(inbox._Attempt(update_id=1, tries=inbox.MAX_TRIES))
    try:
        assert inbox.postpone(NetworkError("Bad Gateway")) is False
    finally:
        inbox._attempt.reset(token)
