"""Logs without people in them, at every level.

Our own log lines name updates by id and type and chats by a keyed hash, never by text, name or id. Libraries are
less careful: at DEBUG python-telegram-bot logs every Bot API call with its parameters and results (message texts,
names, usernames, ids), and tornado logs a failed request with its headers. :class:`LibraryArgsFilter` keeps a
library's log line but replaces each argument that could carry such data with ``<redacted>``; only numbers and
short single-word strings (method names, URLs) stay. :func:`safe_traceback` writes a traceback as file, line and
exception type, and keeps the message only of exceptions that cannot quote a user (network, Bot API and database
errors), since a message such as ``invalid literal for int(): '<what the user wrote>'`` can.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import traceback

REDACTED = "<redacted>"
OWN_LOGGERS = ("bot", "__main__")
_SAFE_STRING = re.compile(r"[A-Za-z0-9_.:/@=-]{0,120}")
_SAFE_MODULES = ("telegram", "httpx", "httpcore", "tornado", "anyio")


def _safe_arg(value: object) -> object:
    if value is None or isinstance(value, (bool, int, float, type)):
        return value
    if isinstance(value, str) and _SAFE_STRING.fullmatch(value):
        return value
    if isinstance(value, BaseException):
        return type(value).__name__
    return REDACTED


class LibraryArgsFilter(logging.Filter):
    """Redacts what third-party log lines would print of their arguments (see the module docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.split(".")[0] in OWN_LOGGERS:
            return True
        if not isinstance(record.msg, str):
            record.msg, record.args = REDACTED, None
        elif isinstance(record.args, dict):
            record.args = {key: _safe_arg(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(_safe_arg(arg) for arg in record.args)
        return True


def message_is_safe(exc: BaseException) -> bool:
    """Errors whose text comes from the network, the Bot API or the database, not from what a user wrote."""
    if isinstance(exc, (OSError, TimeoutError, sqlite3.Error)):
        return True
    return type(exc).__module__.split(".")[0] in _SAFE_MODULES


def describe(exc: BaseException) -> str:
    name = type(exc).__qualname__
    module = type(exc).__module__
    if module not in ("builtins", "__main__"):
        name = f"{module}.{name}"
    return f"{name}: {exc}" if message_is_safe(exc) and str(exc) else name


def safe_traceback(exc: BaseException) -> str:
    """Like ``traceback.format_exception``, chained exceptions included, with messages only where safe."""
    chain: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    parts: list[str] = []
    for i, item in enumerate(reversed(chain)):
        if i:
            parts.append("\nwhich led to\n\n")
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(item.__traceback__))
        parts.append(describe(item) + "\n")
    return "".join(parts).rstrip("\n")
