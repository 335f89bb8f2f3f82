"""Background services start in order and stop in reverse, whatever one of them does."""

from __future__ import annotations

import asyncio

import pytest

from careerbot.runtime.services import CallbackService, Services


def recorder(name: str, events: list[str], *, fail_stop: bool = False, hang: bool = False):
    async def start() -> None:
        events.append(f"start {name}")

    async def stop() -> None:
        events.append(f"stop {name}")
        if hang:
            await asyncio.sleep(60)
        if fail_stop:
            raise RuntimeError("stop failed")

    return CallbackService(name, start, stop)


async def test_stop_is_reverse_start_order_and_survives_failures_and_hangs() -> None:
    events: list[str] = []
    services = Services(timeout=0.05)
    services.add(recorder("health", events))
    services.add(recorder("watcher", events, hang=True))
    services.add(recorder("scheduler", events, fail_stop=True))
    await services.start_all()
    assert services.running == ["health", "watcher", "scheduler"]
    await services.stop_all()
    assert events == [
        "start health", "start watcher", "start scheduler",
        "stop scheduler", "stop watcher", "stop health",
    ]  # fmt: skip
    assert services.running == []
    await services.stop_all()  # twice is harmless


async def test_a_failed_start_stops_the_started_ones_and_raises() -> None:
    events: list[str] = []

    async def broken() -> None:
        raise OSError("port in use")

    services = Services()
    services.add(recorder("first", events))
    services.add(CallbackService("broken", broken, broken))
    with pytest.raises(OSError):
        await services.start_all()
    assert events == ["start first", "stop first"]


async def test_plain_start_functions_and_unique_names() -> None:
    class Scheduler:
        name = "scheduler"
        started = False

        def start(self) -> None:  # creates its task, nothing to await
            self.started = True

        async def stop(self) -> None:
            self.started = False

    services = Services()
    scheduler = Scheduler()
    services.add(scheduler)
    with pytest.raises(ValueError):
        services.add(Scheduler())
    await services.start_all()
    assert scheduler.started
    await services.stop_all()
    assert not scheduler.started
