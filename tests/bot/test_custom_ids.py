"""The custom-id scheme: builders and the templates that route clicks agree, and ids
stay within Discord's 100 characters for every entry of the real corpus."""

from __future__ import annotations

import re

from bot import custom_ids
from knowledge import KnowledgeBase


def full(template: str, custom_id: str | None) -> re.Match[str]:
    assert custom_id is not None
    match = re.fullmatch(template, custom_id)
    assert match is not None, (template, custom_id)
    return match


def test_builders_round_trip_through_the_templates() -> None:
    assert full(custom_ids.FEEDBACK, custom_ids.feedback(42, "up"))["log_id"] == "42"
    assert full(custom_ids.FEEDBACK, custom_ids.feedback(42, "down"))["vote"] == "down"
    assert full(custom_ids.SHOW, custom_ids.show("do-i-need-a-phd"))["entry_id"] == (
        "do-i-need-a-phd"
    )
    match = full(custom_ids.ITEM, custom_ids.item("mathematics/linear-algebra", "done"))
    assert (match["item_id"], match["status"]) == ("mathematics/linear-algebra", "done")
    match = full(custom_ids.MARK, custom_ids.mark("mathematics", "learning"))
    assert (match["skill_id"], match["status"]) == ("mathematics", "learning")
    assert full(custom_ids.SKILLS_PAGE, custom_ids.skills_page(1, "next"))["page"] == "1"
    match = full(custom_ids.FORGET, custom_ids.forget(123, "confirm"))
    assert (match["user_id"], match["action"]) == ("123", "confirm")
    assert full(custom_ids.LEARNED, custom_ids.learned("a-b/c-d"))["item_id"] == "a-b/c-d"
    assert full(custom_ids.UNDO, custom_ids.undo("a-b/c-d"))["item_id"] == "a-b/c-d"


def test_the_formats_never_change() -> None:
    """Messages already in Discord carry these strings: changing one breaks them."""
    assert custom_ids.feedback(7, "up") == "careerbot:fb:7:up"
    assert custom_ids.show("x") == "careerbot:show:x"
    assert custom_ids.item("a/b", "done") == "careerbot:item:a/b:done"
    assert custom_ids.mark("a", "learning") == "careerbot:mark:a:learning"
    assert custom_ids.skills_page(0, "prev") == "careerbot:skills:0:prev"
    assert custom_ids.learned("a/b") == "careerbot:learned:a/b"
    assert custom_ids.undo("a/b") == "careerbot:undo:a/b"
    assert custom_ids.forget(9, "cancel") == "careerbot:forget:9:cancel"


def test_templates_do_not_overlap() -> None:
    templates = [
        custom_ids.FEEDBACK,
        custom_ids.SHOW,
        custom_ids.ITEM,
        custom_ids.MARK,
        custom_ids.SKILLS_PAGE,
        custom_ids.FORGET,
        custom_ids.LEARNED,
        custom_ids.UNDO,
    ]
    samples = [
        custom_ids.feedback(1, "up"),
        custom_ids.show("a-b"),
        custom_ids.item("a/b", "done"),
        custom_ids.mark("a", "done"),
        custom_ids.skills_page(2, "next"),
        custom_ids.forget(5, "confirm"),
        custom_ids.learned("a/b"),
        custom_ids.undo("a/b"),
    ]
    for sample in samples:
        assert sum(bool(re.fullmatch(t, sample)) for t in templates) == 1, sample


def test_too_long_ids_are_refused_not_sent() -> None:
    assert custom_ids.item("a" * 80 + "/" + "b" * 20, "learning") is None
    assert custom_ids.show("a" * 90) is None


def test_every_entry_and_item_of_the_corpus_fits(knowledge_base: KnowledgeBase) -> None:
    corpus = knowledge_base.corpus
    for entry_id in corpus.ids:
        assert custom_ids.show(entry_id) is not None
    for skill, item in corpus.checklist_items:
        assert custom_ids.item(item.id, "learning") is not None
        assert custom_ids.mark(skill.id, "learning") is not None
        assert custom_ids.learned(item.id) is not None
        assert custom_ids.undo(item.id) is not None


def test_gap_ids_round_trip_fit_and_do_not_overlap() -> None:
    """The ``/kb gaps`` doors carry the window and the gap's token, never its text."""
    token = "0123456789abcdef"
    assert custom_ids.gaps_pick(365) == "careerbot:gaps:365"
    assert full(custom_ids.GAPS_PICK, custom_ids.gaps_pick(365))["days"] == "365"
    built = {
        custom_ids.GAP_PHRASING: custom_ids.gap_phrasing(365, token),
        custom_ids.GAP_PICK: custom_ids.gap_pick(365, token),
        custom_ids.GAP_DRAFT: custom_ids.gap_draft(365, token),
    }
    assert list(built.values()) == [
        f"careerbot:gap-phr:365:{token}",
        f"careerbot:gap-pick:365:{token}",
        f"careerbot:gap-draft:365:{token}",
    ]
    templates = [custom_ids.GAPS_PICK, *built]
    for template, custom_id in built.items():
        match = full(template, custom_id)
        assert (match["days"], match["token"]) == ("365", token)
        assert len(custom_id) <= custom_ids.MAX_CUSTOM_ID
        assert sum(bool(re.fullmatch(t, custom_id)) for t in templates) == 1
