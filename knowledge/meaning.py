"""What a question means, beyond its words: static word embeddings (WordLlama).

The word, string and character scores (:mod:`knowledge.matcher`,
:mod:`knowledge.chargrams`) all need the question and a phrasing to share letters.
Members often share none: "what does my bank charge me" against "are there fees on
my account", "any openings for a junior" against "how do I get my first job". A
static embedding knows such words live close together, because it was distilled
from a large language model's token embeddings; a sentence is the mean of its
tokens, so a question costs a table lookup and one small matrix product (0.05-0.25
ms), not a transformer run (MiniLM: 11-32 ms a question on this machine).

The model is WordLlama's ``l2_supercat`` at 256 dimensions (MIT licence), which the
``wordllama`` wheel ships: 32,000 token vectors, 16 MB. It is read straight from the
installed package: the library's own loader looks for the tokenizer in a folder the
wheel does not have and then tries to download it, and the bot must never reach
the network to answer a question. A sentence's vector is the mean of its token
vectors, as the library computes it; a test checks ours against the library's.
"""

from __future__ import annotations

import importlib.util
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

_MODEL = "l2_supercat"
_DIM = 256


@dataclass(frozen=True)
class Model:
    tokenizer: Tokenizer
    embedding: np.ndarray
    """One row per token, float16 as shipped (16 MB); sums are taken in float32."""


def _package_folder() -> Path:
    """Where the ``wordllama`` package is installed, found without importing it: its
    ``__init__`` calls ``logging.basicConfig``, which would print every log line a
    second time, past the redacting handler the bot installs."""
    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("the wordllama package (careerbot's word vectors) is missing")
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=1)
def model() -> Model:
    """The token vectors and tokenizer, read once per process (about 0.1 s) and shared
    by every index. Only the files are used: the library's inference pads and masks
    batches, which costs more than the arithmetic for one question."""
    root = _package_folder()
    tokenizer = Tokenizer.from_file(str(root / "tokenizers" / f"{_MODEL}_tokenizer_config.json"))
    weights = load_file(str(root / "weights" / f"{_MODEL}_{_DIM}.safetensors"))
    return Model(tokenizer, weights["embedding.weight"])


#: Token ids of every word seen, so a word is tokenized once per process. Bounded: a
#: stream of unseen words (gibberish, a flood) empties it rather than growing it.
_WORD_IDS: dict[str, np.ndarray] = {}
_WORD_IDS_LIMIT = 50_000


def _word_ids(word: str) -> np.ndarray:
    """The token ids of one word, from the cache or the tokenizer.

    The tokenizer has no pre-tokenizer, so it runs BPE over a whole text at once, and
    that grows faster than the text: 3,200 characters cost 1 ms. No token of its
    vocabulary spans a space, so word by word gives the very same ids (checked on
    every text of the corpus and CLINC150 val), with a cache, in microseconds.
    """
    ids = _WORD_IDS.get(word)
    if ids is None:
        if len(_WORD_IDS) >= _WORD_IDS_LIMIT:
            _WORD_IDS.clear()
        encoded = model().tokenizer.encode(word, add_special_tokens=False).ids
        ids = _WORD_IDS[word] = np.asarray(encoded, dtype=np.intp)
    return ids


def _ids(words: Sequence[str]) -> np.ndarray:
    """The token ids of a text given as words."""
    parts = [_word_ids(word) for word in words]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.intp)


def _unit(rows: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1; all-zero rows (no tokens) stay zero, alike to nothing."""
    norms = np.linalg.norm(rows, axis=-1, keepdims=True)
    return np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)


def vector(words: Sequence[str]) -> np.ndarray:
    """The unit vector of a text given as words: the direction of the mean of its
    token vectors, as WordLlama reads a sentence.

    Each distinct word is looked up once and weighted by its count, so a message of
    one word repeated 200 times costs what one word does.
    """
    counts = Counter(words)
    parts = [_word_ids(word) for word in counts]
    ids = np.concatenate(parts) if parts else np.zeros(0, dtype=np.intp)
    if not len(ids):
        return np.zeros(_DIM, dtype=np.float32)
    weights = np.repeat(
        np.fromiter(counts.values(), dtype=np.float32, count=len(counts)),
        [len(part) for part in parts],
    )
    rows = model().embedding.take(ids, axis=0).astype(np.float32)
    return _unit(weights @ rows)


def vectors(texts: Sequence[Sequence[str]]) -> np.ndarray:
    """:func:`vector` of each text (one row each). One small sum per text: numpy's
    segment reductions (``reduceat`` over all texts' token rows) measured ten times
    slower here."""
    embedding = model().embedding
    out = np.zeros((len(texts), _DIM), dtype=np.float32)
    for row, words in enumerate(texts):
        ids = _ids(words)
        if len(ids):
            out[row] = embedding.take(ids, axis=0).sum(axis=0, dtype=np.float32)
    return _unit(out)


class MeaningIndex:
    """One vector per entry: the normalised mean of its texts' vectors.

    The mean of several phrasings is where they agree, which a single odd phrasing
    cannot pull far; on CLINC150 val it ranked better than the nearest single
    phrasing (top-1 76.2% against 70.2%) and costs one vector per entry.
    """

    def __init__(self, texts_per_entry: Sequence[Sequence[Sequence[str]]]) -> None:
        """``texts_per_entry``: for each entry, its texts, each given as its words."""
        # Entry by entry: the texts' vectors of a 10,000-entry corpus at once would
        # be 80 MB that only lives for the sum.
        sums = np.zeros((len(texts_per_entry), _DIM), dtype=np.float32)
        for entry, texts in enumerate(texts_per_entry):
            if texts:
                sums[entry] = vectors(texts).sum(axis=0)
        self.vectors = _unit(sums)

    def similarity(self, words: Sequence[str], entries: Sequence[int]) -> np.ndarray:
        """Cosine of the text ``words`` with each of ``entries``, negatives as 0."""
        query = vector(words)
        return np.maximum(self.vectors[np.asarray(entries, dtype=np.int64)] @ query, 0.0)
