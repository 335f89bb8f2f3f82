"""What moderators see of how the bot does: ``/kb stats`` and ``careerbot kb stats``.

One assembler for both doors, so the embed and the spreadsheet never disagree: the
totals, answer and abstention rates per week (every week of the window, empty ones
too, so a trend has no holes), the entries members are answered with most, the
entries voted "not helpful" most, the top open gaps, and how many questions were
handed to the community ("Ask the community") and answered there.

Counts come from storage and carry no question text; the gaps are the one part with
text, and storage keeps only what its privacy rule allows (public questions, and
private or DM ones of members who opted in), so nothing here can show more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from storage import EntryStats, GapRow, QuestionStats, Storage, WeekStats

#: How many entries and gaps each list keeps.
DEFAULT_TOP = 10
#: The schema version that added ``community_threads`` (migration 0006).
COMMUNITY_SCHEMA = 6


@dataclass(frozen=True)
class KbStats:
    since: datetime
    until: datetime
    #: The guild the figures are about; ``None``: every guild and DMs.
    guild_id: int | None
    totals: QuestionStats
    #: Every week (Monday 00:00 UTC) the window touches, oldest first. The first and
    #: the last may be partial: the window is counted in days.
    weeks: Sequence[WeekStats]
    #: The entries answered with most often, most first.
    most_asked: Sequence[EntryStats]
    #: Entries with at least one "not helpful" vote, most votes first.
    most_unhelpful: Sequence[EntryStats]
    gaps: Sequence[GapRow]
    #: (questions handed to the community, of which answered there), or ``None`` when
    #: the database predates community threads (an older bot's, read as it is).
    community: tuple[int, int] | None = None

    @property
    def abstention_rate(self) -> float:
        """Share of questions the bot did not answer (0.0 when none were asked)."""
        asked = self.totals.asked
        return (asked - self.totals.answered) / asked if asked else 0.0


def stats_window(days: int, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The last ``days`` days, up to and including the current second (storage windows
    are half-open and whole-second, so ``until=now`` would miss this second's questions)."""
    if days < 1:
        raise ValueError("days must be at least 1")
    moment = datetime.now(UTC) if now is None else now.astimezone(UTC)
    until = moment.replace(microsecond=0) + timedelta(seconds=1)
    return until - timedelta(days=days), until


def monday_of(at: datetime) -> date:
    day = at.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


def every_week(found: Sequence[WeekStats], since: datetime, until: datetime) -> list[WeekStats]:
    """``found`` with the weeks that had no question put in, from the week of ``since``
    to the week of the window's last second."""
    known = {week.week_start: week for week in found}
    first, last = monday_of(since), monday_of(until - timedelta(seconds=1))
    weeks = []
    monday = first
    while monday <= last:
        weeks.append(known.get(monday, WeekStats(monday, 0, 0)))
        monday += timedelta(weeks=1)
    return weeks


async def kb_stats(
    db: Storage,
    *,
    days: int,
    guild_id: int | None,
    now: datetime | None = None,
    top: int = DEFAULT_TOP,
) -> KbStats:
    """Everything ``/kb stats`` shows, for the last ``days`` days (of a guild, or of
    every guild and DMs)."""
    since, until = stats_window(days, now)
    totals = await db.question_stats(since, until, guild_id=guild_id)
    weeks = await db.question_weeks(since, until, guild_id=guild_id)
    entries = await db.entry_stats(since, until, guild_id=guild_id)
    gaps = await db.question_gaps(since, until, guild_id=guild_id, limit=top)
    community = None
    if await db.schema_version() >= COMMUNITY_SCHEMA:
        community = await db.community_thread_counts(since, until, guild_id=guild_id)
    unhelpful = sorted(
        (entry for entry in entries if entry.not_helpful),
        key=lambda entry: (-entry.not_helpful, -entry.asked, entry.entry_id),
    )
    return KbStats(
        since=since,
        until=until,
        guild_id=guild_id,
        totals=totals,
        weeks=every_week(weeks, since, until),
        most_asked=entries[:top],
        most_unhelpful=unhelpful[:top],
        gaps=gaps,
        community=community,
    )


def community_line(report: KbStats) -> str:
    """The hand-over figure in words, the same for every door."""
    if report.community is None:
        return "not recorded (this database predates community threads)"
    opened, answered = report.community
    return f"{opened} question(s) handed over, {answered} answered there"
