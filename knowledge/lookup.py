"""Fuzzy lookups for autocomplete: skills by name, checklist items by title.

Discord shows at most 25 choices and expects them within 3 seconds; these are plain
functions over a corpus so the bot layer stays a thin adapter and they are tested
without Discord.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process, utils

from knowledge.corpus import Corpus
from knowledge.models import ChecklistItem, SkillEntry

MAX_CHOICES = 25


def find_skills(corpus: Corpus, text: str, limit: int = MAX_CHOICES) -> list[SkillEntry]:
    """Skills whose name or id resembles ``text``; all of them, in path order, when empty."""
    skills = corpus.learning_path()
    if not text.strip():
        return skills[:limit]
    choices = [f"{s.name} {s.id.replace('-', ' ')}" for s in skills]
    hits = process.extract(
        text,
        choices,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=50,
    )
    return [skills[index] for _, _, index in hits]


def find_items(
    corpus: Corpus, text: str, limit: int = MAX_CHOICES
) -> list[tuple[SkillEntry, ChecklistItem]]:
    """Checklist items whose title, id or skill resembles ``text``."""
    items = [(s, item) for s in corpus.learning_path() for item in s.checklist]
    if not text.strip():
        return items[:limit]
    choices = [f"{item.title} {item.id.replace('/', ' ').replace('-', ' ')}" for _, item in items]
    hits = process.extract(
        text,
        choices,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=50,
    )
    return [items[index] for _, _, index in hits]
