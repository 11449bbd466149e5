"""The store keeps only what it must, survives restarts and concurrent writers, and forgets on request."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading

from bot.stats import format_stats
from bot.storage import Store


def test_language_is_kept_under_a_salted_hash(tmp_path):
    store = Store(tmp_path)
    store.set_lang(987654321, "tg")
    assert store.get_lang(987654321) == "tg"
    store.close()
    raw = (tmp_path / "saferoad.sqlite3").read_bytes() + (tmp_path / "saferoad.sqlite3-wal").read_bytes() \
        if (tmp_path / "saferoad.sqlite3-wal").exists() else (tmp_path / "saferoad.sqlite3").read_bytes()
    assert b"987654321" not in raw
    db = sqlite3.connect(tmp_path / "saferoad.sqlite3")
    assert [r[0] for r in db.execute("SELECT user_key FROM users")] != ["987654321"]
    db.close()


def test_survives_restart_and_forgets(tmp_path):
    Store(tmp_path).set_lang(5, "ru")
    again = Store(tmp_path)
    assert again.get_lang(5) == "ru"
    assert again.forget(5) is True
    assert again.get_lang(5) is None
    assert again.forget(5) is False


def test_different_salt_different_keys(tmp_path):
    a, b = Store(tmp_path / "a"), Store(tmp_path / "b")
    assert a.user_key(1) != b.user_key(1)
    assert (tmp_path / "a" / "salt.key").stat().st_mode & 0o077 == 0


def test_concurrent_writers_do_not_lose_counts(tmp_path):
    store = Store(tmp_path)

    def work(n: int) -> None:
        for i in range(200):
            store.count("topic", "passport_taken", "tg")
            store.set_lang(n * 1000 + i, "ru")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rows = store.totals(7)
    assert rows[0].n == 1600
    assert store.get_lang(7199) == "ru"


def test_stats_cover_7_and_30_days(tmp_path):
    store = Store(tmp_path)
    today = dt.date(2026, 11, 24)
    store.count("topic", "unpaid_wages", "ru", day=today)
    store.count("topic", "unpaid_wages", "tg", day=today - dt.timedelta(days=20))
    store.count("unanswered", "out_of_scope", "en", day=today)
    text = format_stats(store, today=today)
    week, month = text.split("\n\n")
    assert "unpaid_wages: 1 (ru 1)" in week and "unanswered: 1" in week
    assert "unpaid_wages: 2 (ru 1, tg 1)" in month


def test_data_files_are_private(tmp_path):
    data = tmp_path / "data"
    store = Store(data)
    store.set_lang(1, "ru")  # writes: the WAL and SHM files exist now
    modes = {p.name: p.stat().st_mode & 0o777 for p in data.iterdir()}
    assert data.stat().st_mode & 0o777 == 0o700
    assert {"saferoad.sqlite3", "saferoad.sqlite3-wal", "saferoad.sqlite3-shm", "salt.key"} <= set(modes)
    assert set(modes.values()) == {0o600}, modes
    store.close()


def test_files_left_readable_by_an_older_version_are_made_private(tmp_path):
    data = tmp_path / "data"
    Store(data).close()
    data.chmod(0o755)
    for path in data.iterdir():
        path.chmod(0o644)
    Store(data).close()
    assert data.stat().st_mode & 0o777 == 0o700
    assert {p.stat().st_mode & 0o777 for p in data.iterdir()} == {0o600}


def test_inbox_stores_each_update_once_and_forgets_answered_ones(tmp_path):
    store = Store(tmp_path)
    assert store.inbox_add([(10, '{"update_id":10}'), (11, '{"update_id":11}')]) == [10, 11]
    assert store.inbox_add([(11, '{"update_id":11}'), (12, '{"update_id":12}')]) == [12], "11 is waiting already"
    store.inbox_done([10])
    assert store.inbox_body(10) is None and store.inbox_body(11) == '{"update_id":11}'
    assert store.inbox_add([(10, '{"update_id":10}')]) == [], "10 was answered: a copy sent again is ignored"
    assert store.inbox_waiting() == 2


def test_inbox_survives_a_restart_and_counts_restarts(tmp_path):
    store = Store(tmp_path)
    store.inbox_add([(7, "{}"), (5, "{}")])
    store.close()
    again = Store(tmp_path)
    assert again.inbox_restart() == [(5, "{}", 1), (7, "{}", 1)]
    assert [r[2] for r in again.inbox_restart()] == [2, 2]


def test_answered_updates_leave_no_trace_in_the_files_after_a_scrub(tmp_path):
    store = Store(tmp_path)
    secret = "маро мезананд SECRET-TEXT-42 Zarina 7300000123"
    store.inbox_add([(1, json.dumps({"text": secret}, ensure_ascii=False))])
    store.set_lang(99, "tg")  # other writes after it, as in real use
    store.inbox_done([1])
    store.count("topic", "passport_taken", "tg")
    store.scrub()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("saferoad.sqlite3*"))
    assert secret.encode() not in raw and b"SECRET-TEXT-42" not in raw
    assert store.inbox_add([(1, "{}")]) == [], "the id is still remembered"


def test_answered_ids_are_forgotten_after_a_day(tmp_path):
    import time

    store = Store(tmp_path)
    store.inbox_add([(1, "{}")])
    store.inbox_done([1])
    store.scrub(now=time.time() + 26 * 3600)
    assert store.inbox_add([(1, "{}")]) == [1]
