"""Reminders: ``/remind set|list|pause|resume|delete``, the buttons on reminder
messages, and the scheduler that delivers them (started once the bot is connected,
stopped when the extension unloads, which ``Bot.close()`` does)."""

from __future__ import annotations

from bot.client import CareerBot
from bot.exts.reminders._cog import Reminders
from bot.exts.reminders._components import ReminderDoneButton, ReminderSkillButton, SnoozeButton

COMPONENTS = (SnoozeButton, ReminderDoneButton, ReminderSkillButton)


async def setup(bot: CareerBot) -> None:
    bot.add_dynamic_items(*COMPONENTS)
    await bot.add_cog(Reminders(bot))


async def teardown(bot: CareerBot) -> None:
    bot.remove_dynamic_items(*COMPONENTS)
