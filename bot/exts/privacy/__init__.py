"""Members' data rights: ``/privacy export`` and ``/privacy forget``.

Export sends everything storage holds about the member as a JSON file (only they see
it). Forget asks for confirmation with a button first: deleting progress by accident
cannot be undone. The confirm button names the member in its custom id and refuses
anyone else, although only they can see the ephemeral message anyway.
"""

from __future__ import annotations

import io
import json
import logging
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands
from discord.ui import Button, DynamicItem

from bot import custom_ids
from bot.client import CareerBot, bot_of
from bot.replies import Reply, guarded, respond, stateless_view

log = logging.getLogger(__name__)

FORGET_WARNING = (
    "This deletes everything I store about you: progress, streaks, reminders, "
    "preferences, logged questions and feedback. It cannot be undone. Are you sure?"
)


class ForgetButton(DynamicItem[Button[Any]], template=custom_ids.FORGET):
    """Confirm or cancel ``/privacy forget``."""

    def __init__(self, user_id: int, action: str) -> None:
        confirm = action == "confirm"
        super().__init__(
            Button(
                label="Delete my data" if confirm else "Cancel",
                style=discord.ButtonStyle.danger if confirm else discord.ButtonStyle.secondary,
                custom_id=custom_ids.forget(user_id, "confirm" if confirm else "cancel"),
            )
        )
        self.user_id = user_id
        self.confirm = confirm

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ForgetButton:
        return cls(int(match["user_id"]), match["action"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "forget button", self._decide)

    async def _decide(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.user_id:
            await interaction.response.send_message(
                "This button is for someone else.", ephemeral=True
            )
            return
        if not self.confirm:
            await interaction.response.edit_message(
                content="Cancelled: nothing was deleted.", view=None
            )
            return
        bot = bot_of(interaction)

        async def work() -> Reply:
            deleted = await bot.db.forget_member(self.user_id)
            bot.cooldown.reset(self.user_id)
            log.info("forgot member %s (%d rows)", self.user_id, sum(deleted.values()))
            return Reply(content=f"Done: I deleted {sum(deleted.values())} record(s) about you.")

        await respond(interaction, work(), update=True)


class Privacy(commands.Cog):
    privacy = app_commands.Group(name="privacy", description="Your data: export or delete it")

    def __init__(self, bot: CareerBot) -> None:
        self.bot = bot

    @privacy.command(name="export", description="Get everything careerbot stores about you")
    async def export(self, interaction: discord.Interaction) -> None:
        member_id = interaction.user.id

        async def work() -> Reply:
            data = await self.bot.db.export_member(member_id)
            payload = json.dumps(data, indent=2, ensure_ascii=False, default=str).encode()
            file = discord.File(io.BytesIO(payload), filename=f"careerbot-data-{member_id}.json")
            return Reply(content="Here is everything I store about you.", file=file)

        await respond(interaction, work(), ephemeral=True)

    @privacy.command(name="forget", description="Delete everything careerbot stores about you")
    async def forget(self, interaction: discord.Interaction) -> None:
        user_id = interaction.user.id
        view = stateless_view(ForgetButton(user_id, "confirm"), ForgetButton(user_id, "cancel"))
        await interaction.response.send_message(FORGET_WARNING, view=view, ephemeral=True)


async def setup(bot: CareerBot) -> None:
    bot.add_dynamic_items(ForgetButton)
    await bot.add_cog(Privacy(bot))


async def teardown(bot: CareerBot) -> None:
    bot.remove_dynamic_items(ForgetButton)
