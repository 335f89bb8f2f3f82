"""Answering interactions on time, safely, and the same way everywhere.

Commands and buttons build a :class:`Reply` (what to show) with plain async code and
hand it to :func:`respond`, which owns the Discord rules:

* **The 3-second window.** Work gets ``bot.response_budget`` seconds (2 s), less if
  the interaction arrived late (:mod:`bot.expiry`). If it is done by then, the answer
  is the first response; if not, the interaction is deferred and the answer follows
  when ready. Interactions already too old to answer never get here. Deferring only
  when needed keeps the common case at one request, and the benchmark measures real
  answers, not "thinking…" stubs.
* **No pings.** Every message goes out with ``AllowedMentions.none()``, whatever text
  it echoes.
* **Stateless views.** Every component the bot sends is a ``DynamicItem`` routed by its
  custom id (:mod:`bot.custom_ids`), so no view object needs to be remembered per
  message; :func:`stateless_view` stops the view before sending. Otherwise discord.py
  would keep a 15-minute timer task for each ephemeral reply with buttons.
* **Failures** reach the member as a short apology (:func:`apologise`) and the details
  go to the log (:func:`guarded`, and ``CareerTree.on_error`` for commands).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import discord
from discord import app_commands

from bot.render import APOLOGY

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
DEFAULT_BUDGET = 2.0


class Refusal(app_commands.CheckFailure):
    """A check said no; ``str(error)`` is written for the member, and this is no bug."""


@dataclass
class Reply:
    """What to show: any of text, one embed, components, one file."""

    content: str | None = None
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None
    file: discord.File | None = None
    private: bool = False
    """Only the member should see this (a refusal), even where the answer would be public.
    Honoured when the reply is the first response; a deferred one keeps the deferral's."""

    def message_kwargs(self) -> dict[str, Any]:
        """Arguments for a new message (unset parts left out)."""
        kwargs: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
        if self.content is not None:
            kwargs["content"] = self.content
        if self.embed is not None:
            kwargs["embed"] = self.embed
        if self.view is not None:
            kwargs["view"] = self.view
        if self.file is not None:
            kwargs["file"] = self.file
        return kwargs

    def edit_kwargs(self) -> dict[str, Any]:
        """Arguments to replace a message: unset parts are removed from it."""
        return {
            "content": self.content,
            "embed": self.embed,
            "view": self.view,
            "allowed_mentions": NO_MENTIONS,
        }


def stateless_view(*items: discord.ui.Item[Any]) -> discord.ui.View | None:
    """A view holding ``items`` (all DynamicItems) that discord.py will not track.

    ``None`` when there is nothing to show, so a reply carries no empty component list.
    """
    shown = [item for item in items if item is not None]
    if not shown:
        return None
    view = discord.ui.View(timeout=None)
    for item in shown:
        view.add_item(item)
    view.stop()
    return view


async def respond(
    interaction: discord.Interaction,
    work: Awaitable[Reply],
    *,
    ephemeral: bool = False,
    update: bool = False,
) -> None:
    """Answer ``interaction`` with the :class:`Reply` that ``work`` produces.

    ``update=True`` (components only) replaces the message the component is on instead
    of posting a new one. See the module docstring for the deferral rule.
    """
    budget = float(getattr(interaction.client, "response_budget", DEFAULT_BUDGET))
    ages = getattr(interaction.client, "interaction_ages", None)
    if ages is not None:  # it arrived late: defer sooner, while Discord still listens
        budget = min(budget, max(0.0, ages.left(interaction.id) - ages.window / 6))
    task = asyncio.ensure_future(work)
    try:
        reply = await asyncio.wait_for(asyncio.shield(task), budget)
    except TimeoutError:
        if update:
            await interaction.response.defer()
        else:
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)
        reply = await task
        if update:
            await interaction.edit_original_response(**reply.edit_kwargs())
        else:
            await interaction.followup.send(**reply.message_kwargs(), ephemeral=ephemeral)
        return
    if update:
        await interaction.response.edit_message(**reply.edit_kwargs())
    else:
        await interaction.response.send_message(
            **reply.message_kwargs(), ephemeral=ephemeral or reply.private
        )


#: Discord's error code for an interaction it no longer accepts answers to.
UNKNOWN_INTERACTION = 10062


def expired(error: BaseException) -> bool:
    """Discord no longer accepts an answer to this interaction (its window passed, e.g.
    the bot was overloaded): nobody can be told anything, and it is not a bug to dig
    into, so it is logged as a warning without a traceback."""
    return isinstance(error, discord.NotFound) and error.code == UNKNOWN_INTERACTION


async def apologise(interaction: discord.Interaction, text: str = APOLOGY) -> None:
    """Tell the member something went wrong, however far the interaction got.

    Never raises: an apology that fails (the interaction expired, Discord is down) is
    logged and dropped, since there is nobody left to tell.
    """
    try:
        if interaction.type is discord.InteractionType.autocomplete:
            if not interaction.response.is_done():
                await interaction.response.autocomplete([])
        elif interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
    except discord.HTTPException as exc:
        log.warning("could not tell the member about an error: %s", exc)


async def guarded(
    interaction: discord.Interaction,
    what: str,
    handler: Callable[[discord.Interaction], Awaitable[None]],
) -> None:
    """Run a component callback; on failure log the details and apologise.

    Component callbacks never reach the command tree's error handler (discord.py only
    logs them), so buttons and selects wrap their work in this.
    """
    ages = getattr(interaction.client, "interaction_ages", None)
    if ages is not None and ages.expired(interaction.id, interaction.type.value):
        return  # too old to answer: dropped and counted (bot.expiry)
    try:
        await handler(interaction)
    except Exception as error:
        if expired(error):
            if ages is not None:
                ages.count("component")
            return
        log.exception(
            "%s failed (user %s, guild %s, custom id %r)",
            what,
            interaction.user.id,
            interaction.guild_id,
            (interaction.data or {}).get("custom_id"),
        )
        await apologise(interaction)
