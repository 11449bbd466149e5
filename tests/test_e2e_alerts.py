"""End-to-end: an admin's alert to 200 subscribers, with a ``kill -9`` halfway through.

The real bot process against the Bot API stand-in. The admin writes ``/broadcast``, then the alert; sees it as
subscribers will, with the count, and presses the first button. Halfway through the bot is killed (SIGKILL); after
a restart the rest is delivered, with at most 1% duplicates; five subscribers who blocked the bot (403) are
unsubscribed; the admin sees progress and a final report. Without OPERATORS_CHAT_ID nothing of the case desk shows.

The sending rate is printed, and checked only as Telegram would see it: never more than 30 messages in a second.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections import Counter

from bot.storage import Store
from tests.botapi.emulator import BotApiEmulator, Call
from tests.e2e_helpers import BOT_USERNAME, TOKEN, BotProcess, Harness, actions

ADMIN = 7_000_000_042
SUBSCRIBERS = [7_500_000_000 + i * 13 for i in range(200)]
BLOCKED = set(SUBSCRIBERS[::40])  # 5 of them blocked the bot since subscribing
ALERT = "Внимание: «сезонная работа в Великобритании» за 18 000 сомони — это обман. Не платите посредникам."


def copies(api: BotApiEmulator, since: int = 0) -> list[Call]:
    """Alert copies that reached a subscriber."""
    return [c for c in api.calls[since:] if c.method == "copyMessage" and c.ok and c.params["chat_id"] != ADMIN]


def wait_until(condition, timeout: float, bot: BotProcess, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise bot.failure(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.05)


def test_a_broadcast_survives_kill_9_with_few_duplicates_and_unsubscribes_the_blocked(tmp_path):
    data = tmp_path / "data"
    store = Store(data)
    for user in SUBSCRIBERS:
        store.subscribe(user, user, "ru")
    store.subscribe(7_500_999_999, 7_500_999_999, "tg")  # another language: not in this alert's audience
    store.close()

    with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as api:
        for user in BLOCKED:
            api.block(user)
        bot = BotProcess(api, data, tmp_path / "bot.log", env={"ADMIN_IDS": str(ADMIN), "LOG_LEVEL": "DEBUG"})
        try:
            bot.start()
            h = Harness(api, bot)

            # No OPERATORS_CHAT_ID: no case desk anywhere.
            someone = h.new_user()
            assert "/help" in h.command(someone, "/human")["text"], "an unknown command"
            welcome = h.command(someone, "/start")
            menu, _ = h.press(someone, welcome, "l:ru")
            assert "human" not in actions(menu)

            ask = h.command(ADMIN, "/broadcast", lang="en")
            assert "Send the alert now" in ask["text"]
            since = api.mark()
            api.push_message(ADMIN, ALERT, language_code="en")
            preview = bot.wait_call(lambda c: c.method == "copyMessage" and c.ok and c.params["chat_id"] == ADMIN,
                                    since=since)
            assert preview.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "al:off"
            control = bot.wait_reply(ADMIN)
            assert "It will reach 200 subscriber(s)" in control["text"] and "Русский" in control["text"]
            send = actions(control)[0]
            assert re.fullmatch(r"bc:go:\d+", send), "the first button sends"

            started = api.mark()
            api.push_callback(ADMIN, control, send, language_code="en")
            wait_until(lambda: len(copies(api, started)) >= 100, 30, bot, "100 alerts delivered")
            bot.proc.kill()  # SIGKILL in the middle of the broadcast
            bot.stop()
            first_run = copies(api, started)
            assert len(first_run) < 195, "the kill came too late to test anything"

            restarted = api.mark()
            bot.start()
            report = bot.wait_call(lambda c: c.method == "sendMessage" and c.ok and c.params["chat_id"] == ADMIN
                                   and "is finished" in c.params["text"], timeout=60, since=restarted)
        finally:
            bot.stop()

        delivered = Counter(c.params["chat_id"] for c in copies(api, started))
        progress = [c for c in api.calls[started:] if c.method == "editMessageText" and c.ok
                    and c.params["chat_id"] == ADMIN and "sending" in c.params["text"]]
        log = bot.log()

    reachable = [u for u in SUBSCRIBERS if u not in BLOCKED]
    missing = [u for u in reachable if not delivered[u]]
    twice = sum(n - 1 for n in delivered.values() if n > 1)
    seconds = first_run[-1].at - first_run[0].at
    rate = (len(first_run) - 1) / seconds
    busiest = max(sum(1 for d in first_run if c.at <= d.at < c.at + 1.0) for c in first_run)
    print(f"\nbroadcast to 200: {len(first_run)} before kill -9 at {rate:.1f} messages/s (busiest second: "
          f"{busiest}); after restart all {len(reachable)} reachable got it, {twice} duplicate(s) "
          f"({100 * twice / len(SUBSCRIBERS):.1f}%)")
    assert missing == []
    assert twice <= 0.01 * len(SUBSCRIBERS)
    assert not set(delivered) - set(SUBSCRIBERS), "only this alert's audience (Russian) got it"
    assert busiest <= 30, "within Telegram's limit of about 30 messages a second"
    assert "Sent: 195. Failed: 0. Unsubscribed (they had blocked the bot): 5." in report.params["text"]
    assert progress, "the admin saw the progress"
    with sqlite3.connect(f"file:{data / 'saferoad.sqlite3'}?mode=ro", uri=True) as db:
        left = {r[0] for r in db.execute("SELECT chat_id FROM subscribers")}
        assert db.execute("SELECT COUNT(*) FROM deliveries").fetchone()[0] == 0
    assert not left & BLOCKED and set(reachable) <= left
    assert ALERT not in log and "Великобритании" not in log
    assert all(str(u) not in log for u in SUBSCRIBERS)
