"""``/help``: everything the bot does, on one screen."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.client import CareerBot


class Help(commands.Cog):
    def __init__(self, bot: CareerBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What careerbot can do")
    async def help(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=render.help_embed(), ephemeral=True)


async def setup(bot: CareerBot) -> None:
    await bot.add_cog(Help(bot))
