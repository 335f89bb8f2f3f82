"""The persistent buttons under answers: feedback votes and "show this entry".

Both are ``DynamicItem``s: what they act on is in the custom id (see
:mod:`bot.custom_ids`), so they work on any message ever posted, across restarts.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import discord
from discord.ui import Button, DynamicItem

from bot import custom_ids, render
from bot.client import bot_of
from bot.exts.community import ask_community_button, offers_community
from bot.replies import Reply, guarded, respond, stateless_view
from knowledge import Candidate, Corpus, FaqEntry, SkillEntry
from storage import ForgottenMemberError, NotFoundError

MAX_RELATED = 5
MAX_SUGGESTIONS = 3


class FeedbackButton(DynamicItem[Button[Any]], template=custom_ids.FEEDBACK):
    """Helpful / Not helpful on a logged answer: one vote per member, the last one counts."""

    def __init__(self, log_id: int, vote: custom_ids.Vote) -> None:
        up = vote == "up"
        super().__init__(
            Button(
                label="Helpful" if up else "Not helpful",
                emoji="👍" if up else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=custom_ids.feedback(log_id, vote),
                row=0,
            )
        )
        self.log_id = log_id
        self.vote: custom_ids.Vote = vote

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> FeedbackButton:
        return cls(int(match["log_id"]), "up" if match["vote"] == "up" else "down")

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "feedback button", self._vote)

    async def _vote(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        clicked = datetime.now(UTC)  # a forget confirmed after this wins over the vote

        async def work() -> Reply:
            await bot.log_writes.settled(self.log_id)  # a vote may beat the log write
            helpful = self.vote == "up"
            try:
                await bot.db.record_feedback(self.log_id, interaction.user.id, helpful, at=clicked)
            except NotFoundError:
                return Reply("That answer is no longer on record, so I can't count the vote.")
            except ForgottenMemberError:
                return Reply("You asked me to forget your data, so I did not record this vote.")
            if self.vote == "up":
                return Reply("Thanks! Glad it helped.")
            text = "Thanks for telling me. Moderators review answers that didn't help."
            if bot.recent_questions.get(self.log_id) and await offers_community(
                bot, interaction.guild_id, interaction.user.id
            ):
                here = "here" if interaction.guild_id else "in a server we share"
                text += f" You can also ask the people {here}:"
                return Reply(text, view=stateless_view(ask_community_button(self.log_id)))
            return Reply(text)

        await respond(interaction, work(), ephemeral=True)


class ShowEntryButton(DynamicItem[Button[Any]], template=custom_ids.SHOW):
    """Shows one entry: "Did you mean" suggestions and related entries."""

    def __init__(self, entry_id: str, label: str = "Show", *, row: int | None = None) -> None:
        custom_id = custom_ids.show(entry_id)
        if custom_id is None:  # entry ids are at most 80 characters: cannot happen
            raise ValueError(f"entry id too long for a button: {entry_id!r}")
        super().__init__(
            Button(
                label=render.button_label(label),
                style=discord.ButtonStyle.primary,
                custom_id=custom_id,
                row=row,
            )
        )
        self.entry_id = entry_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ShowEntryButton:
        return cls(match["entry_id"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "show-entry button", self._show)

    async def _show(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        entry = bot.kb.corpus.entry(self.entry_id)
        # In a server the entry is for whoever clicked, not the whole channel.
        private = interaction.guild_id is not None
        if entry is None:
            await interaction.response.send_message(
                "That entry no longer exists: the corpus changed since this message.",
                ephemeral=True,
            )
            return
        reply = Reply(embed=render.entry_embed(entry), view=related_view(entry, bot.kb.corpus))
        await interaction.response.send_message(**reply.message_kwargs(), ephemeral=private)


def related_buttons(
    entry: FaqEntry | SkillEntry, corpus: Corpus, row: int = 1
) -> list[ShowEntryButton]:
    """Buttons for the entry's related entries that still exist (at most five, a row)."""
    buttons = []
    for related_id in dict.fromkeys(entry.related):
        if related_id == entry.id or related_id not in corpus:
            continue
        buttons.append(ShowEntryButton(related_id, corpus.title(related_id), row=row))
        if len(buttons) == MAX_RELATED:
            break
    return buttons


def related_view(entry: FaqEntry | SkillEntry, corpus: Corpus) -> discord.ui.View | None:
    return stateless_view(*related_buttons(entry, corpus, row=0))


def answer_view(
    log_id: int, entry: FaqEntry | SkillEntry, corpus: Corpus
) -> discord.ui.View | None:
    """Feedback buttons for the question logged as ``log_id``, above the related entries."""
    feedback = [FeedbackButton(log_id, "up"), FeedbackButton(log_id, "down")]
    return stateless_view(*feedback, *related_buttons(entry, corpus, row=1))


def suggestions_view(
    suggestions: tuple[Candidate, ...], *more: discord.ui.Item[Any]
) -> discord.ui.View | None:
    """Up to three "Did you mean" buttons, best first (then ``more``, on their own row)."""
    buttons = [ShowEntryButton(c.id, c.title, row=0) for c in suggestions[:MAX_SUGGESTIONS]]
    return stateless_view(*buttons, *more)
