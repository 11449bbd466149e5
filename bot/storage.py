"""What the bot keeps, and nothing more: each user's language and anonymous daily counters.

Users may be victims of crime, so the store never holds message texts, names, phone numbers or even Telegram user
ids: a user is known only by an HMAC of their id under a secret salt kept in DATA_DIR (so the table alone cannot be
joined back to Telegram accounts). SQLite in WAL mode with one lock serialises writers; each change is one
transaction, so concurrent updates and crashes cannot leave it half-written.

python-telegram-bot's persistence classes key ``user_data`` by the raw user id and reload it all at start-up,
which is exactly what we must not store; hence this small store instead.
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
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

DB_NAME = "saferoad.sqlite3"

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    user_key TEXT PRIMARY KEY,       -- HMAC-SHA256(salt, user id), never the id itself
    lang TEXT NOT NULL,
    updated TEXT NOT NULL            -- day only
);
CREATE TABLE IF NOT EXISTS counters (
    day TEXT NOT NULL,
    event TEXT NOT NULL,             -- topic | unanswered | emergency | verdict
    label TEXT NOT NULL,             -- topic id, verdict level, or '' when not applicable
    lang TEXT NOT NULL,
    n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, event, label, lang)
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
            self._db.executescript(SCHEMA)

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
        return row[0] if row else None

    def set_lang(self, user_id: int, lang: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO users (user_key, lang, updated) VALUES (?, ?, ?) "
                "ON CONFLICT(user_key) DO UPDATE SET lang = excluded.lang, updated = excluded.updated",
                (self.user_key(user_id), lang, dt.date.today().isoformat()))

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

    def close(self) -> None:
        with self._lock:
            self._db.close()
