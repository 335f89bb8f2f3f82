"""The hand-over rules without Discord: what is kept, for how long, and thread names."""

from __future__ import annotations

from careerbot.core.community.handoff import (
    THREAD_NAME_MAX,
    Question,
    RecentQuestions,
    entry_id_from,
    needs_consent,
    thread_name,
)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def question(member: int = 1, visibility: str = "public") -> Question:
    return Question("is a bootcamp enough", member, 5, visibility)


def test_questions_are_kept_for_a_while_then_forgotten() -> None:
    clock = Clock()
    recent = RecentQuestions(keep=60, limit=3, clock=clock)
    recent.remember(10, question())
    clock.now = 59
    assert recent.get(10) == question()
    clock.now = 60
    assert recent.get(10) is None


def test_the_oldest_go_first_when_full_and_forget_member_drops_theirs() -> None:
    clock = Clock()
    recent = RecentQuestions(keep=60, limit=2, clock=clock)
    for key, member in ((1, 7), (2, 8), (3, 7)):
        recent.remember(key, question(member))
    assert recent.get(1) is None and len(recent) == 2
    assert recent.forget_member(7) == 1
    assert recent.get(3) is None and recent.get(2) == question(8)


def test_only_questions_the_channel_saw_skip_consent() -> None:
    assert not needs_consent(question(visibility="public"))
    assert needs_consent(question(visibility="ephemeral"))
    assert needs_consent(question(visibility="dm"))


def test_thread_names_and_draft_ids() -> None:
    assert thread_name("  is a\nbootcamp   enough ") == "is a bootcamp enough"
    long = thread_name("why " * 60)
    assert len(long) == THREAD_NAME_MAX and long.endswith("…")
    assert thread_name("   ") == "A question"
    assert entry_id_from("Is a Bootcamp enough?! (2024)") == "is-a-bootcamp-enough-2024"
    assert entry_id_from("¿¿??") == "new-entry"
    assert len(entry_id_from("word " * 40)) <= 60
