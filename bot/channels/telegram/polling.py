"""Long polling that confirms an update to Telegram only after the inbox has stored it.

python-telegram-bot's Updater moves the getUpdates offset past a batch as soon as it is fetched, and parses the
batch as a whole, so one update it cannot read stops polling for good (and its critical log line quotes the whole
batch). Here the batch is fetched raw, stored by :class:`~bot.channels.telegram.inbox.Inbox` (which reads each
update on its own), and only the next getUpdates, with the offset past it, tells Telegram it arrived.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Sequence

from telegram import Bot
from telegram.error import Conflict, EndPointNotFound, InvalidToken, RetryAfter, TelegramError
from telegram.warnings import PTBUserWarning

from bot.channels.telegram.inbox import Inbox
from bot.channels.telegram.request import backoff, with_retries

log = logging.getLogger(__name__)

# getUpdates through the public do_api_request, because it returns the updates unparsed; PTB suggests
# Bot.get_updates instead, which parses them all at once (the very thing to avoid here).
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.get_updates'", category=PTBUserWarning)


class Poller:
    def __init__(self, bot: Bot, inbox: Inbox, allowed_updates: Sequence[str], timeout: int = 10):
        self.bot = bot
        self.inbox = inbox
        self.allowed_updates = list(allowed_updates)
        self.timeout = timeout
        self._stopping = False
        self._storing: asyncio.Future[None] | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> asyncio.Task[None]:
        """Remove a webhook left from webhook mode (getUpdates is refused while one is set), then poll."""
        await with_retries("deleteWebhook", lambda: self.bot.delete_webhook(drop_pending_updates=False))
        self._task = asyncio.get_running_loop().create_task(self._run(), name="polling")
        return self._task

    async def stop(self) -> None:
        """Stop fetching: the long poll in progress is abandoned (nothing it held was confirmed); a batch being
        stored is stored."""
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._storing is not None:
            await asyncio.gather(self._storing, return_exceptions=True)

    async def _run(self) -> None:
        offset: int | None = None
        failures = 0
        while not self._stopping:
            try:
                result = await self.bot.do_api_request(
                    "get_updates", api_kwargs={"offset": offset, "timeout": self.timeout,
                                               "allowed_updates": self.allowed_updates},
                    read_timeout=self.timeout + 10)
                raws = [u for u in result if isinstance(u, dict) and type(u.get("update_id")) is int] \
                    if isinstance(result, list) else []
                if raws:
                    # Stored first; the offset that confirms them is sent with the next getUpdates.
                    self._storing = asyncio.ensure_future(self.inbox.accept(raws))
                    await asyncio.shield(self._storing)  # a stop signal does not interrupt the write
                    offset = max(u["update_id"] for u in raws) + 1
                if isinstance(result, list) and len(raws) != len(result):
                    log.warning("Skipped %d update(s) without an update id", len(result) - len(raws))
                failures = 0
                continue
            except (InvalidToken, EndPointNotFound):
                raise  # the token was revoked: nothing to retry
            except RetryAfter as exc:
                with warnings.catch_warnings():  # PTB 22 warns that retry_after will become a timedelta
                    warnings.simplefilter("ignore")
                    wait = exc.retry_after
                delay = wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)
                log.warning("getUpdates: Telegram asks to wait %.0f s", delay)
            except Conflict:
                delay = backoff(failures)
                log.warning("getUpdates: another instance of this bot is polling (or a webhook is set); "
                            "retrying in %.1f s", delay)
            except TelegramError as exc:
                delay = backoff(failures)
                log.warning("getUpdates failed (%s: %s); retrying in %.1f s", type(exc).__name__, exc.message, delay)
            except Exception as exc:  # noqa: BLE001 - e.g. the disk is full: keep the updates unconfirmed, retry
                delay = backoff(failures)
                log.error("Could not store fetched updates (%s); retrying in %.1f s", type(exc).__name__, delay)
            failures += 1
            await asyncio.sleep(delay)
