"""The meaning index on its own: the bundled model, offline, on small made-up texts."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from knowledge.meaning import MeaningIndex, embed

ROOT = Path(__file__).resolve().parents[2]


def test_vectors_are_unit_length_and_an_empty_text_is_alike_to_nothing() -> None:
    vectors = embed(["how much does the job pay", ""])
    assert vectors.shape == (2, 256)
    assert np.linalg.norm(vectors[0]) == pytest.approx(1.0, abs=1e-5)
    assert not vectors[1].any()  # zeros, not NaN
    index = MeaningIndex([["salary of an engineer"]])
    assert index.similarity("", [0]).tolist() == [0.0]


def test_related_words_are_closer_than_unrelated_ones() -> None:
    """No word is shared; only the embedding can tell which entry the question means."""
    index = MeaningIndex(
        [
            ["what is the salary", "how much money will i earn"],
            ["which programming language", "should i learn python or java"],
        ]
    )
    pay = index.similarity("compensation and wages", [0, 1])
    code = index.similarity("coding in rust versus go", [0, 1])
    assert pay[0] > pay[1]
    assert code[1] > code[0]
    assert index.similarity("what is the salary", [0])[0] < 1.0  # the mean of two texts
    assert index.similarity("what is the salary", [1, 0]).tolist() == pytest.approx(
        index.similarity("what is the salary", [0, 1])[::-1].tolist()
    )


def test_an_entry_without_texts_is_alike_to_nothing() -> None:
    index = MeaningIndex([[], ["anything at all"]])
    assert index.similarity("anything at all", [0, 1])[0] == 0.0
    assert index.similarity("anything at all", [0, 1])[1] == pytest.approx(1.0, abs=1e-5)


def test_loading_the_model_leaves_logging_alone() -> None:
    """The library configures the root logger on import; a second, unredacted handler
    there would print every log line, secrets included, past ours. A fresh interpreter,
    since this one has loaded the model already."""
    code = (
        "import logging; from knowledge.meaning import embed; embed(['x']); "
        "root = logging.getLogger(); print(len(root.handlers), root.level)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.split() == ["0", str(logging.WARNING)]
    assert out.stderr == ""
