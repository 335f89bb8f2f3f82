"""Handing a question the bot could not answer to people: the rules, without Discord.

* **What is handed over.** The question as the member wrote it, which the bot keeps
  in memory for :data:`KEEP_SECONDS` after answering (:class:`RecentQuestions`): the
  question log keeps private and DM questions without their text, so the button
  under the reply must not rely on it. After that, or after a restart, the member is
  asked to ask again. A member who asks the bot to forget them is forgotten here too.
* **Consent.** A public question was already seen by the channel; it is posted with
  the member's name (as text: nobody is pinged). A private or DM question is posted
  only when the member says so on a button, and without their name unless they
  choose it (:func:`needs_consent`).
* **Where.** A server's question goes to that server's help channel; a DM question to
  the help channel of a server the member shares with the bot, which they choose
  (:func:`may_post_in`).
* **How often.** One hand-over per member every :data:`HANDOFF_COOLDOWN_SECONDS`
  (a help channel is for people, and a flood of threads drowns it).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass

from careerbot.core.cooldowns import Cooldown
from careerbot.runtime.time import Ticks

#: How long a question can be handed over after it was asked.
KEEP_SECONDS = 3600.0
#: Most questions kept at once (oldest dropped first).
KEEP_MAX = 5_000
HANDOFF_COOLDOWN_SECONDS = 600.0
#: Discord's limit for a thread name.
THREAD_NAME_MAX = 100


@dataclass(frozen=True)
class Question:
    """A question as asked, and what the bot made of it."""

    text: str
    member_id: int
    guild_id: int | None
    visibility: str
    """``public``, ``ephemeral`` (``/ask private:true``) or ``dm``."""
    suggestions: tuple[str, ...] = ()
    """Entry ids the bot offered (its answer first, if it answered)."""


class RecentQuestions:
    """Questions of the last :data:`KEEP_SECONDS`, by the id their buttons carry."""

    def __init__(
        self, *, keep: float = KEEP_SECONDS, limit: int = KEEP_MAX, clock: Ticks = time.monotonic
    ) -> None:
        self._keep = keep
        self._limit = limit
        self._clock = clock
        self._items: OrderedDict[int, tuple[float, Question]] = OrderedDict()

    def remember(self, key: int, question: Question) -> None:
        now = self._clock()
        self._items[key] = (now, question)
        self._items.move_to_end(key)
        while self._items:
            oldest_key, (at, _) = next(iter(self._items.items()))
            if len(self._items) <= self._limit and now - at < self._keep:
                break
            del self._items[oldest_key]

    def get(self, key: int) -> Question | None:
        found = self._items.get(key)
        if found is None or self._clock() - found[0] >= self._keep:
            return None
        return found[1]

    def forget_member(self, member_id: int) -> int:
        """Drop every question of ``member_id`` (they asked to be forgotten)."""
        gone = [k for k, (_, q) in self._items.items() if q.member_id == member_id]
        for key in gone:
            del self._items[key]
        return len(gone)

    def __len__(self) -> int:
        return len(self._items)


def needs_consent(question: Question) -> bool:
    """Only questions the channel already saw are posted without asking first."""
    return question.visibility != "public"


def may_post_in(question: Question, server_id: int, shared: Collection[int] = ()) -> bool:
    """Where a question may go: a server question to its own server only; a DM question
    to a server the member shares with the bot (``shared``, see
    :mod:`careerbot.core.community.servers`), which the member picks."""
    if question.guild_id is not None:
        return question.guild_id == server_id
    return question.visibility == "dm" and server_id in shared


def handoff_cooldown(clock: Ticks = time.monotonic) -> Cooldown:
    return Cooldown(HANDOFF_COOLDOWN_SECONDS, clock=clock)


def thread_name(text: str) -> str:
    """A thread title from the question: one line, within Discord's limit."""
    folded = " ".join(text.split()) or "A question"
    if len(folded) > THREAD_NAME_MAX:
        folded = folded[: THREAD_NAME_MAX - 1].rstrip() + "…"
    return folded


def entry_id_from(text: str, limit: int = 60) -> str:
    """A suggested id for a draft made from a question: lowercase words and hyphens."""
    words = "".join(c if c.isalnum() and c.isascii() else " " for c in text.lower()).split()
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug or "new-entry"
