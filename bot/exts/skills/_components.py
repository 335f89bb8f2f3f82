"""Persistent components of the learning features: skill-map paging, the skill card's
"mark items" menus, the progress view's item buttons, and ``/learned``'s choices and
Undo.

Each acts for whoever uses it (progress belongs to the member clicking), and replaces
the message it is on with the refreshed card or progress, so the member sees the
effect at once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import discord
from discord.ui import Button, DynamicItem, Select

from bot import custom_ids, render
from bot.client import CareerBot, bot_of
from bot.replies import NO_MENTIONS, Reply, guarded, respond, stateless_view
from careerbot.core import marking
from knowledge import ChecklistItem, SkillEntry
from knowledge.items import resolve_item
from storage import ProgressItem, Status

MAX_OPTIONS = 25
BUTTON_LABEL_MAX = 80


def statuses_of(progress: Sequence[ProgressItem]) -> dict[str, Status]:
    return {p.item_id: p.status for p in progress}


# ------------------------------------------------------------------- skill map ---


class SkillsPageButton(DynamicItem[Button[Any]], template=custom_ids.SKILLS_PAGE):
    """Previous / next page of the skill map; the target page is in the custom id."""

    def __init__(self, page: int, direction: str, *, disabled: bool = False) -> None:
        prev = direction == "prev"
        super().__init__(
            Button(
                label="Previous" if prev else "Next",
                emoji="◀️" if prev else "▶️",
                style=discord.ButtonStyle.secondary,
                custom_id=custom_ids.skills_page(page, "prev" if prev else "next"),
                disabled=disabled,
            )
        )
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SkillsPageButton:
        return cls(int(match["page"]), "prev" if match[0].endswith(":prev") else "next")

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "skill map page", self._turn)

    async def _turn(self, interaction: discord.Interaction) -> None:
        reply = skills_reply(bot_of(interaction), self.page)
        await interaction.response.edit_message(**reply.edit_kwargs())


def skills_reply(bot: CareerBot, page: int) -> Reply:
    corpus = bot.kb.corpus
    pages = render.skills_page_count(corpus)
    page = min(max(page, 0), pages - 1)
    view = None
    if pages > 1:
        view = stateless_view(
            SkillsPageButton(max(page - 1, 0), "prev", disabled=page == 0),
            SkillsPageButton(min(page + 1, pages - 1), "next", disabled=page == pages - 1),
        )
    return Reply(embed=render.skills_embed(corpus, page), view=view)


# ------------------------------------------------------------------- skill card ---


class MarkItemsSelect(DynamicItem[Select[Any]], template=custom_ids.MARK):
    """A menu of a skill's checklist items: mark the chosen ones learning / done."""

    def __init__(
        self, skill_id: str, status: custom_ids.MarkStatus, items: Sequence[ChecklistItem]
    ) -> None:
        custom_id = custom_ids.mark(skill_id, status)
        if custom_id is None:  # skill ids are at most 80 characters: cannot happen
            raise ValueError(f"skill id too long for a menu: {skill_id!r}")
        options = [
            discord.SelectOption(label=render.truncate(item.title, 100), value=item.id)
            for item in items
            if len(item.id) <= 100
        ][:MAX_OPTIONS]
        super().__init__(
            Select(
                custom_id=custom_id,
                placeholder="Mark as done…" if status == "done" else "Mark as learning…",
                min_values=1,
                max_values=max(1, len(options)),
                options=options,
            )
        )
        self.skill_id = skill_id
        self.status: custom_ids.MarkStatus = status

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> MarkItemsSelect:
        skill = bot_of(interaction).kb.corpus.entry(match["skill_id"])
        items = skill.checklist if isinstance(skill, SkillEntry) else []
        return cls(match["skill_id"], "done" if match["status"] == "done" else "learning", items)

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "mark-items menu", self._mark)

    async def _mark(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        skill = bot.kb.corpus.entry(self.skill_id)
        if not isinstance(skill, SkillEntry):
            await interaction.response.send_message(
                "That skill no longer exists: the corpus changed since this card was shown.",
                ephemeral=True,
            )
            return
        chosen = set(self.item.values)
        items = [item for item in skill.checklist if item.id in chosen]

        async def work() -> Reply:
            for item in items:
                await bot.db.set_progress(interaction.user.id, skill.id, item.id, self.status)
            return await skill_card_reply(bot, interaction.user.id, skill)

        await respond(interaction, work(), update=True)


async def skill_card_reply(bot: CareerBot, member_id: int, skill: SkillEntry) -> Reply:
    statuses = statuses_of(await bot.db.get_progress(member_id))
    view = stateless_view(
        MarkItemsSelect(skill.id, "done", skill.checklist),
        MarkItemsSelect(skill.id, "learning", skill.checklist),
    )
    return Reply(embed=render.skill_card_embed(skill, statuses), view=view)


# ------------------------------------------------------------------- progress ---


class ItemButton(DynamicItem[Button[Any]], template=custom_ids.ITEM):
    """Set one checklist item learning / done, then show the refreshed progress."""

    def __init__(self, item_id: str, status: custom_ids.MarkStatus) -> None:
        custom_id = custom_ids.item(item_id, status)
        if custom_id is None:
            raise ValueError(f"item id too long for a button: {item_id!r}")
        done = status == "done"
        super().__init__(
            Button(
                label="Mark done" if done else "Start learning",
                emoji="✅" if done else "📖",
                style=discord.ButtonStyle.success if done else discord.ButtonStyle.secondary,
                custom_id=custom_id,
            )
        )
        self.item_id = item_id
        self.status: custom_ids.MarkStatus = status

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ItemButton:
        return cls(match["item_id"], "done" if match["status"] == "done" else "learning")

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "item button", self._set)

    async def _set(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        found = bot.kb.corpus.checklist_item(self.item_id)
        if found is None:
            await interaction.response.send_message(
                "That item no longer exists: the corpus changed since this was shown.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        skill, item = found

        async def work() -> Reply:
            await bot.db.set_progress(interaction.user.id, skill.id, item.id, self.status)
            return await progress_reply(bot, interaction.user.id)

        await respond(interaction, work(), update=True)


async def progress_reply(bot: CareerBot, member_id: int) -> Reply:
    corpus = bot.kb.corpus
    summary = await bot.db.summary(member_id, corpus.learning_path_items())
    streak = await bot.db.get_streak(member_id)
    buttons: list[ItemButton] = []
    next_item = summary.next_item_id
    if next_item is not None and custom_ids.item(next_item, "learning") is not None:
        statuses = statuses_of(await bot.db.get_progress(member_id))
        if statuses.get(next_item) != "learning":
            buttons.append(ItemButton(next_item, "learning"))
        buttons.append(ItemButton(next_item, "done"))
    return Reply(
        embed=render.progress_embed(summary, streak, corpus), view=stateless_view(*buttons)
    )


# ------------------------------------------------------------------- /learned ---


class PickItemButton(DynamicItem[Button[Any]], template=custom_ids.LEARNED):
    """One of the items ``/learned`` was unsure between: mark this one done."""

    def __init__(self, item_id: str, label: str = "Mark done") -> None:
        custom_id = custom_ids.learned(item_id)
        if custom_id is None:
            raise ValueError(f"item id too long for a button: {item_id!r}")
        super().__init__(
            Button(
                label=render.truncate(label, BUTTON_LABEL_MAX),
                style=discord.ButtonStyle.primary,
                custom_id=custom_id,
            )
        )
        self.item_id = item_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PickItemButton:
        return cls(match["item_id"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "pick-item button", self._pick)

    async def _pick(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        corpus = bot.kb.corpus
        found = resolve_item(corpus, self.item_id).item

        async def work() -> Reply:
            if found is None:
                return Reply("That item no longer exists: the corpus changed since then.")
            return marked_reply(await marking.mark_done(bot.db, corpus, interaction.user.id, found))

        await respond(interaction, work(), update=True)


class UndoButton(DynamicItem[Button[Any]], template=custom_ids.UNDO):
    """Undo the mark just confirmed (the clicking member's own last change of the item)."""

    def __init__(self, item_id: str) -> None:
        custom_id = custom_ids.undo(item_id)
        if custom_id is None:
            raise ValueError(f"item id too long for a button: {item_id!r}")
        super().__init__(
            Button(
                label="Undo",
                emoji="↩️",
                style=discord.ButtonStyle.secondary,
                custom_id=custom_id,
            )
        )
        self.item_id = item_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> UndoButton:
        return cls(match["item_id"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "undo button", self._undo)

    async def _undo(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)

        async def work() -> Reply:
            undone = await marking.undo(
                bot.db, bot.kb.corpus, interaction.user.id, item_id=self.item_id
            )
            return marked_reply(undone)

        await respond(interaction, work(), update=True)


def marked_reply(marked: marking.Marked) -> Reply:
    """The answer to a mark: Undo when something was marked, a button per choice."""
    buttons: list[DynamicItem[Button[Any]]] = []
    if marked.marked is not None and custom_ids.undo(marked.marked) is not None:
        buttons.append(UndoButton(marked.marked))
    for skill, item in marked.choices:
        if custom_ids.learned(item.id) is not None:
            buttons.append(PickItemButton(item.id, f"{item.title} ({skill.name})"))
    return Reply(content=marked.text, view=stateless_view(*buttons))
