"""End-to-end: people to people. The real bot process against the Bot API stand-in, with the caseworkers' group and
the users' private chats as separate chats.

- The case desk: consent first, the relay with no name, a caseworker's reply reaching the person, ``/end``,
  ``/cases`` and ``/close``, an emergency answered before it is relayed, expiry and the reminder (short settings),
  and nothing of a case left in the database after ``/end``, ``/forget`` or expiry.
- Hotline reports: counted once per person and number, shown in ``/stats`` (with its chart) and by
  ``python -m bot hotlines``.
- Alerts (``test_e2e_alerts.py`` has the broadcast with a ``kill -9``): subscribing, the unsubscribe button.
- Privacy: people who never subscribed or opened a case leave only their hashed language row; the logs (DEBUG)
  carry no text, name, username or id.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.channels.telegram import render
from bot.core.alerts import Alerts
from bot.core.cases import CaseDesk
from bot.core.dialogue import Dialogue
from tests.botapi.emulator import BotApiEmulator, Call
from tests.e2e_helpers import BOT_USERNAME, REPO, TOKEN, BotProcess, Harness, actions, bot_env

OPERATORS = -1001234567890
CASEWORKER = 7_000_000_777
ADMIN = 7_000_000_042
NAME, USERNAME = "Zarina", "zarina_secret_name"


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    data = tmp_path_factory.mktemp("people-data")
    logs = tmp_path_factory.mktemp("people-logs")
    with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as api:
        env = {"OPERATORS_CHAT_ID": str(OPERATORS), "OPERATORS_LANG": "en", "ADMIN_IDS": str(ADMIN),
               "LOG_LEVEL": "DEBUG"}
        bot = BotProcess(api, data, logs / "bot.log", env=env)
        with bot:
            yield Harness(api, bot, base_user=7_400_000_000)
        assert bot.returncode == 0, bot.failure("the bot did not stop cleanly")


@pytest.fixture(scope="module")
def with_desk(content) -> Dialogue:
    dialogue = Dialogue(content)
    dialogue.human_help = True
    return dialogue


def db(data_dir: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{data_dir / 'saferoad.sqlite3'}?mode=ro", uri=True)


def key_of(data_dir: Path, user: int) -> str:
    return hmac.new((data_dir / "salt.key").read_bytes(), str(user).encode(), hashlib.sha256).hexdigest()


def to_operators(api: BotApiEmulator, since: int, methods=("sendMessage", "copyMessage")) -> list[Call]:
    return [c for c in api.calls[since:] if c.ok and c.method in methods and c.params.get("chat_id") == OPERATORS]


def wait_operators(h: Harness, since: int, count: int = 1, timeout: float = 10) -> list[Call]:
    h.bot.wait_call(lambda c: len(to_operators(h.api, since)) >= count, timeout=timeout, since=since)
    return to_operators(h.api, since)


def open_case(h: Harness, user: int, lang: str = "ru") -> tuple[int, dict]:
    """/human, then the agreeing button: (case number, the bot's 'connected' message)."""
    consent = h.command(user, "/human", lang=lang)
    since = h.api.mark()
    opened, _ = h.press(user, consent, "cs:yes", lang=lang)
    note = wait_operators(h, since)[0]
    number = int(re.search(r"#(\d+)", note.params["text"]).group(1))
    return number, opened


def case_rows(data_dir: Path, number: int) -> tuple[list, list]:
    with db(data_dir) as conn:
        return (conn.execute("SELECT * FROM cases WHERE case_no = ?", (number,)).fetchall(),
                conn.execute("SELECT * FROM case_messages WHERE case_no = ?", (number,)).fetchall())


# ---------------------------------------------------------------------------------------------------------------
# Consent, relay, answer, end
# ---------------------------------------------------------------------------------------------------------------

def test_human_explains_first_and_the_agreeing_button_comes_first(desk, content):
    user = desk.new_user()
    consent = desk.command(user, "/human", lang="ru")
    assert consent["text"] == render.text(CaseDesk(content).consent("ru")).strip()
    assert "/end" in consent["text"] and "/forget" in consent["text"]
    assert actions(consent)[0] == "cs:yes"
    with db(desk.bot.data_dir) as conn:
        assert conn.execute("SELECT COUNT(*) FROM cases WHERE user_key = ?",
                            (key_of(desk.bot.data_dir, user),)).fetchone()[0] == 0, "nothing before consent"


def test_menu_and_emergency_card_offer_a_person_when_a_desk_is_set_up(desk, with_desk):
    user = desk.new_user()
    welcome = desk.command(user, "/start", lang="ru")
    menu, _ = desk.press(user, welcome, "l:ru")
    assert "human" in actions(menu)
    card = desk.send(user, "меня бьют, помогите", lang="ru")
    assert actions(card)[0] == "human", "the first button on the emergency card"
    assert card["text"] == render.text(with_desk.emergency("ru")).strip()


def test_messages_reach_the_caseworkers_without_a_name_and_their_replies_reach_the_person(desk):
    user = desk.new_user()
    number, opened = open_case(desk, user)
    assert "cs:name" in actions(opened) and "cs:end" in actions(opened)

    since = desk.api.mark()
    text = "Мой паспорт забрал работодатель, я в Казани"
    desk.texts.append(text)
    desk.api.push_message(user, text, language_code="ru", first_name=NAME, username=USERNAME)
    relayed = wait_operators(desk, since)[0]
    assert relayed.params["text"] == f"#{number} · Русский\n{text}"
    ack = desk.bot.wait_reply(user)
    assert "Sent to the caseworkers" not in ack["text"] and "Отправлено" in ack["text"], ack["text"]

    since = desk.api.mark()
    desk.api.push_photo(user, language_code="ru", caption="вот мой договор")
    desk.texts.append("вот мой договор")
    photo = wait_operators(desk, since)[0]
    assert photo.method == "copyMessage" and photo.params["caption"] == f"#{number} · Русский\nвот мой договор"
    copied = desk.api.message(OPERATORS, photo.result["message_id"])
    assert copied["photo"] and "forward_origin" not in copied

    since = desk.api.mark()
    desk.api.push_sticker(user)  # nothing to write a header into: the header, then the copy below it
    header, sticker = wait_operators(desk, since, count=2)[:2]
    assert header.params["text"] == f"#{number} · Русский" and sticker.method == "copyMessage"
    assert desk.api.message(OPERATORS, sticker.result["message_id"])["sticker"]

    for message in desk.api.history(OPERATORS):  # what the caseworkers' group holds, as they see it
        shown = str(message)
        assert NAME not in shown and USERNAME not in shown and str(user) not in shown, message

    # A caseworker replies (Telegram's reply) to the relayed text: the person gets it, with no caseworker's name.
    answer = "Здравствуйте! Мы поможем. Вы можете позвонить нам?"
    desk.texts.append(answer)
    desk.api.push_message(CASEWORKER, answer, language_code="ru", chat_id=OPERATORS, first_name="Nodira",
                          username="nodira_ngo", reply_to={"message_id": relayed.result["message_id"]})
    got = desk.bot.wait_reply(user)
    assert got["text"].endswith(answer) and got["text"].startswith("💬")
    assert "Nodira" not in got["text"] and "nodira_ngo" not in got["text"]

    # The person chooses to show their name: only now does it reach the group.
    since = desk.api.mark()
    desk.api.push_callback(user, opened, "cs:name", first_name=NAME, username=USERNAME)
    desk.bot.wait_reply(user)
    shared = wait_operators(desk, since)[0]
    assert f"{NAME} (@{USERNAME})" in shared.params["text"] and f"#{number}" in shared.params["text"]

    # /end: both sides are told; the case and its messages in the group are gone.
    since = desk.api.mark()
    ended = desk.command(user, "/end")
    assert "/human" in ended["text"]
    note = wait_operators(desk, since)[0]
    assert f"#{number}" in note.params["text"]
    assert desk.api.message(OPERATORS, relayed.result["message_id"]) is None, "deleted from the group"
    assert case_rows(desk.bot.data_dir, number) == ([], [])

    # A late reply to the closed case is not sent anywhere; the caseworker is told.
    since = desk.api.mark()
    desk.api.push_message(CASEWORKER, "Вы здесь?", language_code="ru", chat_id=OPERATORS,
                          reply_to={"message_id": note.result["message_id"]})
    told = wait_operators(desk, since)[0]
    assert "Вы здесь" not in told.params["text"]
    assert not [c for c in desk.api.calls[since:] if c.params.get("chat_id") == user]


def test_an_emergency_during_a_case_is_answered_at_once_then_relayed(desk, with_desk):
    user = desk.new_user()
    number, _ = open_case(desk, user)
    since = desk.api.mark()
    desk.texts.append("меня бьют и не выпускают, помогите")
    desk.api.push_message(user, "меня бьют и не выпускают, помогите", language_code="ru")
    card = desk.bot.wait_reply(user)
    assert card["text"] == render.text(with_desk.emergency("ru")).strip()
    relayed = wait_operators(desk, since)[0]
    assert relayed.params["text"].startswith(f"#{number} · Русский 🚨\n")
    first_to_user = next(c for c in desk.api.calls[since:] if c.params.get("chat_id") == user and c.ok)
    assert first_to_user.at <= relayed.at, "the numbers first, then the caseworkers"


def test_caseworkers_list_and_close_cases(desk):
    user = desk.new_user()
    number, _ = open_case(desk, user)
    desk.send(user, "Нужна помощь с документами", lang="ru")
    since = desk.api.mark()
    desk.api.push_command(CASEWORKER, "/cases", chat_id=OPERATORS)
    listing = wait_operators(desk, since)[0].params["text"]
    assert f"#{number} · Русский" in listing and "waiting" in listing

    since = desk.api.mark()
    desk.api.push_command(CASEWORKER, f"/close {number}", chat_id=OPERATORS)
    closed = desk.bot.wait_reply(user)
    assert "/human" in closed["text"]
    wait_operators(desk, since)
    assert case_rows(desk.bot.data_dir, number) == ([], [])

    since = desk.api.mark()
    desk.api.push_command(CASEWORKER, f"/close {number}", chat_id=OPERATORS)
    assert f"#{number}" in wait_operators(desk, since)[0].params["text"], "closing twice says it is not open"


def test_forget_during_a_case_leaves_nothing_of_it(desk):
    user = desk.new_user()
    number, _ = open_case(desk, user)
    desk.send(user, "Я боюсь, что меня обманули", lang="ru")
    relayed = [c for c in to_operators(desk.api, 0) if c.params.get("text", "").startswith(f"#{number} ")]
    since = desk.api.mark()
    desk.api.push_command(user, "/forget")
    desk.bot.wait_call(lambda c: c.ok and c.params.get("chat_id") == user and "Anonymous" not in str(c.params)
                       and ("/forget" in c.params.get("text", "") or "Готово" in c.params.get("text", "")),
                       since=since)
    note = wait_operators(desk, since)[0]
    assert "/forget" in note.params["text"]
    assert case_rows(desk.bot.data_dir, number) == ([], [])
    assert all(desk.api.message(OPERATORS, c.result["message_id"]) is None for c in relayed)
    with db(desk.bot.data_dir) as conn:
        key = key_of(desk.bot.data_dir, user)
        for table in ("users", "cases", "subscribers"):
            assert conn.execute(f"SELECT COUNT(*) FROM {table} WHERE user_key = ?", (key,)).fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM cases WHERE chat_id = ?", (user,)).fetchone()[0] == 0


# ---------------------------------------------------------------------------------------------------------------
# Alerts: subscribing and the unsubscribe button
# ---------------------------------------------------------------------------------------------------------------

def test_alerts_subscribe_with_the_first_button_and_say_the_chat_id_is_kept(desk, content):
    user = desk.new_user()
    screen = desk.command(user, "/alerts", lang="tg")
    assert actions(screen)[0] == "al:on"
    assert screen["text"] == render.text(Alerts(content).screen("tg")).strip()
    assert "рақами ин чатро" in screen["text"] and "/forget" in screen["text"], "says the chat id is kept"
    subscribed, _ = desk.press(user, screen, "al:on", lang="tg")
    assert "al:off" in actions(subscribed)
    with db(desk.bot.data_dir) as conn:
        assert conn.execute("SELECT lang, country FROM subscribers WHERE chat_id = ?", (user,)).fetchall() == \
            [("tg", None)]
    picked, _ = desk.press(user, subscribed, "al:pick", lang="tg")
    narrowed, _ = desk.press(user, picked, "al:c:ru", lang="tg")
    assert "🇷🇺" in narrowed["text"]
    off, _ = desk.press(user, narrowed, "al:off", lang="tg")
    assert "al:on" in actions(off)
    with db(desk.bot.data_dir) as conn:
        assert conn.execute("SELECT COUNT(*) FROM subscribers WHERE chat_id = ?", (user,)).fetchone()[0] == 0


# ---------------------------------------------------------------------------------------------------------------
# Hotline reports
# ---------------------------------------------------------------------------------------------------------------

def test_hotline_reports_are_counted_once_and_shown_in_stats_and_the_cli(desk, content):
    line = next(i for i, ln in enumerate(content.country("ru").lines) if ln.kind == "hotline")
    number = content.country("ru").lines[line].number
    for _ in range(2):  # one person, twice the same report: counted once
        user = desk.users[-1] if _ else desk.new_user()
        numbers = desk.command(user, "/hotlines", lang="en")
        russia, _a = desk.press(user, numbers, "h:ru", lang="en")
        assert actions(russia)[0] == "hf:ru"
        pick, _a = desk.press(user, russia, "hf:ru", lang="en")
        ask, _a = desk.press(user, pick, f"hf:ru:{line}", lang="en")
        thanks, _a = desk.press(user, ask, f"hf:ru:{line}:n", lang="en")
        assert "count" in thanks["text"]
    other = desk.new_user()
    numbers = desk.command(other, "/hotlines", lang="en")
    desk.api.push_callback(other, numbers, f"hf:ru:{line}:a", check=False)  # an old keyboard, pressed straight
    desk.bot.wait_reply(other)

    with db(desk.bot.data_dir) as conn:
        rows = conn.execute("SELECT event, label, n FROM counters WHERE event LIKE 'hotline_%'").fetchall()
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert sorted(rows) == [("hotline_answered", f"ru:{number}", 1), ("hotline_no_answer", f"ru:{number}", 1)]
    assert not [t for t in tables if "feedback" in t or "vote" in t], "only the anonymous counters"

    since = desk.api.mark()
    stats = desk.command(ADMIN, "/stats", lang="en")
    assert f"ru:{number}: answered 1 of 2 (50%)" in stats["text"]
    photo = desk.bot.wait_call(lambda c: c.method == "sendPhoto" and c.ok and c.params["chat_id"] == ADMIN,
                               timeout=30, since=since)
    assert photo.params["photo"].data.startswith(b"\x89PNG") and photo.params["photo"].size < 200_000
    print(f"\n/stats chart: {photo.params['photo'].size} bytes, {photo.at - stats['date']:.1f} s after the text")

    out = subprocess.run([sys.executable, "-m", "bot", "hotlines"], cwd=REPO, capture_output=True, text=True,
                         env=bot_env({"DATA_DIR": str(desk.bot.data_dir)}), timeout=60)
    assert out.returncode == 0, out.stderr
    row = next(ln for ln in out.stdout.splitlines() if number in ln and ln.startswith("ru"))
    assert "users: answered 1 of 2 (50%)" in row, row


# ---------------------------------------------------------------------------------------------------------------
# Privacy: what the database and the logs hold
# ---------------------------------------------------------------------------------------------------------------

def test_people_who_chose_nothing_leave_only_their_hashed_language_row(desk):
    user = desk.new_user()
    welcome = desk.command(user, "/start", lang="ru")
    desk.press(user, welcome, "l:tg")
    desk.send(user, "корфармо маошамро намедиҳад", lang="ru")
    desk.command(user, "/hotlines", lang="ru")
    data = desk.bot.data_dir
    key = key_of(data, user)
    with db(data) as conn:
        assert conn.execute("SELECT user_key, lang FROM users WHERE user_key = ?", (key,)).fetchall() == [(key, "tg")]
        for table, column in (("cases", "chat_id"), ("subscribers", "chat_id"), ("deliveries", "chat_id"),
                              ("broadcasts", "admin_chat")):
            assert conn.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (user,)).fetchone()[0] == 0
        for table in ("cases", "subscribers"):
            assert conn.execute(f"SELECT COUNT(*) FROM {table} WHERE user_key = ?", (key,)).fetchone()[0] == 0


def test_logs_carry_no_text_names_or_ids(desk):
    time.sleep(0.5)
    log = desk.bot.log()
    assert "Case #" in log, "the log does say what happened, by case number"
    for text in desk.texts:
        assert text not in log, text
    for secret in (NAME, USERNAME, "Nodira", "nodira_ngo", str(CASEWORKER), str(OPERATORS), "chose to show"):
        assert secret not in log, secret
    for user in desk.users:
        assert str(user) not in log, user
    assert TOKEN not in log


# ---------------------------------------------------------------------------------------------------------------
# Expiry and the reminder (short settings), and no desk without OPERATORS_CHAT_ID
# ---------------------------------------------------------------------------------------------------------------

def test_an_idle_case_gets_the_hotlines_then_expires_and_nothing_of_it_remains(tmp_path, content):
    with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as api:
        env = {"OPERATORS_CHAT_ID": str(OPERATORS), "OPERATORS_LANG": "en",
               "CASE_REMINDER_MINUTES": "0.02", "CASE_RETENTION_DAYS": "0.00006"}  # 1.2 s and 5.2 s
        with BotProcess(api, tmp_path / "data", tmp_path / "bot.log", env=env) as bot:
            h = Harness(api, bot, base_user=7_410_000_000)
            user = h.new_user()
            number, _ = open_case(h, user)
            h.send(user, "Помогите, мне не платят", lang="ru")
            reminder = bot.wait_reply(user, timeout=15)
            assert reminder["text"] == render.text(CaseDesk(content).reminder("ru")).strip()
            assert "+7 495 967 98 44" in reminder["text"]
            since = api.mark()
            expired = bot.wait_reply(user, timeout=20)
            assert "/human" in expired["text"]
            note = wait_operators(h, since)[0]
            assert f"#{number}" in note.params["text"]
            assert case_rows(bot.data_dir, number) == ([], [])
            time.sleep(1.0)  # the inbox scrubs the files once quiet
            raw = b"".join(p.read_bytes() for p in sorted(bot.data_dir.glob("saferoad.sqlite3*")))
            assert user.to_bytes(6, "big") not in raw and str(user).encode() not in raw, "no trace of the chat id"
            assert "Помогите".encode() not in raw
