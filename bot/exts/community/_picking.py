"""The entry picker behind every "Add as phrasing" door (a community thread, a
``/kb gaps`` row): one ranking, so moderators see the same choices wherever they start."""

from __future__ import annotations

import discord

from bot.client import CareerBot
from bot.render import button_label, truncate

MAX_OPTIONS = 25


def entry_options(bot: CareerBot, question: str) -> list[tuple[str, str]]:
    """(id, title) of the entries the matcher finds closest to ``question``, then the
    drafts (a draft may be the right home before it is accepted); every entry in corpus
    order when nothing ranks, so the picker is never empty."""
    corpus = bot.kb.corpus
    ranked = [(c.id, c.title) for c in bot.kb.matcher.rank(question, k=MAX_OPTIONS)]
    drafts = [(d.id, f"(draft) {d.question}") for d in corpus.drafts]
    options = list(dict.fromkeys(ranked + drafts))[:MAX_OPTIONS]
    if not options:
        options = [(i, corpus.title(i)) for i in corpus.ids[:MAX_OPTIONS]]
    return options


def select_options(options: list[tuple[str, str]] | None) -> list[discord.SelectOption]:
    """Select options for (id, title) pairs; a placeholder when rebuilt from a custom id
    (the select then only routes the interaction, its options come from Discord)."""
    return [
        discord.SelectOption(label=button_label(title) or entry_id, value=entry_id,
                             description=truncate(entry_id, 100))
        for entry_id, title in (options or [("placeholder", "placeholder")])
    ]  # fmt: skip
