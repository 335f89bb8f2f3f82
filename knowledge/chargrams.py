"""Character n-gram TF-IDF: a second, independent opinion on how alike two texts are.

The word score (:mod:`knowledge.match`) reads a question as whole words; it cannot
tell that "refill" and "fill", "scheduling" and "schedule", "creditcard" and "credit
card" share most of their letters, and it reads a word it does not know as wholly
foreign. Overlapping runs of three to five characters see exactly that, and they see
it differently enough from the word score that the two together separate answerable
questions from off-topic ones better than either alone (measured on the development
sets and the CLINC150 validation split; see ``char_weight`` in
:class:`knowledge.match.MatchSettings`).

Grams are never materialised as strings: a 4-character gram is read straight from
the text's bytes as one 32-bit number, so a question costs tens of microseconds
however long it is, and the index builds without a Python loop over grams.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

GRAM = 4
"""Gram length. On the development sets and CLINC150 val, 4-grams alone did as well as
3-, 4- and 5-grams together (and 3-grams alone a little worse), at a third of the work."""
#: Units are read this many at a time, which bounds the build's temporary memory.
_CHUNK = 4096


def run_lengths(starts: np.ndarray, total: int) -> np.ndarray:
    """Lengths of the runs beginning at ``starts`` in an array of ``total`` items:
    ``np.diff(np.append(starts, total))`` without the two wrappers' overhead, which on
    a small corpus costs more than the arithmetic (this runs several times a question)."""
    lengths = np.empty_like(starts)
    np.subtract(starts[1:], starts[:-1], out=lengths[:-1])
    lengths[-1:] = total - starts[-1:]
    return lengths


def run_starts(values: np.ndarray) -> np.ndarray:
    """Where each run of equal values begins in ``values`` (sorted or grouped):
    ``np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))`` without
    the wrappers' overhead, for the same reason as :func:`run_lengths`."""
    new = np.empty(len(values), dtype=bool)
    new[:1] = True
    np.not_equal(values[1:], values[:-1], out=new[1:])
    return new.nonzero()[0]


def _text(words: Sequence[str]) -> bytes:
    """The words joined by single spaces, with a space at each end.

    The spaces are kept so grams know where words begin and end (" ml " is not the
    "ml" inside "html"). Normalised words are ASCII (:func:`knowledge.text.normalize`),
    so a byte is a character.
    """
    return (" " + " ".join(words) + " ").encode("ascii", "replace")


def _grams(text: bytes) -> np.ndarray:
    """Every 4-character window of ``text`` as one 32-bit number: the four bytes read
    as an integer, so a gram needs no hashing and two grams never collide."""
    count = len(text) - GRAM + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint32)
    return np.ndarray((count,), dtype="<u4", buffer=text, strides=(1,))


class CharGramIndex:
    """Vectors (sublinear TF times smoothed IDF, L2-normalised) of a list of texts.

    Vectors are stored flat: text ``u`` owns ``ids[offset[u]:offset[u + 1]]`` (gram
    indexes into the sorted ``grams``) and the weights beside them, so the texts of a
    shortlist are gathered with one index array.
    """

    def __init__(self, texts: Sequence[Sequence[str]]) -> None:
        n = len(texts)
        owners: list[np.ndarray] = []
        grams: list[np.ndarray] = []
        counts: list[np.ndarray] = []
        for first in range(0, n, _CHUNK):
            owner, gram, count = self._distinct(texts[first : first + _CHUNK])
            owners.append(owner + np.int32(first))
            grams.append(gram)
            counts.append(count)
        # Built in place and in 32 bits: at 10,000 entries there are millions of pairs.
        owner = np.concatenate(owners) if owners else np.zeros(0, dtype=np.int32)
        gram = np.concatenate(grams) if grams else np.zeros(0, dtype=np.uint32)
        weights = np.concatenate(counts) if counts else np.zeros(0, dtype=np.float32)
        del owners, grams, counts
        # np.unique(return_inverse=True) would hold several int64 copies at once.
        self.grams = np.unique(gram)
        self.ids = np.empty(len(gram), dtype=np.int32)
        for first in range(0, len(gram), _CHUNK * 64):
            part = slice(first, first + _CHUNK * 64)
            self.ids[part] = np.searchsorted(self.grams, gram[part])
        del gram
        df = np.bincount(self.ids, minlength=len(self.grams))
        self.idf = (np.log((n + 1.0) / (df + 1.0)) + 1.0).astype(np.float32)
        self.unseen_idf = float(np.log(n + 1.0) + 1.0)
        np.log(weights, out=weights)  # counts -> sublinear TF times IDF
        weights += 1.0
        weights *= self.idf[self.ids]
        norms = np.sqrt(np.bincount(owner, weights=weights * weights, minlength=n))
        weights /= np.maximum(norms, 1e-9).astype(np.float32)[owner]
        self.weights = weights
        self._lengths = np.bincount(owner, minlength=n)
        self._offset_list: list[int] = np.r_[0, np.cumsum(self._lengths)].tolist()

    @staticmethod
    def _distinct(texts: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(text, gram, count) for each distinct gram of each text, by text (int32,
        uint32, float32)."""
        encoded = [_text(words) for words in texts]
        if not encoded:
            return (
                np.zeros(0, dtype=np.int32),
                np.zeros(0, dtype=np.uint32),
                np.zeros(0, dtype=np.float32),
            )
        lengths = np.asarray([len(t) for t in encoded], dtype=np.int64)
        every = _grams(b"".join(encoded))
        position_owner = np.repeat(np.arange(len(encoded), dtype=np.int32), lengths)
        # A gram that runs from one text into the next belongs to neither.
        start_owner = position_owner[: len(every)]
        inside = start_owner == position_owner[GRAM - 1 :]
        owner, gram = start_owner[inside], every[inside]
        order = np.lexsort((gram, owner))
        owner, gram = owner[order], gram[order]
        new = np.ones(len(gram), dtype=bool)
        new[1:] = (owner[1:] != owner[:-1]) | (gram[1:] != gram[:-1])
        starts = new.nonzero()[0]
        count = np.diff(np.append(starts, len(gram))).astype(np.float32)
        return owner[starts], gram[starts], count

    def query(self, words: Sequence[str]) -> np.ndarray:
        """The question as a dense vector over the index's grams.

        Grams the index has never seen carry no overlap, but they do count in the
        question's length: letters no entry has lower every similarity, as they should.
        """
        vector = np.zeros(len(self.grams), dtype=np.float32)
        h = np.sort(_grams(_text(words)))
        if not len(h) or not len(self.grams):
            return vector
        # np.unique(..., return_counts=True), without its overhead (this runs per question)
        starts = run_starts(h)
        gram, count = h[starts], run_lengths(starts, len(h))
        where = np.minimum(np.searchsorted(self.grams, gram), len(self.grams) - 1)
        known = self.grams[where] == gram
        idf = np.where(known, self.idf[where], self.unseen_idf)
        weight = (1.0 + np.log(count)) * idf
        norm = float(np.sqrt(np.dot(weight, weight)))
        if norm > 0:
            vector[where[known]] = weight[known] / norm
        return vector

    def best_cosines(self, vector: np.ndarray, spans: Sequence[tuple[int, int]]) -> np.ndarray:
        """For each run ``[first, end)`` of texts in ``spans`` (none empty), the highest
        cosine similarity (0-1) of the question ``vector`` with one of its texts.

        Runs, not single texts: an entry's units are contiguous, so its grams are one
        slice of the flat arrays, and ``reduceat`` sums each unit's products.
        """
        offsets = self._offset_list
        ids = np.concatenate([self.ids[offsets[a] : offsets[b]] for a, b in spans])
        weights = np.concatenate([self.weights[offsets[a] : offsets[b]] for a, b in spans])
        lengths = np.concatenate([self._lengths[a:b] for a, b in spans])
        # The extra 0 at the end keeps reduceat in range when the last texts have no grams.
        products = np.zeros(len(ids) + 1, dtype=np.float32)
        np.multiply(vector[ids], weights, out=products[:-1])
        sums = np.add.reduceat(products, np.cumsum(lengths) - lengths)
        sums[lengths == 0] = 0.0  # reduceat gives an empty run its neighbour's value
        counts = np.asarray([b - a for a, b in spans])
        return np.maximum.reduceat(sums, np.cumsum(counts) - counts).astype(np.float64)
