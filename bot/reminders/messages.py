"""What a reminder says, and how a schedule is described back to the member. Pure.

The reminder message is personal and useful rather than a bare "ping": the member's
own note, the next checklist item to learn (the Discord layer adds "Mark done" and
"Show me" buttons for it), the streak and overall progress in one line. Nobody but the
owner is ever pinged: in a channel the owner is mentioned and ``allowed_mentions``
allows exactly that user; in a DM nothing is pinged at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import discord

from bot import render
from knowledge import Corpus
from storage import ProgressSummary, Reminder, Schedule, Streak

DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MESSAGE_MAX = 300
DEFAULT_MESSAGE = "Time to learn something!"


def timestamp(at: datetime, style: str = "F") -> str:
    """A Discord timestamp: every reader sees it in their own local time."""
    return f"<t:{int(at.timestamp())}:{style}>"


def describe_days(weekdays: frozenset[int]) -> str:
    days = sorted(weekdays)
    if days == list(range(7)):
        return "every day"
    if days == list(range(5)):
        return "weekdays"
    if days == [5, 6]:
        return "weekends"
    return ", ".join(DAY_ABBR[d] for d in days)


def describe(schedule: Schedule) -> str:
    """``every day at 09:00 (Europe/Berlin)``, ``Mon, Wed at 18:00 (UTC)``, ``once``."""
    if schedule.kind == "once":
        return "once"
    times = ", ".join(t.strftime("%H:%M") for t in schedule.times)
    return f"{describe_days(schedule.weekdays)} at {times} ({schedule.tz})"


def local_time(at: datetime, tz: str) -> str:
    """``Mon 23 Nov 2026, 09:00 CET`` in the member's zone."""
    return at.astimezone(ZoneInfo(tz)).strftime("%a %d %b %Y, %H:%M %Z")


def next_time_text(due: datetime | None, tz: str) -> str:
    if due is None:
        return "not scheduled"
    return f"{local_time(due, tz)} ({timestamp(due)}, {timestamp(due, 'R')})"


def where_text(reminder: Reminder) -> str:
    target = reminder.target
    return "by DM" if target.via == "dm" else f"in <#{target.channel_id}>"


def list_line(reminder: Reminder, tz: str) -> str:
    """One line of ``/remind list``."""
    state = "⏸️ paused" if not reminder.active else "⏰"
    what = describe(reminder.schedule)
    due = reminder.next_due_at
    when = f"next {local_time(due, tz)} ({timestamp(due, 'R')})" if due else "no next time"
    note = render.plain(reminder.message, 60)
    return f"`#{reminder.id}` {state} {what} · {when} · {where_text(reminder)} · {note}"


def choice_label(reminder: Reminder) -> str:
    """Autocomplete label: short enough for Discord's 100 characters."""
    paused = " (paused)" if not reminder.active else ""
    text = f"#{reminder.id} {describe(reminder.schedule)}{paused}: {reminder.message}"
    return render.truncate(" ".join(text.split()), 100)


@dataclass(frozen=True)
class ReminderMessage:
    content: str
    embed: discord.Embed
    allowed_mentions: discord.AllowedMentions
    #: The item and its skill for the "Mark done" / "Show me" buttons (None: all done).
    next_item_id: str | None
    next_skill_id: str | None


def owner_only(member_id: int) -> discord.AllowedMentions:
    """Pings the owner and nobody else: no roles, @everyone or replied users."""
    return discord.AllowedMentions(
        everyone=False, roles=False, replied_user=False, users=[discord.Object(id=member_id)]
    )


def build(
    reminder: Reminder,
    summary: ProgressSummary,
    streak: Streak,
    corpus: Corpus,
    *,
    late_since: datetime | None = None,
) -> ReminderMessage:
    """The message for one delivery of ``reminder``."""
    note = discord.utils.escape_mentions(render.plain(reminder.message, MESSAGE_MAX))
    note = note or DEFAULT_MESSAGE
    in_channel = reminder.target.via == "channel"
    content = f"<@{reminder.member_id}> ⏰ {note}" if in_channel else f"⏰ {note}"
    if late_since is not None:
        content += f"\n*(late: was due at {timestamp(late_since)}; I was offline)*"
    found = corpus.checklist_item(summary.next_item_id) if summary.next_item_id else None
    if found is not None:
        skill, item = found
        next_line = f"**Next up:** {item.title} · *{skill.name}*"
    else:
        next_line = "**Next up:** nothing left on the path. You've done it all! 🎉"
    days = "day" if streak.current == 1 else "days"
    progress = (
        f"🔥 {streak.current} {days} streak · "
        f"`{render.progress_bar(summary.done, summary.total)}` "
        f"{summary.done}/{summary.total} items ({render.percent(summary.percent)})"
    )
    embed = discord.Embed(
        title="Your learning reminder",
        description=render.truncate(f"{next_line}\n{progress}", render.DESCRIPTION_MAX),
        colour=render.COLOUR,
    )
    embed.set_footer(text=f"Reminder #{reminder.id} · {describe(reminder.schedule)}")
    return ReminderMessage(
        content=render.truncate(content, render.CONTENT_MAX),
        embed=embed,
        allowed_mentions=owner_only(reminder.member_id)
        if in_channel
        else discord.AllowedMentions.none(),
        next_item_id=found[1].id if found else None,
        next_skill_id=found[0].id if found else None,
    )


def paused_notice(reminder: Reminder, reason: str) -> str:
    """What the member is told later about a reminder the bot had to pause."""
    why = {
        "blocked-dm": "I couldn't send it to you by DM (your DMs with me are closed, or we "
        "no longer share a server)",
        "channel-gone": "the channel it was posted in is gone or I may no longer post there",
    }.get(reason, "I couldn't deliver it")
    return (
        f"⏸️ I paused your reminder #{reminder.id} ({describe(reminder.schedule)}): {why}. "
        f"Fix that and use `/remind resume`, or `/remind set` it somewhere else."
    )
