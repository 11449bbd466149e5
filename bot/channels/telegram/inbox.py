"""The durable inbox: every update is stored before Telegram is told it arrived, and deleted once answered.

Updates come in from :mod:`.polling` or :mod:`.webhook` as Telegram sent them (JSON), are written to the store
(synced to disk) and only then acknowledged: by the next getUpdates offset, or by the webhook's HTTP 200. Workers
take them chat by chat (:mod:`.fairness`), turn each into a python-telegram-bot ``Update`` and hand it to
``Application.process_update``, which runs the handlers; when that returns, the update is answered and its row is
deleted. After a crash, whatever was stored and not answered is handled first on the next start. Delivery is at
least once: an update whose answer was on its way when the process died may be answered again (the updates in
hand at that moment, one per chat at most); a copy Telegram sends twice is recognised by its update id.

An update python-telegram-bot cannot read is skipped and logged once, by id and type only. So is one that stayed
unanswered through several restarts (it may be what crashes the bot). A reply that failed because Telegram could
not be reached is tried again later instead of being dropped.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import time
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import Application

from bot.channels.telegram.fairness import Admission, FairQueue
from bot.storage import Store

log = logging.getLogger(__name__)

# Updates handled at once, each from a different chat: enough to overlap one reply's wait for Telegram with the next
# one's work (4 at a round trip of 130 ms still exceed Telegram's 30 messages/s). More cost more than they give:
# httpcore checks every pooled connection on each request (bench/telegram_load.py: 4 workers 2.1-2.2 ms CPU a
# message, 8 workers 2.3, 16 workers 3.1).
WORKERS = 4
MAX_RESTARTS = 5        # an update still unanswered after this many restarts is skipped
MAX_TRIES = 8           # attempts at an update whose reply could not reach Telegram (over about 3 minutes)
SCRUB_IDLE = 0.5        # seconds of quiet before the answered texts are scrubbed from the files
SCRUB_EVERY = 30.0      # ...and at least this often under steady load
PRUNE_EVERY = 3600.0    # how often old update ids are forgotten


def update_kind(raw: dict[str, Any]) -> str:
    """The update's type (message, callback_query, ...): the one field besides update_id."""
    return next((k for k in raw if k != "update_id"), "empty")


def chat_key(raw: dict[str, Any]) -> Hashable:
    """Which queue an update joins: its chat, else its user (inline queries), else its own."""
    body = raw.get(update_kind(raw))
    if isinstance(body, dict):
        chat = body.get("chat") or (body.get("message") or {}).get("chat")
        if isinstance(chat, dict) and isinstance(chat.get("id"), int):
            return chat["id"]
        user = body.get("from") or body.get("user")
        if isinstance(user, dict) and isinstance(user.get("id"), int):
            return ("user", user["id"])
    return ("update", raw.get("update_id"))


@dataclass
class _Attempt:
    update_id: int
    tries: int
    retry: bool = False


@dataclass
class _Note:
    """The polite "please slow down" for a flooding chat, sent ahead of its waiting updates."""
    update: Update


_attempt: contextvars.ContextVar[_Attempt | None] = contextvars.ContextVar("inbox_attempt", default=None)


def postpone(error: BaseException | None) -> bool:
    """Called by the error handler: if the update being handled failed only because Telegram could not be
    reached, the inbox tries it again later (True) instead of counting it answered."""
    attempt = _attempt.get()
    transient = isinstance(error, (NetworkError, RetryAfter)) and not isinstance(error, BadRequest)
    if attempt is None or not transient or attempt.tries >= MAX_TRIES:
        return False
    attempt.retry = True
    return True


class Inbox:
    def __init__(self, application: Application, store: Store, *, workers: int = WORKERS, chat_limit: int = 10,
                 on_flood: Callable[[Update], Awaitable[None]] | None = None):
        self.application = application
        self.store = store
        self.workers = workers
        self.on_flood = on_flood
        # A chat's next update is handed out once its answer could be sent at once (Telegram's per-chat limits,
        # kept by ChatRateLimiter), so no worker waits for one chat while other chats wait for a worker.
        ready_in = getattr(application.bot.rate_limiter, "ready_in", None)
        self.queue = FairQueue(chat_limit, pace=(lambda key: ready_in(key) if isinstance(key, int) else 0.0)
                               if ready_in is not None else None)
        self._tries: dict[int, int] = {}
        self._arrived: dict[int, float] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._in_hand: set[asyncio.Task[Any]] = set()
        self._stopping = False
        self._answered_since_scrub = 0
        self._last_activity = time.monotonic()

    # -- life cycle -------------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Queue what a previous run stored and did not answer (before any new update), then start working."""
        rows = await asyncio.to_thread(self.store.inbox_restart)
        skipped = []
        for update_id, body, restarts in rows:
            try:
                raw = json.loads(body)
                key = chat_key(raw)
            except ValueError:
                key = ("update", update_id)
            if restarts > MAX_RESTARTS:
                log.warning("Skipped update %d: still unanswered after %d restarts", update_id, restarts - 1)
                skipped.append(update_id)
            else:
                self.queue.put(key, update_id, always=True)  # admitted before the restart: never refused
        if skipped:
            self.store.inbox_done(skipped)
            self._answered_since_scrub += len(skipped)
        if rows:
            log.info("Resuming %d stored update(s) not answered before the last stop", len(rows) - len(skipped))
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._work(), name=f"inbox-worker-{i}") for i in range(self.workers)]
        self._tasks.append(loop.create_task(self._scrub_loop(), name="inbox-scrub"))

    async def stop(self, grace: float) -> None:
        """Stop taking updates; give those in hand up to ``grace`` seconds, then cancel them (they stay stored
        and are handled on the next start). Finally scrub the files."""
        self._stopping = True
        for task in self._tasks:
            if task not in self._in_hand:
                task.cancel()
        busy = list(self._in_hand)
        if busy:
            log.info("Finishing %d update(s) in hand", len(busy))
            _, late = await asyncio.wait(busy, timeout=grace)
            for task in late:
                task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        left = len(self.queue)
        if left:
            log.info("%d update(s) stay stored for the next start", left)
        await asyncio.to_thread(self.store.scrub)

    # -- in ---------------------------------------------------------------------------------------------------

    async def accept(self, raws: Sequence[dict[str, Any]]) -> None:
        """Store updates (each a dict with an integer ``update_id``), then queue the new ones. When this returns
        they are on disk and may be acknowledged to Telegram; if it raises, nothing may be acknowledged."""
        if not raws:
            return
        by_id = {raw["update_id"]: raw for raw in raws}
        rows = [(uid, json.dumps(raw, ensure_ascii=False, separators=(",", ":"))) for uid, raw in by_id.items()]
        new = await asyncio.to_thread(self.store.inbox_add, rows)
        now = time.monotonic()
        self._last_activity = now
        refused = []
        for update_id in sorted(new):
            raw = by_id[update_id]
            key = chat_key(raw)
            admission = self.queue.put(key, update_id)
            if admission is Admission.QUEUED:
                self._arrived[update_id] = now
                continue
            refused.append(update_id)
            if admission is Admission.REFUSED_FIRST:
                log.info("Chat %s is flooding: skipping its messages beyond %d waiting", self._tag(key),
                         self.queue.limit)
                note = self._parse(update_id, raw)
                if note is not None and self.on_flood is not None:
                    self.queue.put_first(key, _Note(note))
        if refused:
            self.store.inbox_done(refused)
            self._answered_since_scrub += len(refused)

    # -- work -------------------------------------------------------------------------------------------------

    async def _work(self) -> None:
        task = asyncio.current_task()
        assert task is not None
        while not self._stopping:
            key, item = await self.queue.get()
            if self._stopping:  # stays stored for the next start
                return
            self._in_hand.add(task)
            delay = None
            try:
                if isinstance(item, _Note):
                    await self._send_note(item.update)
                else:
                    delay = await self._handle(key, item)
            except Exception as exc:  # noqa: BLE001 - e.g. the disk is full; the update stays stored
                log.error("Could not finish %s (%s); it stays stored for the next start",
                          f"update {item}" if isinstance(item, int) else "a note", type(exc).__name__)
            finally:
                self._in_hand.discard(task)
                self._last_activity = time.monotonic()
            if delay is not None:
                self.queue.retry_later(key, item, delay)
                continue
            refused = self.queue.done(key)
            if refused:
                log.info("Chat %s: flood over, %d message(s) skipped", self._tag(key), refused)

    async def _handle(self, key: Hashable, update_id: int) -> float | None:
        """Handle one stored update; returns a delay when it should be tried again later, else None (done)."""
        body = self.store.inbox_body(update_id)  # a primary-key read: quicker than a thread hop
        if body is None:  # answered already (a copy queued twice)
            self._arrived.pop(update_id, None)
            return None
        try:
            raw = json.loads(body)
        except ValueError:
            raw = {"update_id": update_id}
        update = self._parse(update_id, raw)
        if update is None:
            self._finish(update_id)
            return None
        tries = self._tries.get(update_id, 0) + 1
        attempt = _Attempt(update_id, tries)
        token = _attempt.set(attempt)
        started = time.monotonic()
        try:
            await self.application.process_update(update)
        except Exception as exc:  # noqa: BLE001 - process_update reports handler errors itself; this is a bug
            log.error("Update %d (%s) failed: %s", update_id, update_kind(raw), type(exc).__name__)
        finally:
            _attempt.reset(token)
        if attempt.retry:
            self._tries[update_id] = tries
            delay = min(2.0 ** tries, 60.0)
            log.warning("Update %d (%s, chat %s): Telegram not reachable, trying again in %.0f s (attempt %d)",
                        update_id, update_kind(raw), self._tag(key), delay, tries)
            return delay
        self._finish(update_id)
        if log.isEnabledFor(logging.DEBUG):
            arrived = self._arrived.get(update_id)
            waited = f", {(started - arrived) * 1000:.0f} ms after it arrived" if arrived else ""
            log.debug("Update %d (%s, chat %s) handled in %.1f ms%s", update_id, update_kind(raw), self._tag(key),
                      (time.monotonic() - started) * 1000, waited)
        self._arrived.pop(update_id, None)
        return None

    def _parse(self, update_id: int, raw: dict[str, Any]) -> Update | None:
        """The python-telegram-bot Update, or None for an update it cannot read (logged once, no content)."""
        try:
            return Update.de_json(raw, self.application.bot)
        except Exception as exc:  # noqa: BLE001 - any failure to read one update must not stop the others
            log.warning("Skipped update %d (%s): it cannot be read (%s)", update_id, update_kind(raw),
                        type(exc).__name__)
            return None

    def _finish(self, update_id: int) -> None:
        self.store.inbox_done((update_id,))
        self._tries.pop(update_id, None)
        self._answered_since_scrub += 1

    async def _send_note(self, update: Update) -> None:
        assert self.on_flood is not None
        try:
            await self.on_flood(update)
        except Exception as exc:  # noqa: BLE001 - a note that cannot be sent is not worth more than a log line
            log.warning("Could not send the slow-down note: %s", type(exc).__name__)

    # -- keeping the files clean ------------------------------------------------------------------------------

    async def _scrub_loop(self) -> None:
        """Answered texts are deleted at once; this folds the write-ahead log (which still holds old pages) into
        the database soon after the bot goes quiet, and every half minute under steady load."""
        last_scrub = last_prune = time.monotonic()
        while True:
            await asyncio.sleep(SCRUB_IDLE / 2)
            now = time.monotonic()
            if not self._answered_since_scrub:
                continue
            quiet = not len(self.queue) and now - self._last_activity >= SCRUB_IDLE
            if quiet or now - last_scrub >= SCRUB_EVERY:
                self._answered_since_scrub = 0
                prune = now - last_prune >= PRUNE_EVERY
                await asyncio.to_thread(self.store.scrub, None, prune)
                last_scrub = now
                if prune:
                    last_prune = now

    def _tag(self, key: Hashable) -> str:
        """A chat as it may appear in logs: a short keyed hash, never the id."""
        if isinstance(key, tuple):
            key = key[1] if key[0] == "user" else None
        return self.store.user_key(key)[:10] if isinstance(key, int) else "-"
