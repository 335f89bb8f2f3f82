"""Finding the entry that answers a question, or honestly abstaining.

How a question is scored, and why:

1. Both the corpus and the question are reduced to stemmed content terms with
   synonyms expanded (:mod:`knowledge.text`), so "MLE", "ML engineer" and "machine
   learning engineers" meet.
2. Each term is weighted by how rare it is across *entries* (IDF). Words every entry
   shares ("machine", "learning", "engineer") weigh almost nothing, so they cannot
   decide a match; "phd" or "kubernetes" decide a lot.
3. A question word the corpus does not know is looked up in the vocabulary by edit
   distance (Damerau-style, one vectorised ``rapidfuzz.process.cdist`` call), so
   typos still match ("pyhton" -> python) at a small discount. A word that matches nothing still
   counts against every entry: unexplained words are what off-topic questions have.
4. Every *unit* of an entry (canonical question, each phrasing, a skill's name and
   summary, its keywords) is scored by soft TF-IDF coverage in both directions: how
   much of the question's weight the unit explains, and how much of the unit the
   question covers. An entry's word score blends its best unit with coverage by
   the entry as a whole (a question may mix words from two phrasings).
5. The best candidates are re-scored with ``rapidfuzz`` string similarity on the
   whole normalised text, which catches questions made only of common words
   ("what is machine learning?") that the word score cannot separate.
6. The confidence is damped when the question carries little evidence (only common
   words), and the entry is answered only when it clears the threshold.
7. Ranking and confidence differ in one respect: for the confidence, a question's
   words beyond twice a phrasing's own weight are read as the story around it
   (``context_cap``). A member who explains their situation before asking gets the
   same confidence as one who only asks; the ranking still weighs every word, which
   picks the right entry more often. When it was added, on the development sets:
   top-1 91.8% either way, answered right at 90% abstention out of scope 67%
   instead of 61% (ranking by the capped score too lost 2 points of top-1).
8. A message of several sentences is also matched on its question sentence alone
   (``sentence_weight``): an entry keeps the better confidence of the two.
9. The best few candidates get a second, independent opinion: the TF-IDF cosine of
   character 4-grams (:mod:`knowledge.chargrams`), which sees shared word parts the
   word score cannot ("refill"/"fill up") and counts letters no phrasing has against
   the match. Ranking and confidence are both multiplied by it to the power
   ``char_weight``. On CLINC150 val, at 65% answered right, out-of-scope abstention
   went from 91% to 96% and top-1 from 72% to 75%; development top-1 93.9% -> 94.3%.
10. The same few get a third opinion that needs no shared letters at all: how close
   the question's meaning is to the entry's, from static word embeddings
   (:mod:`knowledge.meaning`), with typos put right first. It is averaged in
   (``meaning_weight``), so an entry still has to earn its place on the shortlist
   with shared words. On the calibration data, at 90% abstention out of scope, it
   answered 86% of the development questions right instead of 76%, and 71.5% of
   CLINC150 val instead of 68.6%, for about 0.1 ms a question.

Settings live in :class:`MatchSettings`; their defaults were calibrated on the
development questions and the CLINC150 validation split, never on a test set
(see ``bench/``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from knowledge.chargrams import run_lengths, run_starts
from knowledge.corpus import Corpus
from knowledge.match.index import build_index
from knowledge.match.query import Lookups, Query, Reader, corrected_words, words_of
from knowledge.match.query import sentences as split_sentences
from knowledge.match.results import (
    Candidate,
    CandidateExplanation,
    Explanation,
    MatchResult,
)
from knowledge.match.settings import MAX_QUESTION_CHARS, MatchSettings
from knowledge.meaning import vector
from knowledge.smalltalk import detect as detect_smalltalk
from knowledge.text import normalize


@dataclass(frozen=True)
class _Scored:
    """Per entry scores of one text (arrays over all entries) and how it was read."""

    order: np.ndarray
    """The ranking key, 0-100."""
    final: np.ndarray
    """The confidence, 0-100."""
    word: np.ndarray
    string: np.ndarray
    char: np.ndarray
    meaning: np.ndarray
    meaning_vector: np.ndarray | None
    """The question's meaning as the meaning step read it (None when turned off)."""
    query: Query
    evidence: float


def _top_k(values: np.ndarray, k: int) -> list[int]:
    """Indexes of the ``k`` largest values, best first, ties by index (stable, like argsort).

    ``argpartition`` keeps this linear in the corpus size; only the winners are sorted.
    """
    n = len(values)
    if n == 0 or k <= 0:
        return []
    if n <= 512:
        # A small corpus: one stable sort is cheaper than partitioning.
        return (-values).argsort(kind="stable")[:k].tolist()
    if k < n:
        part = np.argpartition(-values, k - 1)[:k]
        cutoff = values[part].min()
        above = np.flatnonzero(values > cutoff)
        ties = np.flatnonzero(values == cutoff)[: k - len(above)]
        part = np.concatenate((above, ties))
    else:
        part = np.arange(n)
    part = np.sort(part)  # lexsort is stable: equal values stay in index order
    return part[np.lexsort((-values[part],))][:k].tolist()


class Matcher:
    """An index over one corpus. Build once per corpus; matching is read-only."""

    def __init__(self, corpus: Corpus, settings: MatchSettings | None = None) -> None:
        self.corpus = corpus
        self.settings = settings or MatchSettings()
        self.index = build_index(corpus, self.settings)
        self.reader = Reader(self.index, self.settings)

    def knows(self, word: str) -> bool:
        """Whether a (normalised) word means something in this corpus."""
        return self.reader.knows(word)

    # --- scoring --------------------------------------------------------------------

    def _word_scores(self, query: Query) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per-entry word score (for ranking) and word confidence (``context_cap``),
        per-unit score, and per-unit coverage of the unit, all 0-1.

        Work is proportional to the postings of the question's words, not to the corpus:
        weights are added along posting lists, and only units that matched something are
        scored (units of an entry are contiguous, so per-entry maxima and sums are
        ``reduceat`` over the sorted candidates).
        """
        n_units = len(self.index.unit_entry)
        n_entries = len(self.index.entry_ids)
        unit_scores = np.zeros(n_units)
        cov_u = np.zeros(n_units)
        if not query.total_weight or not any(query.matches):
            return np.zeros(n_entries), np.zeros(n_entries), unit_scores, cov_u
        s = self.settings
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
                unit_posts.append(self.index.unit_post[ti])
                entry_posts.append(self.index.entry_post[ti])
                weights.append(term.weight * sim)
            else:
                ambiguous.append((term.weight, matches))
        covered_q = self._sum_along(unit_posts, weights, n_units)  # sum_i w_i * sim in unit
        covered_e = self._sum_along(entry_posts, weights, n_entries)
        for weight, matches in ambiguous:
            self._add_term(weight, matches, covered_q, self.index.unit_post)
            self._add_term(weight, matches, covered_e, self.index.entry_post)
        # sum over the unit's matched vocabulary terms of idf * sim: the same sum as
        # covered_q, term for term, unless a typo stands for two terms or two words
        # for one (a matched word weighs its term's idf), so usually it is not redone.
        if ambiguous or len(vocab_best) != len(weights):
            covered_u = self._sum_along(
                [self.index.unit_post[ti] for ti in vocab_best],
                [float(self.index.idf[ti]) * sim for ti, sim in vocab_best.items()],
                n_units,
            )
        else:
            covered_u = covered_q
        cand = covered_q.nonzero()[0]
        if len(cand) == 0:
            return np.zeros(n_entries), np.zeros(n_entries), unit_scores, cov_u
        a = s.query_weight
        cu = np.minimum(covered_u[cand] / self.index.unit_norm[cand], 1.0)
        ent = self.index.unit_entry[cand]
        entry_cov = covered_e / query.total_weight

        def unit_score(cq: np.ndarray, cu: np.ndarray) -> np.ndarray:
            return np.exp(a * np.log(cq) + (1.0 - a) * np.log(cu))

        def entry_scores(unit: np.ndarray, ent: np.ndarray) -> np.ndarray:
            starts = run_starts(ent)
            best = self._per_entry(unit, ent, starts, n_entries)
            return (1.0 - s.entry_blend) * best + s.entry_blend * entry_cov

        scores_c = unit_score(covered_q[cand] / query.total_weight, cu)
        scores = entry_scores(scores_c, ent)
        confidence = scores
        if s.context_cap > 0:
            # Only a question longer than the cap changes anything (see the setting), and
            # only the entries that can be reported need it: the string re-score and
            # every ranking take their candidates from the first `rerank` by word score.
            reportable = np.zeros(n_entries, dtype=bool)
            reportable[_top_k(scores, s.rerank)] = True
            keep = reportable[ent]
            window = np.minimum(
                query.total_weight, s.context_cap * self.index.unit_norm[cand[keep]]
            )
            if (window < query.total_weight).any():
                capped = np.minimum(covered_q[cand[keep]] / window, 1.0)
                within = entry_scores(unit_score(capped, cu[keep]), ent[keep])
                confidence = np.where(reportable, within, scores)
        unit_scores[cand] = scores_c
        cov_u[cand] = cu
        return scores, confidence, unit_scores, cov_u

    def _per_entry(
        self, scores_c: np.ndarray, ent: np.ndarray, starts: np.ndarray, n_entries: int
    ) -> np.ndarray:
        """Each entry's score from its units' (``scores_c`` of units owned by ``ent``,
        groups beginning at ``starts``): the best, or a soft maximum over all units."""
        group_entry = ent[starts]
        group_max = np.maximum.reduceat(scores_c, starts)
        best_per_entry = np.zeros(n_entries)
        best_per_entry[group_entry] = group_max
        s = self.settings
        if s.unit_softness > 0:
            # Soft maximum over all of an entry's units; its unmatched units score 0.
            lam = s.unit_softness
            expd = np.exp(lam * (scores_c - best_per_entry[ent]))
            group_sum = np.add.reduceat(expd, starts)
            counts = run_lengths(starts, len(scores_c))
            n_units_e = self.index.units_per_entry[group_entry]
            group_sum += (n_units_e - counts) * np.exp(-lam * group_max)
            soft = group_max + np.log(group_sum / n_units_e) / lam
            best_per_entry[group_entry] = np.minimum(np.maximum(soft, 0.0), 1.0)
        return best_per_entry

    @staticmethod
    def _sum_along(posts: list[np.ndarray], weights: list[float], size: int) -> np.ndarray:
        """Per place, the sum of the weights of the posting lists that contain it."""
        if not posts:
            return np.zeros(size)
        lengths = [len(p) for p in posts]
        # With weights, bincount always returns float64.
        return np.bincount(
            np.concatenate(posts), weights=np.repeat(weights, lengths), minlength=size
        )

    @staticmethod
    def _add_term(
        weight: float,
        matches: Sequence[tuple[int, float]],
        covered: np.ndarray,
        postings: dict[int, np.ndarray],
    ) -> None:
        """Add one question word's weight along its posting lists."""
        posts = [postings[ti] for ti, _ in matches]
        if len(matches) == 1:
            covered[posts[0]] += weight * matches[0][1]
            return
        # A typo that may stand for two words: a place holding both counts the better.
        where = np.concatenate(posts)
        sims = np.concatenate(
            [np.full(len(p), sim) for p, (_, sim) in zip(posts, matches, strict=True)]
        )
        unique, inverse = np.unique(where, return_inverse=True)
        best = np.zeros(len(unique))
        np.maximum.at(best, inverse, sims)
        covered[unique] += weight * best

    def _evidence(self, query: Query) -> float:
        """0-1: does the question carry enough rare-word weight to be sure of anything?"""
        need = self.settings.evidence_terms * self.index.max_idf * 0.5
        return min(1.0, query.matched_weight / need) if need > 0 else 1.0

    def _score(
        self,
        text: str,
        lookups: Lookups,
        meaning_vector: np.ndarray | None = None,
        normalized: str | None = None,
    ) -> _Scored:
        """Per entry: the ranking key and the 0-100 confidence (the same but for
        ``context_cap``), plus the parts the explanation shows. ``meaning_vector``:
        the meaning to use instead of ``text``'s own (a sentence uses its message's);
        ``normalized``: ``normalize(text)``, when the caller has it already."""
        words = words_of(text, self.index.synonyms, normalized)
        query = self.reader.read(words, lookups)
        word, word_conf, _, unit_cover = self._word_scores(query)
        evidence = self._evidence(query)
        n_entries = len(self.index.entry_ids)
        string = np.zeros(n_entries)
        string_conf = np.zeros(n_entries)
        char = np.zeros(n_entries)
        norm_text = " ".join(words)
        if norm_text and n_entries and word.any():
            top = [e for e in _top_k(word, self.settings.rerank) if word[e] > 0]
            unit_idx = self._units_of_entries(np.asarray(top, dtype=np.int64))
            sorted_text = " ".join(sorted(norm_text.split()))
            floor = self.settings.string_floor
            # ratio <= 2*min(a, b)/(a + b): units whose length alone keeps them under the
            # floor earn nothing, so they are skipped, and rapidfuzz may stop early
            # below the floor (the explanation then shows 0 for them).
            n = len(sorted_text)
            lengths = self.index.unit_sorted_lengths[unit_idx]
            unit_idx = unit_idx[2.0 * np.minimum(lengths, n) >= floor * (lengths + n)]
            sims = (
                process.cdist(
                    [sorted_text],
                    self.index.unit_sorted_array[unit_idx],
                    scorer=fuzz.ratio,
                    score_cutoff=floor * 100.0,
                    dtype=np.float32,
                    workers=1,
                )[0]
                / 100.0
            )
            # unit_idx is grouped by entry (each entry's units are contiguous), so the
            # per-entry maxima are one reduceat each (np.maximum.at is ~10x slower).
            owners = self.index.unit_entry[unit_idx]
            starts = run_starts(owners)
            if len(unit_idx):
                string[owners[starts]] = np.maximum.reduceat(sims, starts)
            # Near-identical wording is confidence of its own (it rescues questions made
            # only of common words), but only as far as the question covers what makes
            # that phrasing specific: "machine learning engineer" is close to "ML
            # engineer salary" as a string, yet lacks the one word that matters.
            # Mere shared sentence shape ("how do I become a ...") earns nothing.
            conf = np.minimum(np.maximum((sims - floor) / (1.0 - floor), 0.0), 1.0)
            conf *= unit_cover[unit_idx]
            if len(unit_idx):
                string_conf[owners[starts]] = np.maximum.reduceat(conf, starts)
        order = np.maximum(word * evidence, string_conf) * 100.0
        final = np.maximum(word_conf * evidence, string_conf) * 100.0
        meaning = np.zeros(n_entries)
        if self.settings.char_weight > 0 or self.index.meaning_index is not None:
            # Only the shortlist gets the second opinions; the rest cannot rank.
            short = [e for e in _top_k(order, self.settings.char_candidates) if order[e] > 0]
            at = np.asarray(short, dtype=np.intp)  # a list would be converted at every use
            factor = np.zeros(n_entries)
            if short and self.settings.char_weight > 0:
                starts = self.index.unit_start_list
                spans = [(starts[e], starts[e + 1]) for e in short]
                char[at] = self.index.char_index.best_cosines(
                    self.index.char_index.query(words), spans
                )
                factor[at] = char[at] ** self.settings.char_weight
            elif short:
                factor[at] = 1.0
            order *= factor
            final *= factor
            if short and self.index.meaning_index is not None:
                # A weighted mean with the meaning similarity, for the shortlist only:
                # an entry must first earn a place with shared words or letters, so a
                # question that merely sounds like a career question is not answered.
                # Like the word score, it counts only as far as the question carries
                # evidence: common words alone must not decide a match this way either.
                w = self.settings.meaning_weight
                if meaning_vector is None:
                    meaning_vector = vector(corrected_words(self.index, query))
                meaning[at] = self.index.meaning_index.similarity(meaning_vector, at)
                lift = w * 100.0 * evidence * meaning[at]
                order[at] = (order[at] + lift) / (1.0 + w)
                final[at] = (final[at] + lift) / (1.0 + w)
        return _Scored(order, final, word, string, char, meaning, meaning_vector, query, evidence)

    def _units_of_entries(self, entries: np.ndarray) -> np.ndarray:
        """All units of ``entries``, grouped by entry in that order."""
        begin = self.index.unit_start[entries]
        lengths = self.index.unit_start[entries + 1] - begin
        return np.repeat(begin - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())

    def _candidate(self, index: int, score: float) -> Candidate:
        entry_id = self.index.entry_ids[index]
        return Candidate(
            id=entry_id,
            kind=self.index.entry_kinds[index],
            title=self.index.entry_titles[index],
            score=round(float(score), 1),
        )

    def rank(self, question: str, k: int = 4) -> list[Candidate]:
        """The ``k`` best entries for ``question``, best first, ignoring the threshold.

        Scores are confidences; the order is the whole-question one (see step 7 of the
        module docstring), so a later candidate may rarely show a higher score. A
        message of several sentences is ordered by confidence, the best of the whole
        message and of its question sentence (``sentence_weight``).
        """
        return self._rank(question, k)[0]

    def _rank(
        self, question: str, k: int, normalized: str | None = None
    ) -> tuple[list[Candidate], str]:
        """:meth:`rank`, and the text (the question or one sentence) the best came from.
        ``normalized``: ``normalize(question)``, when the caller has it already."""
        lookups: Lookups = {}
        scored = self._score(question, lookups, normalized=normalized)
        order, final = scored.order, scored.final
        ranked = [self._candidate(int(i), final[i]) for i in _top_k(order, k) if order[i] > 0]
        sentences = split_sentences(question, self.settings)
        if not sentences:
            return ranked, question
        best = {c.id: (c, question) for c in ranked}
        weight = self.settings.sentence_weight
        # The question sentence is read with its whole message's meaning: as good on
        # the calibration sets (development top-1 96.3% -> 96.7%, the rest equal),
        # and long messages, the slowest to match, embed once instead of twice.
        whole = scored.meaning_vector
        for sentence in sentences:
            scored = self._score(sentence, lookups, whole)
            order, final = scored.order, scored.final
            for i in _top_k(order, k):
                if order[i] <= 0:
                    continue
                candidate = self._candidate(int(i), final[i] * weight)
                known = best.get(candidate.id)
                if known is None or candidate.score > known[0].score:
                    best[candidate.id] = (candidate, sentence)
        merged = sorted(best.values(), key=lambda pair: -pair[0].score)[:k]
        return [c for c, _ in merged], (merged[0][1] if merged else question)

    def match(self, question: str, threshold: float | None = None) -> MatchResult:
        """Decide how to answer ``question``; ``threshold`` overrides the setting."""
        threshold = self.settings.threshold if threshold is None else threshold
        if len(question) > MAX_QUESTION_CHARS:
            return MatchResult(question, None, None, (), refused="too_long")
        # Normalised once: a long message is normalised in tens of microseconds.
        normalized = normalize(question)
        if not normalized:
            return MatchResult(question, None, None, (), refused="empty")
        smalltalk = detect_smalltalk(question, self.knows, normalized)
        ranked = self._rank(question, 4, normalized)[0]
        best = ranked[0] if ranked else None
        if smalltalk is not None:
            return MatchResult(question, None, best, (), smalltalk=smalltalk)
        floor = self.settings.suggestion_floor
        if best is not None and best.score >= threshold:
            others = tuple(c for c in ranked[1:4] if c.score >= max(floor, best.score * 0.6))
            return MatchResult(question, best, best, others)
        suggestions = tuple(c for c in ranked[:3] if c.score >= floor)
        return MatchResult(question, None, best, suggestions)

    def match_many(self, questions: Sequence[str]) -> list[MatchResult]:
        return [self.match(q) for q in questions]

    def explain(self, question: str, top: int = 5) -> Explanation:
        """The top candidates with the unit and words that drove each score."""
        result = self.match(question)
        source = self._rank(question, 4)[1]
        share = self.settings.sentence_weight if source != question else 1.0
        lookups: Lookups = {}
        scored = self._score(question, lookups)
        if source != question:
            scored = self._score(source, lookups, scored.meaning_vector)
        order, final, query = scored.order, scored.final, scored.query
        _, word_conf, unit_scores, _ = self._word_scores(query)
        explained: list[CandidateExplanation] = []
        for i in _top_k(order, top):
            i = int(i)
            if order[i] <= 0:
                continue
            units = np.flatnonzero(self.index.unit_entry == i)
            best_unit = int(units[np.argmax(unit_scores[units])]) if len(units) else -1
            unit_terms = set(self.index.unit_terms[best_unit]) if best_unit >= 0 else set()
            entry_terms = {t for u in units for t in self.index.unit_terms[int(u)]}
            matched = tuple(t for t in query.terms if t.term is not None and t.term in entry_terms)
            explained.append(
                CandidateExplanation(
                    candidate=self._candidate(i, final[i] * share),
                    word_score=round(float(scored.word[i]) * 100, 1),
                    context_word_score=round(float(word_conf[i]) * 100, 1),
                    string_score=round(float(scored.string[i]) * 100, 1),
                    char_score=round(float(scored.char[i]) * 100, 1),
                    meaning_score=round(float(scored.meaning[i]) * 100, 1),
                    best_unit=self.index.unit_labels[best_unit] if best_unit >= 0 else "",
                    best_unit_text=self.index.unit_texts[best_unit] if best_unit >= 0 else "",
                    matched=tuple(
                        sorted(matched, key=lambda t: (t.term not in unit_terms, -t.weight))
                    ),
                )
            )
        return Explanation(
            result,
            tuple(query.terms),
            round(scored.evidence, 3),
            tuple(explained),
            sentence=source if source != question else None,
        )

    def with_settings(self, **changes: Any) -> Matcher:
        """A matcher over the same corpus with some settings changed (for calibration)."""
        return Matcher(self.corpus, replace(self.settings, **changes))
