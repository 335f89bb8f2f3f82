""""Ask the community" for a question asked in a DM: which server, then consent.

A DM has no help channel, so the question goes to a server the member shares with the
bot that has one (:mod:`._servers`). With one such server the consent step names it;
with several the member first picks one (:class:`ServerSelect`). Then, as for a
private question, nothing is posted until the member presses "Post without my name"
or "Post with my name" (:class:`DmPostButton`), and the thread is opened by the same
:func:`._handoff.hand_over`.

Every step checks again that the presser asked the question and that the server is
one they share with the bot: the custom ids are in the member's hands, and a crafted
interaction must not post someone else's question, or into a server they are not in.
These messages are not ephemeral: in a DM nobody else sees them, and the member keeps
the link to their thread.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import discord
from discord.ui import Button, DynamicItem, Select

from bot import custom_ids
from bot.client import CareerBot, bot_of
from bot.exts.community import _render as say
from bot.exts.community._handoff import asked_by_presser, hand_over
from bot.exts.community._servers import dm_servers
from bot.render import button_label
from bot.replies import Reply, guarded, respond, stateless_view
from careerbot.core.community.handoff import Question, may_post_in

How = Literal["anon", "named"]


async def choose_server(bot: CareerBot, log_id: int, question: Question) -> Reply:
    """The step after "Ask the community" on a DM question."""
    servers = await dm_servers(bot, question.member_id)
    if not servers:
        return Reply(say.NO_SHARED_SERVER)
    if len(servers) == 1:
        return consent(log_id, servers[0])
    return Reply(say.CHOOSE_SERVER, view=stateless_view(ServerSelect(log_id, servers)))


def consent(log_id: int, guild: discord.Guild) -> Reply:
    view = stateless_view(
        DmPostButton(log_id, guild.id, "anon"), DmPostButton(log_id, guild.id, "named")
    )
    return Reply(say.dm_consent(guild.name), view=view)


async def _shared(
    bot: CareerBot, question: Question, guild_id: int
) -> tuple[discord.Guild, list[int]] | None:
    """The chosen server and all the member shares, if the question may go there."""
    shared = [guild.id for guild in await dm_servers(bot, question.member_id)]
    guild = bot.get_guild(guild_id)
    if guild is None or not may_post_in(question, guild_id, shared):
        return None
    return guild, shared


class ServerSelect(DynamicItem[Select[Any]], template=custom_ids.COMMUNITY_WHERE):
    """The server whose help channel a DM question goes to."""

    def __init__(self, log_id: int, servers: list[discord.Guild] | None = None) -> None:
        options = [
            discord.SelectOption(label=button_label(g.name or str(g.id)), value=str(g.id))
            for g in servers or []
        ] or [discord.SelectOption(label="placeholder", value="0")]
        super().__init__(
            Select(
                custom_id=custom_ids.community_where(log_id),
                placeholder="Pick the server to ask in",
                options=options,
            )
        )
        self.log_id = log_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ServerSelect:
        return cls(int(match["log_id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "community server select", self._pick)

    async def _pick(self, interaction: discord.Interaction) -> None:
        values = (interaction.data or {}).get("values") or []
        picked = str(values[0]) if values else ""
        question = await asked_by_presser(interaction, self.log_id)
        if question is None:
            return
        bot = bot_of(interaction)

        async def work() -> Reply:
            found = await _shared(bot, question, int(picked)) if picked.isdigit() else None
            if found is None:
                return Reply(say.NOT_A_SHARED_SERVER)
            return consent(self.log_id, found[0])

        await respond(interaction, work(), update=True)


class DmPostButton(DynamicItem[Button[Any]], template=custom_ids.COMMUNITY_DM):
    """The member's consent for a DM question: post it in that server, and how."""

    def __init__(self, log_id: int, guild_id: int, how: How) -> None:
        named = how == "named"
        super().__init__(
            Button(
                label="Post with my name" if named else "Post without my name",
                style=discord.ButtonStyle.secondary if named else discord.ButtonStyle.primary,
                custom_id=custom_ids.community_dm(log_id, guild_id, how),
            )
        )
        self.log_id = log_id
        self.guild_id = guild_id
        self.named = named

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> DmPostButton:
        how: How = "named" if match["how"] == "named" else "anon"
        return cls(int(match["log_id"]), int(match["guild_id"]), how)

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "community DM consent button", self._post)

    async def _post(self, interaction: discord.Interaction) -> None:
        question = await asked_by_presser(interaction, self.log_id)
        if question is None:
            return
        bot = bot_of(interaction)
        asker = interaction.user.display_name if self.named else None

        async def work() -> Reply:
            found = await _shared(bot, question, self.guild_id)
            if found is None:
                return Reply(say.NOT_A_SHARED_SERVER)
            guild, shared = found
            return await hand_over(bot, guild, self.log_id, question, asker, shared)

        await respond(interaction, work(), update=True)
