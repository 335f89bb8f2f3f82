"""What moderators see of the question log beyond one number: weeks and entries.

Counts only, never question text, so these reports need no privacy rule of their own:
private and DM questions count like public ones (their rows keep no text, but they do
keep whether the bot answered and with which entry). The window and guild scoping are
those of ``question_stats``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from storage.models import EntryStats, WeekStats
from storage.sqlite.question_log import WINDOW_ALL, WINDOW_GUILD, QuestionLogMixin

#: Unix time 0 was a Thursday: shifted by three days, whole weeks start on Mondays.
_WEEK = "((q.asked_at + 259200) / 604800)"
_EPOCH_MONDAY = date(1969, 12, 29)


def week_monday(week: int) -> date:
    """The Monday of week number ``week`` as ``_WEEK`` counts them."""
    return _EPOCH_MONDAY + timedelta(weeks=week)


class QuestionReportMixin(QuestionLogMixin):
    """Per-week and per-entry counts for ``/kb stats`` and ``careerbot kb stats``."""

    async def question_weeks(
        self, since: datetime, until: datetime, *, guild_id: int | None = None
    ) -> list[WeekStats]:
        params = self._window(since, until, guild_id)
        where = WINDOW_ALL if guild_id is None else WINDOW_GUILD
        found = await self._query(
            f"SELECT {_WEEK} AS week, COUNT(*) AS asked, "
            "SUM(CASE WHEN q.matched_id IS NOT NULL THEN 1 ELSE 0 END) AS answered "
            f"FROM question_log q WHERE {where} GROUP BY {_WEEK} ORDER BY {_WEEK}",
            params,
        )
        return [
            WeekStats(week_monday(int(row["week"])), int(row["asked"]), int(row["answered"]))
            for row in found
        ]

    async def entry_stats(
        self, since: datetime, until: datetime, *, guild_id: int | None = None
    ) -> list[EntryStats]:
        params = self._window(since, until, guild_id)
        where = WINDOW_ALL if guild_id is None else WINDOW_GUILD
        async with self._read() as conn:
            served = await self._fetch(
                conn,
                "SELECT q.matched_id AS entry_id, COUNT(*) AS asked FROM question_log q "
                f"WHERE {where} AND q.matched_id IS NOT NULL GROUP BY q.matched_id",
                params,
            )
            votes = await self._fetch(
                conn,
                "SELECT q.matched_id AS entry_id, "
                "SUM(CASE WHEN f.helpful THEN 1 ELSE 0 END) AS helpful, "
                "SUM(CASE WHEN f.helpful THEN 0 ELSE 1 END) AS not_helpful "
                "FROM question_feedback f JOIN question_log q ON q.id = f.question_id "
                f"WHERE {where} AND q.matched_id IS NOT NULL GROUP BY q.matched_id",
                params,
            )
        voted: dict[str, Any] = {row["entry_id"]: row for row in votes}
        entries = []
        for row in served:
            vote = voted.get(row["entry_id"])
            entries.append(
                EntryStats(
                    entry_id=row["entry_id"],
                    asked=int(row["asked"]),
                    helpful=int(vote["helpful"]) if vote else 0,
                    not_helpful=int(vote["not_helpful"]) if vote else 0,
                )
            )
        entries.sort(key=lambda e: (-e.asked, e.entry_id))
        return entries
