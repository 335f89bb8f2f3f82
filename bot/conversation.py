"""A member's question, answered and logged: the one path every way of asking shares.

``/ask``, DMs (:mod:`bot.exts.ask._answers`) and the ``careerbot chat`` console
(:mod:`bot.chat`) all call :func:`ask_and_log`, then only render the outcome their
own way (an embed with buttons, or plain text). It knows nothing about Discord, so
the console gives exactly the answers, abstentions and question-log rows the bot would.

The steps, in order:

1. refuse questions over the configured length (before any work is spent on them);
2. match against one snapshot of the corpus, even if a reload lands meanwhile;
3. empty questions and small talk are not logged (they are not questions, and would
   only skew the answer rate);
4. everything else goes through storage's question log, whose privacy rule decides
   whether the text is kept (``visibility``); a storage failure is logged and the
   member still gets the answer, only without a log id;
5. answers and abstentions are counted in :data:`bot.metrics.METRICS`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from bot.metrics import METRICS, Metrics
from knowledge import KnowledgeBase
from knowledge.matcher import MatchResult
from knowledge.models import FaqEntry, SkillEntry
from knowledge.service import Snapshot
from storage import Storage, StorageError, Visibility

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
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
    def entry(self) -> FaqEntry | SkillEntry | None:
        match = self.result.match if self.result else None
        return self.snapshot.corpus.entry(match.id) if match else None


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
) -> Outcome:
    """Answer ``question`` and log it; see the module docstring for the steps."""
    started = time.perf_counter()
    snapshot = kb.snapshot
    if len(question) > max_chars:
        return Outcome(question, snapshot, None)
    result = snapshot.matcher.match(question, threshold)
    if result.refused is not None or result.smalltalk is not None:
        return Outcome(question, snapshot, result)
    match = result.match
    log_id: int | None = None
    try:
        logged = await db.log_question(
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
    outcome = Outcome(question, snapshot, result, log_id)
    if outcome.entry is not None and match is not None:
        metrics.questions_answered.inc(kind=match.kind)
    else:
        metrics.abstentions.inc()
    metrics.answer_latency.observe(time.perf_counter() - started)
    return outcome
