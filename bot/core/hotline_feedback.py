"""Hotlines that users vouch for: "Did you call one? Did it answer?" under each country's numbers.

In November 2024 most published migrant hotlines rang unanswered and nobody knew until a journalist called them.
The people who call are the first to know, so the bot asks them, in three taps: the country's numbers are already
on screen; pick the number; answered, no answer, or wrong number. Only an anonymous daily count per number and
outcome is kept (the store's counters); nothing links a report to the person who made it.

Actions: ``hf:<country>`` (pick the number), ``hf:<country>:<i>`` (how did it go), ``hf:<country>:<i>:<a|n|w>``
(the report). Numbers are named in counts as ``<country>:<number>``, since the same short number (112) exists in
several countries.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.content import Content
from bot.core.reply import Button, Reply
from bot.i18n import gettext_for

PREFIX = "hf:"
OUTCOMES = {"a": "answered", "n": "no_answer", "w": "wrong"}
EVENT = "hotline_"  # counter events: hotline_answered, hotline_no_answer, hotline_wrong
_ACTION = re.compile(r"^hf:([a-z]{2})(?::(\d{1,2}))?(?::([anw]))?$")

#: A number "mostly fails" when at least this many people reported on it in the period and fewer than half of them
#: reached a person.
MIN_REPORTS = 3
FEEDBACK_DAYS = 30  # the period `python -m bot hotlines` reports on


def ask_button(country_id: str, lang: str) -> Button:
    _ = gettext_for(lang)
    return Button("📞 " + _("Did you call one? Did it answer?"), f"{PREFIX}{country_id}")


def label(country_id: str, number: str) -> str:
    return f"{country_id}:{number}"


@dataclass
class Tally:
    answered: int = 0
    no_answer: int = 0
    wrong: int = 0

    @property
    def total(self) -> int:
        return self.answered + self.no_answer + self.wrong

    @property
    def rate(self) -> float:
        return self.answered / self.total if self.total else 0.0

    @property
    def mostly_fails(self) -> bool:
        return self.total >= MIN_REPORTS and self.rate < 0.5


def tallies(rows: Iterable) -> dict[str, Tally]:
    """Reports per number from counter rows (``event``, ``label``, ``n``; any other fields are ignored)."""
    out: dict[str, Tally] = defaultdict(Tally)
    for row in rows:
        if row.event.startswith(EVENT) and row.event[len(EVENT):] in OUTCOMES.values():
            tally = out[row.label]
            setattr(tally, row.event[len(EVENT):], getattr(tally, row.event[len(EVENT):]) + row.n)
    return dict(out)


def summary(tally: Tally) -> str:
    """One line for staff (English, like the CLI): "answered 7 of 9 (78%), 1 wrong number"."""
    text = f"answered {tally.answered} of {tally.total} ({tally.rate:.0%})"
    if tally.wrong:
        text += f", {tally.wrong} wrong number"
    return text


def report_note(reports: dict[str, Tally], country_id: str, number: str) -> str:
    """For ``python -m bot hotlines``, after a number: what callers reported, and a flag if it mostly fails."""
    tally = reports.get(label(country_id, number))
    if tally is None:
        return ""
    return f"; users: {summary(tally)}" + (" (MOSTLY FAILS)" if tally.mostly_fails else "")


class HotlineFeedback:
    def __init__(self, content: Content):
        self.content = content

    def handles(self, action: object) -> bool:
        return isinstance(action, str) and action.startswith(PREFIX)

    def _parse(self, action: str):
        m = _ACTION.match(action)
        if not m:
            return None
        country = self.content.country(m.group(1))
        if country is None:
            return None
        index = int(m.group(2)) if m.group(2) is not None else None
        if index is not None and index >= len(country.lines):
            return None
        return country, index, m.group(3)

    def vote(self, action: str) -> tuple[str, str] | None:
        """A complete report: (counter event, number label); None for any other (or forged) action."""
        parsed = self._parse(action)
        if parsed is None or parsed[2] is None:
            return None
        country, index, outcome = parsed
        return EVENT + OUTCOMES[outcome], label(country.id, country.lines[index].number)

    def act(self, action: str, lang: str) -> Reply | None:
        """The next screen, or None when the action is not valid (the caller shows the stale-button note)."""
        parsed = self._parse(action)
        if parsed is None:
            return None
        country, index, outcome = parsed
        _ = gettext_for(lang)
        back = [Button("⬅️ " + _("Back to the numbers"), f"h:{country.id}")]
        if index is None:
            rows = [[Button(f"{line.number} — {line.name[lang]}", f"{PREFIX}{country.id}:{i}")]
                    for i, line in enumerate(country.lines)]
            return Reply(_("Which number did you call?"), lang, "hotline_pick", buttons=[*rows, back])
        line = country.lines[index]
        if outcome is None:
            base = f"{PREFIX}{country.id}:{index}"
            return Reply(_("Did {number} answer?").format(number=line.number), lang, "hotline_ask", buttons=[
                [Button("✅ " + _("A person answered"), f"{base}:a")],
                [Button("❌ " + _("No answer"), f"{base}:n")],
                [Button("⚠️ " + _("Wrong number"), f"{base}:w")],
                back])
        text = _("Thank you! This tells others which numbers work. Only a count is kept, nothing about you.")
        return Reply(text, lang, "hotline_report", buttons=[back, [Button("⬅️ " + _("Menu"), "menu")]])
