"""Moderators teaching the corpus from a ``/kb gaps`` row, as they can from a thread.

The ``/kb gaps`` reply carries a select of the rows shown; choosing one offers "Add as
phrasing" (the same entry picker as a thread's, :mod:`._picking`) and "Draft an
entry" (the same form, prefilled with the gap's question). Every component carries the
gap's token (:mod:`careerbot.core.community.gaps`), never its text, and reads the gap
again from storage when pressed: a gap that is gone is refused politely. Every
component checks the moderator rule first, since a hand-made interaction can carry
any custom id.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

import discord
from discord.ui import Button, DynamicItem, Select

from bot import custom_ids
from bot.client import CareerBot, bot_of
from bot.exts.community import _render as say
from bot.exts.community._picking import entry_options, select_options
from bot.exts.community._teach import DraftModal, outcome_reply
from bot.moderators import moderator, refuse_non_moderator
from bot.render import OPTION_LABEL_MAX, gaps_text, truncate
from bot.replies import NO_MENTIONS, Reply, guarded, respond, stateless_view
from careerbot.core.community.gaps import find_gap, gap_token
from storage import GapRow

log = logging.getLogger(__name__)

#: Discord's most options in one select.
MAX_OPTIONS = 25


def gaps_reply(
    rows: Sequence[GapRow], days: int, answered: Mapping[str, str] | None = None
) -> Reply:
    """The ``/kb gaps`` list, with a select of its rows when there are any;
    ``answered``: gap key -> the entry that answers it now."""
    text = gaps_text(rows, days, answered)
    if not rows:
        return Reply(content=text)
    return Reply(content=text, view=stateless_view(GapsSelect(days, rows)))


async def _gap_or_refusal(
    bot: CareerBot, interaction: discord.Interaction, days: int, token: str
) -> GapRow | None:
    """The gap, read again; ``None`` (and the moderator told) when it is gone."""
    assert interaction.guild_id is not None  # is_moderator is False outside guilds
    row = await find_gap(bot.db, interaction.guild_id, days, token)
    if row is None:
        await interaction.response.send_message(
            say.GAP_GONE, ephemeral=True, allowed_mentions=NO_MENTIONS
        )
    return row


class GapsSelect(DynamicItem[Select[Any]], template=custom_ids.GAPS_PICK):
    """The ``/kb gaps`` rows to act on (their tokens as values)."""

    def __init__(self, days: int, rows: Sequence[GapRow] | None = None) -> None:
        options = [
            discord.SelectOption(
                label=truncate(" ".join(row.example.split()), OPTION_LABEL_MAX) or "(blank)",
                value=gap_token(row.key),
                description=f"Asked {row.asked}×",
            )
            for row in (rows or [])
        ]
        options = list({o.value: o for o in options}.values())[:MAX_OPTIONS]
        super().__init__(
            Select(
                custom_id=custom_ids.gaps_pick(days),
                placeholder="Pick a question to teach me",
                options=options or [discord.SelectOption(label="placeholder")],
            )
        )
        self.days = days

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> GapsSelect:
        return cls(int(match["days"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "gaps select", self._pick)

    async def _pick(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        if await refuse_non_moderator(bot, interaction):
            return
        values = (interaction.data or {}).get("values") or []
        if not values:
            await interaction.response.send_message("Nothing picked.", ephemeral=True)
            return
        token = str(values[0])
        row = await _gap_or_refusal(bot, interaction, self.days, token)
        if row is None:
            return
        await interaction.response.send_message(
            say.GAP_ACTIONS,
            embed=say.gap_embed(row, self.days),
            view=stateless_view(
                GapPhrasingButton(self.days, token), GapDraftButton(self.days, token)
            ),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )


class GapPhrasingButton(DynamicItem[Button[Any]], template=custom_ids.GAP_PHRASING):
    """Moderators: add the gap's question as a phrasing of an entry (picked next)."""

    def __init__(self, days: int, token: str) -> None:
        button: Button[Any] = Button(
            label="Add as phrasing",
            emoji="➕",
            style=discord.ButtonStyle.primary,
            custom_id=custom_ids.gap_phrasing(days, token),
        )
        super().__init__(button)
        self.days = days
        self.token = token

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> GapPhrasingButton:
        return cls(int(match["days"]), match["token"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "gap add-as-phrasing button", self._press)

    async def _press(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        if await refuse_non_moderator(bot, interaction):
            return
        row = await _gap_or_refusal(bot, interaction, self.days, self.token)
        if row is None:
            return
        picker = GapPickSelect(self.days, self.token, entry_options(bot, row.example))
        embed = say.gap_embed(row, self.days)
        embed.set_footer(text="The question above becomes a phrasing of the entry you pick.")
        await interaction.response.send_message(
            say.PICK_ENTRY,
            embed=embed,
            view=stateless_view(picker),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )


class GapPickSelect(DynamicItem[Select[Any]], template=custom_ids.GAP_PICK):
    """The entry a gap's question is added to as a phrasing."""

    def __init__(self, days: int, token: str, options: list[tuple[str, str]] | None = None) -> None:
        super().__init__(
            Select(
                custom_id=custom_ids.gap_pick(days, token),
                placeholder="Pick the entry that answers it",
                options=select_options(options),
            )
        )
        self.days = days
        self.token = token

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> GapPickSelect:
        return cls(int(match["days"]), match["token"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "gap add-as-phrasing select", self._pick)

    async def _pick(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        if await refuse_non_moderator(bot, interaction):
            return
        values = (interaction.data or {}).get("values") or []
        if not values:
            await interaction.response.send_message("Nothing picked.", ephemeral=True)
            return
        row = await _gap_or_refusal(bot, interaction, self.days, self.token)
        if row is None:
            return
        who = moderator(interaction)

        async def work() -> Reply:
            outcome = await bot.corpus_writer.add_phrasing(who, str(values[0]), row.example)
            return outcome_reply(bot, outcome)

        await respond(interaction, work(), update=True)


class GapDraftButton(DynamicItem[Button[Any]], template=custom_ids.GAP_DRAFT):
    """Moderators: draft a new entry, the form prefilled with the gap's question."""

    def __init__(self, days: int, token: str) -> None:
        button: Button[Any] = Button(
            label="Draft an entry",
            emoji="📝",
            style=discord.ButtonStyle.secondary,
            custom_id=custom_ids.gap_draft(days, token),
        )
        super().__init__(button)
        self.days = days
        self.token = token

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> GapDraftButton:
        return cls(int(match["days"]), match["token"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "gap draft-an-entry button", self._press)

    async def _press(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        if await refuse_non_moderator(bot, interaction):
            return
        row = await _gap_or_refusal(bot, interaction, self.days, self.token)
        if row is None:
            return
        await interaction.response.send_modal(DraftModal(row.example, thread_id=None))
