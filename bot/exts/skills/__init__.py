"""Learning: the skill map, skill cards, progress, ``/learned`` and ``/timezone``."""

from __future__ import annotations

from bot.client import CareerBot
from bot.exts.skills._cog import Skills
from bot.exts.skills._components import (
    ItemButton,
    MarkItemsSelect,
    PickItemButton,
    SkillsPageButton,
    UndoButton,
)

COMPONENTS = (SkillsPageButton, MarkItemsSelect, ItemButton, PickItemButton, UndoButton)


async def setup(bot: CareerBot) -> None:
    bot.add_dynamic_items(*COMPONENTS)
    await bot.add_cog(Skills(bot))


async def teardown(bot: CareerBot) -> None:
    bot.remove_dynamic_items(*COMPONENTS)
