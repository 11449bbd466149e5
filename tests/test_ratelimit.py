"""Telegram's per-chat limits: a burst, then one message a second in a private chat; 20 a minute in a group."""

from __future__ import annotations

import asyncio

import pytest

from bot.channels.telegram.ratelimit import ChatRateLimiter, Pacer


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("burst", [1, 3])
def test_the_pacer_allows_a_burst_then_one_a_second(burst):
    clock = Clock()
    pacer = Pacer(rate=1.0, burst=burst, clock=clock)
    waits = [pacer.reserve(42) for _ in range(burst + 3)]
    assert waits[:burst] == [0.0] * burst
    assert waits[burst:] == pytest.approx([1.0, 2.0, 3.0])
    assert pacer.reserve(43) == 0.0, "another chat has its own pace"
    clock.now += 60
    assert pacer.reserve(42) == 0.0, "after a quiet minute the chat may burst again"


def test_the_pacer_forgets_chats_it_no_longer_needs():
    clock = Clock()
    pacer = Pacer(rate=1.0, clock=clock)
    for chat in range(Pacer.PRUNE_AT + 10):
        pacer.reserve(chat)
    clock.now += 5
    pacer.reserve(-1)
    assert len(pacer._due) == 1  # noqa: SLF001


def test_ready_in_says_when_a_chat_could_send_without_booking_anything():
    clock = Clock()
    pacer = Pacer(rate=1.0, burst=2, clock=clock)
    assert pacer.ready_in(7) == 0.0
    pacer.reserve(7)
    assert pacer.ready_in(7) == 0.0, "one more fits the burst"
    pacer.reserve(7)
    assert pacer.ready_in(7) == pytest.approx(1.0)
    assert pacer.ready_in(7) == pytest.approx(1.0), "asking books nothing"
    clock.now += 1
    assert pacer.ready_in(7) == 0.0


def test_private_chats_and_groups_have_their_own_pace():
    async def run():
        limiter = ChatRateLimiter(private_chat_rate=1.0, overall_max_rate=0)

        async def send(*args, **kwargs):
            return True

        for chat in (42, -100_1):
            for _ in range(3):
                await limiter.process_request(send, (), {}, "sendMessage", {"chat_id": chat}, None)
        return limiter.ready_in(42), limiter.ready_in(-100_1), limiter.ready_in(None)

    private, group, none = asyncio.run(run())
    assert private == pytest.approx(1.0, abs=0.05), "a private chat: a burst of 3, then one a second"
    assert group == 0.0, "a group: a burst of 20"
    assert none == 0.0
