"""careerbot on several gateway shards, against the sharding fake Discord.

One process holding shards here (SQLite, so discord.py's own IDENTIFY pacing); several
processes over PostgreSQL are in ``tests/bot/test_sharded_processes.py``.
"""

from __future__ import annotations

import pytest

from bot.client import CareerBot, ShardedCareerBot
from careerbot.runtime.metrics import METRICS
from tests.bot.conftest import CareerHarness
from tests.bot.e2e import PHD, embed


def _synced(careerbot: CareerHarness) -> bool:
    return bool(careerbot.fake.requests_matching("PUT", "/applications/{app}/commands"))


async def test_without_shard_settings_the_bot_is_unsharded(careerbot: CareerHarness) -> None:
    bot = await careerbot.start()
    assert type(bot) is CareerBot
    assert [s.shard for s in careerbot.fake.sessions.values()] == [[0, 1]]
    assert not careerbot.fake.requests_matching("GET", "/gateway/bot")
    assert bot.holds_shard_zero and _synced(careerbot)


@pytest.mark.fake_discord(shard_count=2)
async def test_one_process_on_two_shards_answers_each_guild_and_dm_once(
    careerbot: CareerHarness,
) -> None:
    fake = careerbot.fake
    other = fake.add_guild("Other Server", shard=1 - (fake.guild.id >> 22) % 2)
    fake.add_member(other, fake.member)
    before = {s: METRICS.interactions_received.value(shard=s) for s in ("0", "1")}
    # discord.py paces its own shards on SQLite: 5 s before the second IDENTIFY.
    bot = await careerbot.start(shard_count=2, ready_timeout=15.0)
    assert isinstance(bot, ShardedCareerBot) and bot.held_shards == (0, 1)
    assert sorted(s.shard[0] for s in careerbot.fake.sessions.values()) == [0, 1]
    first, second = fake.identify_limiter.records
    assert second.at - first.at >= 5.0
    assert _synced(careerbot)  # it holds shard 0

    for guild in (fake.guild, other):
        ix = await fake.send_slash_command("ask", {"question": PHD}, guild=guild)
        reply = await ix.wait_for_reply()
        assert embed(reply)["title"] == PHD
        callbacks = fake.requests_matching("POST", f"/interactions/{ix.id}/{ix.token}/callback")
        assert len(callbacks) == 1
    sent = await fake.send_dm(fake.member, PHD)
    await fake.wait_for_dm(fake.member, after=int(sent["id"]))
    await careerbot.logged()
    assert len(fake.dms_to(fake.member)) == 1
    shards = {str(bot.shard_of_guild(g.id)) for g in (fake.guild, other)}
    assert shards == {"0", "1"}
    for shard in ("0", "1"):
        assert METRICS.interactions_received.value(shard=shard) == before[shard] + 1


@pytest.mark.fake_discord(shard_count=2)
@pytest.mark.parametrize(("shards", "syncs"), [("1", False), ("0", True)])
async def test_only_the_process_holding_shard_zero_syncs_commands(
    careerbot: CareerHarness, shards: str, syncs: bool
) -> None:
    bot = await careerbot.start(sync=True, shards=shards, shard_count=2)
    assert bot.held_shards == (int(shards),)
    assert [s.shard for s in careerbot.fake.sessions.values()] == [[int(shards), 2]]
    assert _synced(careerbot) is syncs
