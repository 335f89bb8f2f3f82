"""The weekly server digest: a "skill of the week" card. Pure parts only.

Which skill: the learning path in order, one a week by ISO week number, so every
server (and every restart) agrees without storing anything. When: Monday 09:00 UTC.
Each digest carries its week in the footer ("Skill of the week · 2026-W48"), which is
also the key of the poster's claim in the database (one post per server and week,
whichever process sees it first).

Progress counts per server are left out: storage keeps progress per member across
servers, and the bot (no members intent) does not know who is in which server.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import discord

from bot import render
from knowledge import Corpus, SkillEntry

POST_AT = time(9, 0)
FOOTER_PREFIX = "Skill of the week · "


def week_key(at: datetime) -> str:
    year, week, _ = at.astimezone(UTC).isocalendar()
    return f"{year}-W{week:02d}"


def week_start(at: datetime) -> datetime:
    """This week's posting time (Monday 09:00 UTC), which may be in the future."""
    day = at.astimezone(UTC).date()
    monday = day - timedelta(days=day.weekday())
    return datetime.combine(monday, POST_AT, tzinfo=UTC)


def next_post_at(after: datetime) -> datetime:
    """The first posting time strictly after ``after``."""
    this_week = week_start(after)
    return this_week if this_week > after else this_week + timedelta(days=7)


def skill_of_the_week(corpus: Corpus, at: datetime) -> SkillEntry | None:
    path = corpus.learning_path()
    if not path:
        return None
    year, week, _ = at.astimezone(UTC).isocalendar()
    return path[(year * 53 + week) % len(path)]


def digest_embed(skill: SkillEntry, at: datetime) -> discord.Embed:
    embed = render.entry_embed(skill)
    embed.title = render.truncate(f"🌟 Skill of the week: {skill.name}", render.TITLE_MAX)
    embed.set_footer(text=FOOTER_PREFIX + week_key(at))
    return embed


def is_digest_of(message_footer: str | None, at: datetime) -> bool:
    return message_footer == FOOTER_PREFIX + week_key(at)
