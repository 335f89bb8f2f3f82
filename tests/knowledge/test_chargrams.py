"""Character 4-gram TF-IDF: checked against a plain, obviously correct implementation."""

from __future__ import annotations

import math
import random
from collections import Counter

import numpy as np
import pytest

from knowledge.chargrams import GRAM, CharGramIndex, run_lengths


def reference_grams(words: list[str]) -> Counter[str]:
    text = " " + " ".join(words) + " "
    return Counter(text[i : i + GRAM] for i in range(len(text) - GRAM + 1))


def reference_cosines(texts: list[list[str]], question: list[str]) -> list[float]:
    """TF-IDF cosine written out with dicts: sublinear TF, smoothed IDF, L2 norms."""
    counted = [reference_grams(t) for t in texts]
    df: Counter[str] = Counter()
    for found in counted:
        df.update(found.keys())
    n = len(texts)
    idf = {g: math.log((n + 1) / (d + 1)) + 1 for g, d in df.items()}
    unseen = math.log(n + 1) + 1

    def vector(found: Counter[str]) -> dict[str, float]:
        raw = {g: (1 + math.log(c)) * idf.get(g, unseen) for g, c in found.items()}
        norm = math.sqrt(sum(x * x for x in raw.values())) or 1.0
        return {g: x / norm for g, x in raw.items()}

    q = vector(reference_grams(question))
    return [sum(q.get(g, 0.0) * x for g, x in vector(found).items()) for found in counted]


WORDS = "data model python learn engineer interview resume math stats deploy a ml x".split()


def test_matches_the_reference_on_random_texts() -> None:
    rng = random.Random(7)
    texts = [rng.choices(WORDS, k=rng.randint(1, 8)) for _ in range(60)]
    texts += [["a"], ["ml"], []]  # shorter than a gram: no grams at all
    index = CharGramIndex(texts)
    for _ in range(20):
        question = rng.choices([*WORDS, "zebra", "pyhton"], k=rng.randint(1, 10))
        got = index.best_cosines(index.query(question), [(u, u + 1) for u in range(len(texts))])
        assert got == pytest.approx(reference_cosines(texts, question), abs=1e-6)


def test_a_run_reports_its_best_text() -> None:
    index = CharGramIndex([["deploy", "models"], ["python", "basics"], ["learn", "python"]])
    vector = index.query(["python"])
    each = index.best_cosines(vector, [(0, 1), (1, 2), (2, 3)])
    assert index.best_cosines(vector, [(0, 3)])[0] == pytest.approx(max(each))
    assert index.best_cosines(vector, [(1, 3), (0, 1)]) == pytest.approx([max(each[1:]), each[0]])


def test_identical_text_is_one_and_unrelated_text_is_zero() -> None:
    index = CharGramIndex([["machine", "learning"], ["kubernetes"]])
    vector = index.query(["machine", "learning"])
    same, other = index.best_cosines(vector, [(0, 1), (1, 2)])
    assert same == pytest.approx(1.0)
    assert other == 0.0


def test_letters_no_text_has_lower_the_similarity() -> None:
    index = CharGramIndex([["python"], ["statistics"]])
    plain = index.best_cosines(index.query(["python"]), [(0, 1)])[0]
    padded = index.best_cosines(index.query(["python", "quizzically"]), [(0, 1)])[0]
    assert 0.0 < padded < plain


def test_grams_do_not_run_across_texts() -> None:
    """Texts are joined for the build; a window spanning two of them must not count."""
    index = CharGramIndex([["ab"], ["cd"]])
    # " ab " and " cd " have one 4-gram each; " ab  cd " would add "b  c" and the like.
    assert len(index.grams) == 2
    assert np.all(index.best_cosines(index.query(["b", "c"]), [(0, 1), (1, 2)]) == 0.0)


def test_empty_question_and_empty_index() -> None:
    index = CharGramIndex([["python"]])
    assert index.best_cosines(index.query([]), [(0, 1)])[0] == 0.0
    empty = CharGramIndex([])
    assert not empty.query(["python"]).any()


@pytest.mark.parametrize("seed", range(20))
def test_run_lengths_agree_with_numpy_diff(seed: int) -> None:
    rng = random.Random(seed)
    total = rng.randint(1, 40)
    starts = np.asarray(sorted({0, *rng.sample(range(total), rng.randint(0, total - 1))}))
    assert run_lengths(starts, total).tolist() == np.diff(np.append(starts, total)).tolist()


def test_run_lengths_of_nothing() -> None:
    assert run_lengths(np.zeros(0, dtype=np.int64), 0).tolist() == []
