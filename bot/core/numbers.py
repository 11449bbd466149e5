"""Phone numbers as people see them: each with its warning note and its two dates, wherever it is shown.

A number carries two separate promises that must never be blurred: when it was last *read* in its source, and
whether anyone *called* it and got an answer. Most numbers were never called, and people are told so. The chat's
emergency card, the inline cards and every printed card list many numbers at once, so they use footnotes: a number
whose note or test call or read date differs from the rest gets a small mark, the footnotes say it, and one line
gives the read date the others share. Nothing is dropped; identical footnotes are merged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.content import Call, Line
from bot.i18n import gettext_for

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def superscript(n: int) -> str:
    return str(n).translate(_SUPERSCRIPT)


def call_text(call: Call | None, lang: str) -> str:
    """One sentence on the last test call: never made, or its date, who called and what happened."""
    _ = gettext_for(lang)
    if call is None:
        return _("Never test-called.")
    if call.result == "answered":
        text = _("Test call {date} ({by}): answered.")
    elif call.result == "no_answer":
        text = _("Test call {date} ({by}): no answer.")
    else:
        text = _("Test call {date} ({by}): wrong number.")
    return text.format(date=call.date.isoformat(), by=call.by)


def read_text(line: Line, lang: str) -> str:
    _ = gettext_for(lang)
    return _("Read in the source: {date}.").format(date=line.read.isoformat())


def dates_text(line: Line, lang: str) -> str:
    """Both dates of one number: "Read in the source: 2026-11-24. Never test-called." """
    return f"{read_text(line, lang)} {call_text(line.last_call, lang)}"


@dataclass(frozen=True)
class Footnotes:
    """Marks for a list of numbers (aligned with it; "" for none), the footnotes, and the shared-dates line."""

    marks: tuple[str, ...]
    notes: tuple[str, ...]
    summary: str

    def lines(self) -> list[str]:
        return [*self.notes, self.summary]


def footnotes(lines: Sequence[Line], lang: str) -> Footnotes:
    """Footnotes for numbers shown together: each number's note, its test call if it had one, and its read date
    when it differs from the one most of them share (stated once, in ``summary``)."""
    _ = gettext_for(lang)
    if not lines:
        return Footnotes((), (), "")
    common = Counter(line.read for line in lines).most_common(1)[0][0]
    texts: dict[str, int] = {}
    marks = []
    for line in lines:
        parts = [line.note[lang]] if line.note else []
        if line.calls:
            parts.append(call_text(line.last_call, lang))
        if line.read != common:
            parts.append(read_text(line, lang))
        if not parts:
            marks.append("")
            continue
        text = " ".join(parts)
        number = texts.setdefault(text, len(texts) + 1)
        marks.append(superscript(number))
    notes = tuple(f"{superscript(n)} {text}" for text, n in texts.items())
    summary = _("Numbers read in their sources on {date}; none was test-called unless noted.").format(
        date=common.isoformat())
    return Footnotes(tuple(marks), notes, summary)
