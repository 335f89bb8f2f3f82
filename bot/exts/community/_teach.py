"""The moderators' side: turn a community answer into the corpus, and manage drafts.

Every door here calls :class:`careerbot.core.community.CorpusWriter` (the same one as
``/kb phrasing``, ``/kb drafts`` and ``/kb undo``), and every component checks
:func:`bot.moderators.is_moderator` first: the buttons sit on public messages, and a
hand-made interaction can carry any custom id.

* "Add as phrasing" (in a thread): a select of the entries closest to the question
  (drafts too); picking one writes the question as a phrasing of it.
* "Draft an entry" (in a thread): a modal for id, question, phrasings and answer,
  prefilled from the question; the draft is not served until accepted.
* Each confirmation carries an Undo button for that change.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Literal

import discord
from discord.ui import Button, DynamicItem, Select

from bot import custom_ids
from bot.client import CareerBot, bot_of
from bot.exts.community import _render as say
from bot.exts.community._picking import entry_options, select_options
from bot.moderators import moderator, refuse_non_moderator
from bot.render import button_label, truncate
from bot.replies import NO_MENTIONS, Reply, guarded, respond, stateless_view
from careerbot.core.community import Draft, WriteOutcome
from careerbot.core.community.handoff import entry_id_from
from knowledge.models import MAX_ANSWER_CHARS, MAX_LINE_CHARS

log = logging.getLogger(__name__)

MAX_DRAFT_ROWS = 5


def outcome_reply(bot: CareerBot, outcome: WriteOutcome) -> Reply:
    """The outcome, with an Undo button when something was written."""
    view = None
    if outcome.ok and outcome.change_id is not None and outcome.file:
        view = stateless_view(UndoButton(outcome.change_id))
    return Reply(say.outcome_text(outcome, bot.kb.path), view=view)


async def _mark_answered(
    bot: CareerBot, thread_id: int, channel: Any, outcome: WriteOutcome, who: str
) -> None:
    """A thread turned into the corpus is answered; its readers are told (no pings)."""
    if not outcome.ok:
        return
    await bot.db.mark_community_thread_answered(thread_id)
    if isinstance(channel, discord.Thread) and channel.id == thread_id:
        try:
            await channel.send(
                f"📚 {truncate(who, 80)} taught me this: {truncate(outcome.message, 300)}. "
                "Thank you, everyone!",
                allowed_mentions=NO_MENTIONS,
            )
        except discord.HTTPException as exc:
            log.warning("could not thank community thread %s: %s", thread_id, exc)


class TeachPhrasingButton(DynamicItem[Button[Any]], template=custom_ids.TEACH_PHRASING):
    """Moderators: add the thread's question as a phrasing of an entry."""

    def __init__(self, thread_id: int) -> None:
        super().__init__(
            Button(
                label="Add as phrasing",
                emoji="➕",
                style=discord.ButtonStyle.primary,
                custom_id=custom_ids.teach_phrasing(thread_id),
                row=0,
            )
        )
        self.thread_id = thread_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> TeachPhrasingButton:
        return cls(int(match["thread_id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "add-as-phrasing button", self._press)

    async def _press(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        if await refuse_non_moderator(bot, interaction):
            return
        question = say.question_of(interaction.message)
        if question is None:
            await interaction.response.send_message(
                "I cannot find the question on that message.", ephemeral=True
            )
            return
        picker = TeachPickSelect(self.thread_id, entry_options(bot, question))
        embed = say.question_embed(question, None, (), bot.kb.corpus)
        embed.set_footer(text="The question above becomes a phrasing of the entry you pick.")
        await interaction.response.send_message(
            "Which entry answers it? (Not listed: `/kb phrasing` searches every entry.)",
            embed=embed,
            view=stateless_view(picker),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )


class TeachPickSelect(DynamicItem[Select[Any]], template=custom_ids.TEACH_PICK):
    """The entry a community question is added to as a phrasing."""

    def __init__(self, thread_id: int, options: list[tuple[str, str]] | None = None) -> None:
        super().__init__(
            Select(
                custom_id=custom_ids.teach_pick(thread_id),
                placeholder="Pick the entry that answers it",
                options=select_options(options),
            )
        )
        self.thread_id = thread_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> TeachPickSelect:
        return cls(int(match["thread_id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "add-as-phrasing select", self._pick)

    async def _pick(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        if await refuse_non_moderator(bot, interaction):
            return
        values = (interaction.data or {}).get("values") or []
        question = say.question_of(interaction.message)
        if not values or question is None:
            await interaction.response.send_message("Nothing picked.", ephemeral=True)
            return
        who = moderator(interaction)

        async def work() -> Reply:
            outcome = await bot.corpus_writer.add_phrasing(who, str(values[0]), question)
            await _mark_answered(bot, self.thread_id, interaction.channel, outcome, who.name)
            return outcome_reply(bot, outcome)

        await respond(interaction, work(), update=True)


class TeachDraftButton(DynamicItem[Button[Any]], template=custom_ids.TEACH_DRAFT):
    """Moderators: draft a new entry from the thread's question."""

    def __init__(self, thread_id: int) -> None:
        super().__init__(
            Button(
                label="Draft an entry",
                emoji="📝",
                style=discord.ButtonStyle.secondary,
                custom_id=custom_ids.teach_draft(thread_id),
                row=0,
            )
        )
        self.thread_id = thread_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> TeachDraftButton:
        return cls(int(match["thread_id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "draft-an-entry button", self._press)

    async def _press(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        if await refuse_non_moderator(bot, interaction):
            return
        question = say.question_of(interaction.message) or ""
        await interaction.response.send_modal(DraftModal(question, thread_id=self.thread_id))


class DraftModal(discord.ui.Modal):
    """Id, question, phrasings and answer of a draft; the question (and, from the
    message menu, the chosen answer) come prefilled."""

    def __init__(self, question: str, *, thread_id: int | None, answer: str = "") -> None:
        suffix = str(thread_id) if thread_id is not None else "new"
        super().__init__(title="Draft an entry", custom_id=f"careerbot:draft-modal:{suffix}")
        self.thread_id = thread_id
        self.entry_id: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Id (lowercase words joined by hyphens)",
            default=entry_id_from(question) if question else None,
            max_length=80,
        )
        self.question: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Question (the heading members see)",
            default=truncate(" ".join(question.split()), MAX_LINE_CHARS) or None,
            max_length=MAX_LINE_CHARS,
        )
        self.phrasings: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Other ways members ask it, one per line",
            style=discord.TextStyle.paragraph,
            required=False,
            placeholder="At least four are needed before the draft can be accepted.",
            max_length=4000,
        )
        self.answer: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Answer (Discord markdown)",
            style=discord.TextStyle.paragraph,
            default=answer.strip()[:MAX_ANSWER_CHARS] or None,
            max_length=MAX_ANSWER_CHARS,
        )
        for item in (self.entry_id, self.question, self.phrasings, self.answer):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:  # type: ignore[override]
        bot = bot_of(interaction)
        if await refuse_non_moderator(bot, interaction):
            return
        draft = Draft(
            id=self.entry_id.value,
            question=self.question.value,
            answer=self.answer.value,
            phrasings=tuple(line for line in self.phrasings.value.splitlines() if line.strip()),
        )
        who = moderator(interaction)

        async def work() -> Reply:
            outcome = await bot.corpus_writer.draft_entry(who, draft)
            if self.thread_id is not None:
                await _mark_answered(bot, self.thread_id, interaction.channel, outcome, who.name)
            return outcome_reply(bot, outcome)

        await respond(interaction, work(), ephemeral=True)

    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        from bot.replies import apologise

        log.error("draft modal failed", exc_info=error)
        await apologise(interaction)


class DraftButton(DynamicItem[Button[Any]], template=custom_ids.DRAFT_ACTION):
    """Accept or reject a draft (``/kb drafts``)."""

    def __init__(self, entry_id: str, action: Literal["accept", "reject"]) -> None:
        custom_id = custom_ids.draft_action(entry_id, action)
        if custom_id is None:
            raise ValueError(f"draft id too long for a button: {entry_id!r}")
        accept = action == "accept"
        super().__init__(
            Button(
                label=button_label(f"{'Accept' if accept else 'Reject'} {entry_id}"),
                style=discord.ButtonStyle.success if accept else discord.ButtonStyle.danger,
                custom_id=custom_id,
            )
        )
        self.entry_id = entry_id
        self.action: Literal["accept", "reject"] = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> DraftButton:
        return cls(match["entry_id"], "accept" if match["action"] == "accept" else "reject")

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "draft button", self._act)

    async def _act(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        if await refuse_non_moderator(bot, interaction):
            return
        who = moderator(interaction)
        writer = bot.corpus_writer

        async def work() -> Reply:
            if self.action == "accept":
                outcome = await writer.accept_draft(who, self.entry_id)
            else:
                outcome = await writer.reject_draft(who, self.entry_id)
            return outcome_reply(bot, outcome)

        await respond(interaction, work(), ephemeral=True)


def draft_buttons(bot: CareerBot) -> list[discord.ui.Item[Any]]:
    """Accept/Reject for the first drafts, one row each (Discord allows five rows)."""
    items: list[discord.ui.Item[Any]] = []
    rows = 0
    for draft in bot.kb.corpus.drafts:
        if rows == MAX_DRAFT_ROWS:
            break
        if custom_ids.draft_action(draft.id, "accept") is None:
            continue
        for action in ("accept", "reject"):
            button = DraftButton(draft.id, action)  # type: ignore[arg-type]
            button.item.row = rows
            items.append(button)
        rows += 1
    return items


class UndoButton(DynamicItem[Button[Any]], template=custom_ids.KB_UNDO):
    """Undo one corpus change, if it is still the newest."""

    def __init__(self, change_id: int) -> None:
        super().__init__(
            Button(
                label="Undo",
                emoji="↩️",
                style=discord.ButtonStyle.secondary,
                custom_id=custom_ids.kb_undo(change_id),
            )
        )
        self.change_id = change_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> UndoButton:
        return cls(int(match["change_id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "undo button", self._undo)

    async def _undo(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        if await refuse_non_moderator(bot, interaction):
            return
        who = moderator(interaction)

        async def work() -> Reply:
            outcome = await bot.corpus_writer.undo(who, only=self.change_id)
            return Reply(say.outcome_text(outcome, bot.kb.path))

        await respond(interaction, work(), ephemeral=True)
