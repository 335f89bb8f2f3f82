"""From a member's question to a :class:`~bot.replies.Reply`: shared by /ask and DMs.

The order matters and is the same for both ways of asking:

1. refuse questions over the configured length (before any work is spent on them);
2. match against the corpus with the guild's confidence threshold;
3. empty questions and small talk get a short friendly reply and are not logged
   (they are not questions, and would only skew the answer rate);
4. everything else is logged through storage's question log, whose privacy rule
   decides whether the text is kept (``visibility``); the log id goes into the
   feedback buttons' custom ids;
5. a match gets the entry's embed, feedback and related buttons; an abstention an
   honest reply with up to three "Did you mean" buttons.

Storage failures do not cost the member their answer: they are logged as errors, the
default threshold is used when the guild's cannot be read, and the answer goes out
without feedback buttons when the question cannot be logged.
"""

from __future__ import annotations

import logging

from bot import render
from bot.client import CareerBot
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
    kb = bot.kb
    snapshot = kb.snapshot  # one corpus for the whole answer, even if a reload lands
    try:
        threshold = await bot.threshold_for(guild_id)
    except StorageError:
        log.exception("could not read guild %s's threshold; using the default", guild_id)
        threshold = bot.settings.confidence_threshold
    result = snapshot.matcher.match(question, threshold)
    if result.refused is not None:
        text = render.refused_text(result.refused, len(question), limit)
        return Reply(content=text, private=True)
    prefix = render.quote(question) + "\n" if echo else ""
    if result.smalltalk is not None:
        return Reply(content=prefix + render.smalltalk_text(result.smalltalk))

    match = result.match
    log_id: int | None = None
    try:
        logged = await bot.db.log_question(
            member_id,
            question,
            visibility=visibility,
            guild_id=guild_id,
            matched_id=match.id if match else None,
            match_kind=match.kind if match else None,
            confidence=min(1.0, max(0.0, result.score / 100.0)),
        )
        log_id = logged.id
    except StorageError:
        log.exception("could not log a question (member %s, guild %s)", member_id, guild_id)

    entry = snapshot.corpus.entry(match.id) if match else None
    if entry is not None:
        return Reply(
            content=prefix.rstrip("\n") or None,
            embed=render.entry_embed(entry),
            view=answer_view(log_id, entry, snapshot.corpus),
        )
    return Reply(
        content=prefix + render.abstain_text(result.suggestions),
        view=suggestions_view(result.suggestions),
    )
