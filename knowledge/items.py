"""Which checklist item a member means when they say they learned something.

Marking the wrong item is worse than marking nothing: the member's progress is wrong
and they may never notice. So, unlike autocomplete (:mod:`knowledge.lookup`, where the
member picks from a list), this never guesses. It answers one of three ways:

* **confident**: an item id, an exact title, or words that every point to one item
  (a distinctive word such as "eigenvectors", or "git commit");
* **ambiguous**: several items fit about equally well, or one fits only partly; the
  caller offers them as a choice (buttons), and marks nothing until one is picked;
* **none**: no item shares the member's words ("foo bar baz", "asdf qwer").

How words are compared: each query word is reduced like the matcher reduces
questions (normalised, synonyms expanded, stemmed, filler dropped). A word found in
the item's own title or id counts fully, a close spelling or prefix ("eigen",
"kubernets") nearly fully, a word only found in the item's skill (its name or
keywords) counts half. Words are weighed by rarity over the checklist, so "git" in
"git commit" outweighs "commit", and a word no item knows pulls the score down
instead of being ignored: "git commit blah" is a choice, not a guess.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

from knowledge.corpus import Corpus
from knowledge.models import ITEM_ID_PATTERN, ChecklistItem, SkillEntry
from knowledge.text import content_terms, normalize

Outcome = Literal["confident", "ambiguous", "none"]
Found = tuple[SkillEntry, ChecklistItem]

MAX_CHOICES = 5
#: A score (0-1, see the module docstring) needed to mark an item without asking.
CONFIDENT = 0.8
#: How far ahead of the runner-up a confident item must be.
MARGIN = 0.15
#: Below this an item is not even offered as a choice.
OFFER = 0.45

#: Words members add around an item that say nothing about which one: "I learned
#: about", "finished", "done with". Stemmed, as query terms are.
_FILLER = frozenset(
    content_terms(
        "learn learned learnt learning finish finished done complete completed know "
        "understand understood basics item checklist today now",
        {},
    )
)
_OWN = 1.0
_OWN_NEAR = 0.85
_SKILL = 0.5
_SKILL_NEAR = 0.4


@dataclass(frozen=True)
class ItemMatch:
    """What :func:`resolve_item` found: see the module docstring for the outcomes."""

    outcome: Outcome
    choices: tuple[Found, ...] = ()
    """Confident: the one item. Ambiguous or none: items to offer, best first."""

    @property
    def item(self) -> Found | None:
        """The item to mark, only when confident."""
        return self.choices[0] if self.outcome == "confident" else None


@dataclass(frozen=True)
class _Indexed:
    found: Found
    own: frozenset[str]
    skill: frozenset[str]


@dataclass(frozen=True)
class _Index:
    items: tuple[_Indexed, ...]
    by_phrase: Mapping[str, tuple[Found, ...]]
    document_frequency: Mapping[str, int]


_cache: tuple[Corpus, _Index] | None = None


def _index(corpus: Corpus) -> _Index:
    """The checklist's words, built once per corpus (a reload builds a new corpus)."""
    global _cache
    if _cache is not None and _cache[0] is corpus:
        return _cache[1]
    synonyms = corpus.synonyms
    items: list[_Indexed] = []
    by_phrase: dict[str, dict[str, Found]] = {}
    frequency: dict[str, int] = {}
    for skill in corpus.learning_path():
        skill_text = " ".join([skill.name, skill.id.replace("-", " "), *skill.keywords])
        skill_terms = frozenset(content_terms(skill_text, synonyms))
        for item in skill.checklist:
            suffix = item.id.partition("/")[2].replace("-", " ")
            own = frozenset(content_terms(f"{item.title} {suffix}", synonyms))
            items.append(_Indexed((skill, item), own, skill_terms - own))
            # Exact phrases: the title, the title as autocomplete shows it, the id's
            # last part ("python basics"), which moderators and members both use.
            for phrase in (item.title, f"{item.title} ({skill.name})", suffix):
                by_phrase.setdefault(normalize(phrase), {})[item.id] = (skill, item)
            for term in own:
                frequency[term] = frequency.get(term, 0) + 1
    phrases = {k: tuple(v.values()) for k, v in by_phrase.items()}
    index = _Index(tuple(items), phrases, frequency)
    _cache = (corpus, index)
    return index


def resolve_item(corpus: Corpus, text: str) -> ItemMatch:
    """The checklist item ``text`` names, a choice of items, or none; never a guess."""
    wanted = text.strip()
    if not wanted:
        return ItemMatch("none")
    exact = corpus.checklist_item(wanted)
    if exact is not None:
        return ItemMatch("confident", (exact,))
    if re.fullmatch(ITEM_ID_PATTERN, wanted):
        # An id (a stale button, autocomplete's value) that no longer exists: the
        # member picked one thing, so a look-alike would be a guess.
        return ItemMatch("none")
    index = _index(corpus)
    phrase = index.by_phrase.get(normalize(wanted))
    if phrase is not None:
        return ItemMatch("confident" if len(phrase) == 1 else "ambiguous", phrase[:MAX_CHOICES])
    terms = [t for t in dict.fromkeys(content_terms(wanted, corpus.synonyms)) if t not in _FILLER]
    if not terms:
        return ItemMatch("none")
    ranked = _rank(index, terms)
    best = ranked[0][0] if ranked else 0.0
    if best < OFFER:
        return ItemMatch("none")
    runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
    if best >= CONFIDENT and best - runner_up >= MARGIN:
        return ItemMatch("confident", (ranked[0][1],))
    close = [found for score, found in ranked if score >= max(OFFER, best - 2 * MARGIN)]
    return ItemMatch("ambiguous", tuple(close[:MAX_CHOICES]))


def _rank(index: _Index, terms: Sequence[str]) -> list[tuple[float, Found]]:
    """Items with any score, best first (ties in learning-path order)."""
    total_items = len(index.items)
    weights = {
        t: math.log(1 + total_items / (1 + index.document_frequency.get(t, 0))) for t in terms
    }
    total = sum(weights.values())
    scored: list[tuple[float, int, Found]] = []
    for position, indexed in enumerate(index.items):
        score = sum(weights[t] * _level(t, indexed) for t in terms) / total
        if score > 0:
            scored.append((score, position, indexed.found))
    scored.sort(key=lambda s: (-s[0], s[1]))
    return [(score, found) for score, _, found in scored]


def _level(term: str, indexed: _Indexed) -> float:
    """How well one query word is found in an item (see the module docstring)."""
    if term in indexed.own:
        return _OWN
    if _near(term, indexed.own):
        return _OWN_NEAR
    if term in indexed.skill:
        return _SKILL
    if _near(term, indexed.skill):
        return _SKILL_NEAR
    return 0.0


def _near(term: str, words: frozenset[str]) -> bool:
    """A typo or a prefix of a longer word; short words must match exactly ("r", "ml")."""
    if len(term) < 4:
        return False
    for word in words:
        if len(word) >= 4 and (
            word.startswith(term) or term.startswith(word) or fuzz.ratio(term, word) >= 85
        ):
            return True
    return False
