"""Reminders: ``/remind set|list|pause|resume|delete``, the buttons on reminder
messages, and the scheduler that delivers them.

The scheduler is registered as the ``reminders`` service (:mod:`careerbot.runtime.services`), so
``careerbot run`` starts it after login and stops it first on shutdown, before Discord
and the store close. Where no service runner runs (tests, embedding), the cog starts it
on ``on_ready``; unloading the extension (``Bot.close()`` does) stops it either way.
``careerbot sync`` logs in without starting services or connecting: nothing is sent."""

from __future__ import annotations

from bot.client import CareerBot
from bot.exts.reminders._cog import Reminders
from bot.exts.reminders._components import ReminderDoneButton, ReminderSkillButton, SnoozeButton

COMPONENTS = (SnoozeButton, ReminderDoneButton, ReminderSkillButton)


async def setup(bot: CareerBot) -> None:
    bot.add_dynamic_items(*COMPONENTS)
    cog = Reminders(bot)
    await bot.add_cog(cog)
    if cog.scheduler.name not in bot.services.names:
        bot.services.add(cog.scheduler)


async def teardown(bot: CareerBot) -> None:
    bot.remove_dynamic_items(*COMPONENTS)
