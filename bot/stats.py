"""The admins' /stats view: anonymous counts only, over the last 7 and 30 days."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from bot.storage import Store

PERIODS = (7, 30)


def format_stats(store: Store, today: dt.date | None = None) -> str:
    parts = []
    for days in PERIODS:
        rows = store.totals(days, today)
        topics: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        unanswered: dict[str, int] = defaultdict(int)
        other: dict[str, int] = defaultdict(int)
        for row in rows:
            if row.event == "topic":
                topics[row.label][row.lang] += row.n
            elif row.event == "unanswered":
                unanswered[row.lang] += row.n
            else:
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
        parts.append("\n".join(lines))
    return "\n\n".join(parts)
