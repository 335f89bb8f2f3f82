"""From a member's question to a :class:`~bot.replies.Reply`: shared by /ask and DMs.

The answering and logging is :mod:`careerbot.core.answering` (also used by the ``careerbot
chat`` console); this module adds the guild's threshold, renders the outcome for
Discord, and orders the two steps:

* over-long questions and empty ones get a private refusal; small talk a short
  friendly reply;
* a match gets the entry's embed, feedback and related buttons; an abstention an
  honest reply with up to three "Did you mean" buttons;
* the question is logged *after* the reply is sent (:func:`answer_then_log`), under
  the Discord id of the interaction or DM message that asked it: the feedback
  buttons carry that id, so they can be built before the row exists, and a write
  waiting on the disk never delays an answer (:mod:`careerbot.core.pending` covers a vote that
  beats the write).

Storage failures do not cost the member their answer: they are logged as errors, the
default threshold is used when the guild's cannot be read, and a question that could
not be logged only means a later vote on it is declined politely.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot import render
from bot.client import CareerBot
from bot.exts.ask._components import answer_view, suggestions_view
from bot.exts.community import ask_community_button, offers_community
from bot.replies import Reply
from careerbot.core.answering import Answer, answer_question, log_outcome
from careerbot.core.community.handoff import Question
from storage import StorageError, Visibility

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Asked:
    """A question, who asked it and where: what the answer and the log need."""

    question: str
    member_id: int
    guild_id: int | None
    visibility: Visibility
    key: int
    """The Discord id of the interaction or message that asked: the log row's id."""
    asked_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    """When the bot got the question (the log row is written later: a forget in between
    makes storage refuse it)."""


async def answer(bot: CareerBot, asked: Asked, *, echo: bool) -> tuple[Reply, Answer | None]:
    """The reply to ``asked`` and the outcome to log (not logged yet); ``echo`` quotes
    the question above the answer (slash commands: the channel sees what was asked;
    DMs reply to the message instead)."""
    question = asked.question
    limit = bot.settings.max_question_chars
    if len(question) > limit:
        text = render.refused_text("too_long", len(question), limit)
        return Reply(content=text, private=True), None
    try:
        threshold = await bot.threshold_for(asked.guild_id)
    except StorageError:
        log.exception("could not read guild %s's threshold; using the default", asked.guild_id)
        threshold = bot.settings.confidence_threshold
    outcome = answer_question(bot.kb, question, threshold=threshold, max_chars=limit)
    result = outcome.result
    assert result is not None  # the length was checked above
    if result.refused is not None:
        text = render.refused_text(result.refused, len(question), limit)
        return Reply(content=text, private=True), outcome
    prefix = render.quote(question) + "\n" if echo else ""
    if result.smalltalk is not None:
        return Reply(content=prefix + render.smalltalk_text(result.smalltalk)), outcome
    entry = outcome.entry
    # Kept a while, so "Ask the community" (here, or after a "Not helpful") can hand it over.
    offered = tuple(
        c.id for c in ((result.match,) if entry is not None else result.suggestions) if c
    )
    bot.recent_questions.remember(
        asked.key,
        Question(question, asked.member_id, asked.guild_id, asked.visibility, offered),
    )
    if entry is not None:
        reply = Reply(
            content=prefix.rstrip("\n") or None,
            embed=render.entry_embed(entry),
            view=answer_view(asked.key, entry, outcome.snapshot.corpus),
        )
        return reply, outcome
    community = (
        [ask_community_button(asked.key, row=1)]
        if await offers_community(bot, asked.guild_id, asked.member_id)
        else []
    )
    reply = Reply(
        content=prefix + render.abstain_text(result.suggestions),
        view=suggestions_view(result.suggestions, *community),
    )
    return reply, outcome


async def answer_then_log(
    bot: CareerBot,
    asked: Asked,
    send: Callable[[Awaitable[Reply]], Awaitable[None]],
    *,
    echo: bool,
) -> None:
    """Answer ``asked`` through ``send`` (which awaits the reply and delivers it), then
    log the question, also when sending failed: it was asked all the same."""
    outcomes: list[Answer] = []

    async def work() -> Reply:
        reply, outcome = await answer(bot, asked, echo=echo)
        if outcome is not None:
            outcomes.append(outcome)
        return reply

    with bot.log_writes.writing(asked.key):
        try:
            await send(work())
        finally:
            for outcome in outcomes:
                await log_outcome(
                    bot.db,
                    outcome,
                    member_id=asked.member_id,
                    guild_id=asked.guild_id,
                    visibility=asked.visibility,
                    question_id=asked.key,
                    asked_at=asked.asked_at,
                )
