"""The fake Discord's sharding rules, driven by the real discord.py sharded client.

Routing (a guild's events to ``(guild_id >> 22) % shard_count``, DMs to shard 0), the
``/gateway/bot`` answer, IDENTIFY validation (4010, 4011) and pacing per
``max_concurrency`` bucket, and enforced message nonces. The rules themselves are in
``tests/fakediscord/sharding.py``; careerbot's own sharded bot is tested elsewhere.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import discord
import pytest

from tests.fakediscord import BotRunner, FakeDiscord, payloads
from tests.fakediscord.sharding import (
    CLOSE_INVALID_SHARD,
    CLOSE_SHARDING_REQUIRED,
    IdentifyLimiter,
    NonceCache,
    shard_for,
)


class ShardedProbe(discord.AutoShardedClient):
    """A sharded client that notes which shard each interaction and DM came in on."""

    def __init__(self, **options: Any) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        intents.dm_messages = True
        super().__init__(intents=intents, **options)
        self.interactions: list[tuple[int | None, int]] = []
        self.dms: list[str] = []

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """No 5 s sleep between shards: these tests do not enforce the fake's pacing."""

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        self.interactions.append((interaction.guild_id, interaction.id))

    async def on_message(self, message: discord.Message) -> None:
        if message.guild is None and message.author.id != self.user.id:  # type: ignore[union-attr]
            self.dms.append(message.content)


def _received(fake: FakeDiscord, shard_id: int, event: str) -> list[dict[str, Any]]:
    """What the live session of ``shard_id`` was sent for ``event``."""
    frames: list[dict[str, Any]] = []
    for session in fake.sessions_of_shard(shard_id):
        frames += [f["d"] for f in session.buffer if f["t"] == event]
    return frames


@pytest.mark.fake_discord(shard_count=3, max_concurrency=2)
async def test_gateway_bot_reports_the_configured_shards(
    fake_discord: FakeDiscord, bot_runner: BotRunner
) -> None:
    bot = await bot_runner.start(ShardedProbe())  # no shard_count: asks /gateway/bot
    assert bot.shard_count == 3
    assert sorted(bot.shards) == [0, 1, 2]
    limits = await bot.fetch_session_start_limits()
    assert limits.max_concurrency == 2
    assert sorted(tuple(s.shard) for s in fake_discord.sessions.values()) == [
        (0, 3),
        (1, 3),
        (2, 3),
    ]


@pytest.mark.fake_discord(shard_count=2)
async def test_guild_events_go_to_the_guilds_shard_and_dms_to_shard_zero(
    fake_discord: FakeDiscord, bot_runner: BotRunner
) -> None:
    fake = fake_discord
    first = fake.add_guild("Shard Zero", shard=0)
    second = fake.add_guild("Shard One", shard=1)
    for guild in (first, second):
        fake.add_member(guild, fake.member)
    assert shard_for(first.id, 2) == 0 and shard_for(second.id, 2) == 1
    bot = await bot_runner.start(ShardedProbe(shard_count=2))

    # Each shard got READY and GUILD_CREATE for its own guilds only.
    for shard_id in (0, 1):
        ready = _received(fake, shard_id, "READY")[0]
        ids = {int(g["id"]) for g in ready["guilds"]}
        created = {int(g["id"]) for g in _received(fake, shard_id, "GUILD_CREATE")}
        assert ids == created
        assert all(shard_for(g, 2) == shard_id for g in ids)
    assert second.id in {int(g["id"]) for g in _received(fake, 1, "GUILD_CREATE")}
    assert bot.get_guild(second.id).shard_id == 1  # type: ignore[union-attr]

    # An interaction in each guild reaches only that guild's shard, once.
    for guild in (first, second):
        await fake.dispatch("INTERACTION_CREATE", _ping(fake, guild.id))
    await fake.wait_until(lambda: len(bot.interactions) == 2 or None)
    assert sorted(g for g, _ in bot.interactions) == sorted([first.id, second.id])
    assert [int(d["guild_id"]) for d in _received(fake, 1, "INTERACTION_CREATE")] == [second.id]
    assert [int(d["guild_id"]) for d in _received(fake, 0, "INTERACTION_CREATE")] == [first.id]

    # A DM goes to shard 0 only.
    await fake.send_dm(fake.member, "hello from a DM")
    await fake.wait_until(lambda: bot.dms or None)
    assert bot.dms == ["hello from a DM"]
    assert len(_received(fake, 0, "MESSAGE_CREATE")) == 1
    assert _received(fake, 1, "MESSAGE_CREATE") == []


def _ping(fake: FakeDiscord, guild_id: int) -> dict[str, Any]:
    """A minimal guild interaction (type 1 PING is enough for routing)."""
    guild = fake.guilds[guild_id]
    member = guild.members[fake.member.id]
    return payloads.interaction_payload(
        interaction_id=fake.snowflakes.next(),
        application_id=fake.application_id,
        interaction_type=1,
        token="routing-test",
        channel=guild.text_channels[0].to_payload(),
        data=None,
        guild_id=guild.id,
        guild_locale="en-US",
        member=member.to_payload(permissions=guild.permissions_for(fake.member.id)),
        user=None,
        app_permissions=0,
        locale="en-US",
        message=None,
        attachment_size_limit=fake.attachment_size_limit,
    )


async def _identify(fake: FakeDiscord, shard: Any) -> tuple[int | None, dict[str, Any] | None]:
    """IDENTIFY over a raw WebSocket: (close code, first frame after HELLO)."""
    url = f"{fake.gateway_url}?v={payloads.API_VERSION}&encoding=json"
    async with aiohttp.ClientSession() as http, http.ws_connect(url) as ws:
        await ws.receive_json()  # HELLO
        identify: dict[str, Any] = {"token": fake.token, "intents": 1, "properties": {}}
        if shard is not None:
            identify["shard"] = shard
        await ws.send_str(json.dumps({"op": 2, "d": identify}))
        msg = await ws.receive(timeout=5)
        if msg.type == aiohttp.WSMsgType.TEXT:
            return None, json.loads(msg.data)
        return ws.close_code, None


@pytest.mark.fake_discord(shard_count=2)
@pytest.mark.parametrize("shard", [[2, 2], [-1, 2], [0, 0], [0], "0,2", [0, True]])
async def test_an_invalid_shard_closes_with_4010(fake_discord: FakeDiscord, shard: Any) -> None:
    code, frame = await _identify(fake_discord, shard)
    assert (code, frame) == (CLOSE_INVALID_SHARD, None)
    assert fake_discord.identify_count == 0
    assert fake_discord.invalid_shards == [{"shard": shard}]


@pytest.mark.fake_discord(default_world=False, shard_count=2, max_guilds_per_shard=1)
async def test_too_many_guilds_for_one_shard_closes_with_4011(fake_discord: FakeDiscord) -> None:
    fake_discord.add_guild("On shard 0", shard=0)
    fake_discord.add_guild("On shard 1", shard=1)
    code, _ = await _identify(fake_discord, [0, 1])
    assert code == CLOSE_SHARDING_REQUIRED
    # The same two guilds over two shards fit: one each.
    for shard_id in (0, 1):
        _, ready = await _identify(fake_discord, [shard_id, 2])
        assert ready is not None and ready["t"] == "READY"
        assert len(ready["d"]["guilds"]) == 1
    fake_discord.invalid_shards.clear()


@pytest.mark.fake_discord(shard_count=4, max_concurrency=2, identify_interval=5.0)
async def test_identify_is_paced_per_max_concurrency_bucket(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    # Shards 0 and 1 are in different buckets: both may identify at once.
    for shard_id in (0, 1):
        _, frame = await _identify(fake, [shard_id, 4])
        assert frame is not None and frame["t"] == "READY"
    # Shard 2 shares bucket 0 with shard 0, which identified under 5 s ago: op 9.
    _, frame = await _identify(fake, [2, 4])
    assert frame == {"op": 9, "d": False}
    assert [(list(v.shard), v.bucket) for v in fake.identify_limiter.violations] == [([2, 4], 0)]
    with pytest.raises(AssertionError, match=r"IDENTIFY of shard \[2, 4\].*bucket 0"):
        fake.assert_clean()
    fake.identify_limiter.records.clear()  # the fixture's own assert_clean


def test_identify_limiter_admits_one_per_bucket_per_interval() -> None:
    now = [100.0]
    limiter = IdentifyLimiter(max_concurrency=2, interval=5.0, clock=lambda: now[0])
    assert limiter.admit([0, 4]).paced
    assert limiter.admit([1, 4]).paced
    assert not limiter.admit([2, 4]).paced  # bucket 0, 0 s later
    now[0] += 4.9
    assert not limiter.admit([2, 4]).paced  # the refused one did not reset the window
    now[0] += 0.1
    assert limiter.admit([2, 4]).paced
    assert not limiter.admit([0, 4]).paced
    assert [r.bucket for r in limiter.violations] == [0, 0, 0]


def test_nonce_cache_forgets_after_the_window() -> None:
    now = [0.0]
    cache = NonceCache(window=180.0, clock=lambda: now[0])
    cache.remember("r1-1764806400", 42)
    now[0] = 179.0
    assert cache.earlier("r1-1764806400") == 42
    assert cache.earlier("r2-1764806400") is None
    now[0] = 181.0
    assert cache.earlier("r1-1764806400") is None
    assert cache.hits == 1


class _Sender(discord.Client):
    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.none())


async def test_an_enforced_nonce_creates_one_message(
    fake_discord: FakeDiscord, bot_runner: BotRunner
) -> None:
    fake = fake_discord
    bot = await bot_runner.start(_Sender())
    channel = bot.get_partial_messageable(fake.channel.id)
    first = await channel.send("once only", nonce="r7-1764806400")
    again = await channel.send("once only (resent)", nonce="r7-1764806400")
    other = await channel.send("a different occurrence", nonce="r7-1764892800")
    assert again.id == first.id and other.id != first.id
    assert [m["content"] for m in fake.bot_messages(fake.channel)] == [
        "once only",
        "a different occurrence",
    ]
    assert fake.nonces.hits == 1
    # Past the window the nonce is free again (Discord only looks back a few minutes).
    fake.nonces.clock = lambda: 10_000_000.0
    late = await channel.send("after the window", nonce="r7-1764806400")
    assert late.id != first.id


async def test_a_nonce_over_25_characters_is_refused(
    fake_discord: FakeDiscord, bot_runner: BotRunner
) -> None:
    bot = await bot_runner.start(_Sender())
    channel = bot.get_partial_messageable(fake_discord.channel.id)
    with pytest.raises(discord.HTTPException) as refused:
        await channel.send("x", nonce="n" * 26)
    assert refused.value.status == 400
    assert fake_discord.bot_messages(fake_discord.channel) == []
    fake_discord.invalid_requests.clear()
