"""The values storage hands out and takes in: frozen dataclasses, no SQL, no driver types.

Conventions shared by every backend:

* Times are timezone-aware ``datetime`` objects in UTC, with whole seconds (the store
  keeps integer Unix seconds, which every database represents the same way).
* Discord ids (members, guilds, channels, roles) are ``int`` snowflakes.
* Skill and checklist-item ids are the corpus's strings; storage does not interpret them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Literal

Status = Literal["learning", "done", "skipped"]
STATUSES: tuple[Status, ...] = ("learning", "done", "skipped")

#: Statuses that count as learning activity for streaks. Skipping an item is a choice,
#: not study, so it neither starts nor extends a streak.
ACTIVE_STATUSES: frozenset[str] = frozenset({"learning", "done"})

DeliveryVia = Literal["dm", "channel"]
Visibility = Literal["public", "ephemeral", "dm"]
ScheduleKind = Literal["once", "daily", "weekly"]

#: The caller's learning path: skills in the order a member should learn them, each
#: with its checklist item ids in order. Storage never loads the corpus itself.
LearningPath = Sequence[tuple[str, Sequence[str]]]


@dataclass(frozen=True)
class MemberPrefs:
    """What a member chose. Defaults are what a member gets without asking."""

    #: Where reminders go unless a reminder says otherwise.
    remind_via: DeliveryVia = "dm"
    remind_guild_id: int | None = None
    remind_channel_id: int | None = None
    #: Local wall-clock quiet period (may wrap midnight); both or neither.
    quiet_start: time | None = None
    quiet_end: time | None = None
    #: Opt-in: keep the text of questions asked in DMs or privately (see question log).
    store_question_text: bool = False


@dataclass(frozen=True)
class Member:
    member_id: int
    tz: str
    prefs: MemberPrefs
    created_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True)
class ProgressItem:
    member_id: int
    skill_id: str
    item_id: str
    status: Status
    updated_at: datetime


@dataclass(frozen=True)
class ProgressEvent:
    """One row of the append-only progress history ("why did my streak reset?")."""

    id: int
    member_id: int
    skill_id: str
    item_id: str
    old_status: Status | None
    new_status: Status
    changed_at: datetime
    note: str | None
    undone_at: datetime | None = None
    """When the member undid this change (:meth:`Storage.undo_progress`), if they did."""


@dataclass(frozen=True)
class SkillProgress:
    skill_id: str
    done: int
    skipped: int
    learning: int
    total: int
    #: ``100 * done / total`` (unrounded; 100.0 for a skill with no items).
    percent: float
    #: Every item is done or skipped.
    complete: bool


@dataclass(frozen=True)
class ProgressSummary:
    member_id: int
    skills: tuple[SkillProgress, ...]
    done: int
    total: int
    percent: float
    #: What to suggest next, or ``None`` when the whole path is done or skipped.
    next_skill_id: str | None
    next_item_id: str | None


@dataclass(frozen=True)
class Streak:
    member_id: int
    #: Consecutive local days with activity ending today or yesterday (else 0).
    current: int
    longest: int
    last_active_day: date | None
    #: "Today" in the member's zone when this was computed.
    today: date


@dataclass(frozen=True)
class Schedule:
    """When a reminder fires. Build with :meth:`once`, :meth:`daily` or :meth:`weekly`.

    Recurring schedules are wall-clock times in an IANA zone, so "09:00 every weekday"
    stays 09:00 across daylight-saving changes. Weekdays count from 0 = Monday.
    """

    kind: ScheduleKind
    tz: str = "UTC"
    times: tuple[time, ...] = ()
    weekdays: frozenset[int] = frozenset(range(7))
    at: datetime | None = None

    @classmethod
    def once(cls, at: datetime) -> Schedule:
        return cls(kind="once", at=at, weekdays=frozenset())

    @classmethod
    def daily(cls, *times: time, tz: str = "UTC") -> Schedule:
        return cls(kind="daily", tz=tz, times=tuple(sorted(times)))

    @classmethod
    def weekly(cls, weekdays: Sequence[int], *times: time, tz: str = "UTC") -> Schedule:
        return cls(kind="weekly", tz=tz, times=tuple(sorted(times)), weekdays=frozenset(weekdays))


@dataclass(frozen=True)
class ReminderTarget:
    """Where a reminder is delivered: the member's DMs, or a channel in a guild."""

    via: DeliveryVia = "dm"
    guild_id: int | None = None
    channel_id: int | None = None


@dataclass(frozen=True)
class Reminder:
    id: int
    member_id: int
    schedule: Schedule
    target: ReminderTarget
    message: str
    #: The occurrence waiting to be sent (UTC); ``None`` when paused or finished.
    next_due_at: datetime | None
    last_sent_at: datetime | None
    #: ``False`` when the member paused it.
    active: bool
    created_at: datetime
    #: Set while a scheduler holds a claim on the due occurrence.
    claimed_by: str | None = None
    claim_expires_at: datetime | None = None

    @property
    def finished(self) -> bool:
        """A one-off that has been sent: kept for the record, never due again."""
        return self.active and self.next_due_at is None


@dataclass(frozen=True)
class GuildSettings:
    guild_id: int
    reminder_channel_id: int | None = None
    digest_channel_id: int | None = None
    moderator_role_ids: frozenset[int] = field(default_factory=frozenset)
    #: Overrides the bot's answer confidence threshold for this guild (0..1).
    confidence_threshold: float | None = None
    #: Where the bot tells moderators what they must know (refused reloads, ...).
    log_channel_id: int | None = None
    #: Where "Ask the community" opens a thread per question (none: no such button).
    help_channel_id: int | None = None
    #: The opt-in role mentioned once in each such thread (none: nobody is mentioned).
    mentor_role_id: int | None = None


@dataclass(frozen=True)
class CommunityThread:
    """A question handed to the community: the thread opened for it in a help channel."""

    thread_id: int
    guild_id: int
    #: The question log row it came from (``None`` once that member was forgotten).
    question_id: int | None
    asked_at: datetime
    answered_at: datetime | None = None
    #: The bot's first message in the thread: the question and the moderators' buttons.
    message_id: int | None = None


@dataclass(frozen=True)
class LoggedQuestion:
    id: int
    member_id: int
    #: ``None`` for a DM.
    guild_id: int | None
    visibility: Visibility
    #: ``None`` unless the privacy rule allowed keeping it (see ``storage.questions``).
    text: str | None
    #: The corpus id answered with, or ``None`` when the bot abstained.
    matched_id: str | None
    match_kind: str | None
    confidence: float | None
    asked_at: datetime


@dataclass(frozen=True)
class Feedback:
    question_id: int
    member_id: int
    helpful: bool
    at: datetime


@dataclass(frozen=True)
class GapRow:
    """A question moderators should look at: unanswered or voted not helpful."""

    #: The normalised grouping key (case-folded, whitespace collapsed).
    key: str
    #: One of the original texts in the group, to show.
    example: str
    asked: int
    unanswered: int
    not_helpful: int
    last_asked_at: datetime


@dataclass(frozen=True)
class QuestionStats:
    since: datetime
    until: datetime
    asked: int
    answered: int
    #: answered / asked (0.0 when nothing was asked).
    answer_rate: float
    votes: int
    helpful: int
    #: helpful / votes (0.0 when nobody voted).
    helpful_rate: float


#: Short alias used in the issue text.
Stats = QuestionStats


@dataclass(frozen=True)
class WeekStats:
    """One week of questions (Monday 00:00 UTC onwards), for moderators' trends."""

    #: The week's Monday (UTC).
    week_start: date
    asked: int
    #: Answered with a corpus entry; the rest the bot abstained on.
    answered: int

    @property
    def abstained(self) -> int:
        return self.asked - self.answered

    @property
    def answer_rate(self) -> float:
        """answered / asked (0.0 for a week without questions)."""
        return self.answered / self.asked if self.asked else 0.0

    @property
    def abstention_rate(self) -> float:
        """abstained / asked (0.0 for a week without questions)."""
        return self.abstained / self.asked if self.asked else 0.0


@dataclass(frozen=True)
class EntryStats:
    """How often one corpus entry was the answer, and how members voted on it."""

    entry_id: str
    #: Questions answered with this entry.
    asked: int
    helpful: int
    not_helpful: int


@dataclass(frozen=True)
class CooldownTurn:
    """What the shared question cooldown said to one attempt (``take_cooldown``)."""

    allowed: bool
    #: Seconds until the member may ask again (0 when allowed).
    retry_after: float
    #: The first refusal since the member's last accepted question.
    first_refusal: bool


@dataclass(frozen=True)
class ReminderLimits:
    """Per-member limits the reminder API enforces (abuse and accident protection)."""

    max_active_per_member: int = 10
    #: Recurring reminders may not fire more often than this (minutes).
    min_interval_minutes: int = 60
