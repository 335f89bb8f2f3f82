"""Questions and answers: ``/ask``, DMs, feedback and "show entry" buttons."""

from __future__ import annotations

from bot.client import CareerBot
from bot.exts.ask._cog import Ask
from bot.exts.ask._components import FeedbackButton, ShowEntryButton

COMPONENTS = (FeedbackButton, ShowEntryButton)


async def setup(bot: CareerBot) -> None:
    bot.add_dynamic_items(*COMPONENTS)
    await bot.add_cog(Ask(bot))


async def teardown(bot: CareerBot) -> None:
    bot.remove_dynamic_items(*COMPONENTS)
