"""The admins' /stats view: anonymous counts only, over the last 7 and 30 days, and the numbers for its chart.

Besides the topics asked: cases opened and closed, alerts sent, and what users reported about the hotlines they
called (a number "mostly fails" when at least three people reported on it and fewer than half reached a person).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from typing import Any

from bot.core.hotline_feedback import Tally, summary, tallies
from bot.storage import Store

PERIODS = (7, 30)
CHART_WEEKS = 8
ASKED = ("topic", "unanswered")  # what counts as a question asked (an emergency is also counted as its topic)


def format_stats(store: Store, today: dt.date | None = None) -> str:
    parts = []
    for days in PERIODS:
        rows = store.totals(days, today)
        topics: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        unanswered: dict[str, int] = defaultdict(int)
        cases: dict[str, int] = defaultdict(int)
        other: dict[str, int] = defaultdict(int)
        for row in rows:
            if row.event == "topic":
                topics[row.label][row.lang] += row.n
            elif row.event == "unanswered":
                unanswered[row.lang] += row.n
            elif row.event == "case":
                cases[row.label] += row.n
            elif not row.event.startswith("hotline_"):
                other[f"{row.event} {row.label}".strip()] += row.n
        lines = [f"Last {days} days"]
        if not rows:
            lines.append("  nothing yet")
        for topic, by_lang in sorted(topics.items(), key=lambda kv: -sum(kv[1].values())):
            split = ", ".join(f"{lang} {n}" for lang, n in sorted(by_lang.items()))
            lines.append(f"  {topic}: {sum(by_lang.values())} ({split})")
        if unanswered:
            split = ", ".join(f"{lang} {n}" for lang, n in sorted(unanswered.items()))
            lines.append(f"  unanswered: {sum(unanswered.values())} ({split})")
        for label, n in sorted(other.items()):
            lines.append(f"  {label}: {n}")
        if cases:
            lines.append(f"  cases: {cases['opened']} opened, {cases['closed']} closed")
        lines.extend(_alert_lines(store, days, today))
        lines.extend(_hotline_lines(tallies(rows)))
        parts.append("\n".join(lines))
    subscribers = store.subscriber_counts()
    if subscribers:
        split = ", ".join(f"{lang} {n}" for lang, n in sorted(subscribers.items()))
        parts[-1] += f"\nAlert subscribers now: {sum(subscribers.values())} ({split})"
    return "\n\n".join(parts)


def _since(days: int, today: dt.date | None) -> float:
    start = (today or dt.date.today()) - dt.timedelta(days=days - 1)
    return time.mktime(start.timetuple())


def _alert_lines(store: Store, days: int, today: dt.date | None) -> list[str]:
    sent = store.broadcasts_since(_since(days, today))
    if not sent:
        return []
    return [f"  alerts: {len(sent)}, {sum(b.sent for b in sent)} messages sent, {sum(b.failed for b in sent)} failed, "
            f"{sum(b.unsubscribed for b in sent)} unsubscribed"]


def _hotline_lines(by_number: dict[str, Tally]) -> list[str]:
    if not by_number:
        return []
    lines = ["  hotline reports (people who called):"]
    for label, tally in sorted(by_number.items(), key=lambda kv: (-kv[1].total, kv[0])):
        flag = " MOSTLY FAILS" if tally.mostly_fails else ""
        lines.append(f"    {label}: {summary(tally)}{flag}")
    return lines


def chart_data(store: Store, today: dt.date | None = None, weeks: int = CHART_WEEKS) -> dict[str, Any]:
    """What the /stats chart shows, as plain data (JSON-ready): per week, questions by language, cases opened and
    closed, alert messages sent; and each reported hotline's answered rate over 30 days."""
    today = today or dt.date.today()
    first = today - dt.timedelta(days=today.weekday() + 7 * (weeks - 1))  # a Monday
    starts = [first + dt.timedelta(weeks=i) for i in range(weeks)]

    def week(day: dt.date) -> int:
        return (day - first).days // 7

    asked: dict[str, list[int]] = defaultdict(lambda: [0] * weeks)
    opened, closed, alerts = [0] * weeks, [0] * weeks, [0] * weeks
    for row in store.daily((today - first).days + 1, today):
        i = week(dt.date.fromisoformat(row.day))
        if row.event in ASKED:
            asked[row.lang][i] += row.n
        elif row.event == "case":
            (opened if row.label == "opened" else closed)[i] += row.n
    for broadcast in store.broadcasts_since(time.mktime(first.timetuple())):
        i = week(dt.date.fromtimestamp(broadcast.created))
        if 0 <= i < weeks:
            alerts[i] += broadcast.sent
    hotlines = sorted(tallies(store.totals(30, today)).items(), key=lambda kv: (-kv[1].total, kv[0]))[:10]
    return {
        "weeks": [d.isoformat() for d in starts],
        "asked": {lang: counts for lang, counts in sorted(asked.items())},
        "cases_opened": opened,
        "cases_closed": closed,
        "alerts_sent": alerts,
        "hotlines": [{"label": label, "answered": t.answered, "total": t.total, "fails": t.mostly_fails}
                     for label, t in hotlines],
    }
