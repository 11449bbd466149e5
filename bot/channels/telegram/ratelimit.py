"""Telegram's sending limits, all three: about 30 messages a second overall, 20 a minute in a group, and about one
a second in a private chat (short bursts allowed).

python-telegram-bot's AIORateLimiter keeps the overall limit and waits out 429 answers; :class:`ChatRateLimiter`
adds a pace per chat, private and group, so a burst of answers to one chat is spread out instead of earning a 429
that pauses every chat. The inbox asks :meth:`ChatRateLimiter.ready_in` before it hands out a chat's next update,
so a worker is not kept waiting for one chat's turn while other chats wait for a worker.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import AIORateLimiter

GROUP_RATE = 20 / 60  # messages a second in one group
GROUP_BURST = 20      # as python-telegram-bot's own group limiter: 20 at once, then one every 3 s


class Pacer:
    """At most ``rate`` events a second per key, after a burst of ``burst`` (the generic cell rate algorithm:
    one number per key, the time its next event is due)."""

    PRUNE_AT = 4096

    def __init__(self, rate: float, burst: int = 3, clock: Callable[[], float] = time.monotonic):
        self.interval = 1.0 / rate
        self.tolerance = (max(burst, 1) - 1) * self.interval
        self.clock = clock
        self._due: dict[Any, float] = {}

    def reserve(self, key: Any) -> float:
        """Book the next slot for ``key``; returns how many seconds to wait for it (0: go now)."""
        now = self.clock()
        if len(self._due) > self.PRUNE_AT:  # keys whose slot is in the past are the same as new keys
            self._due = {k: due for k, due in self._due.items() if due > now}
        due = max(self._due.get(key, now), now)
        self._due[key] = due + self.interval
        return max(0.0, due - self.tolerance - now)

    def ready_in(self, key: Any) -> float:
        """Seconds until ``key`` could go without waiting (nothing is booked)."""
        now = self.clock()
        return max(0.0, self._due.get(key, now) - self.tolerance - now)

    async def wait(self, key: Any) -> None:
        delay = self.reserve(key)
        if delay:
            await asyncio.sleep(delay)


class ChatRateLimiter(AIORateLimiter):
    """AIORateLimiter (overall limit, 429 retries) plus a pace per private chat and per group."""

    def __init__(self, *, private_chat_rate: float, private_chat_burst: int = 3, **kwargs: Any):
        super().__init__(group_max_rate=0, **kwargs)  # groups are paced here, like private chats
        self._private = Pacer(private_chat_rate, private_chat_burst)
        self._group = Pacer(GROUP_RATE, GROUP_BURST)

    def _pacer(self, chat_id: object) -> Pacer | None:
        if isinstance(chat_id, int) and not isinstance(chat_id, bool):
            return self._private if chat_id > 0 else self._group  # private chats have positive ids
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            return self._group  # a public group or channel by username
        return None

    def ready_in(self, chat_id: object) -> float:
        """Seconds until a message to ``chat_id`` could be sent without waiting."""
        pacer = self._pacer(chat_id)
        return pacer.ready_in(chat_id) if pacer is not None else 0.0

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id = data.get("chat_id")
        pacer = self._pacer(chat_id)
        if pacer is not None:
            await pacer.wait(chat_id)
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
