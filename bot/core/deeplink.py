"""Deep links for outreach: ``t.me/<bot>?start=<payload>`` opens the bot on a topic and/or in a language.

Payload forms: ``<topic>-<lang>`` (``passport_taken-tg``), ``<topic>`` or ``<lang>``. Telegram allows 1-64
characters from ``A-Za-z0-9_-`` in a payload, which all our ids satisfy.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass

from bot import LANGUAGES

_PAYLOAD_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class StartTarget:
    topic: str | None = None
    lang: str | None = None


def parse_payload(payload: str | None, topics: Container[str], extra: Container[str] = ()) -> StartTarget:
    """What a /start payload asks for; anything unknown or malformed gives an empty target (plain welcome).

    ``extra`` names non-topic screens that deep links may also open (for example the job-offer check).
    """
    if not payload or not _PAYLOAD_RE.match(payload):
        return StartTarget()
    payload = payload.strip()
    if payload in LANGUAGES:
        return StartTarget(lang=payload)
    head, sep, tail = payload.rpartition("-")
    if sep and tail in LANGUAGES and (head in topics or head in extra):
        return StartTarget(topic=head, lang=tail)
    if payload in topics or payload in extra:
        return StartTarget(topic=payload)
    return StartTarget()


def make_payload(topic: str | None, lang: str | None) -> str:
    return "-".join(p for p in (topic, lang) if p)


def link(bot_username: str, topic: str | None = None, lang: str | None = None) -> str:
    """The t.me link that opens the bot on ``topic`` in ``lang`` (either may be omitted)."""
    username = bot_username.lstrip("@")
    payload = make_payload(topic, lang)
    return f"https://t.me/{username}?start={payload}" if payload else f"https://t.me/{username}"
