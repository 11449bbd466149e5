"""Settings are checked with messages an operator can act on, and the token never reaches a log line."""

from __future__ import annotations

import io
import logging

import pytest

from bot.settings import SettingsError, TokenRedactingFormatter, load_settings

TOKEN = "123456789:AAHsecretSECRETsecretSECRETsecret12"


def test_defaults_and_parsing():
    s = load_settings({"BOT_TOKEN": TOKEN, "ADMIN_IDS": "1, 22 ,333", "LOG_LEVEL": "debug"})
    assert s.admin_ids == {1, 22, 333} and s.log_level == "DEBUG"
    assert s.base_url == "https://api.telegram.org/bot" and s.webhook_url is None
    assert TOKEN not in repr(s)
    assert s.listen == "127.0.0.1", "the webhook listens locally, behind a reverse proxy, unless told otherwise"
    assert (s.rate_per_chat, s.chat_queue_limit) == (1.0, 10)
    s = load_settings({"BOT_TOKEN": TOKEN, "LISTEN": "0.0.0.0", "RATE_LIMIT_PER_CHAT": "0.5", "CHAT_QUEUE_LIMIT": "3"})
    assert (s.listen, s.rate_per_chat, s.chat_queue_limit) == ("0.0.0.0", 0.5, 3)


@pytest.mark.parametrize("env, words", [
    ({}, "BOT_TOKEN is not set"),
    ({"BOT_TOKEN": "hello"}, "does not look like"),
    ({"BOT_TOKEN": TOKEN, "ADMIN_IDS": "me"}, "ADMIN_IDS"),
    ({"BOT_TOKEN": TOKEN, "WEBHOOK_URL": "https://example.org/hook"}, "WEBHOOK_SECRET is required"),
    ({"BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": "ftp://x"}, "TELEGRAM_BASE_URL"),
    ({"BOT_TOKEN": TOKEN, "PORT": "eighty"}, "PORT"),
    ({"BOT_TOKEN": TOKEN, "CHAT_QUEUE_LIMIT": "0"}, "CHAT_QUEUE_LIMIT"),
    ({"BOT_TOKEN": TOKEN, "RATE_LIMIT_PER_CHAT": "-1"}, "RATE_LIMIT_PER_CHAT"),
])
def test_bad_settings_are_explained(env, words):
    with pytest.raises(SettingsError) as err:
        load_settings(env)
    assert words in str(err.value)
    assert TOKEN not in str(err.value)


def test_token_is_scrubbed_from_messages_and_tracebacks():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(TokenRedactingFormatter(TOKEN, "%(message)s"))
    log = logging.getLogger("test.redact")
    log.addHandler(handler)
    try:
        log.warning("POST https://api.telegram.org/bot%s/sendMessage", TOKEN)
        try:
            raise ConnectionError(f"cannot reach https://api.telegram.org/bot{TOKEN}/getUpdates")
        except ConnectionError:
            log.exception("network")
    finally:
        log.removeHandler(handler)
    out = stream.getvalue()
    assert TOKEN not in out and out.count("<BOT_TOKEN>") >= 2


def test_people_to_people_settings():
    s = load_settings({"BOT_TOKEN": TOKEN})
    assert s.operators_chat_id is None, "no case desk unless a caseworkers' group is named"
    assert (s.case_retention_days, s.case_reminder_minutes, s.broadcast_rate, s.operators_lang) == (30, 30, 25, "ru")
    s = load_settings({"BOT_TOKEN": TOKEN, "OPERATORS_CHAT_ID": "-1001234567890", "CASE_RETENTION_DAYS": "0.5",
                       "OPERATORS_LANG": "TG"})
    assert (s.operators_chat_id, s.case_retention_days, s.operators_lang) == (-1001234567890, 0.5, "tg")
    for env, words in (({"OPERATORS_CHAT_ID": "my group"}, "OPERATORS_CHAT_ID"),
                       ({"OPERATORS_LANG": "de"}, "OPERATORS_LANG"), ({"CASE_RETENTION_DAYS": "0"}, "CASE_RETENTION")):
        with pytest.raises(SettingsError) as err:
            load_settings({"BOT_TOKEN": TOKEN, **env})
        assert words in str(err.value)
