"""Requests to the Bot API that survive a bad moment at Telegram's end.

python-telegram-bot's AIORateLimiter waits out 429 answers; this request class adds retries with backoff for 5xx
answers and dropped connections, so a reply is not lost because the Bot API hiccupped once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.error import EndPointNotFound, InvalidToken, NetworkError, TelegramError, TimedOut
from telegram.request import HTTPXRequest

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({500, 502, 503, 504})


class RetryingRequest(HTTPXRequest):
    def __init__(self, *args, retries: int = 5, backoff: float = 0.5, **kwargs):
        super().__init__(*args, **kwargs)
        self.retries = retries
        self.backoff = backoff

    async def do_request(self, url, method, request_data=None, **kwargs):  # noqa: D401 - see HTTPXRequest
        method_name = url.rsplit("/", 1)[-1]
        delay = self.backoff
        for attempt in range(self.retries + 1):
            try:
                status, payload = await super().do_request(url, method, request_data, **kwargs)
            except TimedOut:
                raise  # the request may have arrived; retrying could send a reply twice
            except NetworkError as exc:
                if attempt == self.retries:
                    raise
                log.warning("Bot API %s failed (%s); retry %d in %.1fs", method_name, exc.message, attempt + 1, delay)
            else:
                if status not in RETRY_STATUSES or attempt == self.retries:
                    return status, payload
                log.warning("Bot API %s answered %d; retry %d in %.1fs", method_name, status, attempt + 1, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 8.0)
        raise AssertionError("unreachable")


def backoff(failures: int) -> float:
    """Seconds to wait after ``failures`` failures in a row: 0.5, 1, 2, ... up to 30."""
    return min(0.5 * 2 ** failures, 30.0)


async def with_retries(what: str, call: Callable[[], Awaitable[Any]], attempts: int = 10) -> Any:
    """A start-up call (setWebhook, deleteWebhook) that must go through: retried with backoff while Telegram
    cannot be reached; a rejected token is not retried."""
    for failures in range(attempts - 1):
        try:
            return await call()
        except (InvalidToken, EndPointNotFound):
            raise
        except TelegramError as exc:
            delay = backoff(failures)
            log.warning("%s failed (%s); retrying in %.1f s", what, type(exc).__name__, delay)
            await asyncio.sleep(delay)
    return await call()
