"""The backend-neutral storage API: what the bot and the command line may call.

The bot never sees SQL, cursors or driver exceptions: it calls these methods, gets the
frozen dataclasses of :mod:`storage.models` back, and catches the errors of
:mod:`storage.errors`. The SQLite backend (:mod:`storage.sqlite`) and the PostgreSQL
backend (:mod:`storage.postgres`, for several processes on one database) implement it
and pass the same tests.

Conventions: every ``at``/``now`` argument is a timezone-aware ``datetime`` and
defaults to the current time; stored times have whole-second precision. Methods that
act for a member create the member row (with defaults) when it does not exist yet, so
the bot never has to "register" anyone first.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from datetime import date, datetime
from types import TracebackType
from typing import Any, Self

from storage.models import (
    CommunityThread,
    CooldownTurn,
    EntryStats,
    Feedback,
    GapRow,
    GuildSettings,
    LearningPath,
    LoggedQuestion,
    Member,
    MemberPrefs,
    ProgressEvent,
    ProgressItem,
    ProgressSummary,
    QuestionStats,
    Reminder,
    ReminderTarget,
    Schedule,
    Status,
    Streak,
    Visibility,
    WeekStats,
)


class Storage(ABC):
    """Everything careerbot remembers. Use as ``async with await open_storage(p) as db``."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @abstractmethod
    async def close(self) -> None:
        """Finish pending work and release the database. Safe to call twice."""

    @abstractmethod
    async def schema_version(self) -> int:
        """The schema version of the open database (the latest migration applied)."""

    # -- members -----------------------------------------------------------------

    @abstractmethod
    async def touch_member(self, member_id: int, *, at: datetime | None = None) -> Member:
        """Create the member if new, and record that they were seen at ``at``."""

    @abstractmethod
    async def get_member(self, member_id: int) -> Member | None:
        """The member, or ``None`` if the bot never stored anything about them."""

    @abstractmethod
    async def set_timezone(self, member_id: int, tz: str, *, at: datetime | None = None) -> Member:
        """Set the member's IANA zone.

        Recurring reminders that used the old zone move with the member (09:00 stays
        09:00 where they now live) and their next due time is recomputed. Past streak
        days stay as they were counted.
        """

    @abstractmethod
    async def set_preferences(
        self, member_id: int, prefs: MemberPrefs, *, at: datetime | None = None
    ) -> Member:
        """Replace the member's preferences."""

    # -- progress and streaks --------------------------------------------------------

    @abstractmethod
    async def set_progress(
        self,
        member_id: int,
        skill_id: str,
        item_id: str,
        status: Status,
        *,
        at: datetime | None = None,
        note: str | None = None,
    ) -> ProgressItem:
        """Set one checklist item's status.

        A real change is appended to the history and, for ``learning``/``done``,
        counts as activity for the streak. Setting the status it already has changes
        nothing (no history row, no streak credit).
        """

    @abstractmethod
    async def get_progress(self, member_id: int) -> list[ProgressItem]:
        """All the member's items, ordered by item id."""

    @abstractmethod
    async def progress_history(self, member_id: int, *, limit: int = 100) -> list[ProgressEvent]:
        """The member's most recent progress changes, newest first."""

    @abstractmethod
    async def undo_progress(
        self, member_id: int, item_id: str | None = None, *, at: datetime | None = None
    ) -> ProgressEvent | None:
        """Undo the member's newest progress change (of ``item_id``, if given).

        The item gets back the status it had before (or none: it is no longer started)
        and the change's history row is marked undone; the returned event says what was
        undone. ``None`` when there is nothing to undo: no change, the newest one was
        undone already (undo never walks further back), or the item has changed since
        (its status is not what that change set). The streak day it earned stays.
        """

    @abstractmethod
    async def rename_progress_items(self, renames: Mapping[str, tuple[str, str]]) -> int:
        """Move every member's progress from old checklist item ids to new ones.

        ``renames`` maps an old item id to ``(new item id, its skill id)``. History
        rows follow their item. A member who already has progress under the new id
        keeps it (it is the newer) and the old row is dropped. Returns the progress
        rows moved; running it again moves nothing.
        """

    @abstractmethod
    async def progress_item_counts(self) -> dict[str, int]:
        """How many members have any progress on each checklist item id stored."""

    @abstractmethod
    async def summary(self, member_id: int, path: LearningPath) -> ProgressSummary:
        """Done/total per skill of ``path``, overall percent and the next item to learn."""

    @abstractmethod
    async def record_activity(self, member_id: int, *, at: datetime | None = None) -> Streak:
        """Count ``at`` as learning activity (once per local day) and return the streak."""

    @abstractmethod
    async def get_streak(self, member_id: int, *, at: datetime | None = None) -> Streak:
        """The member's streak as of ``at`` in their own time zone."""

    @abstractmethod
    async def activity_days(self, member_id: int, *, limit: int = 60) -> list[date]:
        """Local days with activity, newest first: the record behind the streak."""

    # -- reminders --------------------------------------------------------------------

    @abstractmethod
    async def create_reminder(
        self,
        member_id: int,
        schedule: Schedule,
        *,
        message: str,
        target: ReminderTarget | None = None,
        at: datetime | None = None,
    ) -> Reminder:
        """Create an active reminder; ``target`` defaults to the member's preference.

        Raises :class:`LimitExceededError` past the active-reminder limit or for a
        schedule that fires more often than allowed.
        """

    @abstractmethod
    async def get_reminder(self, reminder_id: int) -> Reminder | None: ...

    @abstractmethod
    async def list_reminders(
        self, member_id: int, *, include_finished: bool = False
    ) -> list[Reminder]:
        """The member's reminders, oldest first (finished one-offs only on request)."""

    @abstractmethod
    async def update_reminder(
        self,
        reminder_id: int,
        *,
        member_id: int,
        schedule: Schedule | None = None,
        message: str | None = None,
        target: ReminderTarget | None = None,
        at: datetime | None = None,
    ) -> Reminder:
        """Change what is given; the next due time is recomputed from ``at``.

        ``member_id`` must own the reminder, else :class:`NotFoundError`.
        """

    @abstractmethod
    async def pause_reminder(
        self, reminder_id: int, *, member_id: int, at: datetime | None = None
    ) -> Reminder: ...

    @abstractmethod
    async def resume_reminder(
        self, reminder_id: int, *, member_id: int, at: datetime | None = None
    ) -> Reminder:
        """Reactivate from ``at`` on: missed occurrences are not replayed; a one-off
        whose time passed while paused becomes due at once."""

    @abstractmethod
    async def delete_reminder(self, reminder_id: int, *, member_id: int) -> None: ...

    @abstractmethod
    async def next_due_at(self) -> datetime | None:
        """The earliest time any reminder is (or becomes again) due: when to wake up."""

    @abstractmethod
    async def due_reminders(self, now: datetime, *, limit: int = 100) -> list[Reminder]:
        """Reminders due at ``now`` and not held by a live claim, earliest first."""

    @abstractmethod
    async def claim_due(
        self, now: datetime, claimer_id: str, *, lease_seconds: int = 300, limit: int = 100
    ) -> list[Reminder]:
        """Atomically take up to ``limit`` due reminders for ``claimer_id``.

        Two schedulers (or processes) never receive the same due occurrence while a
        claim is live. A claimer that dies before :meth:`mark_sent` loses the claim
        when the lease expires; the reminder is then claimable again, so a crash
        between sending and marking causes at most one resend.
        """

    @abstractmethod
    async def mark_sent(
        self,
        reminder_id: int,
        sent_at: datetime,
        *,
        claimer_id: str | None = None,
        claimed: Reminder | None = None,
    ) -> Reminder | None:
        """Record a delivery and schedule the next occurrence strictly after it.

        The next due time is computed here, from the stored schedule, so every caller
        agrees. Returns ``None`` (and changes nothing) when ``claimer_id`` no longer
        holds the claim, or the reminder was deleted or paused meanwhile.

        ``claimed``, the reminder as ``claim_due`` returned it to ``claimer_id``, saves
        reading the row first (one statement instead of two, which is what bounds a
        scheduler's rate on PostgreSQL); the result is the same.
        """

    @abstractmethod
    async def release_claim(
        self, reminder_id: int, claimer_id: str, *, retry_at: datetime | None = None
    ) -> bool:
        """Give a claimed reminder back unsent (delivery failed), due again at
        ``retry_at`` or at once. ``False`` if the claim was not held."""

    # -- notices ----------------------------------------------------------------------

    @abstractmethod
    async def add_notice(self, member_id: int, text: str, *, at: datetime | None = None) -> bool:
        """Leave ``text`` for the member to see the next time they use the bot (e.g. a
        reminder was paused because their DMs are closed). ``False`` when too many are
        already waiting and this one was dropped."""

    @abstractmethod
    async def has_notices(self, member_id: int) -> bool:
        """Whether notices are waiting (cheap: asked on every interaction)."""

    @abstractmethod
    async def take_notices(self, member_id: int) -> list[str]:
        """The member's waiting notices, oldest first, deleted as they are returned."""

    # -- guild settings -------------------------------------------------------------------

    @abstractmethod
    async def get_guild_settings(self, guild_id: int) -> GuildSettings:
        """The guild's settings (all defaults when never set)."""

    @abstractmethod
    async def set_guild_settings(
        self, settings: GuildSettings, *, at: datetime | None = None
    ) -> GuildSettings:
        """Replace the guild's settings, moderator roles included."""

    @abstractmethod
    async def update_guild_settings(
        self,
        guild_id: int,
        edit: Callable[[GuildSettings], GuildSettings],
        *,
        at: datetime | None = None,
    ) -> GuildSettings:
        """Change the guild's settings as ``edit`` says, given the current ones, with
        the guild's row locked meanwhile: two processes changing different settings of
        one guild at once both keep their change (a read, then ``set_guild_settings``,
        would write back what the other had just replaced)."""

    @abstractmethod
    async def guilds_with_help_channel(self) -> frozenset[int]:
        """Every guild with a help channel set: where a DM question may be handed over.

        One query, so a DM does not read each of the bot's guilds' settings in turn."""

    # -- questions handed to the community ---------------------------------------------

    @abstractmethod
    async def record_community_thread(
        self,
        guild_id: int,
        thread_id: int,
        question_id: int | None,
        *,
        message_id: int | None = None,
        at: datetime | None = None,
    ) -> CommunityThread:
        """Note the thread opened for a question (its question log id, if logged, and
        the bot's first message in it);
        recording the same thread again returns the first record."""

    @abstractmethod
    async def community_thread(self, thread_id: int) -> CommunityThread | None:
        """The record of a thread opened by "Ask the community", if it is one."""

    @abstractmethod
    async def community_thread_for_question(self, question_id: int) -> CommunityThread | None:
        """The thread already opened for this logged question, if any."""

    @abstractmethod
    async def mark_community_thread_answered(
        self, thread_id: int, *, at: datetime | None = None
    ) -> bool:
        """Mark the thread answered; False if unknown or already answered."""

    @abstractmethod
    async def community_thread_counts(
        self, since: datetime, until: datetime, *, guild_id: int | None = None
    ) -> tuple[int, int]:
        """(threads opened, of which answered) for questions handed over in [since, until)."""

    # -- question log -----------------------------------------------------------------

    @abstractmethod
    async def log_question(
        self,
        member_id: int,
        text: str,
        *,
        visibility: Visibility,
        guild_id: int | None,
        matched_id: str | None,
        match_kind: str | None = None,
        confidence: float | None = None,
        at: datetime | None = None,
        question_id: int | None = None,
    ) -> LoggedQuestion:
        """Log a question. The text is kept only where the privacy rule allows:
        asked publicly in a guild channel, or the member opted in.

        ``question_id`` logs it under an id the caller already has (the bot uses the
        Discord interaction's or message's id, unique by construction), so the answer's
        feedback buttons can carry it before the row is written; ``None`` lets the
        store pick one. An id already logged raises :class:`InvalidInputError`.

        ``at`` is when the question was asked. If the member was forgotten
        (:meth:`forget_member`) at or after that time, nothing is written and
        :class:`ForgottenMemberError` is raised: the log write of an answer that was
        still in flight must not bring back the member row and the question text."""

    @abstractmethod
    async def record_feedback(
        self, question_id: int, member_id: int, helpful: bool, *, at: datetime | None = None
    ) -> Feedback:
        """One vote per member per question; voting again replaces the earlier vote.

        ``at`` is when the member voted: like :meth:`log_question`, a vote cast before
        the member was forgotten but written after raises :class:`ForgottenMemberError`."""

    @abstractmethod
    async def question_gaps(
        self,
        since: datetime,
        until: datetime,
        *,
        guild_id: int | None = None,
        limit: int = 20,
    ) -> list[GapRow]:
        """Most-asked question texts in ``[since, until)`` that went unanswered or got a
        "not helpful" vote, grouped case-insensitively (``guild_id=None``: everywhere).

        Only questions whose text was kept count (public ones, and private or DM ones
        of members who opted in). For a guild: its questions, plus the DM questions of
        members who have asked in that guild."""

    @abstractmethod
    async def question_stats(
        self, since: datetime, until: datetime, *, guild_id: int | None = None
    ) -> QuestionStats:
        """Questions asked, answer rate and helpful rate in ``[since, until)``."""

    @abstractmethod
    async def question_weeks(
        self, since: datetime, until: datetime, *, guild_id: int | None = None
    ) -> list[WeekStats]:
        """Questions asked and answered per week (weeks start Monday 00:00 UTC) in
        ``[since, until)``, oldest first; weeks without a question are left out.
        Counts only, so private and DM questions count whether or not their text was
        kept. With ``guild_id``: that guild's questions, as :meth:`question_stats`."""

    @abstractmethod
    async def entry_stats(
        self, since: datetime, until: datetime, *, guild_id: int | None = None
    ) -> list[EntryStats]:
        """Every corpus entry that answered a question in ``[since, until)``: how often,
        and the helpful / not helpful votes on those answers; most asked first."""

    # -- what several processes share ------------------------------------------------

    #: Whether several bot processes may use this store at once (PostgreSQL): then
    #: rules that one process could keep in memory (the question cooldown) must be kept
    #: here instead. SQLite serves one process.
    shared_between_processes: bool = False

    @abstractmethod
    async def take_cooldown(
        self, member_id: int, seconds: float, *, now: datetime | None = None
    ) -> CooldownTurn:
        """The question cooldown kept in the database: allow ``member_id`` to ask if
        their last allowed question is at least ``seconds`` old (and make ``now`` the
        last), else refuse without restarting the wait. Atomic: of two processes asking
        for one member at once, one is allowed. ``now`` keeps millisecond precision;
        processes sharing a database must share a clock (NTP) as well."""

    @abstractmethod
    async def claim_digest(self, guild_id: int, week: str, *, at: datetime | None = None) -> bool:
        """Take on posting ``week``'s digest (an ISO week, ``2026-W48``) in the guild.
        ``True`` for exactly one caller, whichever process it runs in; the others skip."""

    @abstractmethod
    async def release_digest(self, guild_id: int, week: str) -> None:
        """Give the claim back (posting failed), so a later round may try again."""

    # -- member data rights ---------------------------------------------------------------

    @abstractmethod
    async def export_member(self, member_id: int) -> dict[str, Any]:
        """Everything stored about the member, as JSON-serialisable data."""

    @abstractmethod
    async def forget_member(self, member_id: int) -> dict[str, int]:
        """Delete every row about the member in one transaction; rows deleted per table."""
