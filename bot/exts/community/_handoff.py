"""The member's side of "Ask the community": the button, consent, the thread.

The button sits under an abstention and under the reply to a "Not helpful" vote
(:func:`ask_community_button`). Pressing it hands the question over
(:func:`careerbot.core.community.handoff`): a public one at once, with the member's
name as text; a private one only after the member agrees on a second button, with or
without their name as they choose. A DM question goes to a server the member shares
with the bot, which they pick, then the same consent (:mod:`._dm`). The thread is
opened in the guild's help channel (``/config help-channel``), its first message
mentions the mentor role (``/config mentor-role``) and nothing else, and carries the
moderators' buttons (:mod:`._teach`) and the asker's "This answered me".

A help channel or mentor role that is gone is told to the moderators
(:mod:`bot.modlog`) and, for the channel, politely to the member.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection
from typing import Any, Literal

import discord
from discord.ui import Button, DynamicItem

from bot import custom_ids
from bot.client import CareerBot, bot_of
from bot.exts.community import _render as say
from bot.exts.community._servers import dm_servers
from bot.replies import NO_MENTIONS, Reply, guarded, respond, stateless_view
from careerbot.core.community.handoff import Question, may_post_in, needs_consent, thread_name

log = logging.getLogger(__name__)

#: A week: questions asked on a Friday still have their thread on Monday.
ARCHIVE_MINUTES = 10080


def ask_community_button(log_id: int, row: int | None = None) -> AskCommunityButton:
    return AskCommunityButton(log_id, row=row)


async def offers_community(bot: CareerBot, guild_id: int | None, member_id: int) -> bool:
    """Whether ``member_id``'s answer in ``guild_id`` gets the button: the guild has a help
    channel; in a DM (``None``), the member shares a server with one with the bot."""
    if guild_id is None:
        return bool(await dm_servers(bot, member_id))
    try:
        return (await bot.guild_config.get(guild_id)).help_channel_id is not None
    except Exception:  # a storage hiccup must not cost the member their answer
        log.exception("could not read guild %s's help channel", guild_id)
        return False


class AskCommunityButton(DynamicItem[Button[Any]], template=custom_ids.COMMUNITY):
    """Hand the question behind this reply to the community."""

    def __init__(self, log_id: int, *, row: int | None = None) -> None:
        super().__init__(
            Button(
                label="Ask the community",
                emoji="🙋",
                style=discord.ButtonStyle.secondary,
                custom_id=custom_ids.community(log_id),
                row=row,
            )
        )
        self.log_id = log_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> AskCommunityButton:
        return cls(int(match["log_id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "ask-the-community button", self._press)

    async def _press(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        question = await asked_by_presser(interaction, self.log_id)
        if question is None:
            return
        if question.guild_id is None:  # a DM: which server, then consent (._dm)
            from bot.exts.community._dm import choose_server

            await respond(interaction, choose_server(bot, self.log_id, question))
            return
        if needs_consent(question):
            view = stateless_view(PostButton(self.log_id, "anon"), PostButton(self.log_id, "named"))
            await interaction.response.send_message(
                say.CONSENT, view=view, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        asker = interaction.user.display_name
        work = hand_over(bot, interaction.guild, self.log_id, question, asker)
        await respond(interaction, work, ephemeral=True)


class PostButton(DynamicItem[Button[Any]], template=custom_ids.COMMUNITY_POST):
    """The member's consent for a private question: post it, with or without their name."""

    def __init__(self, log_id: int, how: Literal["anon", "named"]) -> None:
        named = how == "named"
        super().__init__(
            Button(
                label="Post with my name" if named else "Post without my name",
                style=discord.ButtonStyle.secondary if named else discord.ButtonStyle.primary,
                custom_id=custom_ids.community_post(log_id, how),
            )
        )
        self.log_id = log_id
        self.named = named

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PostButton:
        return cls(int(match["log_id"]), "named" if match["how"] == "named" else "anon")

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "community consent button", self._post)

    async def _post(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        question = await asked_by_presser(interaction, self.log_id)
        if question is None:
            return
        asker = interaction.user.display_name if self.named else None
        work = hand_over(bot, interaction.guild, self.log_id, question, asker)
        await respond(interaction, work, update=True)


async def hand_over(
    bot: CareerBot,
    guild: discord.Guild | None,
    log_id: int,
    question: Question,
    asker: str | None,
    shared: Collection[int] = (),
) -> Reply:
    """Open the thread in ``guild`` (or point to the one already open); what to tell the
    member. ``asker`` is the name shown, if the member chose to show it; ``shared``
    the servers a DM question may go to (:func:`may_post_in`)."""
    if guild is None or not may_post_in(question, guild.id, shared):
        return Reply(say.NO_HELP_CHANNEL)
    settings = await bot.guild_config.get(guild.id)
    if settings.help_channel_id is None:
        return Reply(say.NO_HELP_CHANNEL)
    existing = await bot.db.community_thread_for_question(log_id)
    if existing is not None:
        return Reply(say.already_posted(_jump(existing.guild_id, existing.thread_id)))
    verdict = bot.handoff_cooldown.check(question.member_id)
    if not verdict.allowed:
        return Reply(say.slow_down(verdict.retry_after))
    channel = guild.get_channel(settings.help_channel_id)
    if not isinstance(channel, discord.TextChannel):
        await bot.moderator_log.tell(
            guild.id, say.channel_gone(settings.help_channel_id), key="help-channel-gone"
        )
        bot.handoff_cooldown.reset(question.member_id)
        return Reply(say.HELP_CHANNEL_TROUBLE)
    mentor = settings.mentor_role_id
    if mentor is not None and guild.get_role(mentor) is None:
        await bot.moderator_log.tell(guild.id, say.role_gone(mentor), key="mentor-role-gone")
        mentor = None
    try:
        thread = await channel.create_thread(
            name=thread_name(question.text),
            type=discord.ChannelType.public_thread,
            auto_archive_duration=ARCHIVE_MINUTES,
        )
        embed = say.question_embed(question.text, asker, question.suggestions, bot.kb.corpus)
        view = stateless_view(*teach_buttons(thread.id, question.member_id))
        opening = await thread.send(
            say.opening_text(mentor),
            embed=embed,
            view=view,
            allowed_mentions=discord.AllowedMentions(
                everyone=False,
                users=False,
                replied_user=False,
                roles=[discord.Object(mentor)] if mentor is not None else False,
            ),
        )
    except (discord.Forbidden, discord.NotFound) as exc:
        log.warning("could not open a community thread in guild %s: %s", guild.id, exc)
        await bot.moderator_log.tell(
            guild.id, say.channel_gone(settings.help_channel_id), key="help-channel-gone"
        )
        bot.handoff_cooldown.reset(question.member_id)
        return Reply(say.HELP_CHANNEL_TROUBLE)
    await bot.db.record_community_thread(guild.id, thread.id, log_id, message_id=opening.id)
    log.info("question %s handed to the community in thread %s", log_id, thread.id)
    return Reply(say.posted(thread.jump_url))


def teach_buttons(thread_id: int, asker_id: int) -> list[discord.ui.Item[Any]]:
    from bot.exts.community._teach import TeachDraftButton, TeachPhrasingButton

    return [
        TeachPhrasingButton(thread_id),
        TeachDraftButton(thread_id),
        AnsweredButton(thread_id, asker_id),
    ]


class AnsweredButton(DynamicItem[Button[Any]], template=custom_ids.COMMUNITY_DONE):
    """The asker says the thread answered them: counted in ``/kb stats``."""

    def __init__(self, thread_id: int, member_id: int) -> None:
        super().__init__(
            Button(
                label="This answered me",
                emoji="✅",
                style=discord.ButtonStyle.success,
                custom_id=custom_ids.community_done(thread_id, member_id),
                row=1,
            )
        )
        self.thread_id = thread_id
        self.member_id = member_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> AnsweredButton:
        return cls(int(match["thread_id"]), int(match["member_id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "community answered button", self._done)

    async def _done(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        if interaction.user.id != self.member_id:
            await _tell(interaction, say.NOT_YOUR_THREAD)
            return

        async def work() -> Reply:
            await bot.db.mark_community_thread_answered(self.thread_id)
            return Reply(say.DONE_THANKS)

        await respond(interaction, work(), ephemeral=True)


def _jump(guild_id: int, thread_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{thread_id}"


async def asked_by_presser(interaction: discord.Interaction, log_id: int) -> Question | None:
    """The question, if the presser asked it; else they are told why not (privately)."""
    question = bot_of(interaction).recent_questions.get(log_id)
    if question is None:
        await _tell(interaction, say.GONE)
        return None
    if question.member_id != interaction.user.id:
        await _tell(interaction, say.NOT_THE_ASKER)
        return None
    return question


async def _tell(interaction: discord.Interaction, text: str) -> None:
    await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
