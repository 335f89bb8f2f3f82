"""Who counts as a moderator: Manage Server, or one of the guild's moderator roles.

One rule for slash commands (:meth:`bot.exts.moderation.Moderation.interaction_check`)
and for components (buttons, selects, modals), which Discord lets anyone who can see
the message press, and a hand-made interaction can carry any custom id: every
moderator component checks again with :func:`is_moderator` before doing anything.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.replies import NO_MENTIONS
from careerbot.core.community import Moderator

if TYPE_CHECKING:
    from bot.client import CareerBot

log = logging.getLogger(__name__)

NOT_A_MODERATOR = (
    "This command is for moderators: it needs the Manage Server permission or one of "
    "this server's moderator roles."
)
NOT_FOR_YOU = "Only moderators can use this: it needs Manage Server or a moderator role."


async def is_moderator(bot: CareerBot, interaction: discord.Interaction[Any]) -> bool:
    """Manage Server, or a role the guild configured as moderator; never in DMs."""
    if interaction.guild_id is None:
        return False
    if interaction.permissions.manage_guild:
        return True
    settings = await bot.guild_config.get(interaction.guild_id)
    roles = {role.id for role in getattr(interaction.user, "roles", ())}
    return bool(roles & settings.moderator_role_ids)


def moderator(interaction: discord.Interaction[Any]) -> Moderator:
    """Who is acting, for the corpus change log."""
    user = interaction.user
    return Moderator(user.id, getattr(user, "display_name", None) or user.name)


async def refuse_non_moderator(bot: CareerBot, interaction: discord.Interaction[Any]) -> bool:
    """True (and the member told, privately) when ``interaction`` is not a moderator's:
    the first thing every moderator component does."""
    if await is_moderator(bot, interaction):
        return False
    log.info("moderator component refused for user %s", interaction.user.id)
    await interaction.response.send_message(
        NOT_FOR_YOU, ephemeral=True, allowed_mentions=NO_MENTIONS
    )
    return True
