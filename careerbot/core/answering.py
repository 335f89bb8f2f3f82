"""A member's question, answered and logged: the one path every way of asking shares.

``/ask``, DMs (:mod:`bot.exts.ask._answers`) and the ``careerbot chat`` console
(:mod:`careerbot.cli.chat`) all answer with :func:`answer_question` and log with
:func:`log_outcome`, then only render the outcome their own way (an embed with
buttons, or plain text). It knows nothing about Discord, so the console gives exactly
the answers, abstentions and question-log rows the bot would.

The console does both in turn (:func:`ask_and_log`). The bot logs only once its reply
is on its way, under the interaction's (or DM message's) Discord id, which the
feedback buttons carry: a write waiting for the disk (a WAL checkpoint, a burst of
other writes) then never holds up an answer, and under load the log write is off the
path whose latency members feel.

The steps, in order:

1. refuse questions over the configured length (before any work is spent on them);
2. match against one snapshot of the corpus, even if a reload lands meanwhile;
3. empty questions and small talk are not logged (they are not questions, and would
   only skew the answer rate);
4. everything else goes through storage's question log, whose privacy rule decides
   whether the text is kept (``visibility``); a storage failure is logged and the
   member still has the answer (a later feedback vote on it is politely declined);
5. answers and abstentions are counted in :data:`careerbot.runtime.metrics.METRICS`.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass
from datetime import datetime

from careerbot.runtime.metrics import METRICS, Metrics
from knowledge import KnowledgeBase
from knowledge.match import MatchResult
from knowledge.models import FaqEntry, SkillEntry
from knowledge.service import Snapshot
from storage import ForgottenMemberError, Storage, StorageError, Visibility
from storage.validate import storable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    """What happened to one question; renderers turn it into a reply."""

    question: str
    snapshot: Snapshot
    result: MatchResult | None
    """None when the question was refused before matching (too long)."""
    log_id: int | None = None

    @property
    def too_long(self) -> bool:
        return self.result is None

    @property
    def loggable(self) -> bool:
        """A real question (answered or not): not refused, not small talk (step 3)."""
        result = self.result
        return result is not None and result.refused is None and result.smalltalk is None

    @property
    def entry(self) -> FaqEntry | SkillEntry | None:
        match = self.result.match if self.result else None
        return self.snapshot.corpus.entry(match.id) if match else None


def answer_question(
    kb: KnowledgeBase,
    question: str,
    *,
    threshold: float | None,
    max_chars: int,
    metrics: Metrics = METRICS,
) -> Answer:
    """Steps 1, 2 and 5: the outcome, not yet logged (:func:`log_outcome` does that)."""
    started = time.perf_counter()
    snapshot = kb.snapshot
    if len(question) > max_chars:
        return Answer(question, snapshot, None)
    result = snapshot.matcher.match(question, threshold)
    outcome = Answer(question, snapshot, result)
    if outcome.loggable:
        if outcome.entry is not None and result.match is not None:
            metrics.questions_answered.inc(kind=result.match.kind)
        else:
            metrics.abstentions.inc()
        metrics.answer_latency.observe(time.perf_counter() - started)
    return outcome


async def log_outcome(
    db: Storage,
    outcome: Answer,
    *,
    member_id: int,
    guild_id: int | None,
    visibility: Visibility,
    question_id: int | None = None,
    asked_at: datetime | None = None,
) -> int | None:
    """Step 4: the question-log row for ``outcome`` (under ``question_id`` if given).

    Returns its id, or ``None`` when nothing was logged: small talk and refusals, a
    member who asked to be forgotten after ``asked_at`` (storage refuses the row), or
    a storage failure (logged here, never raised: the member's answer must not depend
    on the log).
    """
    result = outcome.result
    if result is None or not outcome.loggable:
        return None
    match = result.match
    try:
        logged = await db.log_question(
            member_id,
            # A NUL or a lone surrogate (storage refuses both) must not cost the row.
            storable(outcome.question),
            visibility=visibility,
            guild_id=guild_id,
            matched_id=match.id if match else None,
            match_kind=match.kind if match else None,
            confidence=min(1.0, max(0.0, result.score / 100.0)),
            question_id=question_id,
            at=asked_at,
        )
    except ForgottenMemberError:
        log.info("not logging a question of member %s: they were forgotten since", member_id)
        return None
    except StorageError:
        log.exception("could not log a question (member %s, guild %s)", member_id, guild_id)
        return None
    return logged.id


async def ask_and_log(
    kb: KnowledgeBase,
    db: Storage,
    question: str,
    *,
    member_id: int,
    guild_id: int | None,
    visibility: Visibility,
    threshold: float | None,
    max_chars: int,
    metrics: Metrics = METRICS,
) -> Answer:
    """Answer ``question`` and log it, in that order; see the module docstring.

    The console uses this. The bot answers first and logs after its reply is sent
    (:mod:`bot.exts.ask._answers`), so a busy disk never delays an answer.
    """
    outcome = answer_question(
        kb, question, threshold=threshold, max_chars=max_chars, metrics=metrics
    )
    log_id = await log_outcome(
        db, outcome, member_id=member_id, guild_id=guild_id, visibility=visibility
    )
    return dataclasses.replace(outcome, log_id=log_id)
