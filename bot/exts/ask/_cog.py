"""``/ask`` and DM questions: two doors into the same answer (:mod:`._answers`)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.client import CareerBot
from bot.exts.ask._answers import Asked, answer_then_log
from bot.replies import NO_MENTIONS, Reply, respond
from storage import Visibility

log = logging.getLogger(__name__)


class Ask(commands.Cog):
    """Members' questions, in a server channel or in DMs."""

    def __init__(self, bot: CareerBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="ask", description="Ask a question about becoming a machine-learning engineer"
    )
    @app_commands.describe(
        question="Your question, in your own words",
        private="Only you see the answer (default: the channel sees it)",
    )
    async def ask(
        self, interaction: discord.Interaction, question: str, private: bool = False
    ) -> None:
        verdict = await self.bot.cooldown.verdict(interaction.user.id)
        if not verdict.allowed:
            await interaction.response.send_message(
                render.slow_down_text(verdict.retry_after),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        visibility: Visibility = "ephemeral" if private else "public"
        if interaction.guild_id is None:
            visibility = "dm"
        asked = Asked(
            question, interaction.user.id, interaction.guild_id, visibility, interaction.id
        )

        async def send(reply: Awaitable[Reply]) -> None:
            await respond(interaction, reply, ephemeral=private)

        await answer_then_log(self.bot, asked, send, echo=True)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Any DM to the bot is a question. Guild messages are ignored: the bot has no
        message-content intent and only answers there through /ask."""
        if message.guild is not None or message.author.bot:
            return
        try:
            await self._answer_dm(message)
        except Exception:
            log.exception("answering a DM failed (user %s)", message.author.id)
            try:
                await message.reply(render.APOLOGY, mention_author=False)
            except discord.HTTPException as exc:
                log.warning("could not apologise in DM to %s: %s", message.author.id, exc)

    async def _answer_dm(self, message: discord.Message) -> None:
        verdict = await self.bot.cooldown.verdict(message.author.id)
        if not verdict.allowed:
            if verdict.warn:  # once per burst: a spammer must not make the bot spam back
                await message.reply(
                    render.slow_down_text(verdict.retry_after),
                    mention_author=False,
                    allowed_mentions=NO_MENTIONS,
                )
            return
        asked = Asked(message.content, message.author.id, None, "dm", message.id)

        async def send(work: Awaitable[Reply]) -> None:
            reply = await work
            await message.reply(**reply.message_kwargs(), mention_author=False)

        await answer_then_log(self.bot, asked, send, echo=False)
