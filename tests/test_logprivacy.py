"""Logs carry no user text, names or ids at any level, and no secrets: what a library logs is redacted, and a
traceback keeps an exception's message only where it cannot quote a user."""

from __future__ import annotations

import io
import logging

import pytest
from telegram.error import BadRequest

from bot.logprivacy import LibraryArgsFilter, safe_traceback
from bot.settings import TokenRedactingFormatter

NAME = "Zarina"
TOKEN = "123456789:AAHsecretSECRETsecretSECRETsecret12"
PRIVATE = {"chat_id": 7300000123, "text": "хозяин забрал паспорт", "from": {"first_name": "Zarina",
                                                                          "username": "zarina_t"}}


@pytest.fixture
def captured():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(TokenRedactingFormatter(TOKEN, "%(levelname)s %(name)s: %(message)s", ("hook-SECRET-1",)))
    handler.addFilter(LibraryArgsFilter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def assert_private(out: str) -> None:
    for needle in ("7300000123", "хозяин", "Zarina", "zarina_t", TOKEN, "hook-SECRET-1"):
        assert needle not in out, (needle, out)


def test_python_telegram_bots_debug_lines_keep_the_method_and_lose_the_data(captured):
    log = logging.getLogger("telegram.ext.ExtBot")
    log.debug("Calling Bot API endpoint `%s` with parameters `%s`", "sendMessage", PRIVATE)
    log.debug("Call to Bot API endpoint `%s` finished with return value `%s`", "getUpdates", [{"message": PRIVATE}])
    log.debug("Set Bot API URL: %s", f"https://api.telegram.org/bot{TOKEN}")
    logging.getLogger("tornado.application").error("Uncaught exception %s\n%r", "POST /hook (1.2.3.4)", PRIVATE)
    logging.getLogger("telegram.ext.Application").debug(PRIVATE)  # a bare object as the message
    out = captured.getvalue()
    assert_private(out)
    assert "`sendMessage` with parameters `<redacted>`" in out
    assert "https://api.telegram.org/bot<BOT_TOKEN>" in out


def test_our_own_lines_are_left_alone(captured):
    logging.getLogger("bot.channels.telegram.inbox").info("Update %d (%s) handled in %.1f ms", 100000001, "message",
                                                          3.25)
    assert "Update 100000001 (message) handled in 3.2 ms" in captured.getvalue()


def test_tracebacks_keep_where_it_failed_but_not_what_the_user_wrote(captured):
    try:
        int(PRIVATE["text"] + PRIVATE["from"]["first_name"])  # the line is in the traceback, its values are not
    except ValueError:
        logging.getLogger("bot.channels.telegram.handlers").exception("Error while handling an update")
    out = captured.getvalue()
    assert_private(out)
    assert "Traceback (most recent call last)" in out and "ValueError" in out and "test_logprivacy.py" in out


def test_errors_from_telegram_and_the_network_keep_their_message(captured):
    try:
        try:
            raise ConnectionError(f"cannot reach https://api.telegram.org/bot{TOKEN}/getUpdates")
        except ConnectionError as exc:
            raise BadRequest("Message to edit not found") from exc
    except BadRequest:
        logging.getLogger("bot.x").exception("failed")
    out = captured.getvalue()
    assert "telegram.error.BadRequest: Message to edit not found" in out
    assert "ConnectionError: cannot reach https://api.telegram.org/bot<BOT_TOKEN>/getUpdates" in out
    assert_private(out)


def test_safe_traceback_of_a_chain_lists_every_exception():
    try:
        try:
            {}[NAME]
        except KeyError as exc:
            raise RuntimeError(NAME) from exc
    except RuntimeError as exc:
        text = safe_traceback(exc)
    assert NAME not in text
    assert text.index("KeyError") < text.index("which led to") < text.index("RuntimeError")


def test_a_suppressed_context_stays_suppressed():
    try:
        try:
            {}[NAME]
        except KeyError:
            raise RuntimeError(NAME) from None
    except RuntimeError as exc:
        text = safe_traceback(exc)
    assert "RuntimeError" in text and "KeyError" not in text and NAME not in text
