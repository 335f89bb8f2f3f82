"""What a question means, beyond its words: static word embeddings (WordLlama).

The word, string and character scores (:mod:`knowledge.matcher`,
:mod:`knowledge.chargrams`) all need the question and a phrasing to share letters.
Members often share none: "what does my bank charge me" against "are there fees on
my account", "any openings for a junior" against "how do I get my first job". A
static embedding knows such words live close together, because it was distilled
from a large language model's token embeddings; a sentence is the mean of its
tokens, so a question costs a table lookup and one small matrix product (about 0.1
ms), not a transformer run (MiniLM: 11-32 ms a question on this machine).

The model is WordLlama's ``l2_supercat`` at 256 dimensions (MIT licence), which the
``wordllama`` wheel ships: 32,000 token vectors, 16 MB. It is read straight from the
installed package: the library's own loader looks for the tokenizer in a folder the
wheel does not have and then tries to download it, and the bot must never reach
the network to answer a question.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

if TYPE_CHECKING:
    from wordllama.inference import WordLlamaInference

_MODEL = "l2_supercat"
_DIM = 256


def _import_inference() -> type[WordLlamaInference]:
    """``wordllama`` calls ``logging.basicConfig`` when imported, which would print
    every log line a second time, past the redacting handler the bot installs
    (:func:`bot.logs.setup_logging`). The root logger is put back as it was."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        from wordllama.inference import WordLlamaInference
    finally:
        for handler in [h for h in root.handlers if h not in handlers]:
            root.removeHandler(handler)
        root.setLevel(level)
    return WordLlamaInference


@lru_cache(maxsize=1)
def model() -> WordLlamaInference:
    """The embedding model, loaded on first use (0.4 s with the import) and shared by
    every index in the process."""
    inference = _import_inference()
    root = files("wordllama")
    tokenizer = Tokenizer.from_file(str(root / "tokenizers" / f"{_MODEL}_tokenizer_config.json"))
    weights = load_file(str(root / "weights" / f"{_MODEL}_{_DIM}.safetensors"))
    return inference(weights["embedding.weight"], tokenizer)


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit vectors of ``texts`` (float32, one row each); an empty text is all zeros,
    so it is alike to nothing."""
    if not texts:
        return np.zeros((0, _DIM), dtype=np.float32)
    vectors = model().embed(list(texts), norm=False)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


class MeaningIndex:
    """One vector per entry: the normalised mean of its texts' vectors.

    The mean of several phrasings is where they agree, which a single odd phrasing
    cannot pull far; on CLINC150 val it ranked better than the nearest single
    phrasing (top-1 76.2% against 70.2%) and costs one vector per entry.
    """

    def __init__(self, texts_per_entry: Sequence[Sequence[str]]) -> None:
        flat = [text for texts in texts_per_entry for text in texts]
        owners = np.repeat(
            np.arange(len(texts_per_entry)), [len(texts) for texts in texts_per_entry]
        )
        vectors = embed(flat)
        sums = np.zeros((len(texts_per_entry), _DIM), dtype=np.float32)
        np.add.at(sums, owners, vectors)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        self.vectors = np.divide(sums, norms, out=np.zeros_like(sums), where=norms > 0)

    def similarity(self, text: str, entries: Sequence[int]) -> np.ndarray:
        """Cosine of ``text`` with each of ``entries``, negatives as 0 (unrelated)."""
        query = embed([text])[0]
        return np.maximum(self.vectors[np.asarray(entries, dtype=np.int64)] @ query, 0.0)
