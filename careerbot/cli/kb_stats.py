"""``careerbot kb stats`` (and ``kb gaps``): what ``/kb stats`` and ``/kb gaps`` show,
read offline, as text or as CSV.

The database, a SQLite file or a PostgreSQL URL, is opened read only (no migration,
nothing written), so running it against the live database of a bot, even an older
one, changes nothing under it.

The CSV is one table, one row per figure, a ``section`` column saying which list the
row belongs to (``total``, ``week``, ``entry``, ``unhelpful``, ``gap``), so it sorts and
filters in a spreadsheet as it comes. Member text (a gap's question) that a
spreadsheet would run as a formula is written with a leading ``'``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime

from careerbot.core.kb_stats import KbStats, community_line, kb_stats, stats_window
from storage import GapRow, StorageError, open_readonly

CSV_COLUMNS = (
    "section",
    "week_start",
    "entry_id",
    "question",
    "asked",
    "answered",
    "abstained",
    "answer_rate",
    "abstention_rate",
    "helpful_votes",
    "unhelpful_votes",
    "unanswered",
    "last_asked",
    "handed_to_community",
    "answered_by_community",
)
#: What makes a spreadsheet read a cell as a formula (OWASP's CSV injection list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


async def read_stats(
    location: str, *, days: int, guild_id: int | None, now: datetime | None = None
) -> KbStats:
    """The report, from the database at ``location`` opened read only."""
    store = await open_readonly(location)
    try:
        return await kb_stats(store, days=days, guild_id=guild_id, now=now)
    finally:
        await store.close()


async def read_gaps(location: str, *, days: int, limit: int) -> list[GapRow]:
    """What ``/kb gaps`` lists, for every server, from the database opened read only."""
    since, until = stats_window(days)
    store = await open_readonly(location)
    try:
        return await store.question_gaps(since, until, limit=limit)
    finally:
        await store.close()


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def _rate(value: float) -> str:
    return f"{value:.4f}"


def _rows(report: KbStats) -> Iterator[dict[str, object]]:
    totals = report.totals
    yield {
        "section": "total",
        "asked": totals.asked,
        "answered": totals.answered,
        "abstained": totals.asked - totals.answered,
        "answer_rate": _rate(totals.answer_rate),
        "abstention_rate": _rate(report.abstention_rate),
        "helpful_votes": totals.helpful,
        "unhelpful_votes": totals.votes - totals.helpful,
        **(
            {}
            if report.community is None
            else {
                "handed_to_community": report.community[0],
                "answered_by_community": report.community[1],
            }
        ),
    }
    for week in report.weeks:
        yield {
            "section": "week",
            "week_start": week.week_start.isoformat(),
            "asked": week.asked,
            "answered": week.answered,
            "abstained": week.abstained,
            "answer_rate": _rate(week.answer_rate),
            "abstention_rate": _rate(week.abstention_rate),
        }
    for section, entries in (("entry", report.most_asked), ("unhelpful", report.most_unhelpful)):
        for entry in entries:
            yield {
                "section": section,
                "entry_id": _cell(entry.entry_id),
                "asked": entry.asked,
                "helpful_votes": entry.helpful,
                "unhelpful_votes": entry.not_helpful,
            }
    for gap in report.gaps:
        yield {
            "section": "gap",
            "question": _cell(gap.example),
            "asked": gap.asked,
            "unanswered": gap.unanswered,
            "unhelpful_votes": gap.not_helpful,
            "last_asked": gap.last_asked_at.isoformat(),
        }


def stats_csv(report: KbStats) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(_rows(report))
    return buffer.getvalue()


def stats_text(report: KbStats, days: int) -> str:
    totals = report.totals
    where = "every server and DMs" if report.guild_id is None else f"server {report.guild_id}"
    lines = [
        f"careerbot, the last {days} day(s), {where}:",
        f"  {totals.asked} asked, {totals.answered} answered "
        f"(answer rate {totals.answer_rate:.0%}, abstention rate {report.abstention_rate:.0%}); "
        f"{totals.votes} votes, helpful rate {totals.helpful_rate:.0%}",
        "",
        "Per week (from Monday, UTC):",
    ]
    for week in report.weeks:
        lines.append(
            f"  {week.week_start}  {week.asked:>5} asked  {week.answer_rate:>4.0%} answered  "
            f"{week.abstention_rate:>4.0%} abstained"
        )
    lines += ["", "Most asked entries:"]
    lines += [f"  {e.asked:>5}x  {e.entry_id}" for e in report.most_asked] or ["  none"]
    lines += ["", "Voted not helpful:"]
    lines += [
        f"  {e.not_helpful:>5}x  {e.entry_id} (of {e.asked} answers)" for e in report.most_unhelpful
    ] or ["  none"]
    lines += ["", "Open gaps (most asked questions without a helpful answer):"]
    lines += [f"  {g.asked:>5}x  {g.example}" for g in report.gaps] or ["  none"]
    lines += ["", f"Asked the community: {community_line(report)}"]
    return "\n".join(lines) + "\n"


__all__ = ["CSV_COLUMNS", "StorageError", "read_stats", "stats_csv", "stats_text"]
