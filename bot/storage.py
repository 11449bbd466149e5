"""What the bot keeps, and nothing more: each user's language and destination country, anonymous daily counters,
and updates in transit.

Users may be victims of crime, so the store never holds message texts, names, phone numbers or even Telegram user
ids: a user is known only by an HMAC of their id under a secret salt kept in DATA_DIR (so the table alone cannot be
joined back to Telegram accounts). SQLite in WAL mode with one lock serialises writers; each change is one
transaction, so concurrent updates and crashes cannot leave it half-written.

python-telegram-bot's persistence classes key ``user_data`` by the raw user id and reload it all at start-up,
which is exactly what we must not store; hence this small store instead.

The one exception is the inbox: an update from Telegram (text, names and ids included) is written here before
Telegram is told it arrived, so a crash cannot lose it, and deleted as soon as it is answered. Deleted content is
overwritten (``secure_delete``) and :meth:`Store.scrub` empties the write-ahead log, so answered messages do not
linger in the files. The files are readable by their owner only.

Raw chat ids are kept only where a person chose it and only as long as needed: an open conversation with a
caseworker (the case-to-chat mapping, deleted when the case closes or expires) and an alert subscription (deleted
on unsubscribe or when the person blocks the bot). ``forget`` deletes both. Each table's comment in ``SCHEMA`` says
why it exists and when its rows are deleted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

DB_NAME = "saferoad.sqlite3"
# Telegram keeps an unconfirmed update for 24 hours; an answered update's id is remembered a little longer, so a
# copy sent again within that time is recognised and not answered twice.
DONE_KEEP_SECONDS = 25 * 3600

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    user_key TEXT PRIMARY KEY,       -- HMAC-SHA256(salt, user id), never the id itself
    lang TEXT NOT NULL,              -- '' when only a destination was chosen
    updated TEXT NOT NULL,           -- day only
    destination TEXT                 -- a country id (ru, kz, ...) or NULL
);
CREATE TABLE IF NOT EXISTS counters (
    day TEXT NOT NULL,
    event TEXT NOT NULL,             -- topic | unanswered | emergency | verdict
    label TEXT NOT NULL,             -- topic id, verdict level, or '' when not applicable
    lang TEXT NOT NULL,
    n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, event, label, lang)
);
-- Updates received and not answered yet: written (and synced to disk) before Telegram is told they arrived, so a
-- crash cannot lose them; each row is deleted the moment its update is answered or skipped.
CREATE TABLE IF NOT EXISTS inbox (
    update_id INTEGER PRIMARY KEY,
    body TEXT NOT NULL,              -- the update as Telegram sent it (JSON): held only until answered
    received REAL NOT NULL,          -- unix time
    restarts INTEGER NOT NULL DEFAULT 0  -- bot restarts it stayed unanswered through (a crash-loop guard)
);
-- People to people: only what a person chose (a conversation with a caseworker, alerts), for as long as needed.
-- A conversation with a caseworker (/human), while it is open: the mapping from its case number to the person's
-- chat, and nothing else (no texts, no names). Deleted when the person or a caseworker closes it, when it has been
-- idle longer than CASE_RETENTION_DAYS, and at once on /forget.
CREATE TABLE IF NOT EXISTS cases (
    case_no INTEGER PRIMARY KEY AUTOINCREMENT,  -- what the caseworkers see instead of a name
    user_key TEXT NOT NULL UNIQUE,   -- HMAC of the user id: "is a case open?" and /forget
    chat_id INTEGER NOT NULL,        -- the person's chat: needed to deliver the caseworkers' answers
    lang TEXT NOT NULL,
    opened REAL NOT NULL,            -- unix times: for expiry and the reminder
    active REAL NOT NULL,            -- the last message either way
    waiting_since REAL,              -- the person's oldest message no caseworker has answered yet
    reminded INTEGER NOT NULL DEFAULT 0
);
-- The case's messages in the caseworkers' group, by id only: a caseworker's reply finds its case, and closing the
-- case deletes them from the group. Deleted with the case.
CREATE TABLE IF NOT EXISTS case_messages (
    message_id INTEGER PRIMARY KEY,  -- in the caseworkers' group
    case_no INTEGER NOT NULL
);
-- People who chose to receive alerts (/alerts). The chat id is kept because it is needed to send them; the row is
-- deleted when they unsubscribe, when Telegram says they blocked the bot (403), and on /forget.
CREATE TABLE IF NOT EXISTS subscribers (
    user_key TEXT PRIMARY KEY,
    chat_id INTEGER NOT NULL UNIQUE,
    lang TEXT NOT NULL,
    country TEXT,                    -- NULL: alerts about every country
    since TEXT NOT NULL              -- day only
);
-- Alerts written by an admin: the message to copy (in the admin's chat), who it is for, and its counts. Nothing about
-- the people it reached; the counts stay for /stats, the message reference is cleared once sending is finished.
CREATE TABLE IF NOT EXISTS broadcasts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    admin_chat INTEGER NOT NULL,     -- for the preview, the progress and the report
    state TEXT NOT NULL,             -- awaiting | draft | sending | done | cancelled
    message_id INTEGER,              -- the alert, in admin_chat
    lang TEXT,                       -- NULL: subscribers of every language
    country TEXT,                    -- NULL: every subscriber; else those about that country or every country
    status_message INTEGER,          -- the admin's message showing the progress
    created REAL NOT NULL,
    finished REAL,
    sent INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    unsubscribed INTEGER NOT NULL DEFAULT 0
);
-- The subscribers an alert still has to reach: written when sending starts, each row deleted as soon as its message
-- is sent (or has failed), so after a crash the rest is sent on restart. Deleted with the subscriber on /forget.
CREATE TABLE IF NOT EXISTS deliveries (
    broadcast_id INTEGER NOT NULL,
    chat_id INTEGER NOT NULL,
    lang TEXT NOT NULL,              -- of the unsubscribe button under the alert
    PRIMARY KEY (broadcast_id, chat_id)
);
-- Ids of updates already answered, so a copy Telegram sends again is not answered twice. Numbers only (Telegram's
-- update counter, nothing about a person); deleted after 25 hours.
CREATE TABLE IF NOT EXISTS inbox_done (
    update_id INTEGER PRIMARY KEY,
    done REAL NOT NULL               -- unix time
);
"""


@dataclass(frozen=True)
class Case:
    case_no: int
    chat_id: int
    lang: str
    opened: float
    active: float
    waiting_since: float | None
    reminded: bool


@dataclass(frozen=True)
class Subscription:
    lang: str
    country: str | None


@dataclass(frozen=True)
class Broadcast:
    id: int
    admin_chat: int
    state: str
    message_id: int | None
    lang: str | None
    country: str | None
    status_message: int | None
    created: float
    finished: float | None
    sent: int
    failed: int
    unsubscribed: int


@dataclass(frozen=True)
class DayCount:
    day: str
    event: str
    label: str
    lang: str
    n: int


@dataclass(frozen=True)
class CountRow:
    event: str
    label: str
    lang: str
    n: int


class Store:
    def __init__(self, data_dir: Path, salt: bytes | None = None):
        self.data_dir = Path(data_dir)
        self._private_files()
        self._salt = salt or self._load_salt()
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.data_dir / DB_NAME, check_same_thread=False, isolation_level=None, timeout=10)
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten, not just unlinked
            self._db.executescript(SCHEMA)
            self._migrate()

    def _migrate(self) -> None:
        """Databases made before destinations existed get the column (empty for everyone)."""
        columns = [row[1] for row in self._db.execute("PRAGMA table_info(users)")]
        if "destination" not in columns:
            self._db.execute("ALTER TABLE users ADD COLUMN destination TEXT")

    def _private_files(self) -> None:
        """DATA_DIR 700; the database, its WAL and SHM files and the salt 600, including files made by older
        versions. SQLite creates the WAL and SHM files with the database file's mode, so creating that one
        first with 600 covers them too."""
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            os.chmod(self.data_dir, 0o700)
        except OSError as exc:  # not the owner (a shared mount): say so, but keep working
            log.warning("Could not make DATA_DIR private (mode 700): %s", exc.strerror)
        db = self.data_dir / DB_NAME
        os.close(os.open(db, os.O_RDWR | os.O_CREAT, 0o600))
        for path in (db, db.with_name(DB_NAME + "-wal"), db.with_name(DB_NAME + "-shm"), self.data_dir / "salt.key"):
            if path.exists():
                os.chmod(path, 0o600)

    def _load_salt(self) -> bytes:
        """A random secret made on first run; losing it only means users choose their language again."""
        path = self.data_dir / "salt.key"
        if path.exists():
            return path.read_bytes()
        salt = secrets.token_bytes(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(salt)
        return salt

    def user_key(self, user_id: int) -> str:
        return hmac.new(self._salt, str(user_id).encode(), hashlib.sha256).hexdigest()

    def get_lang(self, user_id: int) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT lang FROM users WHERE user_key = ?", (self.user_key(user_id),)).fetchone()
        return (row[0] or None) if row else None

    def set_lang(self, user_id: int, lang: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO users (user_key, lang, updated) VALUES (?, ?, ?) "
                "ON CONFLICT(user_key) DO UPDATE SET lang = excluded.lang, updated = excluded.updated",
                (self.user_key(user_id), lang, dt.date.today().isoformat()))

    def get_destination(self, user_id: int) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT destination FROM users WHERE user_key = ?",
                                   (self.user_key(user_id),)).fetchone()
        return row[0] if row else None

    def set_destination(self, user_id: int, destination: str) -> None:
        """Remember the country the user goes to; a user with no row yet gets one without a chosen language."""
        with self._lock:
            self._db.execute(
                "INSERT INTO users (user_key, lang, updated, destination) VALUES (?, '', ?, ?) "
                "ON CONFLICT(user_key) DO UPDATE SET destination = excluded.destination, updated = excluded.updated",
                (self.user_key(user_id), dt.date.today().isoformat(), destination))

    def forget(self, user_id: int) -> bool:
        """Erase everything kept about this user (language, open case, alert subscription); True if there was
        something. The adapter closes an open case first, so the caseworkers learn it ended."""
        key = self.user_key(user_id)
        with self._lock, self._transaction():
            cur = self._db.execute("DELETE FROM users WHERE user_key = ?", (key,))
            erased = cur.rowcount > 0
            for (case_no,) in self._db.execute("SELECT case_no FROM cases WHERE user_key = ?", (key,)).fetchall():
                self._db.execute("DELETE FROM case_messages WHERE case_no = ?", (case_no,))
                self._db.execute("DELETE FROM cases WHERE case_no = ?", (case_no,))
                erased = True
            row = self._db.execute("SELECT chat_id FROM subscribers WHERE user_key = ?", (key,)).fetchone()
            if row:
                self._db.execute("DELETE FROM deliveries WHERE chat_id = ?", (row[0],))
                self._db.execute("DELETE FROM subscribers WHERE user_key = ?", (key,))
                erased = True
        return erased

    def count(self, event: str, label: str | None, lang: str, day: dt.date | None = None) -> None:
        day_s = (day or dt.date.today()).isoformat()
        with self._lock:
            self._db.execute(
                "INSERT INTO counters (day, event, label, lang, n) VALUES (?, ?, ?, ?, 1) "
                "ON CONFLICT(day, event, label, lang) DO UPDATE SET n = n + 1",
                (day_s, event, label or "", lang))

    def totals(self, days: int, today: dt.date | None = None) -> list[CountRow]:
        """Counts summed over the last ``days`` days, biggest first."""
        since = ((today or dt.date.today()) - dt.timedelta(days=days - 1)).isoformat()
        with self._lock:
            rows = self._db.execute(
                "SELECT event, label, lang, SUM(n) FROM counters WHERE day >= ? "
                "GROUP BY event, label, lang ORDER BY SUM(n) DESC, event, label, lang", (since,)).fetchall()
        return [CountRow(*row) for row in rows]

    # -- the inbox: updates in transit --------------------------------------------------------------------------

    def inbox_add(self, updates: Iterable[tuple[int, str]]) -> list[int]:
        """Store (update id, JSON body) pairs not seen before, synced to disk before this returns: the caller may
        then tell Telegram they arrived. Returns the ids that are new (neither waiting nor already answered)."""
        now = time.time()
        new: list[int] = []
        with self._lock:
            # FULL: the commit is on disk, not only in the OS cache, so even a power cut cannot lose the update.
            self._db.execute("PRAGMA synchronous=FULL")
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    for update_id, body in updates:
                        cur = self._db.execute(
                            "INSERT OR IGNORE INTO inbox (update_id, body, received) SELECT ?, ?, ? "
                            "WHERE NOT EXISTS (SELECT 1 FROM inbox_done WHERE update_id = ?)",
                            (update_id, body, now, update_id))
                        if cur.rowcount:
                            new.append(update_id)
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
            finally:
                self._db.execute("PRAGMA synchronous=NORMAL")
        return new

    def inbox_body(self, update_id: int) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT body FROM inbox WHERE update_id = ?", (update_id,)).fetchone()
        return row[0] if row else None

    def inbox_done(self, update_ids: Iterable[int]) -> None:
        """The updates are answered (or skipped): delete them, remember only their ids."""
        now = time.time()
        with self._lock:
            self._db.execute("BEGIN")
            try:
                for update_id in update_ids:
                    self._db.execute("DELETE FROM inbox WHERE update_id = ?", (update_id,))
                    self._db.execute("INSERT OR REPLACE INTO inbox_done (update_id, done) VALUES (?, ?)",
                                     (update_id, now))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def inbox_restart(self) -> list[tuple[int, str, int]]:
        """At start-up: every update still waiting, oldest first, as (id, body, restarts it has waited through)."""
        with self._lock:
            self._db.execute("UPDATE inbox SET restarts = restarts + 1")
            return self._db.execute("SELECT update_id, body, restarts FROM inbox ORDER BY update_id").fetchall()

    def inbox_waiting(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM inbox").fetchone()[0]

    def scrub(self, now: float | None = None, prune: bool = True) -> None:
        """Forget answered updates for good: fold the write-ahead log into the database and truncate it (its old
        pages may still hold deleted texts); with ``prune``, also drop answered ids older than a day."""
        with self._lock:
            if prune:
                self._db.execute("DELETE FROM inbox_done WHERE done < ?", ((now or time.time()) - DONE_KEEP_SECONDS,))
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One transaction (the caller holds the lock): all of it is written, or none of it."""
        self._db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def daily(self, days: int, today: dt.date | None = None) -> list[DayCount]:
        """The counters of the last ``days`` days, day by day (for the /stats chart)."""
        since = ((today or dt.date.today()) - dt.timedelta(days=days - 1)).isoformat()
        with self._lock:
            rows = self._db.execute("SELECT day, event, label, lang, n FROM counters WHERE day >= ? ORDER BY day",
                                    (since,)).fetchall()
        return [DayCount(*row) for row in rows]

    # -- cases: a conversation with a caseworker -----------------------------------------------------------------

    _CASE = "SELECT case_no, chat_id, lang, opened, active, waiting_since, reminded FROM cases"

    def _case(self, row: tuple | None) -> Case | None:
        return Case(*row[:6], bool(row[6])) if row else None

    def case_open(self, user_id: int, chat_id: int, lang: str, now: float | None = None) -> tuple[Case, bool]:
        """The user's open case, or a new one: (case, True if new)."""
        now = time.time() if now is None else now
        key = self.user_key(user_id)
        with self._lock, self._transaction():
            row = self._db.execute(f"{self._CASE} WHERE user_key = ?", (key,)).fetchone()
            if row:
                return self._case(row), False
            self._db.execute("INSERT INTO cases (user_key, chat_id, lang, opened, active) VALUES (?, ?, ?, ?, ?)",
                             (key, chat_id, lang, now, now))
            return self._case(self._db.execute(f"{self._CASE} WHERE user_key = ?", (key,)).fetchone()), True

    def case_of_user(self, user_id: int) -> Case | None:
        with self._lock:
            return self._case(self._db.execute(f"{self._CASE} WHERE user_key = ?",
                                               (self.user_key(user_id),)).fetchone())

    def case_get(self, case_no: int) -> Case | None:
        with self._lock:
            return self._case(self._db.execute(f"{self._CASE} WHERE case_no = ?", (case_no,)).fetchone())

    def case_by_message(self, message_id: int) -> Case | None:
        """The case a message in the caseworkers' group belongs to."""
        with self._lock:
            return self._case(self._db.execute(
                f"{self._CASE} WHERE case_no = (SELECT case_no FROM case_messages WHERE message_id = ?)",
                (message_id,)).fetchone())

    def case_messages_add(self, case_no: int, message_ids: Iterable[int]) -> None:
        with self._lock, self._transaction():
            for message_id in message_ids:
                self._db.execute("INSERT OR REPLACE INTO case_messages (message_id, case_no) VALUES (?, ?)",
                                 (message_id, case_no))

    def case_user_wrote(self, case_no: int, now: float | None = None) -> bool:
        """The person wrote: True if it is their first message since a caseworker last answered."""
        now = time.time() if now is None else now
        with self._lock, self._transaction():
            row = self._db.execute("SELECT waiting_since FROM cases WHERE case_no = ?", (case_no,)).fetchone()
            self._db.execute("UPDATE cases SET active = ?, waiting_since = COALESCE(waiting_since, ?) "
                             "WHERE case_no = ?", (now, now, case_no))
        return row is not None and row[0] is None

    def case_answered(self, case_no: int, now: float | None = None) -> None:
        """A caseworker answered: nobody is waiting any more, and a later wait gets its own reminder."""
        with self._lock:
            self._db.execute("UPDATE cases SET active = ?, waiting_since = NULL, reminded = 0 WHERE case_no = ?",
                             (time.time() if now is None else now, case_no))

    def case_reminded(self, case_no: int) -> None:
        with self._lock:
            self._db.execute("UPDATE cases SET reminded = 1 WHERE case_no = ?", (case_no,))

    def case_close(self, case_no: int) -> tuple[Case | None, list[int]]:
        """Delete the case and its message ids; returns what they were (to tell both sides and tidy the group)."""
        with self._lock, self._transaction():
            case = self._case(self._db.execute(f"{self._CASE} WHERE case_no = ?", (case_no,)).fetchone())
            ids = [r[0] for r in self._db.execute(
                "SELECT message_id FROM case_messages WHERE case_no = ? ORDER BY message_id", (case_no,))]
            self._db.execute("DELETE FROM case_messages WHERE case_no = ?", (case_no,))
            self._db.execute("DELETE FROM cases WHERE case_no = ?", (case_no,))
        return case, ids

    def cases_open(self) -> list[Case]:
        with self._lock:
            return [self._case(r) for r in self._db.execute(f"{self._CASE} ORDER BY case_no").fetchall()]

    def cases_idle(self, before: float) -> list[Case]:
        """Open cases with no message either way since ``before`` (unix time)."""
        with self._lock:
            return [self._case(r) for r in self._db.execute(f"{self._CASE} WHERE active < ? ORDER BY case_no",
                                                            (before,)).fetchall()]

    def cases_to_remind(self, before: float) -> list[Case]:
        """Open cases whose person has waited since before ``before`` for a first answer, not yet reminded."""
        with self._lock:
            return [self._case(r) for r in self._db.execute(
                f"{self._CASE} WHERE waiting_since < ? AND reminded = 0 ORDER BY case_no", (before,)).fetchall()]

    # -- alerts: subscribers, broadcasts and their deliveries ------------------------------------------------------

    def subscribe(self, user_id: int, chat_id: int, lang: str, country: str | None = None) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO subscribers (user_key, chat_id, lang, country, since) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(user_key) DO UPDATE SET chat_id = excluded.chat_id, lang = excluded.lang, "
                "country = excluded.country",
                (self.user_key(user_id), chat_id, lang, country, dt.date.today().isoformat()))

    def subscription(self, user_id: int) -> Subscription | None:
        with self._lock:
            row = self._db.execute("SELECT lang, country FROM subscribers WHERE user_key = ?",
                                   (self.user_key(user_id),)).fetchone()
        return Subscription(*row) if row else None

    def unsubscribe(self, user_id: int) -> bool:
        key = self.user_key(user_id)
        with self._lock, self._transaction():
            row = self._db.execute("SELECT chat_id FROM subscribers WHERE user_key = ?", (key,)).fetchone()
            if row:
                self._db.execute("DELETE FROM deliveries WHERE chat_id = ?", (row[0],))
                self._db.execute("DELETE FROM subscribers WHERE user_key = ?", (key,))
        return row is not None

    _AUDIENCE = "FROM subscribers WHERE (? IS NULL OR lang = ?) AND (? IS NULL OR country IS NULL OR country = ?)"

    def audience(self, lang: str | None, country: str | None) -> int:
        """How many subscribers an alert in ``lang`` (None: all) about ``country`` (None: every one) reaches."""
        with self._lock:
            return self._db.execute(f"SELECT COUNT(*) {self._AUDIENCE}", (lang, lang, country, country)).fetchone()[0]

    def subscriber_counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._db.execute("SELECT lang, COUNT(*) FROM subscribers GROUP BY lang").fetchall())

    _BROADCAST = ("SELECT id, admin_chat, state, message_id, lang, country, status_message, created, finished, sent, "
                  "failed, unsubscribed FROM broadcasts")

    def broadcast_begin(self, admin_chat: int) -> int:
        """An admin asked to send an alert: their next message will be it. Earlier unsent drafts are dropped."""
        with self._lock, self._transaction():
            self._db.execute("UPDATE broadcasts SET state = 'cancelled', message_id = NULL "
                             "WHERE admin_chat = ? AND state IN ('awaiting', 'draft')", (admin_chat,))
            cur = self._db.execute("INSERT INTO broadcasts (admin_chat, state, created) VALUES (?, 'awaiting', ?)",
                                   (admin_chat, time.time()))
        return int(cur.lastrowid)

    def broadcast_awaiting(self, admin_chat: int) -> int | None:
        with self._lock:
            row = self._db.execute("SELECT id FROM broadcasts WHERE admin_chat = ? AND state = 'awaiting'",
                                   (admin_chat,)).fetchone()
        return row[0] if row else None

    def broadcast_get(self, broadcast_id: int) -> Broadcast | None:
        with self._lock:
            row = self._db.execute(f"{self._BROADCAST} WHERE id = ?", (broadcast_id,)).fetchone()
        return Broadcast(*row) if row else None

    def broadcast_draft(self, broadcast_id: int, message_id: int, lang: str | None) -> None:
        with self._lock:
            self._db.execute("UPDATE broadcasts SET state = 'draft', message_id = ?, lang = ? WHERE id = ?",
                             (message_id, lang, broadcast_id))

    def broadcast_target(self, broadcast_id: int, lang: str | None, country: str | None) -> None:
        with self._lock:
            self._db.execute("UPDATE broadcasts SET lang = ?, country = ? WHERE id = ? AND state = 'draft'",
                             (lang, country, broadcast_id))

    def broadcast_status_message(self, broadcast_id: int, message_id: int) -> None:
        with self._lock:
            self._db.execute("UPDATE broadcasts SET status_message = ? WHERE id = ?", (message_id, broadcast_id))

    def broadcast_cancel(self, broadcast_id: int) -> bool:
        with self._lock:
            cur = self._db.execute("UPDATE broadcasts SET state = 'cancelled', message_id = NULL "
                                   "WHERE id = ? AND state IN ('awaiting', 'draft')", (broadcast_id,))
        return cur.rowcount > 0

    def broadcast_start(self, broadcast_id: int) -> int | None:
        """Start sending a draft: one delivery row per subscriber it is for, written in the same transaction as the
        state, so a second press or a crash cannot send it twice over. None if it is not a draft (any more)."""
        with self._lock, self._transaction():
            row = self._db.execute("SELECT lang, country FROM broadcasts WHERE id = ? AND state = 'draft'",
                                   (broadcast_id,)).fetchone()
            if row is None:
                return None
            lang, country = row
            cur = self._db.execute(f"INSERT INTO deliveries (broadcast_id, chat_id, lang) SELECT ?, chat_id, lang "
                                   f"{self._AUDIENCE}", (broadcast_id, lang, lang, country, country))
            self._db.execute("UPDATE broadcasts SET state = 'sending' WHERE id = ?", (broadcast_id,))
        return cur.rowcount

    def broadcasts_sending(self) -> list[Broadcast]:
        with self._lock:
            return [Broadcast(*r) for r in self._db.execute(
                f"{self._BROADCAST} WHERE state = 'sending' ORDER BY id").fetchall()]

    def deliveries_next(self, broadcast_id: int, limit: int, after: int | None = None) -> list[tuple[int, str]]:
        """Up to ``limit`` (chat id, language) pairs still to reach, in chat id order after ``after``."""
        with self._lock:
            return self._db.execute(
                "SELECT chat_id, lang FROM deliveries WHERE broadcast_id = ? AND chat_id > ? ORDER BY chat_id "
                "LIMIT ?", (broadcast_id, after if after is not None else -(2 ** 63), limit)).fetchall()

    def deliveries_left(self, broadcast_id: int) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM deliveries WHERE broadcast_id = ?",
                                    (broadcast_id,)).fetchone()[0]

    def delivery_done(self, broadcast_id: int, chat_id: int, outcome: str) -> None:
        """One subscriber is done with: ``sent``, ``failed``, or ``unsubscribed`` (they blocked the bot, so their
        subscription is deleted too). One transaction, so a crash leaves either the row or the count."""
        column = {"sent": "sent", "failed": "failed", "unsubscribed": "unsubscribed"}[outcome]
        with self._lock, self._transaction():
            cur = self._db.execute("DELETE FROM deliveries WHERE broadcast_id = ? AND chat_id = ?",
                                   (broadcast_id, chat_id))
            if cur.rowcount:
                self._db.execute(f"UPDATE broadcasts SET {column} = {column} + 1 WHERE id = ?", (broadcast_id,))
            if outcome == "unsubscribed":
                self._db.execute("DELETE FROM deliveries WHERE chat_id = ?", (chat_id,))
                self._db.execute("DELETE FROM subscribers WHERE chat_id = ?", (chat_id,))

    def broadcast_finish(self, broadcast_id: int) -> Broadcast | None:
        with self._lock:
            self._db.execute("UPDATE broadcasts SET state = 'done', finished = ? WHERE id = ? AND state = 'sending'",
                             (time.time(), broadcast_id))
        return self.broadcast_get(broadcast_id)

    def broadcasts_since(self, since: float) -> list[Broadcast]:
        """Alerts sent (finished or still sending) since ``since`` (unix time), for /stats."""
        with self._lock:
            return [Broadcast(*r) for r in self._db.execute(
                f"{self._BROADCAST} WHERE state IN ('sending', 'done') AND created >= ? ORDER BY id",
                (since,)).fetchall()]


def read_totals(data_dir: Path, days: int, today: dt.date | None = None) -> list[CountRow]:
    """The counters of a store on disk, summed over ``days`` days, read-only (for the command line, next to a
    running bot); [] when there is no store yet."""
    path = Path(data_dir) / DB_NAME
    if not path.exists():
        return []
    since = ((today or dt.date.today()) - dt.timedelta(days=days - 1)).isoformat()
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT event, label, lang, SUM(n) FROM counters WHERE day >= ? GROUP BY event, label, lang",
                          (since,)).fetchall()
    finally:
        db.close()
    return [CountRow(*row) for row in rows]
