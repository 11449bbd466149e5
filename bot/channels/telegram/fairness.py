"""Per-chat queues served in turn, so one person's flood cannot keep everyone else waiting.

Each chat has its own first-in-first-out queue, and at most one of its updates is handled at a time (so a chat's
answers keep their order). Workers take chats in turn: a chat with 300 waiting updates gets one handled, then goes
to the back of the line behind everyone else who is waiting. With ``pace``, a chat rejoins the line only when its
next answer may be sent (Telegram allows about one message a second in a private chat), so no worker sits waiting
for one chat's turn while others wait for a worker. A chat that already has ``limit`` updates waiting is flooding:
further updates are refused, and the first refusal of a flood is reported once so the person can be asked,
politely, to slow down.
"""

from __future__ import annotations

import asyncio
import enum
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any


class Admission(enum.Enum):
    QUEUED = "queued"
    REFUSED = "refused"              # the chat is flooding; it has been told already
    REFUSED_FIRST = "refused_first"  # the first refusal of this flood: time to tell the chat to slow down


@dataclass
class _Chat:
    items: deque[Any] = field(default_factory=deque)
    busy: bool = False      # an item is being handled, or the chat waits to try one again
    queued: bool = False    # in the line of chats waiting for a worker
    refused: int = 0        # refused in the current flood


class FairQueue:
    """Chats waiting for a worker, in turn; the items of each chat in order."""

    def __init__(self, limit: int, pace: Callable[[Hashable], float] | None = None):
        """``pace(key)``: seconds until the chat's next turn may start (0: now)."""
        self.limit = limit
        self.pace = pace
        self._chats: dict[Hashable, _Chat] = {}
        self._line: asyncio.Queue[Hashable] = asyncio.Queue()
        self.waiting = 0  # items queued, not yet taken
        self.in_hand = 0  # items taken by a worker and not done yet

    def put(self, key: Hashable, item: Any, *, always: bool = False) -> Admission:
        """Queue ``item`` for chat ``key``, unless that chat already has ``limit`` items waiting (and not
        ``always``)."""
        chat = self._chats.setdefault(key, _Chat())
        if len(chat.items) >= self.limit and not always:
            chat.refused += 1
            return Admission.REFUSED_FIRST if chat.refused == 1 else Admission.REFUSED
        chat.items.append(item)
        self.waiting += 1
        self._offer(key, chat)
        return Admission.QUEUED

    def put_first(self, key: Hashable, item: Any) -> None:
        """Queue ``item`` ahead of the chat's other items (a note it should read first); never refused."""
        chat = self._chats.setdefault(key, _Chat())
        chat.items.appendleft(item)
        self.waiting += 1
        self._offer(key, chat)

    async def get(self) -> tuple[Hashable, Any]:
        """The next chat in line and its oldest item; the chat is busy until :meth:`done` or :meth:`retry_later`."""
        while True:
            key = await self._line.get()
            chat = self._chats.get(key)
            if chat is None or not chat.items:
                continue
            chat.queued = False
            chat.busy = True
            self.waiting -= 1
            self.in_hand += 1
            return key, chat.items.popleft()

    def done(self, key: Hashable) -> int:
        """The chat's item is handled: the chat goes to the back of the line if it has more. Returns how many
        updates were refused in its flood when the chat has nothing left (the flood is over), else 0."""
        chat = self._chats[key]
        chat.busy = False
        self.in_hand -= 1
        if chat.items:
            self._offer(key, chat)
            return 0
        del self._chats[key]
        return chat.refused

    def retry_later(self, key: Hashable, item: Any, delay: float) -> None:
        """Put ``item`` back at the head of its chat, which sits out ``delay`` seconds (its order is kept)."""
        chat = self._chats[key]
        chat.items.appendleft(item)
        self.waiting += 1
        self.in_hand -= 1
        asyncio.get_running_loop().call_later(delay, self._wake, key)

    def _wake(self, key: Hashable) -> None:
        chat = self._chats.get(key)
        if chat is not None:
            chat.busy = False
            self._offer(key, chat)

    def _offer(self, key: Hashable, chat: _Chat) -> None:
        if chat.items and not chat.busy and not chat.queued:
            chat.queued = True
            delay = self.pace(key) if self.pace is not None else 0.0
            if delay > 0:
                asyncio.get_running_loop().call_later(delay, self._line.put_nowait, key)
            else:
                self._line.put_nowait(key)

    def __len__(self) -> int:
        """Items waiting or being handled."""
        return self.waiting + self.in_hand
