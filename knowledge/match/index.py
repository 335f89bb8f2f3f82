"""Stage 0, once per corpus: the index every question is matched against.

Each entry is cut into *units* (canonical question or a skill's name and summary, each
phrasing, the keywords), and every unit into stemmed content terms with synonyms
expanded (:mod:`knowledge.text`), so "MLE", "ML engineer" and "machine learning
engineers" meet. From those: the vocabulary, each term's weight
(:func:`term_weights`), posting lists from terms to the units and entries that hold
them, the structures the typo look-up reads, and the two second-opinion indexes
(character n-grams, meaning).

Everything here is read-only once built, so one index serves any number of questions
and :class:`~knowledge.match.Matcher` instances with the same index settings.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from knowledge.chargrams import CharGramIndex
from knowledge.corpus import Corpus, Entry, Kind
from knowledge.match.settings import MatchSettings
from knowledge.meaning import MeaningIndex
from knowledge.models import FaqEntry
from knowledge.text import STOPWORDS, expand_synonyms, stem, tokens


class TermWeights(NamedTuple):
    """How much each vocabulary term, and a word the corpus lacks, says about a match."""

    idf: np.ndarray
    """Per vocabulary term (indexed like ``Index.vocab``)."""
    max_idf: float
    """A term only one entry has: the most a known word can weigh."""
    unseen_idf: float
    """A word no entry has (off-topic questions are made of them)."""


def term_weights(
    entry_postings: Sequence[np.ndarray],
    n_entries: int,
    stopword: np.ndarray,
    stopword_weight: float,
) -> TermWeights:
    """Each term weighs by how rare it is across *entries* (IDF), from the entries it
    points to (``entry_postings``, one array per term). Words every entry shares
    ("machine", "learning", "engineer") weigh almost nothing, so they cannot decide a
    match; "phd" or "kubernetes" decide a lot. Function words (``stopword``, a mask
    over terms) count ``stopword_weight`` of theirs: a little meaning ("turn the lights
    on"), never enough to decide a match on their own.

    Counted per entry rather than per unit, so an entry with many phrasings of one
    word does not make that word common.
    """
    df = np.asarray([len(p) for p in entry_postings], dtype=np.float64)
    idf = np.log((n_entries + 1.0) / (df + 0.5))
    idf[stopword] *= stopword_weight
    max_idf = float(math.log((n_entries + 1.0) / 1.5)) if n_entries else 1.0
    unseen_idf = float(math.log((n_entries + 1.0) / 0.5)) if n_entries else 1.0
    return TermWeights(idf, max_idf, unseen_idf)


def units_of(entry: Entry) -> list[tuple[str, str]]:
    """An entry's units as (label, text): what a question is compared with, one by one."""
    units: list[tuple[str, str]] = []
    if isinstance(entry, FaqEntry):
        units.append(("question", entry.question))
    else:
        units.append(("name", entry.name))
        units.append(("summary", entry.summary))
    units.extend((f"phrasing {i + 1}", p) for i, p in enumerate(entry.phrasings))
    if entry.keywords:
        units.append(("keywords", " ".join(entry.keywords)))
    return units


@dataclass(frozen=True, eq=False)
class Index:
    """One corpus as the matching stages read it. Entries and units are numbered;
    units of an entry are contiguous: entry ``e`` owns units
    ``unit_start[e]:unit_start[e + 1]``."""

    synonyms: dict[str, str]
    entry_ids: list[str]
    entry_kinds: list[Kind]
    entry_titles: list[str]
    """What a member sees for each entry (the question, or the skill's name)."""
    unit_entry: np.ndarray
    """Per unit, the entry that owns it."""
    unit_start: np.ndarray
    unit_start_list: list[int]
    """``unit_start`` as a list, for Python-level slicing."""
    units_per_entry: np.ndarray
    """At least 1, so it divides safely."""
    unit_labels: list[str]
    unit_texts: list[str]
    unit_norm_texts: list[str]
    """Normalised words with synonyms expanded, joined by spaces."""
    unit_sorted_texts: list[str]
    """The same words sorted: ``token_sort_ratio`` sorts both sides on every call; the
    units' side is sorted once here and compared with plain ``ratio``, which gives the
    same score."""
    unit_sorted_lengths: np.ndarray
    unit_sorted_array: np.ndarray
    """``unit_sorted_texts`` as an object array, to pick a shortlist's in one step."""
    unit_terms: list[list[str]]
    """Each unit's distinct terms, sorted."""
    unit_norm: np.ndarray
    """Per unit, the summed weight of its terms: what covering the whole unit means."""
    vocab: list[str]
    """Every term of the corpus, sorted; a term's index is its number everywhere."""
    term_index: dict[str, int]
    surface_words: list[str]
    """Every word as written in the corpus (after synonyms), sorted."""
    surface_terms: list[int]
    """Per surface word, its term."""
    term_spelling: list[str]
    """Per term, a word it is spelled as in the corpus (the shortest), to put in place
    of a typo before the question's meaning is read."""
    known_surface: set[str]
    """Surface words and synonyms: the words that mean something here."""
    typo_buckets: dict[str, tuple[list[str], list[int]]]
    """Surface words long enough to be typo-matched, by first letter, with their
    positions in ``surface_words``."""
    weights: TermWeights
    idf: np.ndarray
    """``weights.idf``, read on every question."""
    unit_post: dict[int, np.ndarray]
    """Per term, the units that hold it."""
    entry_post: dict[int, np.ndarray]
    """Per term, the entries that hold it."""
    char_index: CharGramIndex
    meaning_index: MeaningIndex | None
    """None when ``meaning_weight`` is 0: loading the embeddings is then skipped."""

    def units_of_entries(self, entries: np.ndarray) -> np.ndarray:
        """All units of ``entries``, grouped by entry in that order."""
        begin = self.unit_start[entries]
        lengths = self.unit_start[entries + 1] - begin
        return np.repeat(begin - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())

    @property
    def max_idf(self) -> float:
        return self.weights.max_idf

    @property
    def unseen_idf(self) -> float:
        return self.weights.unseen_idf


def build_index(corpus: Corpus, settings: MatchSettings) -> Index:
    """The index of ``corpus``. Of the settings it reads only ``stopword_weight``,
    ``fuzzy_min_length`` and whether ``meaning_weight`` is above 0."""
    synonyms = dict(corpus.synonyms)
    entry_ids: list[str] = []
    entry_kinds: list[Kind] = []
    entry_titles: list[str] = []
    unit_entry_list: list[int] = []
    unit_labels: list[str] = []
    unit_texts: list[str] = []
    unit_norm_texts: list[str] = []
    unit_sorted_texts: list[str] = []
    unit_term_sets: list[set[str]] = []
    surface_to_term: dict[str, str] = {}
    stop_terms: set[str] = set()
    entry_terms: list[set[str]] = []
    for index, entry_id in enumerate(corpus.ids):
        entry = corpus.entry(entry_id)
        assert entry is not None
        entry_ids.append(entry_id)
        entry_kinds.append(corpus.kind(entry_id) or "faq")
        entry_titles.append(corpus.title(entry_id))
        all_terms: set[str] = set()
        for label, text in units_of(entry):
            words = expand_synonyms(tokens(text), synonyms)
            terms = set()
            for word in words:
                term = stem(word)
                terms.add(term)
                surface_to_term.setdefault(word, term)
                if word in STOPWORDS:
                    stop_terms.add(term)
            unit_entry_list.append(index)
            unit_labels.append(label)
            unit_texts.append(text)
            unit_norm_texts.append(" ".join(words))
            unit_sorted_texts.append(" ".join(sorted(words)))
            unit_term_sets.append(terms)
            all_terms |= terms
        entry_terms.append(all_terms)
    vocab: list[str] = sorted(set().union(*entry_terms)) if entry_terms else []
    term_index = {t: i for i, t in enumerate(vocab)}
    surface_words = sorted(surface_to_term)
    surface_terms = [term_index[surface_to_term[w]] for w in surface_words]
    term_spelling = [""] * len(vocab)
    for word in surface_words:
        ti = term_index[surface_to_term[word]]
        if not term_spelling[ti] or len(word) < len(term_spelling[ti]):
            term_spelling[ti] = word
    n_entries = len(entry_ids)
    entry_post_lists: dict[int, list[int]] = defaultdict(list)
    for e, terms in enumerate(entry_terms):
        for t in terms:
            entry_post_lists[term_index[t]].append(e)
    entry_post = {t: np.asarray(v, dtype=np.int64) for t, v in entry_post_lists.items()}
    stopword = np.zeros(len(vocab), dtype=bool)
    stopword[[term_index[t] for t in stop_terms]] = True
    weights = term_weights(
        [entry_post[ti] for ti in range(len(vocab))],
        n_entries,
        stopword,
        settings.stopword_weight,
    )
    idf = weights.idf
    unit_post_lists: dict[int, list[int]] = defaultdict(list)
    unit_norm = np.zeros(len(unit_term_sets), dtype=np.float64)
    for u, terms in enumerate(unit_term_sets):
        for t in terms:
            ti = term_index[t]
            unit_post_lists[ti].append(u)
            unit_norm[u] += idf[ti]
    unit_entry = np.asarray(unit_entry_list, dtype=np.int64)
    counts = np.bincount(unit_entry, minlength=n_entries)
    unit_start = np.r_[0, np.cumsum(counts)]
    unit_start_list: list[int] = unit_start.tolist()
    buckets: dict[str, tuple[list[str], list[int]]] = {}
    for h, w in enumerate(surface_words):
        if len(w) >= settings.fuzzy_min_length:
            group = buckets.setdefault(w[0], ([], []))
            group[0].append(w)
            group[1].append(h)
    meaning_index: MeaningIndex | None = None
    if settings.meaning_weight > 0:
        starts = unit_start_list
        meaning_index = MeaningIndex(
            [
                [text.split() for text in unit_norm_texts[starts[e] : starts[e + 1]]]
                for e in range(n_entries)
            ]
        )
    return Index(
        synonyms=synonyms,
        entry_ids=entry_ids,
        entry_kinds=entry_kinds,
        entry_titles=entry_titles,
        unit_entry=unit_entry,
        unit_start=unit_start,
        unit_start_list=unit_start_list,
        units_per_entry=np.maximum(counts, 1),
        unit_labels=unit_labels,
        unit_texts=unit_texts,
        unit_norm_texts=unit_norm_texts,
        unit_sorted_texts=unit_sorted_texts,
        unit_sorted_lengths=np.asarray([len(t) for t in unit_sorted_texts]),
        unit_sorted_array=np.asarray(unit_sorted_texts, dtype=object),
        unit_terms=[sorted(terms) for terms in unit_term_sets],
        unit_norm=np.maximum(unit_norm, 1e-9),
        vocab=vocab,
        term_index=term_index,
        surface_words=surface_words,
        surface_terms=surface_terms,
        term_spelling=term_spelling,
        known_surface=set(surface_words) | set(synonyms),
        typo_buckets=buckets,
        weights=weights,
        idf=idf,
        unit_post={t: np.asarray(v, dtype=np.int64) for t, v in unit_post_lists.items()},
        entry_post=entry_post,
        char_index=CharGramIndex([t.split() for t in unit_norm_texts]),
        meaning_index=meaning_index,
    )
