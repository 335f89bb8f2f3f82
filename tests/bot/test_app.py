"""``run_bot`` and ``sync_commands`` (what ``careerbot run`` / ``sync`` call), against
the fake: they open the corpus and the store themselves and close them again."""

from __future__ import annotations

import asyncio
import contextlib

import discord
import pytest
from pydantic import SecretStr

from bot.app import run_bot, sync_commands
from bot.settings import Settings
from storage import open_storage
from tests.bot.e2e import PHD, embed
from tests.fakediscord import FakeDiscord


async def test_sync_commands_to_a_guild_without_connecting(
    fake_discord: FakeDiscord, bot_settings: Settings
) -> None:
    synced = await sync_commands(bot_settings, fake_discord.guild.id)
    names = {c["name"] for c in fake_discord.registered_commands(fake_discord.guild)}
    assert {c.name for c in synced} == names and {"ask", "kb", "privacy"} <= names
    assert not fake_discord.registered_commands()  # nothing global
    assert fake_discord.identify_count == 0  # HTTP only: no gateway session
    await sync_commands(bot_settings)
    assert {c["name"] for c in fake_discord.registered_commands()} == names


async def test_run_bot_serves_until_cancelled_and_closes_the_store(
    fake_discord: FakeDiscord, bot_settings: Settings
) -> None:
    task = asyncio.create_task(run_bot(bot_settings, sync=True))
    fake_discord.watch(task)
    try:
        await fake_discord.wait_until(
            lambda: fake_discord.registered_commands() or None, what="the sync"
        )
        reply = await fake_discord.command_reply("ask", {"question": PHD})
        assert embed(reply)["title"] == PHD
    finally:
        fake_discord.unwatch(task)
        task.cancel()  # what Ctrl+C does to asyncio.run
        with contextlib.suppress(asyncio.CancelledError):
            await task
    # The store was closed cleanly and holds the logged question.
    async with await open_storage(bot_settings.database_path) as db:
        export = await db.export_member(fake_discord.member.id)
    assert [q["matched_id"] for q in export["tables"]["question_log"]] == ["do-i-need-a-phd"]


async def test_a_refused_token_fails_start_up(
    fake_discord: FakeDiscord, bot_settings: Settings
) -> None:
    wrong = bot_settings.model_copy(update={"discord_token": SecretStr("wrong-token")})
    with pytest.raises(discord.LoginFailure):
        await run_bot(wrong)
