"""The reminder message and schedule descriptions, without Discord."""

from __future__ import annotations

from datetime import UTC, datetime, time

from bot.reminders import messages
from knowledge import KnowledgeBase
from storage import ProgressSummary, Reminder, ReminderTarget, Schedule, Streak

AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
OWNER = 111111111111111111


DM = ReminderTarget()


def reminder(target: ReminderTarget = DM, message: str = "go") -> Reminder:
    return Reminder(
        id=7, member_id=OWNER, schedule=Schedule.daily(time(9), tz="Europe/Berlin"),
        target=target, message=message, next_due_at=AT, last_sent_at=None, active=True,
        created_at=AT,
    )  # fmt: skip


def summary(next_item: str | None, done: int = 3) -> ProgressSummary:
    return ProgressSummary(OWNER, (), done, 40, 100 * done / 40, None, next_item)


STREAK = Streak(OWNER, 4, 9, AT.date(), AT.date())


def test_describe() -> None:
    assert messages.describe(Schedule.daily(time(9), tz="UTC")) == "every day at 09:00 (UTC)"
    weekly = Schedule.weekly([0, 2], time(9), time(18, 30), tz="Europe/Berlin")
    assert messages.describe(weekly) == "Mon, Wed at 09:00, 18:30 (Europe/Berlin)"
    assert messages.describe(Schedule.weekly(range(5), time(7))) == "weekdays at 07:00 (UTC)"
    assert messages.describe(Schedule.once(AT)) == "once"
    assert messages.local_time(AT, "Europe/Berlin") == "Mon 23 Nov 2026, 09:00 CET"


def test_dm_message_has_next_item_streak_progress_and_pings_nobody(
    knowledge_base: KnowledgeBase,
) -> None:
    corpus = knowledge_base.corpus
    skill = corpus.learning_path()[0]
    item = skill.checklist[0]
    built = messages.build(
        reminder(message="<@222222222222222222> @here study"), summary(item.id), STREAK, corpus
    )
    assert built.content.startswith("⏰ ")
    assert "<@222222222222222222>" not in built.content and "@here" not in built.content
    assert built.allowed_mentions.to_dict() == {"parse": []}
    description = built.embed.description or ""
    assert f"**Next up:** {item.title}" in description and skill.name in description
    assert "🔥 4 days streak" in description and "3/40 items (7%)" in description
    assert (built.next_item_id, built.next_skill_id) == (item.id, skill.id)
    assert "late" not in built.content


def test_channel_message_pings_only_the_owner_and_says_when_late(
    knowledge_base: KnowledgeBase,
) -> None:
    target = ReminderTarget("channel", 333333333333333333, 444444444444444444)
    built = messages.build(
        reminder(target), summary(None, 40), STREAK, knowledge_base.corpus, late_since=AT
    )
    assert built.content.startswith(f"<@{OWNER}> ⏰ go")
    assert f"late: was due at <t:{int(AT.timestamp())}:F>" in built.content
    assert built.allowed_mentions.to_dict() == {"parse": [], "users": [OWNER]}
    assert "You've done it all" in (built.embed.description or "")
    assert built.next_item_id is None
