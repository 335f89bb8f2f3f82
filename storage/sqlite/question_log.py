"""The question log, answer feedback, gaps and stats."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from storage import questions, rows
from storage import validate as check
from storage.errors import InvalidInputError, NotFoundError
from storage.models import Feedback, GapRow, LoggedQuestion, QuestionStats, Visibility
from storage.rows import QUESTION_COLUMNS
from storage.sqlite.base import SqliteBase

_NOT_HELPFUL = (
    "EXISTS (SELECT 1 FROM question_feedback f WHERE f.question_id = q.id AND f.helpful = FALSE)"
)
_GAPS_TEMPLATE = (
    "SELECT q.question_key AS key, MIN(q.question_text) AS example, COUNT(*) AS asked, "
    "SUM(CASE WHEN q.matched_id IS NULL THEN 1 ELSE 0 END) AS unanswered, "
    f"SUM(CASE WHEN {_NOT_HELPFUL} THEN 1 ELSE 0 END) AS not_helpful, "
    "MAX(q.asked_at) AS last_asked_at "
    "FROM question_log q WHERE {where} AND q.question_key IS NOT NULL "
    f"AND (q.matched_id IS NULL OR {_NOT_HELPFUL}) "
    "GROUP BY q.question_key ORDER BY COUNT(*) DESC, MAX(q.asked_at) DESC, q.question_key "
    "LIMIT ?"
)
WINDOW_ALL = "q.asked_at >= ? AND q.asked_at < ?"
WINDOW_GUILD = "q.guild_id = ? AND q.asked_at >= ? AND q.asked_at < ?"
#: A guild's questions, and the DM questions of members who have asked in that guild
#: (a DM has no guild; asking there is the one sign of membership storage has).
WINDOW_GUILD_AND_DMS = (
    "(q.guild_id = ? OR (q.guild_id IS NULL AND q.member_id IN "
    "(SELECT m.member_id FROM question_log m WHERE m.guild_id = ?))) "
    "AND q.asked_at >= ? AND q.asked_at < ?"
)
#: Top unanswered / not-helpful questions in a window (everywhere; per guild). Only
#: rows that kept their text have a key: public ones, and opted-in private and DM ones.
GAPS_SQL = _GAPS_TEMPLATE.format(where=WINDOW_ALL)
GAPS_GUILD_SQL = _GAPS_TEMPLATE.format(where=WINDOW_GUILD_AND_DMS)


class QuestionLogMixin(SqliteBase):
    """The question log (privacy rule: ``storage.questions``), votes, gaps, stats."""

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
        check.snowflake(member_id, "member id")
        if question_id is not None:
            check.positive_int(question_id, "question id")
        check.text(text, "question", check.MAX_QUESTION_LEN)
        check.optional_snowflake(guild_id, "guild id")
        questions.check_where(visibility, guild_id)
        check.optional_text(matched_id, "matched id", check.MAX_ID_LEN)
        check.optional_text(match_kind, "match kind", 32)
        score = None if confidence is None else check.fraction(confidence, "confidence")
        asked = datetime.now(UTC) if at is None else check.aware(at, "time")
        now = check.now_or(at)
        async with self._write() as conn:
            self._check_not_forgotten(member_id, asked)
            member = await self._ensure_member(conn, member_id, now)
            keep = questions.keeps_text(visibility, member.prefs.store_question_text)
            found = await self._fetch(
                conn,
                "INSERT INTO question_log (id, member_id, guild_id, visibility, question_text, "
                "question_key, matched_id, match_kind, confidence, asked_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING "
                f"RETURNING {QUESTION_COLUMNS}",
                (
                    question_id,
                    member_id,
                    guild_id,
                    visibility,
                    text if keep else None,
                    questions.group_key(text) if keep else None,
                    matched_id,
                    match_kind,
                    score,
                    check.to_db(now),
                ),
            )
            if not found:
                raise InvalidInputError(f"question #{question_id} is logged already")
            return rows.question(found[0])

    async def record_feedback(
        self, question_id: int, member_id: int, helpful: bool, *, at: datetime | None = None
    ) -> Feedback:
        check.positive_int(question_id, "question id")
        check.snowflake(member_id, "member id")
        if not isinstance(helpful, bool):
            raise InvalidInputError("helpful must be True or False")
        voted = datetime.now(UTC) if at is None else check.aware(at, "time")
        now = check.now_or(at)
        async with self._write() as conn:
            self._check_not_forgotten(member_id, voted)
            exists = await self._fetch(
                conn, "SELECT 1 FROM question_log WHERE id = ?", (question_id,)
            )
            if not exists:
                raise NotFoundError(f"no logged question #{question_id}")
            await self._ensure_member(conn, member_id, now)
            await conn.execute(
                "INSERT INTO question_feedback (question_id, member_id, helpful, voted_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (question_id, member_id) DO UPDATE SET "
                "helpful = excluded.helpful, voted_at = excluded.voted_at",
                (question_id, member_id, helpful, check.to_db(now)),
            )
        return Feedback(question_id, member_id, helpful, now)

    @staticmethod
    def _window(since: datetime, until: datetime, guild_id: int | None) -> tuple[Any, ...]:
        start, end = check.to_db(since, "since"), check.to_db(until, "until")
        if end < start:
            raise InvalidInputError("the window ends before it starts")
        if guild_id is None:
            return (start, end)
        return (check.snowflake(guild_id, "guild id"), start, end)

    async def question_gaps(
        self,
        since: datetime,
        until: datetime,
        *,
        guild_id: int | None = None,
        limit: int = 20,
    ) -> list[GapRow]:
        check.positive_int(limit, "limit", 1_000)
        params = self._window(since, until, guild_id)
        sql = GAPS_SQL
        if guild_id is not None:
            sql, params = GAPS_GUILD_SQL, (params[0], *params)
        found = await self._query(sql, (*params, limit))
        return [
            GapRow(
                key=row["key"],
                example=row["example"],
                asked=row["asked"],
                unanswered=row["unanswered"],
                not_helpful=row["not_helpful"],
                last_asked_at=check.from_db(row["last_asked_at"]),
            )
            for row in found
        ]

    async def question_stats(
        self, since: datetime, until: datetime, *, guild_id: int | None = None
    ) -> QuestionStats:
        params = self._window(since, until, guild_id)
        where = WINDOW_ALL if guild_id is None else WINDOW_GUILD
        async with self._read() as conn:
            asked_rows = await self._fetch(
                conn,
                "SELECT COUNT(*) AS asked, "
                "SUM(CASE WHEN q.matched_id IS NOT NULL THEN 1 ELSE 0 END) AS answered "
                f"FROM question_log q WHERE {where}",
                params,
            )
            vote_rows = await self._fetch(
                conn,
                "SELECT COUNT(*) AS votes, SUM(CASE WHEN f.helpful THEN 1 ELSE 0 END) AS helpful "
                f"FROM question_feedback f JOIN question_log q ON q.id = f.question_id "
                f"WHERE {where}",
                params,
            )
        asked, answered = asked_rows[0]["asked"], asked_rows[0]["answered"] or 0
        votes, helpful = vote_rows[0]["votes"], vote_rows[0]["helpful"] or 0
        return QuestionStats(
            since=check.from_db(check.to_db(since)),
            until=check.from_db(check.to_db(until)),
            asked=asked,
            answered=answered,
            answer_rate=answered / asked if asked else 0.0,
            votes=votes,
            helpful=helpful,
            helpful_rate=helpful / votes if votes else 0.0,
        )
