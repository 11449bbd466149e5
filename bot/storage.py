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
from collections.abc import Iterable
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
-- Ids of updates already answered, so a copy Telegram sends again is not answered twice. Numbers only (Telegram's
-- update counter, nothing about a person); deleted after 25 hours.
CREATE TABLE IF NOT EXISTS inbox_done (
    update_id INTEGER PRIMARY KEY,
    done REAL NOT NULL               -- unix time
);
"""


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
        """Erase everything kept about this user; True if there was something."""
        with self._lock:
            cur = self._db.execute("DELETE FROM users WHERE user_key = ?", (self.user_key(user_id),))
        return cur.rowcount > 0

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
