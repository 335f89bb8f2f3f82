"""The matching stages as their own units: the term weights the index stage computes,
and an explanation built from the very results the decision used."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from knowledge import KnowledgeBase, Matcher
from knowledge.match import MAX_QUESTION_CHARS
from knowledge.match.index import term_weights

STORY = (
    "I work in sales and have done some excel. My friend says ML is the future. "
    "Do I need a PhD to become an ML engineer?"
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return KnowledgeBase.load().matcher


def test_term_weights_favour_rare_words_and_damp_function_words() -> None:
    postings = [np.arange(10), np.arange(3), np.array([4]), np.array([4])]
    stopword = np.array([False, False, False, True])
    weights = term_weights(postings, 10, stopword, 0.5)
    everywhere, some, once, once_stop = weights.idf
    assert everywhere < some < once
    assert once == pytest.approx(weights.max_idf)  # one entry: the most a known word weighs
    assert once_stop == pytest.approx(0.5 * once)
    assert weights.unseen_idf > weights.max_idf  # a word no entry has says the most


def test_shipped_index_weighs_by_entries(matcher: Matcher) -> None:
    index = matcher.index
    entries = [index.entry_post[ti] for ti in range(len(index.vocab))]
    assert len(index.idf) == len(index.vocab)
    common = index.term_index["engin"]
    rare = index.term_index["phd"]
    assert len(entries[common]) > len(entries[rare])
    assert index.idf[common] < index.idf[rare]


@pytest.mark.parametrize(
    "question",
    [
        "do i need a phd to become an ml engineer",
        "shud i lern pyhton or java",
        STORY,
        "hi! do I need a PhD for ML jobs?",
        "thanks!",
        "how do i become a nurse",
        "x" * (MAX_QUESTION_CHARS + 1),
        "   ?! ",
    ],
)
def test_explanation_is_the_decision_it_explains(matcher: Matcher, question: str) -> None:
    explanation = matcher.explain(question)
    result = matcher.match(question)
    assert explanation.result == result
    if result.best is not None and not result.refused:
        assert explanation.candidates[0].candidate == result.best


@pytest.mark.parametrize(("question", "passes"), [("is a phd required for mle", 1), (STORY, 2)])
def test_explaining_scores_the_question_once(
    matcher: Matcher, monkeypatch: pytest.MonkeyPatch, question: str, passes: int
) -> None:
    """``kb explain`` reads each text (the message, its question sentence) once, as
    ``match`` does, instead of running the pipeline again for each part it shows."""
    texts: list[str] = []
    score = matcher._score

    def counted(text: str, *args: Any, **kwargs: Any) -> Any:
        texts.append(text)
        return score(text, *args, **kwargs)

    monkeypatch.setattr(matcher, "_score", counted)
    matcher.match(question)
    assert len(texts) == passes
    texts.clear()
    matcher.explain(question)
    assert len(texts) == passes
