"""Today's rules of one destination on a card: which rules, in what order, and how they read on a phone.

A card shows at most :data:`MAX_ON_CARD` rules under an "as of <date>" line, each with its sources and their dates,
and any note that the sources disagree; the "More" view shows them all. When the card answers a question, the rules
that share the most words with it come first, so "how many days to register" shows the registration deadline even
when the destination has more rules for that card than fit.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from bot import LANGUAGES
from bot.core.normalize import tokens
from bot.i18n import gettext_for, ngettext_for
from bot.rules import Rule, RuleBook, short_name

MAX_ON_CARD = 3
#: Words shorter than this ("в", "the", "дар") say nothing about which rule was asked about.
_MIN_WORD = 4
_STEM = 5


def distinctive_words(toks: Sequence[str]) -> set[str]:
    """The words of a message that can tell rules apart: 4 letters or more, cut to a short stem so Russian cases and
    Tajik suffixes meet."""
    return {t[:_STEM] for t in toks if len(t) >= _MIN_WORD and t.isalpha()}


class RulesView:
    """Built once from the content; picks and renders rules per card, country and language."""

    def __init__(self, book: RuleBook, sources: Mapping[str, Any]):
        self.book = book
        self.sources = sources
        self._words = {(r.country, r.id): distinctive_words([t for lang in LANGUAGES for t in tokens(r.text[lang])])
                       for r in book.all()}
        counts = Counter(w for words in self._words.values() for w in words)
        n = max(len(self._words), 1)
        self._weight = {w: math.log(1 + n / c) for w, c in counts.items()}

    def ranked(self, country: str, topic: str, toks: Sequence[str] | None = None) -> tuple[Rule, ...]:
        """The country's rules for the card, those closest to the question first (file order otherwise)."""
        rules = self.book.for_topic(country, topic)
        if not toks or len(rules) < 2:
            return rules
        asked = distinctive_words(toks)
        score = {r.id: sum(self._weight.get(w, 0.0) for w in self._words[(r.country, r.id)] & asked) for r in rules}
        return tuple(sorted(rules, key=lambda r: -score[r.id]))  # stable: ties keep file order

    def source_line(self, rule: Rule) -> str:
        """ "Federal Law 393-FZ, 2013-12-28; Klerk.ru, 2025-08-15" """
        return "; ".join(f"{short_name(self.sources, s)}, {self.sources[s].get('date')}" for s in rule.sources)

    def block(self, title: str, rules: Sequence[Rule], lang: str, hidden: int = 0) -> str:
        """The rules under the country's title and the date they were checked; ``hidden`` more are behind More."""
        _ = gettext_for(lang)
        dates = sorted({r.checked for r in rules})
        head = (_("{country}: rules as of {date}").format(country=title, date=dates[0].isoformat())
                if len(dates) == 1 else _("{country}: rules").format(country=title))
        lines = [head + ":"]
        for rule in rules:
            checked = "" if len(dates) == 1 else " " + _("(checked {date})").format(date=rule.checked.isoformat())
            lines.append(f"• {rule.text[lang]} [{self.source_line(rule)}]{checked}")
            if rule.conflict:
                lines.append(f"  ⚠️ {rule.conflict[lang]}")
        if hidden:
            ngettext = ngettext_for(lang)
            lines.append(ngettext("{n} more rule: the More button.", "{n} more rules: the More button.", hidden)
                         .format(n=hidden))
        return "\n".join(lines)
