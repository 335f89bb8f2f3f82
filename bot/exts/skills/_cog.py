"""Learning commands: ``/skills``, ``/skill``, ``/progress``, ``/learned``, ``/timezone``.

All answers are ephemeral: they show the member's own progress, and a skill card or
the skill map with paging buttons would otherwise be changed by anyone clicking.
"""

from __future__ import annotations

import functools
import zoneinfo
from datetime import UTC, datetime

import discord
from discord import app_commands
from discord.ext import commands
from rapidfuzz import fuzz, process, utils

from bot import render
from bot.client import CareerBot
from bot.exts.skills._components import (
    marked_reply,
    progress_reply,
    skill_card_reply,
    skills_reply,
    statuses_of,
)
from bot.replies import NO_MENTIONS, Reply, respond
from careerbot.core import marking
from knowledge import find_items, find_skills
from knowledge.lookup import resolve_skill
from storage import InvalidInputError

MAX_CHOICES = 25
CHOICE_MAX = 100
UNDO_CHOICE = "↩️ Undo my last change"

#: Offered before the member types anything: the zones most members are likely in.
COMMON_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/Warsaw",
    "Europe/Kyiv",
    "Europe/Istanbul",
    "Africa/Lagos",
    "Africa/Cairo",
    "Africa/Nairobi",
    "Asia/Dubai",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Dhaka",
    "Asia/Jakarta",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "America/Sao_Paulo",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
)


@functools.cache
def all_zones() -> tuple[str, ...]:
    """Every IANA zone name tzdata knows, minus legacy aliases nobody should pick."""
    legacy = ("Etc/", "SystemV/", "posix/", "right/")
    named = (z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith(legacy))
    return (*sorted(named), "UTC")


def find_zones(text: str, limit: int = MAX_CHOICES) -> list[str]:
    """Zone names resembling ``text`` ("berlin", "new york", "kolkata")."""
    text = text.strip()
    if not text:
        return list(COMMON_ZONES[:limit])
    zones = all_zones()
    needle = text.replace(" ", "_").casefold()
    prefix = [z for z in zones if z.casefold().startswith(needle) or needle in z.casefold()]
    hits = process.extract(
        text.replace("_", " "),
        [z.replace("_", " ") for z in zones],
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=60,
    )
    ranked = list(dict.fromkeys(prefix + [zones[index] for _, _, index in hits]))
    return ranked[:limit]


class Skills(commands.Cog):
    """The skill map, skill cards, progress and the member's time zone."""

    def __init__(self, bot: CareerBot) -> None:
        self.bot = bot

    @app_commands.command(name="skills", description="The skill map: what an ML engineer learns")
    async def skills(self, interaction: discord.Interaction) -> None:
        reply = skills_reply(self.bot, 0)
        await interaction.response.send_message(**reply.message_kwargs(), ephemeral=True)

    @app_commands.command(name="skill", description="A skill's checklist and your progress in it")
    @app_commands.describe(name="The skill (start typing to search)")
    async def skill(self, interaction: discord.Interaction, name: str) -> None:
        skill = resolve_skill(self.bot.kb.corpus, name)
        if skill is None:
            await interaction.response.send_message(
                f"I don't know a skill called {render.plain(name, 100)}. "
                "See `/skills` for the list.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        await respond(
            interaction, skill_card_reply(self.bot, interaction.user.id, skill), ephemeral=True
        )

    @skill.autocomplete("name")
    async def skill_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        skills = find_skills(self.bot.kb.corpus, current, limit=MAX_CHOICES)
        return [
            app_commands.Choice(name=render.truncate(s.name, CHOICE_MAX), value=s.id)
            for s in skills
        ]

    @app_commands.command(name="progress", description="Your progress, streak and what's next")
    async def progress(self, interaction: discord.Interaction) -> None:
        await respond(interaction, progress_reply(self.bot, interaction.user.id), ephemeral=True)

    @app_commands.command(name="learned", description="Mark a checklist item as done")
    @app_commands.describe(item="The item you learned (start typing to search), or 'undo'")
    async def learned(self, interaction: discord.Interaction, item: str) -> None:
        member_id = interaction.user.id

        async def work() -> Reply:
            marked = await marking.learned(
                self.bot.db,
                self.bot.kb.corpus,
                member_id,
                item,
                echo=lambda text: render.plain(text, 100),
            )
            return marked_reply(marked)

        await respond(interaction, work(), ephemeral=True)

    @learned.autocomplete("item")
    async def item_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        corpus = self.bot.kb.corpus
        items = find_items(corpus, current, limit=MAX_CHOICES * 2)
        statuses: dict[str, str] = {}
        if not current.strip():  # before typing: suggest what is not done yet
            statuses = dict(statuses_of(await self.bot.db.get_progress(interaction.user.id)))
        choices = [
            app_commands.Choice(
                name=render.truncate(f"{item.title} ({skill.name})", CHOICE_MAX), value=item.id
            )
            for skill, item in items
            if len(item.id) <= CHOICE_MAX and statuses.get(item.id) != "done"
        ]
        typed = current.strip().casefold()
        if len(typed) >= 2 and "undo".startswith(typed):  # the way back, where it is typed
            choices.insert(0, app_commands.Choice(name=UNDO_CHOICE, value="undo"))
        return choices[:MAX_CHOICES]

    @app_commands.command(name="timezone", description="Set your time zone (for streaks)")
    @app_commands.describe(zone="Your IANA time zone, e.g. Europe/Berlin (start typing)")
    async def timezone(self, interaction: discord.Interaction, zone: str) -> None:
        zone = zone.strip()

        async def work() -> Reply:
            try:
                await self.bot.db.set_timezone(interaction.user.id, zone)
            except InvalidInputError as exc:
                return Reply(content=f"{render.plain(str(exc), 300)}. Pick one from the list.")
            now = datetime.now(UTC).astimezone(zoneinfo.ZoneInfo(zone))
            return Reply(content=render.timezone_text(zone, now))

        await respond(interaction, work(), ephemeral=True)

    @timezone.autocomplete("zone")
    async def zone_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in find_zones(current)]
