"""Soak: 10,000 updates from 2,000 users through the Bot API stand-in, with 429s and 500s injected and the bot
killed with SIGKILL three times at random moments (and started again at once, as a supervisor would).

Each user sends 5 messages chosen so that their 5 answers are 5 different cards; an answer is matched to the
message it answers by its text. Printed: how many messages were answered, lost (no answer) and duplicated (answered
more than once), users answered twice, push-to-answer latency p50/p99 (it includes the restarts), and the bot's
peak RSS over its lives.

Run: python bench/soak.py [--users 2000] [--per-user 5] [--rate 100] [--kills 3] [--every-500 20] [--every-429 200]
A script for people, not a test: figures are printed, never asserted. Every process it starts is stopped.

Defaults: updates are pushed at 100 a second; every 20th sendMessage is answered 500 (the bot retries it) and every
200th 429 with retry_after 1 (which pauses all sending for a second, as on Telegram); every 25th getUpdates is
answered 502. RATE_LIMIT_OVERALL is raised to 10000 so the run takes minutes, not the 6 that Telegram's 30
messages/s would need for 10,000 answers; the per-chat pace and flood limit stay at their defaults.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.channels.telegram import render  # noqa: E402
from bot.channels.telegram.handlers import telegram_language  # noqa: E402
from bot.content import load_content  # noqa: E402
from bot.core.dialogue import Dialogue  # noqa: E402
from tests.botapi.emulator import BotApiEmulator  # noqa: E402
from tests.e2e_helpers import BOT_USERNAME, TOKEN, BotProcess  # noqa: E402

QUERIES = REPO / "tests" / "data" / "eval_queries.jsonl"
TELEGRAM_LANGS = ["ru", "ru", "en", None]


Plan = dict[int, tuple[str | None, list[str], list[str]]]


def plan(users: int, per_user: int, seed: int, dialogue: Dialogue) -> Plan:
    """user -> (Telegram language, texts, the answer each text gets): answers distinct within a user."""
    rng = random.Random(seed)
    rows = [json.loads(line) for line in QUERIES.read_text("utf-8").splitlines() if line.strip()]
    by_lang: dict[str | None, list[tuple[str, str]]] = {}
    for lang in set(TELEGRAM_LANGS):
        pairs = {}
        for row in rows:
            answer = render.text(dialogue.respond(row["text"], telegram_language(lang))).strip()
            pairs.setdefault(answer, row["text"])  # one text per distinct answer
        by_lang[lang] = [(text, answer) for answer, text in pairs.items()]
    result = {}
    for i in range(users):
        lang = rng.choice(TELEGRAM_LANGS)
        chosen = rng.sample(by_lang[lang], per_user)
        result[7_600_000_000 + i * 13] = (lang, [t for t, _ in chosen], [a for _, a in chosen])
    return result


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--per-user", type=int, default=5)
    parser.add_argument("--rate", type=float, default=100, help="updates pushed per second")
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--every-500", type=int, default=20, help="every Nth sendMessage answered 500 (0: none)")
    parser.add_argument("--every-429", type=int, default=200, help="every Nth sendMessage answered 429 (0: none)")
    parser.add_argument("--every-502-poll", type=int, default=25, help="every Nth getUpdates answered 502 (0: none)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for all answers")
    parser.add_argument("--seed", type=int, default=20241201)
    args = parser.parse_args()

    dialogue = Dialogue(load_content())
    users = plan(args.users, args.per_user, args.seed, dialogue)
    rng = random.Random(args.seed)
    order = [(user, k) for user in users for k in range(args.per_user)]
    rng.shuffle(order)
    seen: Counter[int] = Counter()
    schedule = []  # the k-th push of a user sends their k-th text, whatever the shuffle gave
    for user, _ in order:
        schedule.append((user, seen[user]))
        seen[user] += 1
    total = len(schedule)
    push_seconds = total / args.rate
    kill_at = sorted(rng.uniform(0.1, 0.9) * push_seconds for _ in range(args.kills))

    print(f"Soak: {total:,} updates from {len(users):,} users ({args.per_user} each), pushed at {args.rate:.0f}/s; "
          f"every {args.every_500}th sendMessage 500, every {args.every_429}th 429, every {args.every_502_poll}th "
          f"getUpdates 502; kill -9 at {', '.join(f'{t:.1f}' for t in kill_at)} s.")

    pushed_at: dict[tuple[int, int], float] = {}
    with tempfile.TemporaryDirectory(prefix="saferoad-soak-") as tmp, \
            BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as api:
        if args.every_500:
            api.fail_every("sendMessage", args.every_500, status=500)
        if args.every_429:
            api.fail_every("sendMessage", args.every_429, status=429, retry_after=1)
        if args.every_502_poll:
            api.fail_every("getUpdates", args.every_502_poll, status=502)
        bot = BotProcess(api, Path(tmp) / "data", Path(tmp) / "bot.log",
                         env={"RATE_LIMIT_OVERALL": "10000", "LOG_LEVEL": "INFO"})
        peak = 0.0
        restarts = []
        try:
            bot.start(timeout=60)
            started = time.time()

            def push() -> None:
                for i, (user, k) in enumerate(schedule):
                    delay = started + i / args.rate - time.time()
                    if delay > 0:
                        time.sleep(delay)
                    lang, texts, _ = users[user]
                    pushed_at[(user, k)] = time.time()
                    api.push_message(user, texts[k], language_code=lang)

            pusher = threading.Thread(target=push, daemon=True)
            pusher.start()
            for at in kill_at:
                time.sleep(max(0.0, started + at - time.time()))
                peak = max(peak, peak_rss_mb(bot.proc.pid))
                bot.proc.kill()
                bot.stop()
                t0 = time.time()
                bot.start(timeout=60)
                restarts.append(time.time() - t0)
            pusher.join()

            wanted = {(user, answer) for user, (_, _, answers) in users.items() for answer in answers}
            deadline = time.time() + args.timeout
            while time.time() < deadline:
                got = {(c.params["chat_id"], c.params.get("text", "").strip()) for c in api.calls
                       if c.method == "sendMessage" and c.ok}
                if wanted <= got:
                    break
                peak = max(peak, peak_rss_mb(bot.proc.pid))
                time.sleep(1)
            time.sleep(2)  # late duplicates show up now
            peak = max(peak, peak_rss_mb(bot.proc.pid))
        finally:
            bot.stop()
        calls = [c for c in api.calls if c.method == "sendMessage" and c.ok]

    answers: dict[tuple[int, str], list[float]] = defaultdict(list)
    for call in calls:
        answers[(call.params["chat_id"], call.params.get("text", "").strip())].append(call.at)
    answered = lost = duplicated = 0
    twice: set[int] = set()
    latencies = []
    for user, (_, _, expected) in users.items():
        for k, answer in enumerate(expected):
            times = answers.get((user, answer), [])
            if not times:
                lost += 1
                continue
            answered += 1
            latencies.append(min(times) - pushed_at[(user, k)])
            if len(times) > 1:
                duplicated += 1
                twice.add(user)
    expected_texts = {(u, a) for u, (_, _, ans) in users.items() for a in ans}
    other = sum(len(v) for key, v in answers.items() if key not in expected_texts)
    elapsed = max((c.at for c in calls), default=started) - started

    print(f"\nanswered   {answered:,} of {total:,}")
    print(f"lost       {lost:,}")
    print(f"duplicated {duplicated:,} messages answered more than once; {len(twice):,} users "
          f"({100 * len(twice) / len(users):.1f}%) got an answer twice")
    print(f"other      {other:,} messages that answer none of the above (apologies, slow-down notes)")
    print(f"latency    p50 {percentile(latencies, .5) * 1000:.0f} ms, p99 {percentile(latencies, .99) * 1000:.0f} ms, "
          f"max {max(latencies, default=float('nan')):.1f} s (push to answer, restarts included)")
    print(f"restarts   {len(restarts)}, each ready in {', '.join(f'{t:.1f}' for t in restarts)} s")
    print(f"peak RSS   {peak:.1f} MB (VmHWM, highest over the bot's lives)")
    print(f"duration   {elapsed:.0f} s from the first push to the last answer")
    return 0 if not lost else 1


if __name__ == "__main__":
    raise SystemExit(main())
