"""``/remind`` commands, the Discord sender the scheduler delivers through, and the
notices for members whose reminders had to be paused.

The scheduler (:mod:`careerbot.core.reminders.scheduler`) knows nothing about Discord: this cog
gives it :meth:`Reminders.send`, which turns one due reminder into a message and maps
Discord's answer to an :class:`DeliveryOutcome`. Every command that changes reminders calls
``scheduler.wake()`` so a sooner reminder is not slept past.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import time
from typing import Literal

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.client import CareerBot
from bot.exts.reminders._components import reminder_view
from bot.exts.reminders._digest import DigestPoster
from bot.modlog import channel_gone_text
from bot.reminders import messages
from bot.replies import NO_MENTIONS, Reply, respond
from careerbot.core.reminders import quiet as quiet_hours
from careerbot.core.reminders.parse import ParseError, parse_time, parse_when
from careerbot.core.reminders.scheduler import Delivery, DeliveryOutcome, ReminderScheduler
from careerbot.runtime.time import utc_now
from storage import (
    InvalidInputError,
    LimitExceededError,
    MemberPrefs,
    NotFoundError,
    Reminder,
    ReminderTarget,
    StorageError,
)

log = logging.getLogger(__name__)

MAX_CHOICES = 25
#: Discord error codes that mean "this member cannot get a DM from the bot".
DM_CLOSED_CODES = frozenset({50007, 10013})
#: ... and "this channel is gone, or the bot may no longer post there".
CHANNEL_GONE_CODES = frozenset({10003, 50001, 50013})
#: How long the notice listener waits for the command's own answer to go out first.
NOTICE_WAIT_SECONDS = 3.0


class Reminders(commands.Cog):
    """Reminders that keep members learning."""

    remind = app_commands.Group(name="remind", description="Reminders to keep learning")

    def __init__(self, bot: CareerBot) -> None:
        self.bot = bot
        lease = bot.settings.reminder_lease_seconds
        self.scheduler = ReminderScheduler(
            bot.db,
            self.send,
            on_paused=self.paused,
            lease_seconds=lease,
            send_timeout=min(60.0, lease / 2),  # well inside the lease
        )
        self.digest = DigestPoster(bot)
        #: Channel reminders paused because their channel went away, newest last, per
        #: guild (for the log and moderators); bounded.
        self.gone_channels: dict[int, list[int]] = {}
        self._notice_tasks: set[asyncio.Task[None]] = set()

    # -- lifecycle ------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Start delivering once connected (not on ``careerbot sync``, which only logs
        in over HTTP). ``on_ready`` fires again after reconnects; start is idempotent."""
        self.scheduler.start()
        self.digest.start()

    async def cog_unload(self) -> None:
        await self.scheduler.stop()
        await self.digest.stop()
        for task in list(self._notice_tasks):
            task.cancel()

    # -- delivery (called by the scheduler) --------------------------------------------

    async def send(self, delivery: Delivery) -> DeliveryOutcome:
        """Post one reminder; map Discord's answer to what the scheduler should do."""
        reminder = delivery.reminder
        target = reminder.target
        try:
            message = await self._build(delivery)
            view = reminder_view(reminder.id, message.next_item_id, message.next_skill_id)
            if target.via == "dm":
                channel: discord.abc.Messageable = await self.bot.create_dm(
                    discord.Object(id=reminder.member_id)
                )
            else:
                channel = self.bot.get_partial_messageable(
                    target.channel_id or 0, guild_id=target.guild_id
                )
            kwargs = {
                "embed": message.embed,
                "allowed_mentions": message.allowed_mentions,
                # The occurrence's nonce (enforced): Discord answers a resend of it,
                # after a crash before mark_sent, with the message already posted.
                "nonce": delivery.nonce,
            }
            if view is not None:
                kwargs["view"] = view
            await channel.send(message.content, **kwargs)  # type: ignore[arg-type]
        except (discord.Forbidden, discord.NotFound) as exc:
            return self._refused(reminder, exc)
        except discord.HTTPException as exc:
            log.warning("reminder %s: Discord answered %s (%s); retrying later",
                        reminder.id, exc.status, exc.code)  # fmt: skip
            return DeliveryOutcome.RETRY
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            log.warning("reminder %s: could not reach Discord (%s); retrying later",
                        reminder.id, exc)  # fmt: skip
            return DeliveryOutcome.RETRY
        return DeliveryOutcome.DELIVERED

    def _refused(self, reminder: Reminder, exc: discord.HTTPException) -> DeliveryOutcome:
        if reminder.target.via == "dm":
            if exc.code in DM_CLOSED_CODES or exc.code == 10003:
                return DeliveryOutcome.BLOCKED_DM
        elif exc.code in CHANNEL_GONE_CODES:
            return DeliveryOutcome.CHANNEL_GONE
        log.warning("reminder %s: refused by Discord (%s %s); retrying later",
                    reminder.id, exc.status, exc.code)  # fmt: skip
        return DeliveryOutcome.RETRY

    async def _build(self, delivery: Delivery) -> messages.ReminderMessage:
        reminder = delivery.reminder
        corpus = self.bot.kb.corpus
        summary = await self.bot.db.summary(reminder.member_id, corpus.learning_path_items())
        streak = await self.bot.db.get_streak(reminder.member_id)
        return messages.build(reminder, summary, streak, corpus, late_since=delivery.late_since)

    async def paused(self, reminder: Reminder, outcome: DeliveryOutcome) -> None:
        """The scheduler paused ``reminder``: leave the member a notice, and for a gone
        channel tell the moderators through the log (and remember it per guild)."""
        if outcome is DeliveryOutcome.CHANNEL_GONE:
            guild_id = reminder.target.guild_id or 0
            gone = self.gone_channels.setdefault(guild_id, [])
            gone.append(reminder.target.channel_id or 0)
            del gone[:-50]
            log.warning(
                "guild %s: channel %s is gone or closed to the bot; paused reminder %s "
                "of member %s (moderators: set a new /config reminder-channel)",
                guild_id, reminder.target.channel_id, reminder.id, reminder.member_id,
            )  # fmt: skip
            channel_id = reminder.target.channel_id or 0
            await self.bot.moderator_log.tell(
                guild_id, channel_gone_text(channel_id), key=f"channel-gone:{channel_id}"
            )
        await self.bot.db.add_notice(
            reminder.member_id, messages.paused_notice(reminder, outcome.value)
        )

    # -- notices on the member's next use --------------------------------------------------

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """If notices wait for this member, add them privately after the bot's answer."""
        if interaction.type not in (
            discord.InteractionType.application_command,
            discord.InteractionType.component,
        ):
            return
        try:
            if not await self.bot.db.has_notices(interaction.user.id):
                return
        except StorageError as exc:  # best effort: the command itself goes on regardless
            log.warning("could not check notices for %s: %s", interaction.user.id, exc)
            return
        task = asyncio.create_task(self._tell(interaction))
        self._notice_tasks.add(task)
        task.add_done_callback(self._notice_tasks.discard)

    async def _tell(self, interaction: discord.Interaction) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + NOTICE_WAIT_SECONDS
        while not interaction.response.is_done() and loop.time() < deadline:
            await asyncio.sleep(0.05)
        deferred = (
            discord.InteractionResponseType.deferred_channel_message,
            discord.InteractionResponseType.deferred_message_update,
        )
        if not interaction.response.is_done() or interaction.response.type in deferred:
            return  # the bot's answer comes as a followup: keep the notice for next time
        try:
            notices = await self.bot.db.take_notices(interaction.user.id)
            if notices:
                text = render.truncate("\n".join(notices), render.CONTENT_MAX)
                await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        except (StorageError, discord.HTTPException) as exc:
            log.warning("could not tell %s their notices: %s", interaction.user.id, exc)

    async def _zone_and_prefs(self, member_id: int) -> tuple[str, MemberPrefs]:
        """A member's time zone and preferences, or the defaults for a member the bot
        has not stored yet (every /remind command reads them)."""
        member = await self.bot.db.get_member(member_id)
        return (member.tz, member.prefs) if member else ("UTC", MemberPrefs())

    # -- commands -------------------------------------------------------------------

    @remind.command(name="set", description="Remind me to learn: repeating, or once")
    @app_commands.describe(
        when="e.g. 9am · every weekday 8am · in 2 hours · tomorrow 18:00 · 2026-12-01 09:00",
        days="For repeating reminders: mon,wed,fri · weekdays · weekends · daily (default)",
        where="By DM (default) or in this server's reminder channel",
        message="What to remind you of (optional)",
    )
    async def set_(
        self,
        interaction: discord.Interaction,
        when: app_commands.Range[str, 1, 100],
        days: app_commands.Range[str, 1, 100] | None = None,
        where: Literal["dm", "channel"] = "dm",
        message: app_commands.Range[str, 1, 300] | None = None,
    ) -> None:
        member_id = interaction.user.id
        guild_id = interaction.guild_id

        async def work() -> Reply:
            tz, prefs = await self._zone_and_prefs(member_id)
            target = ReminderTarget()
            if where == "channel":
                if guild_id is None:
                    return Reply("In DMs I can only remind you by DM: leave `where` as `dm`.")
                settings = await self.bot.db.get_guild_settings(guild_id)
                if settings.reminder_channel_id is None:
                    return Reply(
                        "This server has no reminder channel yet: a moderator can set one "
                        "with `/config reminder-channel`. Or leave `where` as `dm`."
                    )
                target = ReminderTarget("channel", guild_id, settings.reminder_channel_id)
            try:
                schedule = parse_when(when, days, tz=tz, now=utc_now().replace(microsecond=0))
                reminder = await self.bot.db.create_reminder(
                    member_id,
                    schedule,
                    message=message or messages.DEFAULT_MESSAGE,
                    target=target,
                )
            except ParseError as exc:
                return Reply(str(exc))
            except (LimitExceededError, InvalidInputError) as exc:
                return Reply(f"I can't set that reminder: {render.plain(str(exc), 300)}.")
            self.scheduler.wake()
            return Reply(set_text(reminder, tz, prefs))

        await respond(interaction, work(), ephemeral=True)

    @remind.command(name="list", description="Your reminders")
    async def list_(self, interaction: discord.Interaction) -> None:
        member_id = interaction.user.id

        async def work() -> Reply:
            tz, prefs = await self._zone_and_prefs(member_id)
            reminders = await self.bot.db.list_reminders(member_id)
            if not reminders:
                return Reply("You have no reminders. Set one with `/remind set`, e.g. `9am`.")
            lines = [messages.list_line(r, tz) for r in reminders]
            if prefs.quiet_start is not None and prefs.quiet_end is not None:
                window = quiet_hours.describe(prefs.quiet_start, prefs.quiet_end, tz)
                lines.insert(0, f"🌙 Quiet hours {window}: reminders due then wait until they end.")
            return Reply(render.truncate("\n".join(lines), render.CONTENT_MAX))

        await respond(interaction, work(), ephemeral=True)

    @remind.command(name="pause", description="Pause one of your reminders")
    @app_commands.describe(reminder="Which reminder (start typing)")
    async def pause(self, interaction: discord.Interaction, reminder: int) -> None:
        await self._change(interaction, reminder, "pause")

    @remind.command(name="resume", description="Resume a paused reminder")
    @app_commands.describe(reminder="Which reminder (start typing)")
    async def resume(self, interaction: discord.Interaction, reminder: int) -> None:
        await self._change(interaction, reminder, "resume")

    @remind.command(name="delete", description="Delete one of your reminders")
    @app_commands.describe(reminder="Which reminder (start typing)")
    async def delete(self, interaction: discord.Interaction, reminder: int) -> None:
        await self._change(interaction, reminder, "delete")

    async def _change(
        self,
        interaction: discord.Interaction,
        reminder_id: int,
        action: Literal["pause", "resume", "delete"],
    ) -> None:
        member_id = interaction.user.id

        async def work() -> Reply:
            db = self.bot.db
            tz, _ = await self._zone_and_prefs(member_id)
            try:
                if reminder_id < 1:
                    raise NotFoundError(f"you have no reminder #{reminder_id}")
                if action == "delete":
                    await db.delete_reminder(reminder_id, member_id=member_id)
                    text = f"🗑️ Deleted reminder #{reminder_id}."
                elif action == "pause":
                    await db.pause_reminder(reminder_id, member_id=member_id)
                    text = f"⏸️ Paused reminder #{reminder_id}. `/remind resume` brings it back."
                else:
                    done = await db.resume_reminder(reminder_id, member_id=member_id)
                    text = (
                        f"▶️ Resumed reminder #{done.id}. Next: "
                        f"{messages.next_time_text(done.next_due_at, tz)}"
                    )
            except (NotFoundError, LimitExceededError, InvalidInputError) as exc:
                return Reply(f"{render.plain(str(exc), 300).capitalize()}. See `/remind list`.")
            self.scheduler.wake()
            return Reply(text)

        await respond(interaction, work(), ephemeral=True)

    @remind.command(name="quiet", description="Hours when reminders wait, e.g. 22:00 to 07:00")
    @app_commands.describe(
        start="When quiet hours begin, e.g. 22:00 or 10pm",
        end="When they end, e.g. 07:00 or 7am",
        off="Turn quiet hours off",
    )
    async def quiet(
        self,
        interaction: discord.Interaction,
        start: app_commands.Range[str, 1, 20] | None = None,
        end: app_commands.Range[str, 1, 20] | None = None,
        off: bool = False,
    ) -> None:
        member_id = interaction.user.id

        async def work() -> Reply:
            db = self.bot.db
            tz, prefs = await self._zone_and_prefs(member_id)
            if off:
                await db.set_preferences(
                    member_id, replace(prefs, quiet_start=None, quiet_end=None)
                )
                return Reply("🔔 Quiet hours are off: reminders go out at their own times.")
            if start is None and end is None:
                return Reply(quiet_text(prefs.quiet_start, prefs.quiet_end, tz))
            if start is None or end is None:
                return Reply("Quiet hours need both a `start` and an `end`, e.g. 22:00 and 07:00.")
            try:
                begins, ends = parse_time(start), parse_time(end)
            except ParseError as exc:
                return Reply(str(exc))
            if not quiet_hours.is_window(begins, ends):
                return Reply("Start and end are the same time: pick a window, e.g. 22:00 to 07:00.")
            await db.set_preferences(member_id, replace(prefs, quiet_start=begins, quiet_end=ends))
            return Reply(quiet_text(begins, ends, tz, changed=True))

        await respond(interaction, work(), ephemeral=True)

    @pause.autocomplete("reminder")
    @resume.autocomplete("reminder")
    @delete.autocomplete("reminder")
    async def reminder_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        """The member's own reminders; typing filters by number or text."""
        reminders = await self.bot.db.list_reminders(interaction.user.id)
        wanted = str(current).strip().lstrip("#").casefold()
        command = interaction.command.name if interaction.command else ""
        if command == "pause":
            reminders = [r for r in reminders if r.active]
        elif command == "resume":
            reminders = [r for r in reminders if not r.active]
        choices = [
            app_commands.Choice(name=messages.choice_label(r), value=r.id)
            for r in reminders
            if not wanted or wanted in messages.choice_label(r).casefold()
        ]
        return choices[:MAX_CHOICES]


def quiet_text(start: time | None, end: time | None, tz: str, *, changed: bool = False) -> str:
    """What the member's quiet hours are and what they do (or how to set them)."""
    if start is None or end is None:
        return (
            "You have no quiet hours. Set them with `/remind quiet start:22:00 end:07:00`: "
            "reminders due then wait until they end."
        )
    lines = [
        f"🌙 Quiet hours{' set' if changed else ''}: {quiet_hours.describe(start, end, tz)}. "
        f"Reminders due then wait until {end.strftime('%H:%M')} and arrive once.",
    ]
    if tz == "UTC":
        lines.append("Times are in UTC: set your own zone with `/timezone` and they follow it.")
    lines.append("`/remind quiet off:True` turns them off.")
    return "\n".join(lines)


def set_text(reminder: Reminder, tz: str, prefs: MemberPrefs | None = None) -> str:
    """The confirmation: what was set, where, and the next time in the member's zone and
    as a Discord timestamp (and when it will really arrive, if that is in quiet hours)."""
    what = messages.describe(reminder.schedule)
    kind = "Reminder" if reminder.schedule.kind != "once" else "One-off reminder"
    lines = [
        f"⏰ {kind} #{reminder.id} set: {what}, {messages.where_text(reminder)}.",
        f"Next: {messages.next_time_text(reminder.next_due_at, tz)}",
    ]
    if prefs is not None and reminder.next_due_at is not None:
        held = quiet_hours.quiet_until(reminder.next_due_at, tz, prefs.quiet_start, prefs.quiet_end)
        if held is not None:
            lines.append(
                f"🌙 That is in your quiet hours, so it will arrive at "
                f"{messages.local_time(held, tz)} instead (`/remind quiet` to change them)."
            )
    if tz == "UTC":
        lines.append("Times are in UTC: set your own zone with `/timezone` and they follow it.")
    if reminder.target.via == "dm":
        lines.append("I'll DM you, so keep DMs from this server open.")
    return "\n".join(lines)
