"""Spotting a destination country named in a message: "виза в Турцию", "Qazoqiston", "Dubai", "Saudi".

A country named in the message wins over the one the user chose, for that reply only: someone who picked Russia and
asks about a visa for Türkiye wants Türkiye's rules now. The names come from ``content/destinations.yaml`` (countries
and big cities, in the three languages and both alphabets) and are folded to the same matching skeleton as messages
(:mod:`bot.core.normalize`), so Tajik with or without its own letters, Latin spellings and Russian cases all match
one entry; a name ending in ``*`` also matches any ending.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.normalize import raw_tokens, skeleton
from bot.rules import Destination


def _fold(name: str) -> tuple[str, ...]:
    return tuple(s for s in (skeleton(t) for t in raw_tokens(name)) if s)


class DestinationSpotter:
    """Built once from the destinations; :meth:`spot` then costs one pass over the message's words."""

    def __init__(self, destinations: Sequence[Destination]):
        self._exact: dict[str, str] = {}
        self._prefixes: list[tuple[str, str]] = []
        self._phrases: list[tuple[tuple[str, ...], bool, str]] = []  # (words, last word is a prefix, country)
        for destination in destinations:
            for name in destination.names:
                prefix = name.endswith("*")
                words = _fold(name.rstrip("*"))
                if not words:
                    continue
                if len(words) > 1:
                    self._phrases.append((words, prefix, destination.id))
                elif prefix:
                    self._prefixes.append((words[0], destination.id))
                else:
                    self._exact.setdefault(words[0], destination.id)
        self._prefixes.sort(key=lambda p: -len(p[0]))

    def spot(self, words: Sequence[str]) -> tuple[str, ...]:
        """The destination ids named by a message's words (its skeleton tokens, see :class:`~bot.core.text.Message`),
        each once, in the order they are first named."""
        words = list(words)
        found: dict[str, None] = {}
        for i, word in enumerate(words):
            country = self._exact.get(word) or next((c for p, c in self._prefixes if word.startswith(p)), None)
            if country is None:
                country = next((c for phrase, prefix, c in self._phrases if self._at(words, i, phrase, prefix)), None)
            if country is not None:
                found.setdefault(country, None)
        return tuple(found)

    @staticmethod
    def _at(words: list[str], i: int, phrase: tuple[str, ...], prefix: bool) -> bool:
        window = words[i:i + len(phrase)]
        if len(window) < len(phrase) or window[:-1] != list(phrase[:-1]):
            return False
        return window[-1].startswith(phrase[-1]) if prefix else window[-1] == phrase[-1]
