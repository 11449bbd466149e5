"""People to people without a network: the store's cases, subscribers and deliveries, and the core's screens."""

from __future__ import annotations

import sqlite3

from bot.core.alerts import Alerts, parse_admin, parse_country
from bot.core.cases import CaseDesk, age
from bot.core.hotline_feedback import HotlineFeedback, report_note, tallies
from bot.stats import chart_data, format_stats
from bot.storage import Store, read_totals


def test_a_case_is_a_mapping_while_open_and_nothing_once_closed(tmp_path):
    store = Store(tmp_path)
    case, new = store.case_open(11, 11, "ru", now=1000.0)
    assert new and store.case_open(11, 11, "ru")[1] is False, "one open case per person"
    store.case_messages_add(case.case_no, [501, 502])
    assert store.case_by_message(502).case_no == case.case_no
    assert store.case_user_wrote(case.case_no, now=1010.0) is True, "the first message of a wait"
    assert store.case_user_wrote(case.case_no, now=1020.0) is False
    assert [c.case_no for c in store.cases_to_remind(before=1015.0)] == [case.case_no]
    store.case_answered(case.case_no, now=1030.0)
    assert store.cases_to_remind(before=5000.0) == []
    assert [c.case_no for c in store.cases_idle(before=1031.0)] == [case.case_no]
    closed, ids = store.case_close(case.case_no)
    assert closed.chat_id == 11 and ids == [501, 502]
    assert store.case_close(case.case_no) == (None, [])
    db = sqlite3.connect(tmp_path / "saferoad.sqlite3")
    assert db.execute("SELECT COUNT(*) FROM cases").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM case_messages").fetchone()[0] == 0
    assert store.case_open(12, 12, "tg")[0].case_no > case.case_no, "numbers are never reused"


def test_forget_erases_the_case_the_subscription_and_pending_deliveries(tmp_path):
    store = Store(tmp_path)
    store.set_lang(7, "tg")
    store.case_open(7, 7, "tg")
    store.subscribe(7, 7, "tg")
    broadcast = store.broadcast_begin(1)
    store.broadcast_draft(broadcast, 99, "tg")
    assert store.broadcast_start(broadcast) == 1
    assert store.forget(7) is True
    db = sqlite3.connect(tmp_path / "saferoad.sqlite3")
    for table in ("users", "cases", "subscribers", "deliveries"):
        assert db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table
    assert store.forget(7) is False


def test_a_broadcast_starts_once_and_counts_each_subscriber_once(tmp_path):
    store = Store(tmp_path)
    for user, lang, country in ((1, "ru", None), (2, "ru", "kz"), (3, "ru", "ru"), (4, "tg", None)):
        store.subscribe(user, user, lang, country)
    assert store.audience("ru", None) == 3 and store.audience("ru", "kz") == 2 and store.audience(None, None) == 4
    broadcast = store.broadcast_begin(100)
    assert store.broadcast_awaiting(100) == broadcast
    store.broadcast_draft(broadcast, 5, "ru")
    store.broadcast_target(broadcast, "ru", "kz")
    assert store.broadcast_start(broadcast) == 2
    assert store.broadcast_start(broadcast) is None, "a second press sends nothing more"
    store.delivery_done(broadcast, 1, "sent")
    store.delivery_done(broadcast, 1, "sent")  # a duplicate report is not counted twice
    store.delivery_done(broadcast, 2, "unsubscribed")
    done = store.broadcast_finish(broadcast)
    assert (done.state, done.sent, done.failed, done.unsubscribed) == ("done", 1, 0, 1)
    assert store.subscription(2) is None and store.subscription(1) is not None


def test_hotline_reports_flag_numbers_that_mostly_fail(tmp_path, content):
    feedback = HotlineFeedback(content)
    store = Store(tmp_path)
    line = content.country("ru").lines[3]
    for outcome in "nnwa":
        event, label = feedback.vote(f"hf:ru:3:{outcome}")
        store.count(event, label, "ru")
    assert feedback.vote("hf:ru:3") is None and feedback.vote("hf:ru:99:a") is None and feedback.vote("x") is None
    reports = tallies(read_totals(tmp_path, 30))
    tally = reports[f"ru:{line.number}"]
    assert (tally.answered, tally.total, tally.mostly_fails) == (1, 4, True)
    assert report_note(reports, "ru", line.number) == "; users: answered 1 of 4 (25%), 1 wrong number (MOSTLY FAILS)"
    assert f"ru:{line.number}: answered 1 of 4 (25%), 1 wrong number MOSTLY FAILS" in format_stats(store)
    data = chart_data(store)
    assert len(data["weeks"]) == 8 and data["hotlines"][0]["fails"] is True
    assert read_totals(tmp_path / "none", 30) == []


def test_core_screens_validate_what_buttons_send(content):
    alerts, desk = Alerts(content), CaseDesk(content)
    assert parse_country("al:c:ru", content) == "ru" and parse_country("al:c:zz", content) is None
    assert parse_admin("bc:go:12").broadcast_id == 12 and parse_admin("bc:l:12") is None
    assert parse_admin("bc:x:1:ru") is None and parse_admin("bc:c:3:all").value == "all"
    assert alerts.screen("en").all_buttons()[0].action == "al:on"
    assert desk.consent("tg").all_buttons()[0].action == "cs:yes"
    assert age(90, "en") == "1 min" and age(3 * 3600, "en") == "3 h" and age(3 * 86400, "en") == "3 d"
    preview = alerts.preview("en", 4, "ru", None, 0)
    assert all(not b.action.startswith("bc:go") for b in preview.all_buttons()), "nothing to send to nobody"
