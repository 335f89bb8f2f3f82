"""Questions handed to the community, and moderators teaching the corpus from Discord
(issue 18): "Ask the community", the thread's and ``/kb gaps``' buttons, drafts and undo."""

from __future__ import annotations

from bot.client import CareerBot
from bot.exts.community._dm import DmPostButton, ServerSelect
from bot.exts.community._gaps import (
    GapDraftButton,
    GapPhrasingButton,
    GapPickSelect,
    GapsSelect,
)
from bot.exts.community._handoff import (
    AnsweredButton,
    AskCommunityButton,
    PostButton,
    ask_community_button,
    offers_community,
)
from bot.exts.community._menus import menus
from bot.exts.community._teach import (
    DraftButton,
    TeachDraftButton,
    TeachPhrasingButton,
    TeachPickSelect,
    UndoButton,
)

__all__ = ["COMPONENTS", "ask_community_button", "offers_community", "setup", "teardown"]

COMPONENTS = (
    AskCommunityButton,
    PostButton,
    ServerSelect,
    DmPostButton,
    AnsweredButton,
    TeachPhrasingButton,
    TeachPickSelect,
    TeachDraftButton,
    DraftButton,
    UndoButton,
    GapsSelect,
    GapPhrasingButton,
    GapPickSelect,
    GapDraftButton,
)


async def setup(bot: CareerBot) -> None:
    bot.add_dynamic_items(*COMPONENTS)
    for menu in menus():
        bot.tree.add_command(menu)


async def teardown(bot: CareerBot) -> None:
    bot.remove_dynamic_items(*COMPONENTS)
    for menu in menus():
        bot.tree.remove_command(menu.name, type=menu.type)
