"""Settings from the environment, checked once at start-up with messages an operator can act on.

The bot token is a secret: it is validated by shape only, never printed, and :class:`TokenRedactingFormatter`
scrubs it from every log line (httpx logs request URLs, and Telegram URLs contain the token).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
_TOKEN_RE = re.compile(r"^\d{3,15}:[A-Za-z0-9_-]{20,100}$")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message says which and how to fix it (never the token)."""


@dataclass(frozen=True)
class Settings:
    token: str = field(repr=False)
    base_url: str = DEFAULT_BASE_URL
    data_dir: Path = Path("data")
    admin_ids: frozenset[int] = frozenset()
    log_level: str = "INFO"
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    listen: str = "127.0.0.1"      # behind a reverse proxy that terminates TLS
    port: int = 8443
    rate_overall: float = 30.0     # messages per second, Telegram's documented broadcast limit
    rate_per_chat: float = 1.0     # messages per second in one private chat (groups: 20 a minute)
    chat_queue_limit: int = 10     # updates one chat may have waiting; beyond that it is flooding
    # People to people (cases, alerts): see bot/core/cases.py and bot/core/alerts.py.
    operators_chat_id: int | None = None  # the caseworkers' Telegram group; None: no case desk at all
    operators_lang: str = "ru"            # the language of the bot's notes in that group
    case_retention_days: float = 30.0     # an open case idle this long is closed and deleted
    case_reminder_minutes: float = 30.0   # no caseworker answer this long: the user is told the hotlines
    broadcast_rate: float = 25.0          # alert messages per second (Telegram allows about 30 in all)

    @property
    def base_file_url(self) -> str:
        return self.base_url.rstrip("/").removesuffix("/bot") + "/file/bot"

    @property
    def webhook_path(self) -> str:
        return urlparse(self.webhook_url or "").path.lstrip("/") or "telegram"


def _int_env(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None


def _positive_int_env(env: Mapping[str, str], name: str, default: int) -> int:
    value = _int_env(env, name, default)
    if value < 1:
        raise SettingsError(f"{name} must be 1 or more, got {value}")
    return value


def _float_env(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be above zero, got {raw!r}")
    return value


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and check the settings; raise :class:`SettingsError` with an actionable message."""
    env = os.environ if env is None else env
    token = env.get("BOT_TOKEN", "").strip()
    if not token:
        raise SettingsError(
            "BOT_TOKEN is not set. Get a token from @BotFather and set BOT_TOKEN (see .env.example). "
            "Without a token you can still try the bot in the terminal: python -m bot chat")
    if not _TOKEN_RE.match(token):
        raise SettingsError(
            "BOT_TOKEN does not look like a Telegram bot token (expected digits, a colon and a long key, as "
            "@BotFather gives it). Check for spaces or quotes around it.")
    base_url = env.get("TELEGRAM_BASE_URL", "").strip() or DEFAULT_BASE_URL
    parsed = urlparse(base_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise SettingsError(f"TELEGRAM_BASE_URL must be an http(s) URL such as {DEFAULT_BASE_URL}, got {base_url!r}")

    admin_ids: set[int] = set()
    for part in re.split(r"[,\s]+", env.get("ADMIN_IDS", "").strip()):
        if not part:
            continue
        if not re.fullmatch(r"-?\d+", part):
            raise SettingsError(f"ADMIN_IDS must be Telegram user ids separated by commas, got {part!r}")
        admin_ids.add(int(part))

    log_level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise SettingsError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {log_level!r}")

    webhook_url = env.get("WEBHOOK_URL", "").strip() or None
    webhook_secret = env.get("WEBHOOK_SECRET", "").strip() or None
    if webhook_url:
        if urlparse(webhook_url).scheme not in ("http", "https"):
            raise SettingsError(f"WEBHOOK_URL must be an https URL, got {webhook_url!r}")
        if not webhook_secret or not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", webhook_secret):
            raise SettingsError(
                "WEBHOOK_SECRET is required with WEBHOOK_URL: 1-256 characters of A-Z, a-z, 0-9, _ and -. "
                "Telegram sends it with every update and the bot refuses requests without it.")

    operators_raw = env.get("OPERATORS_CHAT_ID", "").strip()
    if operators_raw and not re.fullmatch(r"-?\d+", operators_raw):
        raise SettingsError("OPERATORS_CHAT_ID must be the caseworkers' group id, a number such as "
                            f"-1001234567890, got {operators_raw!r}")
    operators_lang = env.get("OPERATORS_LANG", "").strip().lower() or "ru"
    if operators_lang not in ("tg", "ru", "en"):
        raise SettingsError(f"OPERATORS_LANG must be tg, ru or en, got {operators_lang!r}")

    return Settings(
        token=token,
        base_url=base_url,
        data_dir=Path(env.get("DATA_DIR", "").strip() or "data"),
        admin_ids=frozenset(admin_ids),
        log_level=log_level,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        listen=env.get("LISTEN", "").strip() or "127.0.0.1",
        port=_int_env(env, "PORT", 8443),
        rate_overall=_float_env(env, "RATE_LIMIT_OVERALL", 30.0),
        rate_per_chat=_float_env(env, "RATE_LIMIT_PER_CHAT", 1.0),
        chat_queue_limit=_positive_int_env(env, "CHAT_QUEUE_LIMIT", 10),
        operators_chat_id=int(operators_raw) if operators_raw else None,
        operators_lang=operators_lang,
        case_retention_days=_float_env(env, "CASE_RETENTION_DAYS", 30.0),
        case_reminder_minutes=_float_env(env, "CASE_REMINDER_MINUTES", 30.0),
        broadcast_rate=_float_env(env, "BROADCAST_RATE", 25.0),
    )


def bot_username_from_env(env: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if env is None else env
    return env.get("BOT_USERNAME", "").strip().lstrip("@") or None


class TokenRedactingFormatter(logging.Formatter):
    """Formats as usual, then removes the token (and any other secret, such as the webhook secret) from the whole
    text, tracebacks included (an httpx error message carries the request URL, and Bot API URLs contain the
    token). Tracebacks keep an exception's message only where it cannot quote a user (:mod:`bot.logprivacy`)."""

    def __init__(self, token: str | None, fmt: str | None = None, secrets: tuple[str, ...] = ()):
        super().__init__(fmt)
        self.secrets = [(s, "<BOT_TOKEN>" if s == token else "<SECRET>") for s in (token, *secrets) if s]

    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        from bot.logprivacy import safe_traceback

        return safe_traceback(ei[1]) if ei and ei[1] is not None else super().formatException(ei)

    def format(self, record: logging.LogRecord) -> str:
        record.exc_text = None  # another handler may have cached the full traceback on the record
        text = super().format(record)
        for secret, mark in self.secrets:
            text = text.replace(secret, mark)
        return text


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(level: str, token: str | None = None, secrets: tuple[str, ...] = ()) -> None:
    """Logging for the bot: no token or secret, and no user text, name or id at any level (DEBUG included)."""
    from bot.logprivacy import LibraryArgsFilter

    logging.basicConfig(format=LOG_FORMAT, level=level)
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(TokenRedactingFormatter(token, LOG_FORMAT, secrets))
        handler.addFilter(LibraryArgsFilter())
