"""Load through the Bot API stand-in: Safe Road (``python -m bot run``) against a bare echo bot on the same stack.

2,000 messages from 200 users (realistic texts in Tajik, Russian and English, sampled from
tests/data/eval_queries.jsonl) are pushed at once to the emulator in tests/botapi/; we measure how long it takes
until every message has its reply, replies/s, and the time from push to reply (p50/p99). Then a short paced run
(one message at a time) gives the round trip without queueing. Both bots run with RATE_LIMIT_OVERALL and
RATE_LIMIT_PER_CHAT at 10000 and CHAT_QUEUE_LIMIT at 1000, so that Telegram's limits (30 messages/s, about one a
second per chat) and flood protection do not hide their own cost.

Run: python bench/telegram_load.py [--users 200] [--messages 2000] [--timeout 300]
A script for people, not a test: figures are printed, never asserted (machines here are shared and noisy).
Every process it starts is stopped before it exits.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.channels.telegram import render  # noqa: E402
from bot.content import load_content  # noqa: E402
from bot.core.dialogue import Dialogue  # noqa: E402
from tests.botapi.emulator import BotApiEmulator, Call  # noqa: E402
from tests.e2e_helpers import BOT_USERNAME, TOKEN, BotProcess  # noqa: E402

QUERIES = REPO / "tests" / "data" / "eval_queries.jsonl"
RATE = "10000"
LANG_WEIGHTS = {"tg": 0.5, "ru": 0.35, "en": 0.15}  # who the bot is for: mostly Tajik speakers
# Telegram has no Tajik interface: Tajik speakers' clients say ru or en (or nothing).
TELEGRAM_LANG = {"tg": (["ru"] * 6 + ["en"] * 3 + [None]), "ru": ["ru"], "en": ["en"]}


@dataclass
class Plan:
    users: dict[int, tuple[str | None, list[str], str]] = field(default_factory=dict)  # id -> (tg lang, texts, lang)
    order: list[int] = field(default_factory=list)  # user ids in push order; the k-th time = their k-th text

    @property
    def size(self) -> int:
        return len(self.order)


def make_plan(n_users: int, n_messages: int, seed: int, base: int) -> Plan:
    rng = random.Random(seed)
    pool: dict[str, list[str]] = defaultdict(list)
    for line in QUERIES.read_text("utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            pool[row["lang"]].append(row["text"])
    plan = Plan()
    per_user = [n_messages // n_users + (1 if i < n_messages % n_users else 0) for i in range(n_users)]
    langs = list(LANG_WEIGHTS)
    for i in range(n_users):
        lang = rng.choices(langs, weights=[LANG_WEIGHTS[lg] for lg in langs])[0]
        user = base + i
        plan.users[user] = (rng.choice(TELEGRAM_LANG[lang]), [rng.choice(pool[lang]) for _ in range(per_user[i])],
                            lang)
        plan.order.extend([user] * per_user[i])
    rng.shuffle(plan.order)
    return plan


def peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident memory so far (Linux VmHWM), in MB, or None elsewhere."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc), or None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


class Replies:
    """Incremental reader of successful sendMessage calls (reads the emulator's list under its lock: cheap)."""

    def __init__(self, api: BotApiEmulator, users: set[int]):
        self.api, self.users, self.index = api, users, api.mark()
        self.by_chat: dict[int, list[Call]] = defaultdict(list)
        self.count = 0

    def poll(self) -> int:
        with self.api._cond:  # noqa: SLF001 - the public ``calls`` copies every call each time
            new = self.api._calls[self.index:]  # noqa: SLF001
            pending = next((i for i, c in enumerate(new) if c.status is None and c.method != "getUpdates"), None)
            if pending is not None:
                new = new[:pending]
            self.index += len(new)
            for call in new:
                if call.method == "sendMessage" and call.status == 200 and call.params.get("chat_id") in self.users:
                    self.by_chat[call.params["chat_id"]].append(call)
                    self.count += 1
        return self.count

    def wait(self, total: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self.poll() < total:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


@dataclass
class Result:
    name: str
    replies: int = 0
    expected: int = 0
    seconds: float = float("nan")
    latencies: list[float] = field(default_factory=list)
    duplicates: int = 0
    correct: int = 0
    errors: int = 0
    round_trip: list[float] = field(default_factory=list)
    cpu: float | None = None
    rss_mb: float | None = None
    push_seconds: float = 0.0
    note: str = ""

    @property
    def per_second(self) -> float:
        return self.replies / self.seconds if self.seconds and self.seconds == self.seconds else 0.0


def run_one(name: str, argv: list[str], plan: Plan, expected_text, timeout: float, paced: int,
            error_texts: set[str]) -> Result:
    result = Result(name, expected=plan.size)
    with tempfile.TemporaryDirectory(prefix="saferoad-load-") as tmp, \
            BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as api:
        bot = BotProcess(api, Path(tmp) / "data", Path(tmp) / "bot.log", argv=argv,
                         env={"RATE_LIMIT_OVERALL": RATE, "RATE_LIMIT_PER_CHAT": RATE, "CHAT_QUEUE_LIMIT": "1000",
                              "LOG_LEVEL": "WARNING"})
        try:
            bot.start(timeout=60)
            # warm-up: the first messages pay for lazy imports and connection set-up
            warm = {9_000_000 + i for i in range(20)}
            warm_replies = Replies(api, warm)
            for user in warm:
                api.push_message(user, "my employer took my passport", language_code="en")
            if not warm_replies.wait(len(warm), 60):
                raise RuntimeError(f"{name}: no answer to the warm-up messages\n{bot.tail()}")

            replies = Replies(api, set(plan.users))
            cpu_before = cpu_seconds(bot.proc.pid) if bot.proc else None
            seen: Counter[int] = Counter()
            pushed_at: dict[int, list[float]] = defaultdict(list)
            first_push = time.time()
            for user in plan.order:
                lang, texts, _ = plan.users[user]
                k = seen[user]
                seen[user] += 1
                pushed_at[user].append(time.time())
                api.push_message(user, texts[k], language_code=lang)
            result.push_seconds = time.time() - first_push
            complete = replies.wait(plan.size, timeout)
            cpu_after = cpu_seconds(bot.proc.pid) if bot.proc else None
            if not complete:
                result.note = f"timed out after {timeout:.0f}s"
            time.sleep(0.5)  # anything sent twice shows up now
            replies.poll()

            last = 0.0
            for user, (_, texts, _) in plan.users.items():
                calls = replies.by_chat.get(user, [])
                result.duplicates += max(0, len(calls) - len(texts))
                for k, call in enumerate(calls[:len(texts)]):
                    result.replies += 1
                    result.latencies.append(call.at - pushed_at[user][k])
                    last = max(last, call.at)
                    text = call.params.get("text", "")
                    result.correct += text == expected_text(user, texts[k])
                    result.errors += text in error_texts
            result.seconds = last - first_push if last else float("nan")
            if cpu_before is not None and cpu_after is not None:
                result.cpu = cpu_after - cpu_before
            result.rss_mb = peak_rss_mb(bot.proc.pid) if bot.proc else None

            # paced: one message at a time, the round trip a single user sees on an idle bot
            user = 9_500_000
            for i in range(paced):
                _, texts, _ = plan.users[plan.order[i]]
                since = api.mark()
                t0 = time.time()
                api.push_message(user, texts[0], language_code="ru")
                call = api.wait_for(lambda c: c.method == "sendMessage" and c.params.get("chat_id") == user,
                                    timeout=10, since=since)
                result.round_trip.append(call.at - t0)
        finally:
            code = bot.stop()
            if code not in (0, None):
                result.note += f" exit code {code}"
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for all replies, per bot")
    parser.add_argument("--paced", type=int, default=100, help="messages sent one at a time after the burst")
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()

    plan = make_plan(args.users, args.messages, args.seed, base=7_500_000_000)
    dialogue = Dialogue(load_content())
    prefs = {u: lang for u, (lang, _, _) in plan.users.items()}
    langs = Counter(plan.users[u][2] for u in plan.order)

    def bot_expected(user: int, text: str) -> str:
        return render.text(dialogue.respond(text, prefs[user])).strip()

    print(f"Telegram load: {plan.size:,} messages from {len(plan.users)} users "
          f"(written in tg {langs['tg']:,} / ru {langs['ru']:,} / en {langs['en']:,}; texts from {QUERIES.name}),")
    print("pushed at once into the Bot API stand-in (tests/botapi/emulator.py), long polling, one process each.")
    print(f"RATE_LIMIT_OVERALL={RATE} and RATE_LIMIT_PER_CHAT={RATE} for both bots, so Telegram's limits do not "
          f"hide the bots' own cost\n(at the default 30/s, {plan.size:,} replies take at least {plan.size / 30:.0f} s "
          "whatever the bot).")
    print()

    error_texts = {render.text(dialogue.error(lang)).strip() for lang in ("tg", "ru", "en")}
    results = [
        run_one("Safe Road (python -m bot run)", ["-m", "bot", "run"], plan, bot_expected, args.timeout, args.paced,
                error_texts),
        run_one("echo bot (bench/echo_bot.py)", [str(REPO / "bench" / "echo_bot.py")], plan,
                lambda user, text: text.strip(), args.timeout, args.paced, set()),
    ]

    header = (f"{'':32} {'replies/s':>9} {'total s':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} "
              f"{'lost':>5} {'dup':>4} {'as expected':>12} {'CPU ms/msg':>10} {'peak RSS MB':>11}")
    print(header)
    for r in results:
        cpu = f"{r.cpu * 1000 / max(r.replies, 1):10.2f}" if r.cpu is not None else f"{'n/a':>10}"
        cpu += f" {r.rss_mb:11.1f}" if r.rss_mb is not None else f" {'n/a':>11}"
        lat = [x * 1000 for x in r.latencies]
        print(f"{r.name:32} {r.per_second:9.0f} {r.seconds:8.2f} {percentile(lat, .5):8.0f} {percentile(lat, .99):8.0f}"
              f" {max(lat, default=float('nan')):8.0f} {r.expected - r.replies:5d} {r.duplicates:4d}"
              f" {r.correct:>5}/{r.expected:<6} {cpu}{'  ' + r.note.strip() if r.note.strip() else ''}")
        if r.errors:
            print(f"{'':32} {r.errors} replies were the bot's 'something went wrong' message")
    bot, echo = results
    if bot.per_second and echo.per_second:
        print(f"\nratio bot/echo: {bot.per_second / echo.per_second:.2f} of the echo bot's throughput "
              f"({echo.per_second / bot.per_second:.1f}x slower)")
    print("Push-to-reply times in a burst are mostly queueing: all messages arrive at once and each bot answers "
          "updates one after another.")
    print(f"\nRound trip one message at a time ({args.paced} messages, idle bot): push -> getUpdates -> reply")
    for r in results:
        rt = [x * 1000 for x in r.round_trip]
        print(f"  {r.name:32} p50 {percentile(rt, .5):6.1f} ms   p99 {percentile(rt, .99):6.1f} ms")
    print(f"\n(pushing {plan.size:,} updates into the emulator took {bot.push_seconds:.2f} s / "
          f"{echo.push_seconds:.2f} s;\n 'as expected' = the reply is exactly the dialogue core's answer, "
          "or the echoed text)")
    return 0 if all(r.replies == r.expected and not r.duplicates for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
