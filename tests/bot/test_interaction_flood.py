"""An autocomplete flood: interactions too old to answer are dropped cheaply and
counted, not logged as errors, and the questions asked meanwhile are all answered.

Discord's 3-second window is shrunk to 1.5 s in the fake and the bot alike, so a few
hundred autocompletes are a flood the bot cannot keep up with (before this was
handled, nearly all of them got 10062 and most questions asked meanwhile were lost).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from careerbot.runtime.metrics import METRICS
from tests.bot.conftest import CareerHarness
from tests.bot.e2e import PHD, embed

WINDOW = 1.5
FLOOD = 600
ASKS = 8


def expired_total() -> float:
    counter = getattr(METRICS, "interactions_expired", None)  # (so the test fails on
    return sum(counter.values.values()) if counter is not None else 0.0  # its merits)


@pytest.mark.fake_discord(interaction_deadline=WINDOW)
async def test_autocomplete_flood_drops_expired_and_answers_every_question(
    careerbot: CareerHarness,
) -> None:
    fake = careerbot.fake
    bot = await careerbot.start()
    bot.interaction_ages.window = WINDOW
    bot.response_budget = WINDOW * 2 / 3
    before = expired_total()

    async def flood() -> None:
        await asyncio.gather(
            *(fake.send_autocomplete("learned", "item", f"python {n % 7}") for n in range(FLOOD))
        )

    async def ask(n: int) -> dict[str, Any]:
        await asyncio.sleep(0.05 * n)
        ix = await fake.send_slash_command("ask", {"question": PHD})
        return await ix.wait_for_reply(timeout=10)

    flooding = asyncio.create_task(flood())
    replies = await asyncio.gather(*(ask(n) for n in range(ASKS)))
    await flooding
    assert [embed(reply)["title"] for reply in replies] == [PHD] * ASKS

    # Every autocomplete was either answered in time or counted as expired (dropped
    # before any work, or, the few that were started in time, answered too late).
    await asyncio.sleep(WINDOW)
    callbacks = fake.requests_matching("POST", "/interactions/{id}/{token}/callback")
    choices = [c for c in callbacks if c.json and c.json.get("type") == 8]
    in_time = [c for c in choices if c.status == 200]
    expired = expired_total() - before
    assert expired > FLOOD / 10, "the flood was not a flood: hardly anything expired"
    assert len(in_time) + expired == FLOOD
    # Some were dropped before any work (those never got a callback). How many depends
    # on how busy the machine is (a busy loop answers more of them late instead), so
    # the share is not asserted: the first CI runs saw from 16% to 80% dropped.
    late = len(choices) - len(in_time)
    assert late < expired, "nothing was dropped: every expired one was worked on first"
    assert 'careerbot_interactions_expired_total{kind="autocomplete"}' in METRICS.render()
    # The fixture fails the test on any ERROR log: expiry is a warning at most.
