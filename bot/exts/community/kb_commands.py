"""The work behind ``/kb gaps``, ``/kb phrasing``, ``/kb draft``, ``/kb drafts`` and
``/kb undo`` (the commands live in the Moderation cog, whose checks guard them): the
same writer as the thread's buttons."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.client import CareerBot
from bot.exts.community import _render as say
from bot.exts.community._gaps import gaps_reply
from bot.exts.community._teach import DraftModal, draft_buttons, outcome_reply
from bot.moderators import is_moderator, moderator
from bot.render import truncate
from bot.replies import Reply, stateless_view
from careerbot.core.community.gaps import gap_window, open_gaps
from storage import StorageError

log = logging.getLogger(__name__)

MAX_CHOICES = 25
CHOICE_MAX = 100
GAP_DAYS = 30
#: How many gaps ``/kb gaps`` lists (each one a choice in its select).
MAX_GAPS = 15


async def gaps(bot: CareerBot, guild_id: int, days: int) -> Reply:
    """The open gaps, with a select to teach me one of them. A gap stays in the log's
    window after a moderator taught it, so each is asked again of the corpus served
    now: the ones it answers say so, and which entry answers them."""
    rows = await open_gaps(bot.db, guild_id, days, limit=MAX_GAPS)
    threshold = await bot.threshold_for(guild_id)
    answered = {}
    for row in rows:
        found = bot.kb.ask(row.example, threshold).match
        if found is not None:
            answered[row.key] = found.id
    return gaps_reply(rows, days, answered)


async def add_phrasing(
    bot: CareerBot, interaction: discord.Interaction, entry_id: str, phrasing: str
) -> Reply:
    outcome = await bot.corpus_writer.add_phrasing(moderator(interaction), entry_id, phrasing)
    return outcome_reply(bot, outcome)


def entry_choices(bot: CareerBot, current: str) -> list[app_commands.Choice[str]]:
    """Entries and drafts whose id or title contains what was typed."""
    corpus = bot.kb.corpus
    wanted = current.casefold().strip()
    rows = [(i, corpus.title(i)) for i in corpus.ids]
    rows += [(d.id, f"(draft) {d.question}") for d in corpus.drafts]
    found = [
        app_commands.Choice(name=truncate(f"{title} ({entry_id})", CHOICE_MAX), value=entry_id)
        for entry_id, title in rows
        if wanted in entry_id or wanted in title.casefold()
    ]
    return found[:MAX_CHOICES]


async def gap_choices(
    bot: CareerBot, interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Open gaps (``/kb gaps``) to pick a phrasing from: moderators only, since gaps are
    members' questions."""
    if interaction.guild_id is None or not await is_moderator(bot, interaction):
        return []
    since, until = gap_window(GAP_DAYS)
    try:
        rows = await bot.db.question_gaps(since, until, guild_id=interaction.guild_id, limit=50)
    except StorageError:
        log.exception("could not read gaps for autocomplete")
        return []
    wanted = current.casefold().strip()
    choices = []
    for row in rows:
        text = " ".join(row.example.split())
        if len(text) > CHOICE_MAX or wanted not in text.casefold():
            continue
        choices.append(app_commands.Choice(name=text, value=text))
    return choices[:MAX_CHOICES]


def draft_form(question: str) -> DraftModal:
    """The draft form, prefilled with ``question`` (e.g. an open gap)."""
    return DraftModal(question, thread_id=None)


async def drafts(bot: CareerBot) -> Reply:
    buttons = draft_buttons(bot)
    shown = len(buttons) // 2
    return Reply(say.drafts_text(bot.kb.corpus, shown), view=stateless_view(*buttons))


async def undo(bot: CareerBot, interaction: discord.Interaction) -> Reply:
    outcome = await bot.corpus_writer.undo(moderator(interaction))
    return Reply(say.outcome_text(outcome, bot.kb.path))
