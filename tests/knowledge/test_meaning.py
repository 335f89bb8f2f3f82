"""The meaning index on its own: the bundled model, offline, on small made-up texts."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from knowledge import meaning
from knowledge.meaning import MeaningIndex, vector, vectors

ROOT = Path(__file__).resolve().parents[2]


def words(text: str) -> list[str]:
    return text.split()


@pytest.fixture(scope="module")
def library() -> Any:
    """WordLlama's own inference over the same files: the reference our fast path must
    agree with. Its import configures the root logger, which is put back."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        from wordllama.inference import WordLlamaInference
    finally:
        for handler in [h for h in root.handlers if h not in handlers]:
            root.removeHandler(handler)
        root.setLevel(level)
    loaded = meaning.model()
    return WordLlamaInference(loaded.embedding, loaded.tokenizer)


@pytest.mark.parametrize(
    "text",
    [
        "shud i lern pyhton or java",
        "what's the best way into mlops, honestly?",
        "machine learning " * 200,
        "data data data science jobs jobs",
        "ünïcödé 🙂 text",
    ],
)
def test_word_by_word_reads_a_text_as_the_library_does(library: Any, text: str) -> None:
    """Our fast path (one word at a time, cached, repeated words counted) against
    WordLlama's embedding of the whole text, padded in a batch with a longer
    neighbour. Only float32 rounding (another order of summing) may differ."""
    expected = library.embed([text, text + " and a longer neighbour"], norm=True)[0]
    assert float(vector(words(text)) @ expected) == pytest.approx(1.0, abs=1e-6)
    assert float(vectors([words(text)])[0] @ expected) == pytest.approx(1.0, abs=1e-6)


def test_vectors_are_unit_length_and_an_empty_text_is_alike_to_nothing() -> None:
    rows = vectors([words("how much does the job pay"), [], words("salary")])
    assert rows.shape == (3, 256)
    assert np.linalg.norm(rows[0]) == pytest.approx(1.0, abs=1e-5)
    assert not rows[1].any()  # zeros, not NaN
    assert rows[2] == pytest.approx(vector(["salary"]), abs=1e-6)  # batch = one at a time
    assert not vector([]).any()
    index = MeaningIndex([[words("salary of an engineer")]])
    assert index.similarity(vector([]), [0]).tolist() == [0.0]


def test_related_words_are_closer_than_unrelated_ones() -> None:
    """No word is shared; only the embedding can tell which entry the question means."""
    index = MeaningIndex(
        [
            [words("what is the salary"), words("how much money will i earn")],
            [words("which programming language"), words("should i learn python or java")],
        ]
    )
    pay = index.similarity(vector(words("compensation and wages")), [0, 1])
    code = index.similarity(vector(words("coding in rust versus go")), [0, 1])
    assert pay[0] > pay[1]
    assert code[1] > code[0]
    assert index.similarity(vector(words("what is the salary")), [0])[0] < 1.0  # the mean of two
    assert index.similarity(vector(words("what is the salary")), [1, 0]).tolist() == pytest.approx(
        index.similarity(vector(words("what is the salary")), [0, 1])[::-1].tolist()
    )


def test_an_entry_without_texts_is_alike_to_nothing() -> None:
    index = MeaningIndex([[], [words("anything at all")]])
    similarity = index.similarity(vector(words("anything at all")), [0, 1])
    assert similarity[0] == 0.0
    assert similarity[1] == pytest.approx(1.0, abs=1e-5)


def test_the_word_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """A flood of words never seen before empties the cache instead of growing it."""
    monkeypatch.setattr(meaning, "_WORD_VECTORS_LIMIT", 10)
    flood = [f"zq{i}x" for i in range(25)]
    before = vector(flood[:3])
    vector(flood)
    assert len(meaning._WORD_VECTORS) <= 10
    assert vector(flood[:3]) == pytest.approx(before)


def test_loading_the_model_leaves_logging_alone() -> None:
    """Importing the wordllama package configures the root logger; a second,
    unredacted handler there would print every log line, secrets included, past ours.
    A fresh interpreter, since this one has loaded the model already."""
    code = (
        "import logging; from knowledge.meaning import vector; vector(['x']); "
        "root = logging.getLogger(); print(len(root.handlers), root.level)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.split() == ["0", str(logging.WARNING)]
    assert out.stderr == ""
