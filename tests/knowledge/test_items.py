"""Resolving what a member typed to a checklist item: confident, a choice, or none.

Over the real corpus, because what must not happen was found there: ``/learned foo
bar baz`` marked "Question your assumptions...", ``asdf qwer`` an eigenvalue item and
``git commit`` the wrong git item, since any fuzzy match over 60 was taken.
"""

from __future__ import annotations

import random

import pytest

from knowledge import Corpus, load_corpus
from knowledge.items import resolve_item
from knowledge.service import DEFAULT_KNOWLEDGE_PATH


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(DEFAULT_KNOWLEDGE_PATH)


def ids(corpus: Corpus, text: str) -> tuple[str, list[str]]:
    found = resolve_item(corpus, text)
    return found.outcome, [item.id for _, item in found.choices]


@pytest.mark.parametrize("text", ["foo bar baz", "asdf qwer", "the", "learned", "", "  "])
def test_words_no_item_has_mark_nothing(corpus: Corpus, text: str) -> None:
    found = resolve_item(corpus, text)
    assert (found.outcome, found.item, found.choices) == ("none", None, ())


def test_git_commit_is_the_item_about_committing_with_git(corpus: Corpus) -> None:
    assert ids(corpus, "git commit") == ("confident", ["version-control/git-basics"])


@pytest.mark.parametrize(
    ("text", "item_id"),
    [
        ("version-control/git-basics", "version-control/git-basics"),  # autocomplete's value
        ("Update a probability with Bayes' rule", "probability-statistics/bayes-rule"),
        ("update a probability with bayes rule", "probability-statistics/bayes-rule"),
        (  # as autocomplete shows it, pasted back
            "Update a probability with Bayes' rule (Probability and statistics)",
            "probability-statistics/bayes-rule",
        ),
        ("python basics", "programming/python-basics"),  # the id's last part
        ("eigenvectors", "mathematics/eigenvectors"),  # one distinctive word
        ("kubernets", "cloud-deployment/kubernetes"),  # with a typo
        ("anova", "probability-statistics/anova"),
        ("pca", "feature-engineering/dimensionality-reduction"),  # via the title's words
        ("I learned python functions and loops", "programming/python-basics"),
        ("merge conflict", "version-control/merge-conflicts"),
        ("question my assumptions", "problem-solving/check-assumptions"),
    ],
)
def test_confident_matches(corpus: Corpus, text: str, item_id: str) -> None:
    found = resolve_item(corpus, text)
    assert found.outcome == "confident"
    assert found.item is not None and found.item[1].id == item_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Two items share the title word: the member chooses.
        ("bayes", {"probability-statistics/bayes-rule", "probability-statistics/bayes-nets"}),
        # The same id suffix in two skills.
        ("regularization", {"model-evaluation/regularization", "deep-learning/regularization"}),
        ("bias", {"ai-ethics/training-data-bias", "problem-solving/check-assumptions"}),
        # A word no item knows keeps "git commit" from being sure.
        ("git commit blah", {"version-control/git-basics"}),
    ],
)
def test_ambiguous_offers_a_choice_and_marks_nothing(
    corpus: Corpus, text: str, expected: set[str]
) -> None:
    found = resolve_item(corpus, text)
    assert found.outcome == "ambiguous" and found.item is None
    offered = [item.id for _, item in found.choices]
    assert expected <= set(offered) and 1 <= len(offered) <= 5


def test_an_id_that_no_longer_exists_is_not_guessed(corpus: Corpus) -> None:
    # A stale button or a removed item's id: near ids exist, but none is meant.
    assert ids(corpus, "version-control/git-basic") == ("none", [])
    assert ids(corpus, "programming/python-basics-old") == ("none", [])


def test_no_item_is_marked_for_random_words(corpus: Corpus) -> None:
    """A sweep: pairs of random letter strings never resolve confidently."""
    rng = random.Random(15)
    letters = "abcdefghijklmnopqrstuvwxyz"
    for _ in range(300):
        words = [
            "".join(rng.choice(letters) for _ in range(rng.randint(3, 7)))
            for _ in range(rng.randint(1, 3))
        ]
        text = " ".join(words)
        assert resolve_item(corpus, text).outcome != "confident", text


def test_every_title_and_id_resolves_to_its_own_item(corpus: Corpus) -> None:
    for _, item in corpus.checklist_items:
        for text in (item.title, item.id, item.title.upper()):
            found = resolve_item(corpus, text).item
            assert found is not None and found[1].id == item.id, text


def test_cut_or_misspelt_titles_never_resolve_to_another_item(corpus: Corpus) -> None:
    rng = random.Random(6)
    for _, item in corpus.checklist_items:
        words = item.title.split()
        cut = rng.randrange(len(item.title))
        for text in (
            item.title[:cut] + item.title[cut + 1 :],  # one letter dropped
            " ".join(words[: max(2, len(words) // 2)]),  # the first half
            " ".join(words[len(words) // 2 :]),  # the second half
        ):
            found = resolve_item(corpus, text)
            if found.outcome == "confident":
                assert found.choices[0][1].id == item.id, (text, found.choices[0][1].id)
