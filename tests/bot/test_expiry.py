"""The age of an interaction and the drop rule, with a fake clock (no Discord)."""

from __future__ import annotations

import logging

import discord
import pytest

from bot.expiry import DISCORD_EPOCH_MS, InteractionAges, created_at
from careerbot.runtime.metrics import Metrics

AUTOCOMPLETE = discord.InteractionType.autocomplete.value
COMMAND = discord.InteractionType.application_command.value
COMPONENT = discord.InteractionType.component.value
T0 = 1_800_000_000.0


def snowflake(at: float) -> int:
    return (int(at * 1000) - DISCORD_EPOCH_MS) << 22


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_snowflake_time_round_trips() -> None:
    assert created_at(snowflake(T0)) == pytest.approx(T0, abs=0.001)


@pytest.mark.parametrize("skew", [0.0, 10.0, -10.0])
def test_a_skewed_host_clock_neither_drops_everything_nor_hides_lateness(skew: float) -> None:
    """Our clock ``skew`` seconds off Discord's: fresh interactions are fresh, and
    ones that waited in our queue are as old as they really are."""
    clock = Clock(T0 + skew)
    ages = InteractionAges(clock=clock, metrics=Metrics())
    fresh = snowflake(T0 - 0.05)  # 50 ms on the wire
    ages.arrived(fresh)
    assert not ages.expired(fresh, COMMAND)
    queued = snowflake(T0)
    ages.arrived(queued)
    clock.now += 2.5  # it waited 2.5 s behind a flood
    assert ages.age(queued) == pytest.approx(2.5, abs=0.01)
    assert ages.expired(queued, AUTOCOMPLETE)  # past 2 s
    assert not ages.expired(queued, COMMAND)  # not yet past 2.7 s
    clock.now += 0.3
    assert ages.expired(queued, COMPONENT)


def test_drops_are_counted_and_warned_about_once_a_minute(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock, metrics = Clock(T0), Metrics()
    ages = InteractionAges(clock=clock, metrics=metrics)
    ages.arrived(snowflake(T0))
    clock.now += 5
    with caplog.at_level(logging.WARNING, logger="bot.expiry"):
        for _ in range(100):
            ages.expired(snowflake(T0), AUTOCOMPLETE)
        ages.expired(snowflake(T0), COMMAND)
        clock.now += 61
        ages.expired(snowflake(T0), COMMAND)
    assert metrics.interactions_expired.value(kind="autocomplete") == 100
    assert metrics.interactions_expired.value(kind="command") == 2
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 2 and "dropped 1 interaction(s)" in warnings[0]
    assert "dropped 101 interaction(s)" in warnings[1]
    assert all(r.levelno == logging.WARNING for r in caplog.records)


def test_the_baseline_forgets_old_arrivals() -> None:
    """A clock corrected by NTP later (or a slow network once) does not stick."""
    clock = Clock(T0)
    ages = InteractionAges(clock=clock, metrics=Metrics())
    ages.arrived(snowflake(T0 + 5))  # our clock was 5 s behind then
    for minute in range(1, 12):
        clock.now = T0 + 60 * minute
        ages.arrived(snowflake(clock.now))  # now it is right
    clock.now += 2.5
    assert ages.age(snowflake(clock.now - 2.5)) == pytest.approx(2.5, abs=0.01)
