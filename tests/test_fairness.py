"""Per-chat queues served in turn, flood refusal, and a chat that waits for its pace holding no worker."""

from __future__ import annotations

import asyncio
from collections import Counter

from bot.channels.telegram.fairness import Admission, FairQueue


def drain(queue: FairQueue, n: int) -> list[tuple[object, object]]:
    """Take ``n`` items the way one worker does: get, handle, done."""

    async def run():
        taken = []
        for _ in range(n):
            key, item = await asyncio.wait_for(queue.get(), 1)
            taken.append((key, item))
            queue.done(key)
        return taken

    return asyncio.run(run())


def test_a_flooding_chat_is_served_in_turn_with_the_others():
    queue = FairQueue(limit=1000)
    for i in range(300):
        queue.put("flood", i)
    for user in range(10):
        queue.put(user, "hello")
    taken = drain(queue, 21)
    others = [i for i, (key, _) in enumerate(taken) if key != "flood"]
    assert len(others) == 10 and max(others) <= 20, "each of the ten waits for at most one flood message each"
    assert [item for key, item in taken if key == "flood"] == list(range(11)), "the flood keeps its order"


def test_a_chat_with_limit_items_waiting_is_refused_and_the_first_refusal_is_reported_once():
    queue = FairQueue(limit=3)
    assert [queue.put("a", i) for i in range(3)] == [Admission.QUEUED] * 3
    assert queue.put("a", 3) is Admission.REFUSED_FIRST
    assert queue.put("a", 4) is Admission.REFUSED
    assert queue.put("b", 0) is Admission.QUEUED, "other chats are not affected"
    queue.put_first("a", "note")
    assert [item for key, item in drain(queue, 5) if key == "a"] == ["note", 0, 1, 2]
    assert len(queue) == 0


def test_the_flood_ends_when_the_chat_has_nothing_left_and_its_refusals_are_counted():
    async def run():
        queue = FairQueue(limit=1)
        queue.put("a", 1)
        queue.put("a", 2)
        queue.put("a", 3)
        key, _ = await queue.get()
        refused = queue.done(key)
        assert refused == 2
        assert queue.put("a", 4) is Admission.QUEUED, "a new message after the flood is welcome"
        assert queue.put("a", 5) is Admission.REFUSED_FIRST, "and a new flood is reported again"

    asyncio.run(run())


def test_always_admits_what_was_admitted_before_a_restart():
    queue = FairQueue(limit=2)
    assert [queue.put("a", i, always=True) for i in range(5)] == [Admission.QUEUED] * 5


def test_an_item_to_retry_keeps_its_place_and_its_chat_waits():
    async def run():
        queue = FairQueue(limit=10)
        queue.put("a", 1)
        queue.put("a", 2)
        queue.put("b", 1)
        key, item = await queue.get()
        assert (key, item) == ("a", 1)
        queue.retry_later(key, item, 0.2)
        assert await queue.get() == ("b", 1), "the other chat goes on meanwhile"
        queue.done("b")
        assert len(queue) == 2
        assert await asyncio.wait_for(queue.get(), 1) == ("a", 1), "then the same item again, before a:2"

    asyncio.run(run())


def test_a_chat_waiting_for_its_pace_holds_no_worker_and_the_others_go_first():
    async def run():
        turns = Counter()

        def pace(key):
            turns[key] += 1
            return 0.3 if key == "paced" and turns[key] > 1 else 0.0

        queue = FairQueue(limit=10, pace=pace)
        for i in range(3):
            queue.put("paced", i)
        key, _ = await queue.get()
        queue.done(key)  # its next turn is 0.3 s away
        for user in range(5):
            queue.put(user, "hello")
        order = []
        for _ in range(6):
            key, item = await asyncio.wait_for(queue.get(), 2)
            order.append(key)
            queue.done(key)
        return order

    order = asyncio.run(run())
    assert order[:5] == [0, 1, 2, 3, 4] and order[5] == "paced"
