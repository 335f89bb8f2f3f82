"""From a member's question to a :class:`~bot.replies.Reply`: shared by /ask and DMs.

The answering and logging is :func:`bot.conversation.ask_and_log` (also used by the
``careerbot chat`` console); this module adds the guild's threshold and renders the
outcome for Discord:

* over-long questions and empty ones get a private refusal; small talk a short
  friendly reply;
* a match gets the entry's embed, feedback and related buttons (the question log's
  id goes into the feedback buttons' custom ids); an abstention an honest reply with
  up to three "Did you mean" buttons.

Storage failures do not cost the member their answer: they are logged as errors, the
default threshold is used when the guild's cannot be read, and the answer goes out
without feedback buttons when the question cannot be logged.
"""

from __future__ import annotations

import logging

from bot import render
from bot.client import CareerBot
from bot.conversation import ask_and_log
from bot.exts.ask._components import answer_view, suggestions_view
from bot.replies import Reply
from storage import StorageError, Visibility

log = logging.getLogger(__name__)


async def answer(
    bot: CareerBot,
    question: str,
    *,
    member_id: int,
    guild_id: int | None,
    visibility: Visibility,
    echo: bool,
) -> Reply:
    """The reply to ``question``; ``echo`` quotes the question above the answer (slash
    commands: the channel sees what was asked; DMs reply to the message instead)."""
    limit = bot.settings.max_question_chars
    if len(question) > limit:
        return Reply(content=render.refused_text("too_long", len(question), limit), private=True)
    try:
        threshold = await bot.threshold_for(guild_id)
    except StorageError:
        log.exception("could not read guild %s's threshold; using the default", guild_id)
        threshold = bot.settings.confidence_threshold
    outcome = await ask_and_log(
        bot.kb,
        bot.db,
        question,
        member_id=member_id,
        guild_id=guild_id,
        visibility=visibility,
        threshold=threshold,
        max_chars=limit,
    )
    result = outcome.result
    assert result is not None  # the length was checked above
    if result.refused is not None:
        text = render.refused_text(result.refused, len(question), limit)
        return Reply(content=text, private=True)
    prefix = render.quote(question) + "\n" if echo else ""
    if result.smalltalk is not None:
        return Reply(content=prefix + render.smalltalk_text(result.smalltalk))
    entry = outcome.entry
    if entry is not None:
        return Reply(
            content=prefix.rstrip("\n") or None,
            embed=render.entry_embed(entry),
            view=answer_view(outcome.log_id, entry, outcome.snapshot.corpus),
        )
    return Reply(
        content=prefix + render.abstain_text(result.suggestions),
        view=suggestions_view(result.suggestions),
    )
