"""One normalised message, built once and read by every part of understanding.

Language identification, the danger cues and the intent model all need the same things from a message: its words
folded to the matching skeleton (see :mod:`bot.core.normalize`), the lowercased words as typed (some cues differ
only in letters the skeleton merges: "нож" knife and "ночь" night both fold to ``noj``), and a few facts about its
script. Building them once per message keeps the cost of a long story to one pass over its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from bot.core.normalize import MAX_CHARS, raw_tokens, skeleton_pairs

_TAJIK_LETTERS = frozenset("ғӣқӯҳҷ")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Message:
    """A message as understanding sees it. Build it with :meth:`of`."""

    raw: str                    # the text as typed, cut to MAX_CHARS
    tokens: tuple[str, ...]     # the skeleton of each word (see normalize.skeleton_pairs)
    originals: tuple[str, ...]  # for each token, the lowercased word as typed ("" for the child's-age marker)

    @classmethod
    def of(cls, text: str) -> Message:
        head = text[:MAX_CHARS] if isinstance(text, str) else ""
        pairs = skeleton_pairs(raw_tokens(head))
        return cls(head, tuple(sk for sk, _ in pairs), tuple(word for _, word in pairs))

    @cached_property
    def has_letters(self) -> bool:
        return any(ch.isalpha() for ch in self.raw)

    @cached_property
    def tajik_letters(self) -> bool:
        """ғ ӣ қ ӯ ҳ ҷ exist in no Russian or English word."""
        return any(ch in _TAJIK_LETTERS for ch in self.raw.lower())

    @cached_property
    def has_cyrillic(self) -> bool:
        return _CYRILLIC.search(self.raw) is not None

    @cached_property
    def has_latin(self) -> bool:
        return _LATIN.search(self.raw) is not None

    @cached_property
    def folded(self) -> str:
        """The skeleton words joined by single spaces: what phrase-level cues read."""
        return " ".join(self.tokens)
