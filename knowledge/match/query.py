"""Stage 1: reading a question as the corpus would.

The question is normalised into words and synonyms are expanded (:mod:`knowledge.text`),
exactly as the corpus was, and each word becomes a vocabulary term with a weight
(:class:`Query`). A word the corpus does not know is looked up:

- as a chat truncation of a corpus word ("calc", "lin alg", "backprop");
- as a typo, by edit distance (Damerau-style OSA, one vectorised
  ``rapidfuzz.process.cdist`` call per word), so "pyhton" still matches python at a
  small discount;
- as two known words run together ("machinelearning").

A word that matches nothing still counts against every entry (with ``unknown_weight``,
sub-linearly): unexplained words are what off-topic questions have.

A message of several sentences is also read sentence by sentence
(:func:`sentences`): members tell their story, then ask.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from knowledge.match.index import Index
from knowledge.match.results import TermMatch
from knowledge.match.settings import MAX_QUERY_TERMS, MatchSettings
from knowledge.text import STOPWORDS, expand_synonyms, stem, tokens

#: Where one sentence of a message ends: after . ? or ! and a space, or at a line break.
_SENTENCE_BREAK = re.compile(r"(?<=[.?!])\s+|\n+")

#: How many distinct words' readings a reader remembers (a few hundred bytes each);
#: a flood of unseen words empties the memory rather than growing it.
_PIECES_LIMIT = 20_000

Lookups = dict[str, list[tuple[int, float]]]
"""Unknown words' look-ups, kept for one message: its question sentence repeats its words."""


class Query(NamedTuple):
    """A question reduced to weighted vocabulary matches: what every later stage reads."""

    words: list[str]
    """The normalised words, synonyms expanded."""
    terms: list[TermMatch]
    """One per distinct term read, in question order (at most ``MAX_QUERY_TERMS``)."""
    matches: list[Sequence[tuple[int, float]]]
    """Per term: (vocabulary index, similarity) for each vocabulary term it stands for;
    empty for a word that matched nothing."""
    total_weight: float
    """Everything the question says, unknown words included: what an entry must explain."""
    matched_weight: float
    """The part of it the corpus recognised: the question's evidence."""


class _Piece(NamedTuple):
    """One word of a question as the corpus reads it, the same in every question."""

    word: str
    term: str
    known: TermMatch | None
    """The word's match when the corpus has its term (else a typo lookup decides)."""
    matches: tuple[tuple[int, float], ...]
    """Shared by every question with the word, so immutable."""


def words_of(text: str, synonyms: dict[str, str], normalized: str | None = None) -> list[str]:
    """The normalised words of ``text``, synonyms expanded; ``normalized`` is
    ``normalize(text)`` when the caller has it already."""
    return expand_synonyms(tokens(text) if normalized is None else normalized.split(), synonyms)


def expansion_shares(
    text: str, synonyms: dict[str, str], normalized: str | None = None
) -> dict[str, int]:
    """How many words each expanded word's synonym stood for: "ai" typed is one word,
    not the two of "artificial intelligence", so each of those counts half."""
    shares: dict[str, int] = {}
    for word in tokens(text) if normalized is None else normalized.split():
        meaning = synonyms.get(word)
        if meaning is not None:
            parts = meaning.split()
            for part in parts:
                shares[part] = max(shares.get(part, 1), len(parts))
    return shares


def sentences(question: str, settings: MatchSettings) -> list[str]:
    """Up to ``max_sentences`` sentences of a message of at least two real ones
    (three words or more each), questions first, the last first; none for a
    one-sentence question."""
    if settings.sentence_weight <= 0:
        return []
    parts = [p for p in _SENTENCE_BREAK.split(question) if len(p.split()) >= 3]
    if len(parts) < 2:
        return []
    asked = [p for p in reversed(parts) if p.rstrip().endswith("?")]
    told = [p for p in reversed(parts) if not p.rstrip().endswith("?")]
    return (asked + told)[: settings.max_sentences]


def corrected_words(index: Index, query: Query) -> list[str]:
    """The question's words with typos put right, for the meaning opinion: the
    embedding reads "pyhton" as three meaningless pieces, so a typo the look-up matched
    ("pyhton" ~ python) is read as the corpus spells it. Words nothing matched stay as
    they are; the embedding may know them when the corpus does not."""
    fixes = {
        t.word: index.term_spelling[index.term_index[t.term]]
        for t in query.terms
        if t.term is not None and t.similarity < 1.0
    }
    return [fixes.get(word, word) for word in query.words]


class Reader:
    """Reads questions against one index. Remembers how each word reads (it is the same
    in every question), so it is the one part of matching that is not read-only."""

    def __init__(self, index: Index, settings: MatchSettings) -> None:
        self.index = index
        self.settings = settings
        self._pieces: dict[str, tuple[_Piece, ...]] = {}

    @property
    def remembered(self) -> int:
        """How many words' readings are remembered now."""
        return len(self._pieces)

    def knows(self, word: str) -> bool:
        """Whether a (normalised) word means something in this corpus."""
        return word in self.index.known_surface and word not in STOPWORDS

    def read(
        self, words: list[str], lookups: Lookups, shares: dict[str, int] | None = None
    ) -> Query:
        """The question's words as weighted vocabulary matches. ``lookups`` remembers the
        unknown words' typo matches for the message's other passes."""
        settings = self.settings
        index = self.index
        seen: set[str] = set()
        ordered: list[_Piece] = []
        cache = self._pieces
        for word in words:
            pieces = cache.get(word)
            if pieces is None:
                if len(cache) >= _PIECES_LIMIT:
                    cache.clear()
                pieces = cache[word] = self._pieces_of(word)
            for piece in pieces:
                if piece.term in seen:
                    continue
                seen.add(piece.term)
                ordered.append(piece)
            if len(ordered) >= MAX_QUERY_TERMS:
                break
        terms: list[TermMatch] = []
        all_matches: list[Sequence[tuple[int, float]]] = []
        total_weight = 0.0
        matched_weight = 0.0
        shortest = min(settings.fuzzy_min_length, settings.prefix_min_length)
        unknown_weight = settings.unknown_weight * index.unseen_idf
        unknown_count = 0
        power = settings.expansion_share
        for piece in ordered:
            if piece.known is not None:
                known = piece.known
                if shares and power and piece.word in shares:
                    known = known._replace(weight=known.weight * shares[piece.word] ** -power)
                terms.append(known)
                all_matches.append(piece.matches)
                total_weight += known.weight
                matched_weight += known.weight
                continue
            word = piece.word
            matches: Sequence[tuple[int, float]] = ()
            if len(word) >= shortest:
                found = lookups.get(word)
                if found is None:
                    found = lookups[word] = self._lookup(word, piece.term)
                matches = found
            if matches:
                ti, sim = matches[0]
                weight = float(index.idf[ti])
                terms.append(TermMatch(word, index.vocab[ti], sim, weight))
                total_weight += weight
                matched_weight += weight * sim
            else:
                terms.append(TermMatch(word, None, 0.0, unknown_weight))
                unknown_count += 1
            all_matches.append(matches)
        if unknown_count:
            total_weight += unknown_weight * unknown_count**settings.unknown_power
        return Query(words, terms, all_matches, total_weight, matched_weight)

    def _pieces_of(self, word: str) -> tuple[_Piece, ...]:
        """How one question word is read, whatever the question: nothing (a function
        word the corpus never uses), itself, or the two known words it runs together."""
        index = self.index
        term = stem(word)
        if word in STOPWORDS and term not in index.term_index:
            return ()
        if term in index.term_index or word in index.known_surface:
            pairs = [(word, term)]
        else:
            split = self._split_compound(word) if len(word) >= 7 else None
            pairs = [(w, stem(w)) for w in split] if split else [(word, term)]
        pieces = []
        for piece_word, piece_term in pairs:
            ti = index.term_index.get(piece_term)
            if ti is None:
                pieces.append(_Piece(piece_word, piece_term, None, ()))
            else:
                known = TermMatch(piece_word, index.vocab[ti], 1.0, float(index.idf[ti]))
                pieces.append(_Piece(piece_word, piece_term, known, ((ti, 1.0),)))
        return tuple(pieces)

    def _split_compound(self, word: str) -> list[str] | None:
        """'machinelearning' -> ['machine', 'learning'] when both halves are known."""
        known = self.index.known_surface
        for cut in range(3, len(word) - 2):
            left, right = word[:cut], word[cut:]
            if left in known and right in known:
                return [left, right]
        return None

    def _prefix_matches(self, word: str) -> dict[int, float]:
        """Vocabulary words that ``word`` is a truncation of, with a similarity under 1.

        The surface vocabulary is sorted, so the words sharing a prefix are one
        contiguous slice found by two binary searches.
        """
        settings = self.settings
        if len(word) < settings.prefix_min_length or not word.isalpha():
            return {}
        surface_words = self.index.surface_words
        lo = bisect.bisect_left(surface_words, word)
        hi = bisect.bisect_left(surface_words, word + "\uffff")
        found: dict[int, float] = {}
        for at in range(lo, min(hi, lo + 8)):
            candidate = surface_words[at]
            share = len(word) / len(candidate)
            if share >= settings.prefix_min_share:
                ti = self.index.surface_terms[at]
                found[ti] = max(found.get(ti, 0.0), 0.6 + 0.3 * share)
        return found

    def _lookup(self, word: str, term: str) -> list[tuple[int, float]]:
        """The (at most two) vocabulary terms a word the corpus does not know stands
        for: a truncation ("calc") or a typo ("pyhton"), with a similarity under 1."""
        settings = self.settings
        best = self._prefix_matches(word) or self._prefix_matches(term)
        if not best and len(word) >= settings.fuzzy_min_length:
            allowed = 2 if len(word) >= settings.fuzzy_long_word else 1
            bucket = self.index.typo_buckets.get(word[0])
            if bucket is not None:
                candidates, indices = bucket
                distances = process.cdist(
                    [word],
                    candidates,
                    scorer=OSA.distance,
                    score_cutoff=allowed,
                    dtype=np.int32,
                    workers=1,
                )[0]
                for j in np.flatnonzero(distances <= allowed).tolist():
                    h = indices[j]
                    candidate = self.index.surface_words[h]
                    sim = 1.0 - float(distances[j]) / max(len(word), len(candidate))
                    ti = self.index.surface_terms[h]
                    best[ti] = max(best.get(ti, 0.0), sim)
        return sorted(best.items(), key=lambda kv: -kv[1])[:2]
