"""The question cooldown, with a hand-driven clock (no sleeping)."""

from __future__ import annotations

import pytest

from careerbot.core.cooldowns import Cooldown


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_one_question_per_window_per_member() -> None:
    clock = Clock()
    cooldown = Cooldown(3.0, clock=clock)
    assert cooldown.check(1).allowed
    assert cooldown.check(2).allowed  # other members are not affected
    clock.now += 1.0
    verdict = cooldown.check(1)
    assert not verdict.allowed and verdict.retry_after == pytest.approx(2.0)
    clock.now += 2.0
    assert cooldown.check(1).allowed


def test_refused_attempts_do_not_extend_the_wait_and_warn_once() -> None:
    clock = Clock()
    cooldown = Cooldown(3.0, clock=clock)
    cooldown.check(1)
    warnings = []
    for _ in range(5):
        clock.now += 0.5
        warnings.append(cooldown.check(1).warn)
    assert warnings == [True, False, False, False, False]
    clock.now += 0.5  # 3.0 s after the accepted question, despite five refusals
    assert cooldown.check(1).allowed
    clock.now += 0.1
    assert cooldown.check(1).warn  # a new burst warns again


def test_zero_turns_it_off_and_negative_is_refused() -> None:
    cooldown = Cooldown(0.0, clock=Clock())
    assert all(cooldown.check(1).allowed for _ in range(10))
    with pytest.raises(ValueError):
        Cooldown(-1.0)


def test_memory_follows_active_members_only() -> None:
    clock = Clock()
    cooldown = Cooldown(1.0, clock=clock, prune_above=100)
    for member in range(100):
        cooldown.check(member)
    clock.now += 2.0
    cooldown.check(1000)
    cooldown.check(1001)  # over the limit: expired members are dropped
    assert len(cooldown) <= 2


def test_reset_forgets_a_member() -> None:
    clock = Clock()
    cooldown = Cooldown(10.0, clock=clock)
    cooldown.check(1)
    cooldown.reset(1)
    assert cooldown.check(1).allowed
