"""The /stats chart: one small PNG with four panels (questions per week and language, cases opened and closed,
alert messages sent, hotline answered rates), drawn with matplotlib's Agg backend.

matplotlib and numpy add about 40 MB and a second of start-up, for a picture an admin asks for now and then; so the
bot draws it in a short-lived child process (``python -m bot.chart``: the data as JSON on stdin, the PNG on
stdout) and its own memory and start-up stay as they were. :func:`render` is the drawing itself.
"""

from __future__ import annotations

import asyncio
import io
import json
import sys
from typing import Any

LANG_COLOURS = {"tg": "#1b9e77", "ru": "#d95f02", "en": "#7570b3"}
TIMEOUT = 60.0


def render(data: dict[str, Any]) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    weeks = [w[5:] for w in data["weeks"]]  # MM-DD of each week's Monday
    x = list(range(len(weeks)))
    fig = Figure(figsize=(8, 6), dpi=80, layout="constrained")
    (asked, cases), (alerts, hotlines) = fig.subplots(2, 2)

    bottom = [0] * len(x)
    for lang, counts in data["asked"].items():
        asked.bar(x, counts, bottom=bottom, label=lang, color=LANG_COLOURS.get(lang, "grey"))
        bottom = [b + c for b, c in zip(bottom, counts)]
    asked.set_title("Questions per week, by language")
    if data["asked"]:
        asked.legend(fontsize="small")

    width = 0.4
    cases.bar([i - width / 2 for i in x], data["cases_opened"], width, label="opened", color="#e7298a")
    cases.bar([i + width / 2 for i in x], data["cases_closed"], width, label="closed", color="#666666")
    cases.set_title("Cases per week")
    cases.legend(fontsize="small")

    alerts.bar(x, data["alerts_sent"], color="#e6ab02")
    alerts.set_title("Alert messages sent per week")

    for ax in (asked, cases, alerts):
        ax.set_xticks(x, weeks, fontsize="small", rotation=45)
        ax.yaxis.get_major_locator().set_params(integer=True)

    rows = data["hotlines"]
    if rows:
        y = list(range(len(rows)))
        rates = [100 * r["answered"] / r["total"] for r in rows]
        hotlines.barh(y, rates, color=["#d62728" if r["fails"] else "#2ca02c" for r in rows])
        hotlines.set_yticks(y, [f"{r['label']} ({r['total']})" for r in rows], fontsize="x-small")
        hotlines.invert_yaxis()
        hotlines.set_xlim(0, 100)
    else:
        hotlines.text(0.5, 0.5, "no reports yet", ha="center", va="center", transform=hotlines.transAxes)
        hotlines.set_yticks([])
    hotlines.set_title("Hotlines: % answered, 30 days (reports)")

    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


async def render_in_child(data: dict[str, Any]) -> bytes:
    """:func:`render` in a child process, so matplotlib never loads into the bot."""
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.chart", stdin=asyncio.subprocess.PIPE,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        png, err = await asyncio.wait_for(proc.communicate(json.dumps(data).encode()), TIMEOUT)
    except BaseException:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        raise
    if proc.returncode != 0 or not png.startswith(b"\x89PNG"):
        raise RuntimeError(f"the chart process failed (exit {proc.returncode}): {err.decode(errors='replace')[-300:]}")
    return png


def main() -> int:
    sys.stdout.buffer.write(render(json.load(sys.stdin)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
