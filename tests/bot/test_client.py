"""The bot object: intents, explicit syncing, mentions, the error policy, the token."""

from __future__ import annotations

import logging

import discord
import pytest

from bot import custom_ids as ids
from bot.client import EXTENSIONS, CareerBot, intents
from bot.render import APOLOGY
from careerbot.runtime.metrics import METRICS
from storage import StorageError
from tests.bot.conftest import CareerHarness
from tests.bot.e2e import embed
from tests.fakediscord import payloads

COMMANDS = {
    "ask",
    "skills",
    "skill",
    "progress",
    "learned",
    "timezone",
    "help",
    "privacy",
    "kb",
    "config",
    "remind",
    "Draft an entry",  # the message menu (Apps > Draft an entry)
}


def test_minimal_intents() -> None:
    wanted = intents()
    assert wanted.value == payloads.INTENT_GUILDS | payloads.INTENT_DIRECT_MESSAGES
    assert not wanted.message_content and not wanted.members and not wanted.presences


async def test_identify_needs_no_privileged_intent(careerbot: CareerHarness) -> None:
    careerbot.fake.allowed_privileged_intents = 0  # an app with none enabled in the portal
    bot = await careerbot.start()
    identify = next(f for f in careerbot.fake.gateway_received if f["op"] == 2)
    assert identify["d"]["intents"] == intents().value
    assert set(bot.extensions) == set(EXTENSIONS)


async def test_commands_are_not_synced_on_a_plain_start(careerbot: CareerHarness) -> None:
    await careerbot.start(sync=False)
    assert not careerbot.fake.requests_matching("PUT", "/applications/{app}/commands")
    assert not careerbot.fake.requests_matching("PUT", "/applications/{app}/guilds/{g}/commands")


async def test_sync_on_start_globally_or_to_a_dev_guild(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    bot = await careerbot.start()
    assert {c["name"] for c in fake.registered_commands()} == COMMANDS
    await careerbot.stop(bot)
    dev = CareerBot(
        careerbot.settings,
        careerbot.kb,
        careerbot.db,
        sync_on_start=True,
        sync_guild_id=fake.guild.id,
    )
    await careerbot.runner.start(dev)
    assert {c["name"] for c in fake.registered_commands(fake.guild)} == COMMANDS
    assert len(fake.requests_matching("PUT", "/applications/{app}/commands")) == 1


async def test_the_client_pings_nobody_by_default(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    bot = await careerbot.start()
    assert bot.allowed_mentions is not None
    assert bot.allowed_mentions.to_dict() == {"parse": []}
    channel = bot.get_channel(fake.channel.id)
    assert isinstance(channel, discord.TextChannel)
    message = await channel.send(f"@everyone {fake.moderator.mention}")
    stored = fake.get_message(message.id)
    assert stored["mention_everyone"] is False and stored["mentions"] == []


async def test_failures_reach_the_member_as_an_apology(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    await careerbot.start()
    progress = await fake.command_reply("progress")
    careerbot.errors.expect(exc_type=StorageError)
    await careerbot.db.close()  # the database goes away under the running bot

    ix = await fake.send_slash_command("progress")
    assert (await ix.wait_for_reply())["content"] == APOLOGY and ix.ephemeral
    item = careerbot.kb.corpus.learning_path()[0].checklist[0].id
    click = await fake.click_button(progress, ids.item(item, "done"))
    assert (await click.wait_for_reply())["content"] == APOLOGY and click.ephemeral
    [tree_error] = [e for e in careerbot.errors.errors if e.source == "tree"]
    logged = [e.message for e in careerbot.errors.errors if e.source == "log"]
    assert isinstance(tree_error.exc, discord.app_commands.CommandInvokeError)
    assert any(m.startswith("/progress failed") for m in logged)
    assert any(m.startswith("item button failed") for m in logged)
    # The bot is still up: commands that need no storage still work.
    help_reply = await fake.command_reply("help")
    assert embed(help_reply)["title"] == "What careerbot can do"


async def test_the_token_is_never_logged(
    careerbot: CareerHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake = careerbot.fake
    bot = await careerbot.start()
    await fake.command_reply("ask", {"question": "do I need a PhD?"})
    await fake.send_dm(fake.member, "hello")
    await fake.wait_for_bot_message(fake.dm_channel(fake.member))
    await careerbot.stop(bot)
    assert len(caplog.records) > 20  # discord.py's debug logs were captured
    assert fake.token not in caplog.text
    assert fake.token not in repr(bot.settings)


async def test_an_expired_interaction_is_a_warning_not_an_error(
    careerbot: CareerHarness, caplog: pytest.LogCaptureFixture
) -> None:
    """When the bot answers after Discord's window (overload), Discord says 10062: there
    is nobody left to apologise to, and a traceback per late answer would bury real bugs.
    Each is counted in /metrics; the log gets one warning a minute at most."""
    fake = careerbot.fake
    await careerbot.start()
    progress = await fake.command_reply("progress")
    expired = METRICS.interactions_expired
    before = {kind: expired.value(kind=kind) for kind in ("command", "component")}
    fake.interaction_deadline = 0.0  # every answer from now on arrives too late
    careerbot.errors.expect(exc_type=discord.NotFound)  # tree.on_error still sees it
    await fake.send_slash_command("help")
    item = careerbot.kb.corpus.learning_path()[0].checklist[0].id
    await fake.click_button(progress, ids.item(item, "done"))
    await fake.wait_until(
        lambda: all(expired.value(kind=k) == before[k] + 1 for k in before) or None,
        what="both counted as expired",
    )
    late = [r for r in caplog.records if "past Discord's 3-second window" in r.message]
    assert len(late) == 1 and late[0].levelname == "WARNING"
    assert not [e for e in careerbot.errors.errors if e.source == "log"]
