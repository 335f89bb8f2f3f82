"""Fuzzy lookups for autocomplete: skills by name, checklist items by title.

Discord shows at most 25 choices and expects them within 3 seconds; these are plain
functions over a corpus so the bot layer stays a thin adapter and they are tested
without Discord.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process, utils

from knowledge.corpus import Corpus
from knowledge.models import ChecklistItem, SkillEntry
from knowledge.text import expand_synonyms, tokens

MAX_CHOICES = 25


def _score(query: str, choice: str, **_: object) -> float:
    """WRatio, or a slightly discounted partial match: "dockr" is in a long keyword list."""
    return max(fuzz.WRatio(query, choice), 0.95 * fuzz.partial_ratio(query, choice))


def _expanded(corpus: Corpus, text: str) -> str:
    """What the member typed with the corpus's synonyms applied ("stats" -> "statistics")."""
    return " ".join(expand_synonyms(tokens(text), corpus.synonyms)) or text


def find_skills(corpus: Corpus, text: str, limit: int = MAX_CHOICES) -> list[SkillEntry]:
    """Skills whose name, id or keywords resemble ``text``; all, in path order, when empty."""
    skills = corpus.learning_path()
    if not text.strip():
        return skills[:limit]
    # Keywords too: a member looking for "docker" wants the deployment skill.
    choices = [f"{s.name} {s.id.replace('-', ' ')} {' '.join(s.keywords)}" for s in skills]
    hits = process.extract(
        _expanded(corpus, text),
        choices,
        scorer=_score,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=60,
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
        _expanded(corpus, text),
        choices,
        scorer=_score,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=60,
    )
    return [items[index] for _, _, index in hits]
