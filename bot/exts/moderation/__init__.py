"""Moderator commands: ``/kb reload|gaps|stats`` and ``/config ...``.

Two layers of protection, because each covers a gap in the other:

* ``default_permissions=manage_guild`` and ``guild_only`` on both groups, so Discord
  hides them from members who lack Manage Server (and from DMs);
* a runtime check (:meth:`Moderation.interaction_check`): Manage Server **or** one of
  the guild's configured moderator roles. Server admins can override who sees a
  command in Discord's settings, and the configured roles are careerbot's own idea,
  which Discord knows nothing about.
"""

from __future__ import annotations

import logging
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.client import CareerBot
from bot.exts.community import kb_commands
from bot.guilds import to_fraction
from bot.moderators import NOT_A_MODERATOR, is_moderator
from bot.replies import NO_MENTIONS, Refusal, Reply, respond
from careerbot.core.kb_stats import kb_stats
from careerbot.core.progress_carry import progress_lines
from careerbot.runtime.metrics import METRICS

log = logging.getLogger(__name__)

MODERATORS_ONLY = discord.Permissions(manage_guild=True)
#: Channels tried for the welcome before giving up (each refusal is a request).
MAX_WELCOME_TRIES = 3


def _guild_id(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None:  # guild_only: Discord never sends these from DMs
        raise app_commands.NoPrivateMessage()
    return interaction.guild_id


class Moderation(commands.Cog):
    """Corpus operations and server settings, for moderators only."""

    kb = app_commands.Group(
        name="kb",
        description="Moderators: the knowledge base",
        default_permissions=MODERATORS_ONLY,
        guild_only=True,
    )
    config = app_commands.Group(
        name="config",
        description="Moderators: careerbot's settings for this server",
        default_permissions=MODERATORS_ONLY,
        guild_only=True,
    )

    def __init__(self, bot: CareerBot) -> None:
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:  # type: ignore[override]
        """Manage Server, or a role the guild configured as moderator (see module doc)."""
        _guild_id(interaction)
        if await is_moderator(self.bot, interaction):
            return True
        raise Refusal(NOT_A_MODERATOR)

    # ---------------------------------------------------------------------- /kb ---

    @kb.command(name="reload", description="Reload the YAML corpus (errors keep the old one)")
    @app_commands.describe(
        force="Accept a corpus that drops entries, checklist items, synonyms or text (default: no)"
    )
    async def reload(self, interaction: discord.Interaction, force: bool = False) -> None:
        # Settling and indexing take a second or two: always defer, never risk the window.
        await interaction.response.defer(ephemeral=True, thinking=True)
        kb = self.bot.kb
        result = await self.bot.corpus_sync.reload(force=force, by="/kb reload")
        METRICS.reloads.inc(result=result.outcome)
        log.info(
            "corpus reload by %s in guild %s: %s entries=%d issues=%d losses=%d force=%s",
            interaction.user.id,
            interaction.guild_id,
            result.outcome,
            result.entries,
            len(result.issues),
            len(result.losses),
            force,
        )
        unannounced = result.ok and self.bot.corpus_sync.unannounced
        text = render.reload_text(result, kb.path, kb.fallback)
        if result.ok:
            text = "\n".join([text, *await progress_lines(self.bot.db, kb.corpus)])
        if unannounced:
            text = "\n".join([text, render.NOT_ANNOUNCED])
        await interaction.followup.send(
            render.truncate(text, render.CONTENT_MAX), allowed_mentions=NO_MENTIONS
        )

    @kb.command(name="gaps", description="Most asked questions with no answer or 'not helpful'")
    @app_commands.describe(days="How many days to look back (default 7)")
    async def gaps(
        self, interaction: discord.Interaction, days: app_commands.Range[int, 1, 365] = 7
    ) -> None:
        guild_id = _guild_id(interaction)

        await respond(interaction, kb_commands.gaps(self.bot, guild_id, days), ephemeral=True)

    @kb.command(
        name="stats", description="Answer rates per week, most asked and unhelpful entries, gaps"
    )
    @app_commands.describe(days="How many days to look back (default 30)")
    async def stats(
        self, interaction: discord.Interaction, days: app_commands.Range[int, 1, 365] = 30
    ) -> None:
        guild_id = _guild_id(interaction)

        async def work() -> Reply:
            report = await kb_stats(self.bot.db, days=days, guild_id=guild_id)
            kb = self.bot.kb
            warning = render.corpus_warning(kb.fallback, kb.last_refusal)
            return Reply(embed=render.stats_embed(kb.corpus, report, days, warning))

        await respond(interaction, work(), ephemeral=True)

    @kb.command(name="phrasing", description="Add a way members ask to an entry (written to YAML)")
    @app_commands.describe(
        entry="The entry (type to search; drafts too)",
        phrasing="How members ask it (type to pick an open gap)",
    )
    async def phrasing(
        self,
        interaction: discord.Interaction,
        entry: str,
        phrasing: app_commands.Range[str, 1, 300],
    ) -> None:
        await respond(interaction, kb_commands.add_phrasing(self.bot, interaction, entry, phrasing),
                      ephemeral=True)  # fmt: skip

    @phrasing.autocomplete("entry")
    async def _entry_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return kb_commands.entry_choices(self.bot, current)

    @phrasing.autocomplete("phrasing")
    async def _gap_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await kb_commands.gap_choices(self.bot, interaction, current)

    @kb.command(name="draft", description="Draft a new entry in a form (not served until accepted)")
    @app_commands.describe(question="The question it answers (type to pick an open gap)")
    async def draft(self, interaction: discord.Interaction, question: str | None = None) -> None:
        await interaction.response.send_modal(kb_commands.draft_form(question or ""))

    @draft.autocomplete("question")
    async def _draft_gap_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await kb_commands.gap_choices(self.bot, interaction, current)

    @kb.command(name="drafts", description="Drafted entries waiting to be accepted or rejected")
    async def drafts(self, interaction: discord.Interaction) -> None:
        await respond(interaction, kb_commands.drafts(self.bot), ephemeral=True)

    @kb.command(name="undo", description="Undo the newest change moderators made from Discord")
    async def undo(self, interaction: discord.Interaction) -> None:
        await respond(interaction, kb_commands.undo(self.bot, interaction), ephemeral=True)

    # ---------------------------------------------------------------------- /config ---

    async def _update(self, interaction: discord.Interaction, **changes: object) -> None:
        guild_id = _guild_id(interaction)

        async def work() -> Reply:
            if changes:
                saved = await self.bot.guild_config.update(guild_id, **changes)
                log.info(
                    "guild %s settings changed by %s: %s",
                    guild_id,
                    interaction.user.id,
                    sorted(changes),
                )
            else:
                saved = await self.bot.guild_config.get(guild_id)
            return Reply(content=render.config_text(saved, self.bot.default_threshold))

        await respond(interaction, work(), ephemeral=True)

    @config.command(name="show", description="Show careerbot's settings for this server")
    async def show(self, interaction: discord.Interaction) -> None:
        await self._update(interaction)

    @config.command(name="reminder-channel", description="Where reminders are posted")
    @app_commands.describe(channel="The channel (leave empty to unset)")
    async def reminder_channel(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        await self._update(interaction, reminder_channel_id=channel.id if channel else None)

    @config.command(name="digest-channel", description="Where the weekly digest is posted")
    @app_commands.describe(channel="The channel (leave empty to unset)")
    async def digest_channel(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        await self._update(interaction, digest_channel_id=channel.id if channel else None)

    @config.command(
        name="log-channel", description="Where I tell moderators what goes wrong (e.g. reloads)"
    )
    @app_commands.describe(channel="The channel (leave empty to unset)")
    async def log_channel(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        await self._update(interaction, log_channel_id=channel.id if channel else None)

    @config.command(
        name="help-channel", description="Where “Ask the community” opens a thread per question"
    )
    @app_commands.describe(channel="The channel (leave empty to unset)")
    async def help_channel(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        await self._update(interaction, help_channel_id=channel.id if channel else None)

    @config.command(
        name="mentor-role", description="A role mentioned once in each community thread (opt-in)"
    )
    @app_commands.describe(role="The role (leave empty to unset)")
    async def mentor_role(
        self, interaction: discord.Interaction, role: discord.Role | None = None
    ) -> None:
        await self._update(interaction, mentor_role_id=role.id if role else None)

    @config.command(name="moderator-role", description="Add or remove a moderator role")
    @app_commands.describe(role="The role", action="Add it (default) or remove it")
    async def moderator_role(
        self,
        interaction: discord.Interaction,
        role: discord.Role,
        action: Literal["add", "remove"] = "add",
    ) -> None:
        current = await self.bot.guild_config.get(_guild_id(interaction))
        roles = set(current.moderator_role_ids)
        if action == "add":
            roles.add(role.id)
        else:
            roles.discard(role.id)
        await self._update(interaction, moderator_role_ids=frozenset(roles))

    @config.command(name="threshold", description="How sure careerbot must be to answer")
    @app_commands.describe(percent="Confidence in percent, 0-100 (leave empty for the default)")
    async def threshold(
        self,
        interaction: discord.Interaction,
        percent: app_commands.Range[float, 0.0, 100.0] | None = None,
    ) -> None:
        await self._update(interaction, confidence_threshold=to_fraction(percent))

    # ---------------------------------------------------------------------- start-up ---

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Serving the last good copy since start-up: said in the log channels, since
        only the start-up log said it (once per process; ``on_ready`` repeats after a
        reconnect)."""
        fallback = self.bot.kb.fallback
        if fallback is None:
            return
        why = "has problems" if fallback.issues else "would have lost entries"
        await self.bot.moderator_log.tell_every_guild(
            f"🚨 I started with the last good copy of the corpus (saved {fallback.saved_at}), "
            f"because the corpus folder {why}. Members get that copy's answers until the "
            "files are fixed; `/kb reload` shows what is wrong.",
            key="fallback",
        )

    # ---------------------------------------------------------------------- joining ---

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        """A short welcome where the server's admins will see it, pointing to ``/config``.

        The server's system channel (where Discord posts "X joined"), else its text
        channels in order, until one takes the message (the bot has no members intent,
        so it cannot compute its permissions beforehand); nowhere, if none does."""
        log.info("joined guild %s (%s)", guild.id, guild.name)
        candidates = [guild.system_channel, *sorted(guild.text_channels, key=lambda c: c.position)]
        tried: set[int] = set()
        for channel in candidates:
            if channel is None or channel.id in tried or len(tried) >= MAX_WELCOME_TRIES:
                continue
            tried.add(channel.id)
            try:
                await channel.send(render.welcome_text(), allowed_mentions=NO_MENTIONS)
            except discord.Forbidden:
                continue
            except discord.HTTPException as exc:
                log.warning("could not welcome guild %s: %s", guild.id, exc)
                return
            return


async def setup(bot: CareerBot) -> None:
    await bot.add_cog(Moderation(bot))
