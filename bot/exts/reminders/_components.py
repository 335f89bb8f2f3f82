"""The persistent buttons on a reminder message: Snooze, Mark done, Show me.

Snooze acts on the reminder in its custom id and only for its owner (in a channel,
anyone can see the buttons). Mark done and Show me act for whoever clicks: progress
belongs to the member clicking, and the skill card is shown only to them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import discord
from discord.ui import Button, DynamicItem

from bot import custom_ids, render
from bot.client import bot_of
from bot.exts.skills._components import marked_reply, skill_card_reply
from bot.reminders import messages
from bot.replies import Reply, guarded, respond, stateless_view
from careerbot.core import marking
from knowledge import SkillEntry
from knowledge.items import resolve_item
from storage import InvalidInputError, LimitExceededError, NotFoundError, Schedule

SNOOZE_FOR = timedelta(hours=1)


class SnoozeButton(DynamicItem[Button[Any]], template=custom_ids.SNOOZE):
    """Remind the owner again in an hour."""

    def __init__(self, reminder_id: int) -> None:
        super().__init__(
            Button(
                label="Snooze 1 h",
                emoji="💤",
                style=discord.ButtonStyle.secondary,
                custom_id=custom_ids.snooze(reminder_id),
            )
        )
        self.reminder_id = reminder_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SnoozeButton:
        return cls(int(match["reminder_id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "snooze button", self._snooze)

    async def _snooze(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        member_id = interaction.user.id

        async def work() -> Reply:
            reminder = await bot.db.get_reminder(self.reminder_id)
            if reminder is None or reminder.member_id != member_id:
                return Reply("Only the member this reminder is for can snooze it.")
            at = datetime.now(UTC).replace(microsecond=0) + SNOOZE_FOR
            try:
                if reminder.schedule.kind == "once":
                    # A sent one-off comes back for one more time.
                    await bot.db.update_reminder(
                        reminder.id, member_id=member_id, schedule=Schedule.once(at)
                    )
                else:
                    # The repeating schedule stays as it is; the snooze is one extra time.
                    await bot.db.create_reminder(
                        member_id,
                        Schedule.once(at),
                        message=reminder.message,
                        target=reminder.target,
                    )
            except (LimitExceededError, InvalidInputError, NotFoundError) as exc:
                return Reply(f"I can't snooze it: {render.plain(str(exc), 300)}.")
            bot_of(interaction).wake_reminders()
            return Reply(f"💤 Snoozed: I'll remind you again {messages.timestamp(at, 'R')}.")

        await respond(interaction, work(), ephemeral=True)


class ReminderDoneButton(DynamicItem[Button[Any]], template=custom_ids.REMINDER_DONE):
    """Mark the reminder's next item done (for whoever clicks)."""

    def __init__(self, item_id: str) -> None:
        custom_id = custom_ids.reminder_done(item_id)
        if custom_id is None:
            raise ValueError(f"item id too long for a button: {item_id!r}")
        super().__init__(
            Button(
                label="Mark done",
                emoji="✅",
                style=discord.ButtonStyle.success,
                custom_id=custom_id,
            )
        )
        self.item_id = item_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ReminderDoneButton:
        return cls(match["item_id"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "reminder mark-done button", self._done)

    async def _done(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        member_id = interaction.user.id

        async def work() -> Reply:
            corpus = bot.kb.corpus
            found = resolve_item(corpus, self.item_id).item
            if found is None:
                return Reply("That item no longer exists: the corpus changed since then.")
            return marked_reply(await marking.mark_done(bot.db, corpus, member_id, found))

        await respond(interaction, work(), ephemeral=True)


class ReminderSkillButton(DynamicItem[Button[Any]], template=custom_ids.REMINDER_SKILL):
    """Show the skill card of the reminder's next item, to the member clicking only."""

    def __init__(self, skill_id: str) -> None:
        custom_id = custom_ids.reminder_skill(skill_id)
        if custom_id is None:
            raise ValueError(f"skill id too long for a button: {skill_id!r}")
        super().__init__(
            Button(
                label="Show me",
                emoji="📖",
                style=discord.ButtonStyle.primary,
                custom_id=custom_id,
            )
        )
        self.skill_id = skill_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ReminderSkillButton:
        return cls(match["skill_id"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "reminder show-me button", self._show)

    async def _show(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        skill = bot.kb.corpus.entry(self.skill_id)
        if not isinstance(skill, SkillEntry):
            await respond(
                interaction,
                _reply("That skill no longer exists: the corpus changed since then."),
                ephemeral=True,
            )
            return
        await respond(
            interaction, skill_card_reply(bot, interaction.user.id, skill), ephemeral=True
        )


async def _reply(text: str) -> Reply:
    return Reply(text)


def reminder_view(
    reminder_id: int, item_id: str | None, skill_id: str | None
) -> discord.ui.View | None:
    """Snooze, and Mark done / Show me for the next item when there is one (and its
    ids fit in a custom id)."""
    buttons: list[DynamicItem[Button[Any]]] = []
    if item_id is not None and custom_ids.reminder_done(item_id) is not None:
        buttons.append(ReminderDoneButton(item_id))
    if skill_id is not None and custom_ids.reminder_skill(skill_id) is not None:
        buttons.append(ReminderSkillButton(skill_id))
    buttons.append(SnoozeButton(reminder_id))
    return stateless_view(*buttons)
