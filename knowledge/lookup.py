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


def _search(corpus: Corpus, text: str, choices: list[str], limit: int) -> list[int]:
    """Indexes of the choices that best resemble ``text``, with synonyms applied first
    ("stats" -> "statistics"), best first."""
    query = " ".join(expand_synonyms(tokens(text), corpus.synonyms)) or text
    hits = process.extract(
        query,
        choices,
        scorer=_score,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=60,
    )
    return [index for _, _, index in hits]


def find_skills(corpus: Corpus, text: str, limit: int = MAX_CHOICES) -> list[SkillEntry]:
    """Skills whose name, id or keywords resemble ``text``; all, in path order, when empty."""
    skills = corpus.learning_path()
    if not text.strip():
        return skills[:limit]
    # Keywords too: a member looking for "docker" wants the deployment skill.
    choices = [f"{s.name} {s.id.replace('-', ' ')} {' '.join(s.keywords)}" for s in skills]
    return [skills[i] for i in _search(corpus, text, choices, limit)]


def find_items(
    corpus: Corpus, text: str, limit: int = MAX_CHOICES
) -> list[tuple[SkillEntry, ChecklistItem]]:
    """Checklist items whose title, id or skill resembles ``text``."""
    items = [(s, item) for s in corpus.learning_path() for item in s.checklist]
    if not text.strip():
        return items[:limit]
    choices = [f"{item.title} {item.id.replace('/', ' ').replace('-', ' ')}" for _, item in items]
    return [items[i] for i in _search(corpus, text, choices, limit)]


def resolve_skill(corpus: Corpus, text: str) -> SkillEntry | None:
    """The skill a member meant: an id (autocomplete's value), a name, or a close match.

    ``/skill`` and the console's ``/skill`` both resolve through this."""
    entry = corpus.entry(text.strip())
    if isinstance(entry, SkillEntry):
        return entry
    wanted = text.strip().casefold()
    for skill in corpus.skills:
        if skill.name.casefold() == wanted:
            return skill
    found = find_skills(corpus, text, limit=1) if wanted else []
    return found[0] if found else None
