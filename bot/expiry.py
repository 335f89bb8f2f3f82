"""Interactions too old to answer: dropped before any work is spent on them.

Discord accepts the first response to an interaction for 3 seconds. When the bot falls
behind (an autocomplete flood: 10,000 in 15 s in the probe), every interaction past
that window is work thrown away, and doing it anyway makes the backlog, and the
lateness of everything behind it, grow: questions asked meanwhile were lost. So:

* **Age** is read from the interaction's id (a snowflake carries its creation time in
  milliseconds), corrected for the difference between Discord's clock and ours: the
  smallest delay seen on arrival over the last few minutes is taken as "no delay"
  (network latency plus clock skew). A host clock a few seconds off therefore never
  makes the bot drop everything, and one behind never hides a backlog.
* **Drop** an interaction older than most of the window before doing anything: a
  command or a button after 90 % of it (there is no time left to even defer), an
  autocomplete after two thirds (it is worth little late: the member's client asks
  again on the next keystroke, and shedding it first leaves room for commands).
* **Count** drops in ``careerbot_interactions_expired_total{kind}``; the log gets a
  warning at most once a minute with how many were dropped, never an error per
  interaction (nothing is broken, and nobody can be told anything).

The clock is injectable, so the rules are tested without waiting.
"""

from __future__ import annotations

import logging
import time

import discord

from careerbot.runtime.metrics import METRICS, Metrics
from careerbot.runtime.time import Ticks

log = logging.getLogger(__name__)

#: Discord's window for the first response to an interaction, in seconds.
DISCORD_WINDOW = 3.0
#: Arrival delays are kept this long to estimate "no delay" (two halves, rotated).
BASELINE_SECONDS = 300.0
WARN_EVERY = 60.0
DISCORD_EPOCH_MS = 1_420_070_400_000


def created_at(snowflake: int) -> float:
    """Unix time, in seconds, at which Discord made ``snowflake``."""
    return ((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000.0


def kind_of(interaction_type: int) -> str:
    """The metric label for a raw interaction type."""
    if interaction_type == discord.InteractionType.autocomplete.value:
        return "autocomplete"
    if interaction_type == discord.InteractionType.application_command.value:
        return "command"
    return "component"


class InteractionAges:
    """Ages of interactions, and the drop rule; see the module docstring."""

    def __init__(
        self,
        window: float = DISCORD_WINDOW,
        *,
        clock: Ticks = time.time,
        metrics: Metrics = METRICS,
    ) -> None:
        self.window = window
        """Discord's response window (tests shrink it along with the fake's)."""
        self.clock = clock
        self.metrics = metrics
        self._lows: list[float] = []  # the smallest arrival delay, per half of the period
        self._rotated_at: float | None = None
        self._unreported = 0
        self._warned_at: float | None = None

    # -- age -----------------------------------------------------------------------------

    def arrived(self, snowflake: int) -> None:
        """Note an interaction as it comes off the gateway: the baseline's input."""
        now = self.clock()
        delay = now - created_at(snowflake)
        if self._rotated_at is None or now - self._rotated_at >= BASELINE_SECONDS / 2:
            self._lows = [*self._lows[-1:], delay]
            self._rotated_at = now
        else:
            self._lows[-1] = min(self._lows[-1], delay)

    def age(self, snowflake: int) -> float:
        """Seconds since Discord sent it, as far as can be told (never negative)."""
        baseline = min(self._lows) if self._lows else 0.0  # none seen: trust the clocks
        return max(0.0, self.clock() - created_at(snowflake) - baseline)

    def left(self, snowflake: int) -> float:
        """Seconds left in its window (negative once it passed)."""
        return self.window - self.age(snowflake)

    # -- the rule ------------------------------------------------------------------------

    def limit(self, kind: str) -> float:
        """Past this age an interaction of ``kind`` is not worth starting."""
        return self.window * (2 / 3 if kind == "autocomplete" else 0.9)

    def expired(self, snowflake: int, interaction_type: int) -> bool:
        """Whether to drop it now; a drop is counted (see :meth:`count`)."""
        kind = kind_of(interaction_type)
        if self.age(snowflake) <= self.limit(kind):
            return False
        self.count(kind)
        return True

    def count(self, kind: str) -> None:
        """One interaction dropped or answered too late: a metric, and a warning at
        most once a minute."""
        self.metrics.interactions_expired.inc(kind=kind)
        self._unreported += 1
        now = self.clock()
        if self._warned_at is None or now - self._warned_at >= WARN_EVERY:
            log.warning(
                "dropped %d interaction(s) past Discord's %.0f-second window "
                "(the bot is behind: a flood, or too little CPU)",
                self._unreported,
                self.window,
            )
            self._unreported = 0
            self._warned_at = now
