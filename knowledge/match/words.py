"""Stage 2: the word score, how well an entry's words explain the question's.

Every *unit* of an entry (canonical question, each phrasing, a skill's name and
summary, its keywords) is scored by soft TF-IDF coverage in both directions: how much
of the question's weight the unit explains, and how much of the unit the question
covers (:func:`unit_score`). An entry's word score blends its best units (a soft
maximum, :func:`soft_best`) with coverage by the entry as a whole, since a question
may mix words from two phrasings (:func:`entry_score`).

The same score, with the question's weight capped (:func:`context_window`), is the
word *confidence*: a question's words beyond ``context_cap`` times a phrasing's own
weight are read as the story around it. A member who explains their situation before
asking gets the same confidence as one who only asks; the ranking still weighs every
word, which picks the right entry more often. When it was added, on the development
sets: top-1 91.8% either way, answered right at 90% abstention out of scope 67%
instead of 61% (ranking by the capped score too lost 2 points of top-1).

Work is proportional to the postings of the question's words, not to the corpus:
weights are added along posting lists (:func:`sum_along`), and only units that matched
something are scored (units of an entry are contiguous, so per-entry maxima and sums
are ``reduceat`` over the sorted candidates).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from knowledge.chargrams import run_lengths, run_starts
from knowledge.match.index import Index
from knowledge.match.query import Query
from knowledge.match.settings import MatchSettings
from knowledge.match.topk import top_k


class WordScores(NamedTuple):
    """The word stage's result, all 0-1."""

    rank: np.ndarray
    """Per entry: the word score that ranks it (the whole question)."""
    confidence: np.ndarray
    """Per entry: the word score as confidence (``context_cap``); ``rank`` where the cap
    changes nothing or the entry cannot be reported."""
    unit: np.ndarray
    """Per unit: its own score (the explanation names each entry's best unit)."""
    unit_cover: np.ndarray
    """Per unit: how much of the unit the question covers (the string stage reads it)."""


def sum_along(posts: list[np.ndarray], weights: list[float], size: int) -> np.ndarray:
    """Per place, the sum of the weights of the posting lists that contain it."""
    if not posts:
        return np.zeros(size)
    lengths = [len(p) for p in posts]
    # With weights, bincount always returns float64.
    return np.bincount(np.concatenate(posts), weights=np.repeat(weights, lengths), minlength=size)


def add_best_of(
    weight: float,
    matches: Sequence[tuple[int, float]],
    covered: np.ndarray,
    postings: dict[int, np.ndarray],
) -> None:
    """Add one question word's weight along its posting lists, in place. A typo that
    may stand for two words: a place holding both counts the better."""
    posts = [postings[ti] for ti, _ in matches]
    if len(matches) == 1:
        covered[posts[0]] += weight * matches[0][1]
        return
    where = np.concatenate(posts)
    sims = np.concatenate(
        [np.full(len(p), sim) for p, (_, sim) in zip(posts, matches, strict=True)]
    )
    unique, inverse = np.unique(where, return_inverse=True)
    best = np.zeros(len(unique))
    np.maximum.at(best, inverse, sims)
    covered[unique] += weight * best


def unit_score(query_cover: np.ndarray, unit_cover: np.ndarray, query_weight: float) -> np.ndarray:
    """A unit's score: the weighted geometric mean of how much of the question it
    explains and how much of it the question covers (``query_weight`` for the first)."""
    return np.exp(query_weight * np.log(query_cover) + (1.0 - query_weight) * np.log(unit_cover))


def soft_best(
    scores: np.ndarray,
    owners: np.ndarray,
    starts: np.ndarray,
    n_entries: int,
    units_per_entry: np.ndarray,
    softness: float,
) -> np.ndarray:
    """Each entry's score from its units' (``scores`` of units owned by ``owners``,
    groups beginning at ``starts``): at ``softness`` 0 the best; above, a soft maximum
    over all its units (log-mean-exp with this sharpness, unmatched units scoring 0),
    so entries several phrasings agree on win."""
    group_entry = owners[starts]
    group_max = np.maximum.reduceat(scores, starts)
    best_per_entry = np.zeros(n_entries)
    best_per_entry[group_entry] = group_max
    if softness > 0:
        lam = softness
        expd = np.exp(lam * (scores - best_per_entry[owners]))
        group_sum = np.add.reduceat(expd, starts)
        counts = run_lengths(starts, len(scores))
        n_units_e = units_per_entry[group_entry]
        group_sum += (n_units_e - counts) * np.exp(-lam * group_max)
        soft = group_max + np.log(group_sum / n_units_e) / lam
        best_per_entry[group_entry] = np.minimum(np.maximum(soft, 0.0), 1.0)
    return best_per_entry


def entry_score(best_units: np.ndarray, entry_cover: np.ndarray, entry_blend: float) -> np.ndarray:
    """An entry's word score: its best units, blended with how much of the question the
    entry as a whole explains (``entry_blend`` of it)."""
    return (1.0 - entry_blend) * best_units + entry_blend * entry_cover


def context_window(total_weight: float, unit_norm: np.ndarray, cap: float) -> np.ndarray:
    """Per unit, how much of the question's weight counts for the confidence: at most
    ``cap`` times the unit's own weight; the rest is the story around the question."""
    return np.minimum(total_weight, cap * unit_norm)


def word_scores(index: Index, settings: MatchSettings, query: Query) -> WordScores:
    """Per entry the word score and word confidence, per unit its score and coverage."""
    n_units = len(index.unit_entry)
    n_entries = len(index.entry_ids)
    unit_scores = np.zeros(n_units)
    cov_u = np.zeros(n_units)
    if not query.total_weight or not any(query.matches):
        return WordScores(np.zeros(n_entries), np.zeros(n_entries), unit_scores, cov_u)
    s = settings
    vocab_best: dict[int, float] = {}
    # Words that stand for one vocabulary term (nearly all) are summed along their
    # posting lists with one bincount per array; a typo read as two terms needs a
    # per-place maximum and is added separately.
    unit_posts: list[np.ndarray] = []
    entry_posts: list[np.ndarray] = []
    weights: list[float] = []
    ambiguous: list[tuple[float, Sequence[tuple[int, float]]]] = []
    for term, matches in zip(query.terms, query.matches, strict=True):
        if not matches:
            continue
        for ti, sim in matches:
            if sim > vocab_best.get(ti, 0.0):
                vocab_best[ti] = sim
        if len(matches) == 1:
            ti, sim = matches[0]
            unit_posts.append(index.unit_post[ti])
            entry_posts.append(index.entry_post[ti])
            weights.append(term.weight * sim)
        else:
            ambiguous.append((term.weight, matches))
    covered_q = sum_along(unit_posts, weights, n_units)  # sum_i w_i * sim in unit
    covered_e = sum_along(entry_posts, weights, n_entries)
    for weight, matches in ambiguous:
        add_best_of(weight, matches, covered_q, index.unit_post)
        add_best_of(weight, matches, covered_e, index.entry_post)
    # sum over the unit's matched vocabulary terms of idf * sim: the same sum as
    # covered_q, term for term, unless a typo stands for two terms or two words
    # for one (a matched word weighs its term's idf), so usually it is not redone.
    if ambiguous or len(vocab_best) != len(weights):
        covered_u = sum_along(
            [index.unit_post[ti] for ti in vocab_best],
            [float(index.idf[ti]) * sim for ti, sim in vocab_best.items()],
            n_units,
        )
    else:
        covered_u = covered_q
    cand = covered_q.nonzero()[0]
    if len(cand) == 0:
        return WordScores(np.zeros(n_entries), np.zeros(n_entries), unit_scores, cov_u)
    a = s.query_weight
    cu = np.minimum(covered_u[cand] / index.unit_norm[cand], 1.0)
    ent = index.unit_entry[cand]
    entry_cov = covered_e / query.total_weight

    def entry_scores(unit: np.ndarray, ent: np.ndarray) -> np.ndarray:
        starts = run_starts(ent)
        best = soft_best(unit, ent, starts, n_entries, index.units_per_entry, s.unit_softness)
        return entry_score(best, entry_cov, s.entry_blend)

    scores_c = unit_score(covered_q[cand] / query.total_weight, cu, a)
    scores = entry_scores(scores_c, ent)
    confidence = scores
    if s.context_cap > 0:
        # Only a question longer than the cap changes anything (see the setting), and
        # only the entries that can be reported need it: the string re-score and
        # every ranking take their candidates from the first `rerank` by word score.
        reportable = np.zeros(n_entries, dtype=bool)
        reportable[top_k(scores, s.rerank)] = True
        keep = reportable[ent]
        window = context_window(query.total_weight, index.unit_norm[cand[keep]], s.context_cap)
        if (window < query.total_weight).any():
            capped = np.minimum(covered_q[cand[keep]] / window, 1.0)
            within = entry_scores(unit_score(capped, cu[keep], a), ent[keep])
            confidence = np.where(reportable, within, scores)
    unit_scores[cand] = scores_c
    cov_u[cand] = cu
    return WordScores(scores, confidence, unit_scores, cov_u)
