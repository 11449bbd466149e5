"""Helpers for end-to-end tests (and the load benchmark): the bot as a real process, talking to the Bot API
stand-in in :mod:`tests.botapi.emulator`.

:class:`BotProcess` starts ``python -m bot run`` (or any script) with a clean environment pointed at the emulator,
captures its stdout and stderr in a log file, and always stops it (terminate, wait, kill). :class:`Harness` is the
user's side of the conversation: push an update, wait for what the bot sends back, and fail with the tail of the
bot's log when nothing comes.
"""

from __future__ import annotations

import itertools
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tests.botapi.emulator import BotApiEmulator, Call

REPO = Path(__file__).resolve().parents[1]
TOKEN = "123456789:AAHtestTOKENvalueXXXXXXXXXXXXXXXXXXX"
BOT_USERNAME = "SafeRoadTestBot"

# Variables the bot reads; never inherited from the caller's environment, so a developer's .env cannot leak in.
_BOT_VARS = ("BOT_TOKEN", "TELEGRAM_BASE_URL", "DATA_DIR", "ADMIN_IDS", "LOG_LEVEL", "WEBHOOK_URL", "WEBHOOK_SECRET",
             "PORT", "LISTEN", "BOT_USERNAME", "RATE_LIMIT_OVERALL", "RATE_LIMIT_PER_CHAT",
             "CHAT_QUEUE_LIMIT", "OPERATORS_CHAT_ID", "OPERATORS_LANG", "CASE_RETENTION_DAYS", "CASE_REMINDER_MINUTES",
             "BROADCAST_RATE")
_PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")

TAJIK_LETTERS = set("ғӣқӯҳҷҒӢҚӮҲҶ")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bot_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _BOT_VARS and k not in _PROXY_VARS}
    env.update({"PYTHONUNBUFFERED": "1", "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
                "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)})
    env.update(extra or {})
    return env


def run_bot_once(env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``python -m bot run`` to completion (for start-up failures): exit code and combined output."""
    return subprocess.run([sys.executable, "-m", "bot", "run"], env=bot_env(env), cwd=REPO, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


class BotProcess:
    """A bot as a separate process: ``with BotProcess(api, data_dir, log) as bot: ...`` starts and stops it."""

    def __init__(self, api: BotApiEmulator, data_dir: Path, log_path: Path, env: dict[str, str] | None = None,
                 argv: Sequence[str] = ("-m", "bot", "run"), token: str | None = None):
        self.api = api
        self.data_dir = Path(data_dir)
        self.log_path = Path(log_path)
        self.argv = list(argv)
        self.env = {"BOT_TOKEN": token or api.token, "TELEGRAM_BASE_URL": api.base_url,
                    "DATA_DIR": str(self.data_dir), "LOG_LEVEL": "INFO", **(env or {})}
        self.proc: subprocess.Popen[bytes] | None = None
        self._log_file: Any = None
        self.returncode: int | None = None

    # -- lifecycle ------------------------------------------------------------------------------------------------

    def start(self, ready: str | Callable[[Call], bool] | None = "getUpdates", timeout: float = 30) -> BotProcess:
        """Start, then wait until the bot makes the ``ready`` call (default: its first long poll)."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log_file = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        since = self.api.mark()
        self.proc = subprocess.Popen([sys.executable, *self.argv], env=bot_env(self.env), cwd=REPO,
                                     stdin=subprocess.DEVNULL, stdout=self._log_file, stderr=subprocess.STDOUT)
        self.returncode = None
        if ready is not None:
            self.wait_call(ready, timeout=timeout, since=since)
        return self

    def stop(self, timeout: float = 15) -> int | None:
        """Terminate (SIGTERM: PTB shuts down cleanly), wait, and kill if it does not exit in time."""
        proc = self.proc
        if proc is None:
            return self.returncode
        try:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(10)
        finally:
            self.returncode = proc.returncode
            self.proc = None
            if self._log_file is not None:
                self._log_file.close()
                self._log_file = None
        return self.returncode

    def __enter__(self) -> BotProcess:
        if self.proc is None:
            self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    # -- the log ------------------------------------------------------------------------------------------------

    def log(self) -> str:
        if self._log_file is not None:
            self._log_file.flush()
        try:
            return self.log_path.read_text("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def failure(self, message: str) -> AssertionError:
        state = "running" if self.alive else f"exited with {self.proc.poll() if self.proc else self.returncode}"
        return AssertionError(f"{message}\n--- bot process {state}; last lines of {self.log_path} ---\n{self.tail()}")

    # -- waiting ------------------------------------------------------------------------------------------------

    def wait_call(self, predicate: str | Callable[[Call], bool], timeout: float = 10, since: int | None = None) -> Call:
        """Like ``api.wait_for`` but gives up at once if the bot dies, and shows the bot's log on failure."""
        start = self.api.mark() if since is None else since
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self.api.wait_for(predicate, timeout=min(0.5, max(deadline - time.monotonic(), 0.01)),
                                         since=start)
            except TimeoutError as exc:
                if self.proc is not None and self.proc.poll() is not None:
                    raise self.failure(f"the bot died while waiting: {exc}") from None
                if time.monotonic() >= deadline:
                    raise self.failure(str(exc)) from None

    def wait_reply(self, chat_id: int, timeout: float = 10, **kw: Any) -> dict[str, Any]:
        try:
            return self.api.wait_for_reply(chat_id, timeout=timeout, **kw)
        except TimeoutError as exc:
            raise self.failure(str(exc)) from None


class Harness:
    """The user's side: push updates to the bot and read its answers."""

    _ids = itertools.count(1)

    def __init__(self, api: BotApiEmulator, bot: BotProcess, base_user: int = 7_300_000_000):
        self.api = api
        self.bot = bot
        self.base_user = base_user
        self.texts: list[str] = []  # every text a user sent, for the privacy checks
        self.users: list[int] = []

    def new_user(self) -> int:
        """A fresh user id (10 digits, so it cannot turn up by chance in a hash or a count)."""
        user = self.base_user + next(self._ids) * 7919
        self.users.append(user)
        return user

    def used_users(self) -> list[int]:
        return list(self.users)

    def check_alive(self) -> None:
        if not self.bot.alive:
            raise self.bot.failure("the bot process is not running")

    # -- user actions -------------------------------------------------------------------------------------------

    def send(self, user: int, text: str, lang: str | None = "ru", timeout: float = 10) -> dict[str, Any]:
        """The user writes ``text``; returns the bot's answer (the Message it sent)."""
        self.check_alive()
        self.texts.append(text)
        self.api.push_message(user, text, language_code=lang)
        return self.bot.wait_reply(user, timeout)

    def command(self, user: int, command: str, lang: str | None = "ru", timeout: float = 10) -> dict[str, Any]:
        self.check_alive()
        self.api.push_command(user, command, language_code=lang)
        return self.bot.wait_reply(user, timeout)

    def press(self, user: int, message: dict[str, Any], data: str, lang: str | None = "ru", *, check: bool = True,
              timeout: float = 10) -> tuple[dict[str, Any], Call]:
        """The user presses a button under ``message``: (the bot's answer, its answerCallbackQuery call)."""
        self.check_alive()
        since = self.api.mark()
        update = self.api.push_callback(user, message, data, language_code=lang, check=check)
        query_id = update["callback_query"]["id"]
        reply = self.bot.wait_reply(user, timeout)
        answered = self.bot.wait_call(
            lambda c: c.method == "answerCallbackQuery" and str(c.params.get("callback_query_id")) == query_id,
            timeout=timeout, since=since)
        return reply, answered

    def replies(self, chat_id: int, since: int, methods: Sequence[str] = ("sendMessage",)) -> list[dict[str, Any]]:
        """Every message successfully sent (or edited) to ``chat_id`` since ``since``."""
        return [c.result for c in self.api.calls[since:]
                if c.ok and c.method in methods and c.params.get("chat_id") == chat_id]


# -- reading messages -----------------------------------------------------------------------------------------------

def buttons(message: dict[str, Any]) -> list[list[tuple[str, str | None]]]:
    """The inline keyboard as rows of (label, callback_data or url)."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [[(b["text"], b.get("callback_data") or b.get("url")) for b in row] for row in rows]


def actions(message: dict[str, Any]) -> list[str]:
    return [data for row in buttons(message) for _, data in row if data]


def script_language(text: str) -> str:
    """A rough guess from the letters alone: 'tg' (Tajik letters), 'ru' (Cyrillic), 'en' (Latin)."""
    letters = [ch for ch in text if ch.isalpha()]
    if any(ch in TAJIK_LETTERS for ch in letters):
        return "tg"
    cyrillic = sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff")
    return "ru" if cyrillic > len(letters) / 2 else "en"


def files_once_scrubbed(data_dir: Path, needles: list[str], timeout: float = 10) -> bytes:
    """The database files' bytes, read once none of ``needles`` is in them (or after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while True:
        raw = b"".join(p.read_bytes() for p in sorted(data_dir.glob("saferoad.sqlite3*")))
        if not any(n.encode() in raw for n in needles) or time.monotonic() > deadline:
            return raw
        time.sleep(0.1)
