"""What a question means, beyond its words: static word embeddings (WordLlama).

The word, string and character scores (:mod:`knowledge.match`,
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


#: Every word's vector (the sum of its tokens' rows, float32) once computed, so a word
#: is tokenized and summed once per process: a question then costs one small weighted
#: sum of word vectors. Bounded (1 KB a word, 20 MB at most): a stream of unseen words
#: (gibberish, a flood) empties it rather than growing it.
_WORD_VECTORS: dict[str, np.ndarray] = {}
_WORD_VECTORS_LIMIT = 20_000


def _word_vector(word: str) -> np.ndarray:
    """The sum of one word's token vectors, from the cache or the tokenizer.

    The tokenizer has no pre-tokenizer, so it runs BPE over a whole text at once, and
    that grows faster than the text: 3,200 characters cost 1 ms. No token of its
    vocabulary spans a space, so word by word gives the very same tokens (checked on
    every text of the corpus and CLINC150 val), and a word's tokens can be summed once.
    """
    found = _WORD_VECTORS.get(word)
    if found is None:
        if len(_WORD_VECTORS) >= _WORD_VECTORS_LIMIT:
            _WORD_VECTORS.clear()
        loaded = model()
        ids = np.asarray(loaded.tokenizer.encode(word, add_special_tokens=False).ids, np.intp)
        found = loaded.embedding.take(ids, axis=0).sum(axis=0, dtype=np.float32)
        _WORD_VECTORS[word] = found
    return found


def _unit(rows: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1; all-zero rows (no tokens) stay zero, alike to nothing."""
    # What np.linalg.norm computes for real rows, without its wrapper's cost (this
    # runs for every question).
    norms = np.sqrt(np.add.reduce(rows * rows, axis=-1, keepdims=True))
    return np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)


def vector(words: Sequence[str]) -> np.ndarray:
    """The unit vector of a text given as words: the direction of the mean of its
    token vectors, as WordLlama reads a sentence (the mean and the sum differ only in
    length). Each distinct word counts as often as it occurs, looked up once."""
    counts = Counter(words)
    if not counts:
        return np.zeros(_DIM, dtype=np.float32)
    rows = [_word_vector(word) for word in counts]
    if len(rows) == 1:
        total = rows[0]
    else:
        weights = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        total = weights @ np.array(rows)
    return _unit(total)


def vectors(texts: Sequence[Sequence[str]]) -> np.ndarray:
    """:func:`vector` of each text, one row each (a plain sum per text: cheaper than
    counting words when most occur once)."""
    out = np.zeros((len(texts), _DIM), dtype=np.float32)
    for row, words in enumerate(texts):
        if words:
            out[row] = np.add.reduce([_word_vector(word) for word in words])
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

    def similarity(self, query: np.ndarray, entries: Sequence[int]) -> np.ndarray:
        """Cosine of a :func:`vector` with each of ``entries``, negatives as 0."""
        return np.maximum(self.vectors[np.asarray(entries, dtype=np.int64)] @ query, 0.0)
