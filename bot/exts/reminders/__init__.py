"""Reminders: ``/remind set|list|pause|resume|delete``, the buttons on reminder
messages, and the scheduler that delivers them.

The weekly digest poster and the scheduler are registered as the ``digest`` and
``reminders`` services (:mod:`careerbot.runtime.services`), so ``careerbot run`` starts
them after login and stops them first on shutdown (the scheduler, added last, first),
before Discord and the store close. Where no service runner runs (tests, embedding), the
cog starts them on ``on_ready``; unloading the extension (``Bot.close()`` does) stops
them either way. Snooze buttons wake the scheduler through ``bot.wake_reminders``.
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
    for service in (cog.digest, cog.scheduler):
        if service.name not in bot.services.names:
            bot.services.add(service)
    bot.wake_reminders = cog.scheduler.wake


async def teardown(bot: CareerBot) -> None:
    bot.remove_dynamic_items(*COMPONENTS)
    bot.wake_reminders = lambda: None
