"""What can be tuned in matching, and the limits no setting changes.

Defaults were calibrated on the development questions and the CLINC150 validation
split, never on a test set (see ``bench/calibrate.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_QUESTION_CHARS = 1000
"""Longer questions are refused before any work: matching time grows with length."""
MAX_QUERY_TERMS = 48
"""A question's words past this many distinct terms are not read."""


@dataclass(frozen=True)
class MatchSettings:
    """Tunable parts of scoring. ``threshold`` is what server admins may override."""

    threshold: float = 27.8
    """Answer only at or above this confidence (0-100). Calibrated on the development
    questions as the lowest that abstains on 90% of those out of scope (27.8)."""
    suggestion_floor: float = 17.0
    """Offer an entry as "did you mean" only at or above this confidence. On the
    development sets this shows suggestions for 21% of the out-of-scope questions
    (as many as before the meaning similarity, which lifts every shortlisted score a
    little); 78% of the in-scope questions it abstains on get the right entry among them."""
    query_weight: float = 0.7
    """How much the question's coverage counts against the unit's coverage (0-1)."""
    entry_blend: float = 0.25
    """Share of the entry-wide coverage in the word score (the rest: best unit)."""
    unknown_weight: float = 1.0
    """Weight of a question word the corpus does not know, as a share of an unseen word's IDF."""
    unknown_power: float = 0.7
    """Unknown words add weight sub-linearly: a long story around a question is not off-topic."""
    fuzzy_min_length: int = 4
    """Words (and vocabulary) shorter than this are never typo-matched: "busy" is not "bus"."""
    fuzzy_long_word: int = 10
    """Words at least this long may have two typos; shorter ones only one."""
    prefix_min_length: int = 3
    """Chat truncations ("calc", "lin alg", "backprop") match the words they start, if
    at least this long and at least ``prefix_min_share`` of the word."""
    prefix_min_share: float = 0.4
    string_floor: float = 0.7
    """Whole-text similarity (0-1) below which wording earns no confidence of its own."""
    stopword_weight: float = 0.5
    """Function words ("how", "on", "my") count this fraction of their IDF: a little
    meaning ("turn the lights on"), never enough to decide a match on their own."""
    unit_softness: float = 4.0
    """0 takes an entry's single best unit; above 0, a soft maximum over all its units
    (log-mean-exp with this sharpness), so entries several phrasings agree on win."""
    evidence_terms: float = 1.0
    """How many rare-word equivalents of evidence a question needs for full confidence."""
    rerank: int = 16
    """How many top candidates get the string-similarity re-score. 10, 16 and 40 gave
    the same results on the development sets and CLINC150 val; fewer is faster."""
    context_cap: float = 2.0
    """For the confidence (not the ranking), a question's weight counts at most this
    many times a phrasing's own: words beyond that are read as the story around the
    question, not as words the phrasing fails to explain. 0 turns it off."""
    sentence_weight: float = 0.9
    """A message of several sentences is also matched on its question sentence alone,
    whose confidence counts at this share: members tell their story, then ask. 0
    turns it off."""
    max_sentences: int = 1
    """How many sentences: the last one ending in "?", else the last one. Development
    sets, answered right at 90% abstention: none 73.9%, this one 77.6% (top-1 92.7%
    -> 93.9%), the last two 78.4% at twice the extra time."""
    char_weight: float = 0.25
    """Both the ranking and the confidence of each candidate are multiplied by its
    character n-gram similarity (:mod:`knowledge.chargrams`) to this power. 0 turns
    it off. 0.15 to 0.35 scored within noise of each other on the development sets
    and CLINC150 val; this is the middle."""
    meaning_weight: float = 0.5
    """Each shortlisted entry's ranking and confidence become a weighted mean with its
    meaning similarity (:mod:`knowledge.meaning`; 0-100, times the question's
    evidence), this weight against 1 for the rest. 0 turns it off. Calibration data,
    at 0 / 0.5, each with its own threshold by the same rule: development top-1 94.3% /
    96.7%, answered right at 90% abstention out of scope 76.3% / 86.1%; CLINC150 val
    top-1 74.5% / 77.2%, answered right at 90% abstention 68.6% / 71.5%. 0.35 and 0.75
    were within two points of 0.5 on both."""
    char_candidates: int = 5
    """How many of the best candidates get the character and meaning similarities; the
    rest drop out of the ranking, so no more than this many are ever ranked. It costs time in
    proportion to their text; 5, 8 and 40 ranked the calibration sets the same."""
    expansion_share: float = 1.0
    """A synonym a member typed counts as the one word it is: each word of its
    expansion weighs ``1 / len(expansion) ** expansion_share`` of its own weight, so
    "ai" (read as "artificial intelligence") is one topic word, not two rare ones that
    decide a match alone. 0 turns it off. Real development half at the default
    threshold: top-1 71.7% -> 73.6%, wrong answers 18.9% -> 17.0%; the written
    development sets unchanged."""
