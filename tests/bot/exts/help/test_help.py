"""/help, end to end."""

from __future__ import annotations

from bot import render
from tests.bot.conftest import CareerHarness
from tests.bot.e2e import embed


async def test_help_is_one_private_screen(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    await careerbot.start()
    for guild in (fake.guild, None):  # in a server and in DMs
        ix = await fake.send_slash_command("help", guild=guild)
        reply = await ix.wait_for_reply()
        assert ix.ephemeral and embed(reply) == render.help_embed().to_dict() | {
            "type": "rich",
            "flags": 0,
        }
