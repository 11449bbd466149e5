"""People to people, measured through the Bot API stand-in: start-up, memory, /stats with its chart, and an alert.

- start-up: from launching ``python -m bot run`` to its first long poll, and its RSS then;
- /stats: how long until the chart arrives, and the bot's RSS after it (the chart is drawn in a child process);
- a broadcast to N subscribers (seeded in the store) at the default BROADCAST_RATE: messages/s and the busiest
  second, then the same again with a ``kill -9`` halfway: duplicates after the restart.

``--repo DIR`` runs the start-up part against another checkout (e.g. ``git archive reliability | tar -x -C DIR``)
to compare: with the same Python, the same stand-in. Figures are printed, never asserted.

Run: python bench/people.py [--subscribers 1000] [--runs 3] [--repo DIR]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.storage import Store  # noqa: E402
from tests.botapi.emulator import BotApiEmulator  # noqa: E402
from tests.e2e_helpers import BOT_USERNAME, TOKEN, BotProcess, bot_env  # noqa: E402

ADMIN = 7_000_000_042


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def startup(repo: Path, runs: int) -> tuple[list[float], list[float]]:
    """Seconds from launch to the first getUpdates, and RSS (MB) then, for ``runs`` fresh starts."""
    seconds, rss = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp, BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as api:
            env = bot_env({"BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": api.base_url, "DATA_DIR": tmp,
                           "PYTHONPATH": str(repo)})
            began = time.monotonic()
            proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=repo, env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
            try:
                api.wait_for("getUpdates", timeout=60, since=0)
                seconds.append(time.monotonic() - began)
                time.sleep(1.0)
                rss.append(rss_mb(proc.pid))
            finally:
                proc.terminate()
                proc.wait(15)
    return seconds, rss


def broadcast(subscribers: int, kill_at: float | None, tmp: Path) -> dict[str, float]:
    users = [7_600_000_000 + i * 7 for i in range(subscribers)]
    store = Store(tmp)
    for user in users:
        store.subscribe(user, user, "ru")
    store.close()
    with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as api:
        bot = BotProcess(api, tmp, tmp / "bot.log", env={"ADMIN_IDS": str(ADMIN)})
        try:
            bot.start()
            api.push_command(ADMIN, "/broadcast", language_code="en")
            bot.wait_reply(ADMIN)
            api.push_message(ADMIN, "Внимание: новые правила регистрации с 1 числа.", language_code="en")
            control = bot.wait_reply(ADMIN)
            send = control["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
            started = api.mark()
            api.push_callback(ADMIN, control, send, language_code="en")

            def copies():
                return [c for c in api.calls[started:] if c.method == "copyMessage" and c.ok
                        and c.params["chat_id"] != ADMIN]

            if kill_at is not None:
                while len(copies()) < kill_at * subscribers:
                    time.sleep(0.02)
                bot.proc.kill()
                bot.stop()
                bot.start()
            bot.wait_call(lambda c: c.method == "sendMessage" and c.params.get("chat_id") == ADMIN
                          and "is finished" in c.params.get("text", ""), timeout=subscribers / 10 + 60,
                          since=started)
            rss = rss_mb(bot.proc.pid, "VmHWM")
        finally:
            bot.stop()
        sent = copies()
    per_chat = Counter(c.params["chat_id"] for c in sent)
    first = [c.at for c in sent]
    busiest = 0
    j = 0
    for i, at in enumerate(first):  # calls are in order of arrival
        while first[j] < at - 1.0:
            j += 1
        busiest = max(busiest, i - j + 1)
    span = first[-1] - first[0] if len(first) > 1 else 1.0
    return {"rate": (len(first) - 1) / span, "busiest": busiest, "missing": sum(1 for u in users if not per_chat[u]),
            "duplicates": sum(n - 1 for n in per_chat.values()), "peak_rss": rss}


def stats_chart(tmp: Path) -> tuple[float, float, float]:
    with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as api:
        with BotProcess(api, tmp, tmp / "bot.log", env={"ADMIN_IDS": str(ADMIN)}) as bot:
            before = rss_mb(bot.proc.pid)
            since = api.mark()
            began = time.monotonic()
            api.push_command(ADMIN, "/stats", language_code="en")
            photo = bot.wait_call(lambda c: c.method == "sendPhoto", timeout=60, since=since)
            seconds = time.monotonic() - began
            time.sleep(0.5)
            return seconds, photo.params["photo"].size / 1024, rss_mb(bot.proc.pid) - before


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repo", type=Path, help="another checkout to compare start-up and memory with")
    args = parser.parse_args()

    for name, repo in (("this tree", REPO), *((("--repo", args.repo),) if args.repo else ())):
        seconds, rss = startup(repo.resolve(), args.runs)
        print(f"start-up ({name}): {statistics.median(seconds):.2f} s to the first poll (median of {args.runs}; "
              f"{min(seconds):.2f}-{max(seconds):.2f}), RSS then {statistics.median(rss):.1f} MB")
    if args.repo:
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        seconds, kb, grew = stats_chart(Path(tmp))
        print(f"/stats: the chart ({kb:.0f} KB PNG) arrives {seconds:.2f} s after the command; the bot's RSS grew "
              f"{grew:.1f} MB (matplotlib runs in a child process)")
    for kill_at in (None, 0.5):
        with tempfile.TemporaryDirectory() as tmp:
            r = broadcast(args.subscribers, kill_at, Path(tmp))
        what = "with kill -9 at 50%" if kill_at else "undisturbed"
        print(f"broadcast to {args.subscribers} ({what}): {r['rate']:.1f} messages/s, busiest second "
              f"{r['busiest']:.0f}, {r['missing']:.0f} missing, {r['duplicates']:.0f} duplicate(s) "
              f"({100 * r['duplicates'] / args.subscribers:.2f}%), peak RSS {r['peak_rss']:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
