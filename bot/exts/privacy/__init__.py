"""Members' data rights: ``/privacy export``, ``/privacy forget``, ``/privacy questions``.

Export sends everything storage holds about the member as a JSON file (only they see
it). Forget asks for confirmation with a button first: deleting progress by accident
cannot be undone. The confirm button names the member in its custom id and refuses
anyone else, although only they can see the ephemeral message anyway.

Questions is the opt-in storage already has: by default the text of private and DM
questions is not kept, so they can never show moderators (``/kb gaps``) what the
corpus lacks. A member who wants to help can say so; it applies to questions asked
from then on, and is undone with ``keep:false`` (or ``/privacy forget``).
"""

from __future__ import annotations

import io
import json
import logging
import re
from dataclasses import replace
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands
from discord.ui import Button, DynamicItem

from bot import custom_ids
from bot.client import CareerBot, bot_of
from bot.replies import Reply, guarded, respond, stateless_view
from storage import MemberPrefs

log = logging.getLogger(__name__)

KEEP_ON = (
    "From now on I keep the text of your private and DM questions, so moderators can "
    "see in `/kb gaps` the ones I could not answer (in DMs: moderators of servers where "
    "you have asked me something). Turn it off with `/privacy questions keep:False`."
)
KEEP_OFF = (
    "I no longer keep the text of your private and DM questions (only whether they were "
    "answered). Text kept earlier stays until `/privacy forget`."
)
KEEP_STATUS = {
    True: "I keep the text of your private and DM questions (for `/kb gaps`). "
    "Change it with `/privacy questions keep:False`.",
    False: "I keep no text of your private and DM questions (the default). To help "
    "moderators improve my answers, use `/privacy questions keep:True`.",
}

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
            await bot.cooldown.forget(self.user_id)
            bot.recent_questions.forget_member(self.user_id)
            bot.shared_servers.forget_member(self.user_id)
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

    @privacy.command(
        name="questions", description="Keep the text of your private and DM questions, or not"
    )
    @app_commands.describe(
        keep="True: moderators may see the ones I could not answer. Leave out to see it."
    )
    async def questions(self, interaction: discord.Interaction, keep: bool | None = None) -> None:
        member_id = interaction.user.id

        async def work() -> Reply:
            db = self.bot.db
            member = await db.get_member(member_id)
            prefs = member.prefs if member is not None else MemberPrefs()
            if keep is None:
                return Reply(content=KEEP_STATUS[prefs.store_question_text])
            await db.set_preferences(member_id, replace(prefs, store_question_text=keep))
            log.info("member %s: keep question text %s", member_id, keep)
            return Reply(content=KEEP_ON if keep else KEEP_OFF)

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
