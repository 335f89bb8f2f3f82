""" "Draft an entry" on a message (Apps menu): the moderator picks the answer.

In a community thread, the draft form comes prefilled with the thread's question (the
bot's first message there, found through the thread's record) and the chosen
message as the answer; anywhere else, with the answer only. Moderators only: hidden
from others by ``default_permissions``, and checked again when run.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.client import bot_of
from bot.exts.community import _render as say
from bot.exts.community._teach import DraftModal
from bot.moderators import NOT_A_MODERATOR, is_moderator
from bot.replies import Refusal

log = logging.getLogger(__name__)

DRAFT_MENU = "Draft an entry"


async def _moderators_only(interaction: discord.Interaction) -> bool:
    if await is_moderator(bot_of(interaction), interaction):
        return True
    raise Refusal(NOT_A_MODERATOR)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
@app_commands.check(_moderators_only)
async def draft_from_message(interaction: discord.Interaction, message: discord.Message) -> None:
    bot = bot_of(interaction)
    question = ""
    thread_id = None
    channel = interaction.channel
    if isinstance(channel, discord.Thread):
        record = await bot.db.community_thread(channel.id)
        if record is not None:
            thread_id = channel.id
            if record.message_id is not None:
                try:
                    opening = await channel.fetch_message(record.message_id)
                    question = say.question_of(opening) or ""
                except discord.HTTPException as exc:
                    log.warning("could not read community thread %s: %s", channel.id, exc)
    modal = DraftModal(question, thread_id=thread_id, answer=message.content)
    await interaction.response.send_modal(modal)


def menus() -> list[app_commands.ContextMenu]:
    return [app_commands.ContextMenu(name=DRAFT_MENU, callback=draft_from_message)]
