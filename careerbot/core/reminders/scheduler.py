"""The one loop that delivers reminders: sleep until the earliest due row, claim, send.

Design (RoboDanny's reminder loop, made restart- and multi-process-safe by storage's
claim protocol):

* **One task, one query per wake-up.** ``storage.next_due_at()`` is ``MIN(next_due_at)``
  over an index, so the cost of deciding when to wake does not grow with the number of
  reminders. The loop sleeps until then, or until :meth:`ReminderScheduler.wake` is
  called because a reminder was added, changed or deleted (an ``asyncio.Event``), and
  never longer than ``max_sleep`` (another process may have added a sooner one).
* **Claim before send.** ``claim_due`` takes a batch of due rows in one write
  transaction and moves their due time to the lease expiry, so a second scheduler on
  the same database never gets the same occurrence, and a crash between sending and
  ``mark_sent`` leads to at most one resend once the lease expires.
* **Exactly once as members see it.** Every send of one occurrence carries the same
  nonce (:attr:`Delivery.nonce`, from the reminder id and its last recorded send, which
  a re-claim and a retry keep), sent with Discord's ``enforce_nonce``: a resend after a
  crash or a timed-out send is answered with the message already posted instead of a
  second one. Discord remembers
  nonces for "a few minutes", so the claim lease (``LEASE_SECONDS``, 2 minutes; the bot
  takes ``CAREERBOT_REMINDER_LEASE_SECONDS``, at most 150) is shorter than that: the
  resend comes one lease after the claim, while each send may take at most
  ``send_timeout`` (1 minute, or half the lease) of it.
* **Hand back on shutdown.** Claimed reminders whose send has not started when the
  scheduler stops are released at once (due again at their own time), so another
  process sends them now instead of after the lease; only a send cut off midway keeps
  its claim, since nobody knows whether it went out.
* **Missed while down.** ``mark_sent`` schedules the next occurrence strictly after
  ``max(sent, due)``, so a recurring reminder that missed several occurrences is sent
  once and continues from now; a one-off is sent once. Either carries a "late" note
  when it goes out more than ``late_after`` after its time.
* **Delivery outcomes.** The injected ``sender`` returns a :class:`DeliveryOutcome`: delivered
  (mark sent), DM blocked / channel gone (pause the reminder and leave the member a
  notice), or retry (give the claim back, due again after a backoff). Exceptions from
  the sender or from storage are logged and never end the loop.
* **Quiet hours.** A reminder due inside its member's quiet hours
  (:mod:`careerbot.core.reminders.quiet`) is not sent: its claim is given back with the window's
  end as its new due time, so it goes out once when the window ends. The members of a
  batch are read once per batch; if that read fails, reminders go out as scheduled
  (a reminder the member asked for beats a courtesy).
* **One slow send holds up nobody.** Each send has its own timeout (``send_timeout``,
  well inside the lease; discord.py alone would wait 300 s): one that runs out is
  retried later like any other failure. The loop does not wait for a batch to finish
  before it claims again: deliveries run as their own tasks (``concurrency`` sends at
  once, at most ``batch`` claimed and unsettled), so a reminder due a second after a
  hung one goes out on time. A timed-out send that Discord did deliver after all is
  sent again on retry: a rare duplicate beats a reminder held back for minutes.
* **Injectable time.** ``clock`` gives "now"; ``sleep`` is awaited for the delay, so
  tests advance a fake clock instead of sleeping.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from careerbot.core.reminders.quiet import quiet_until
from careerbot.runtime.metrics import METRICS, Metrics
from careerbot.runtime.time import Clock, utc_now
from storage import Reminder, Storage

log = logging.getLogger(__name__)

T = TypeVar("T")

Sleep = Callable[[float], Awaitable[None]]


class DeliveryOutcome(enum.Enum):
    """What happened to one delivery attempt."""

    DELIVERED = "delivered"
    #: The member cannot be DMed (closed DMs, no shared server, unknown user).
    BLOCKED_DM = "blocked-dm"
    #: The channel is gone or the bot may no longer post there.
    CHANNEL_GONE = "channel-gone"
    #: A rate limit, a Discord outage or a bug: try again later.
    RETRY = "retry-later"


@dataclass(frozen=True)
class Delivery:
    """One occurrence to send: the reminder (``next_due_at`` is the occurrence's time)
    and, when it goes out late, the time it was due."""

    reminder: Reminder
    late_since: datetime | None

    @property
    def nonce(self) -> str:
        """The same for every send of this occurrence (Discord allows 25 characters:
        ``r`` + id + ``-`` + Unix seconds is at most 24 for ids below 10^12).

        The occurrence is named by the reminder's last recorded send (its creation
        before the first), not by its due time: a send that timed out is given back
        due again later (``release_claim(retry_at=...)``), which moves the due time,
        while only ``mark_sent`` moves the last send. So a retry of a send that did reach
        Discord is answered with the message already posted."""
        since = self.reminder.last_sent_at or self.reminder.created_at
        return f"r{self.reminder.id}-{int(since.timestamp())}"


#: Seconds a claim lasts before another scheduler may resend: shorter than Discord's
#: nonce window ("a few minutes"), so a resend after a crash is deduplicated.
LEASE_SECONDS = 120

Sender = Callable[[Delivery], Awaitable[DeliveryOutcome]]
#: Called after a reminder was paused because it cannot be delivered.
OnPaused = Callable[[Reminder, DeliveryOutcome], Awaitable[None]]


def default_claimer_id() -> str:
    """Unique per process and scheduler: host, pid and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


async def _leave_paused(reminder: Reminder, outcome: DeliveryOutcome) -> None:
    return None


async def _finish(write: Awaitable[T]) -> T:
    """Await a storage write that must not be cut in half by :meth:`stop`.

    Cancelling a coroutine while the SQLite driver thread is starting its transaction
    can leave that transaction open for the next writer; shielding lets the write
    finish (the cancellation still reaches the loop right after).
    """
    return await asyncio.shield(write)


class ReminderScheduler:
    """Delivers due reminders from ``storage`` through ``sender``; see the module doc.

    It is a :mod:`careerbot.runtime.services` service: ``name``, ``start()``, ``async stop()``.
    """

    name = "reminders"

    def __init__(
        self,
        storage: Storage,
        sender: Sender,
        *,
        clock: Clock = utc_now,
        sleep: Sleep = asyncio.sleep,
        claimer_id: str | None = None,
        lease_seconds: int = LEASE_SECONDS,
        batch: int = 100,
        concurrency: int = 8,
        late_after: timedelta = timedelta(minutes=5),
        retry_after: timedelta = timedelta(minutes=1),
        max_sleep: float = 300.0,
        send_timeout: float = 60.0,
        on_paused: OnPaused = _leave_paused,
        metrics: Metrics = METRICS,
    ) -> None:
        self.storage = storage
        self.sender = sender
        self.clock = clock
        self.sleep = sleep
        self.claimer_id = claimer_id or default_claimer_id()
        self.lease_seconds = lease_seconds
        self.batch = batch
        self.late_after = late_after
        self.retry_after = retry_after
        self.max_sleep = max_sleep
        self.on_paused = on_paused
        self.send_timeout = send_timeout
        """Seconds one send may take before it is given up and retried later."""
        self.metrics = metrics
        self.concurrency = concurrency
        self._inflight: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.wakeups = 0
        """Times the loop woke up (a benchmark and test probe)."""
        self.counts: dict[DeliveryOutcome, int] = dict.fromkeys(DeliveryOutcome, 0)
        self.deferred = 0
        """Deliveries put off to the end of their member's quiet hours."""
        self._unstarted: set[int] = set()
        """Ids claimed by this scheduler whose send has not started yet."""
        self.handed_back = 0
        """Claims released unsent at shutdown."""

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> None:
        """Start the loop (idempotent)."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self.run(), name="careerbot-reminders")

    async def stop(self, grace: float = 5.0) -> None:
        """Stop the loop: no new claims; deliveries in flight get ``grace`` seconds to
        finish and be recorded, then the loop is cancelled. A send cut off that way
        keeps its claim, which expires after the lease: at most one resend."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        self.wake()
        try:
            await asyncio.wait_for(task, grace)
        except (TimeoutError, asyncio.CancelledError):
            pass
        finally:
            await self._hand_back()  # while _stopping: nothing unstarted starts now
            self._stopping = False
            for delivery in list(self._inflight):
                delivery.cancel()

    async def _hand_back(self) -> None:
        """Release the claims whose send never started, so they are due again now."""
        unstarted, self._unstarted = sorted(self._unstarted), set()
        for reminder_id in unstarted:
            try:
                if await _finish(self.storage.release_claim(reminder_id, self.claimer_id)):
                    self.handed_back += 1
            except Exception:
                # The claim stays; it expires after the lease.
                log.exception("could not hand back reminder %s", reminder_id)
        if unstarted:
            log.info("handed back %d claimed reminders unsent", self.handed_back)

    @property
    def concurrency(self) -> int:
        """Deliveries in flight at once (Discord allows about 50 requests a second)."""
        return self._concurrency

    @concurrency.setter
    def concurrency(self, value: int) -> None:
        self._concurrency = max(1, value)
        self._limit = asyncio.Semaphore(self._concurrency)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def in_flight(self) -> int:
        """Deliveries started and not yet recorded."""
        return len(self._inflight)

    def wake(self) -> None:
        """A reminder was added, changed or deleted: re-read the earliest due time now."""
        self._wake.set()

    # -- the loop --------------------------------------------------------------------------

    async def run(self) -> None:
        """Until stopped: wait until something is due, dispatch it. Errors never end it."""
        failures = 0
        while not self._stopping:
            try:
                if not await self._wait_until_due():
                    break
                self.wakeups += 1
                await self.dispatch_due(wait=False)
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception:
                failures += 1
                delay = min(2.0**failures, self.max_sleep)
                log.exception("reminder loop failed (%d in a row); retrying in %.0fs",
                              failures, delay)  # fmt: skip
                if not self._stopping:
                    await self._nap(delay)
        # Stopping: deliveries in flight finish and are recorded (stop() bounds this).
        if self._inflight:
            await asyncio.wait(list(self._inflight))

    async def _wait_until_due(self) -> bool:
        """``True`` when something is due, ``False`` when the scheduler is stopping."""
        while not self._stopping:
            self._wake.clear()
            due = await self.storage.next_due_at()
            now = self.clock()
            if due is not None and due <= now:
                return True
            delay = self.max_sleep if due is None else (due - now).total_seconds()
            await self._nap(min(delay, self.max_sleep))
        return False

    async def _nap(self, seconds: float) -> None:
        """Sleep ``seconds``, or until :meth:`wake` or a delivery in flight settles.

        A settled delivery may have moved its reminder's due time earlier than the
        one slept towards (a retry, a repeat's next time), so the loop looks again.
        While deliveries are in flight the event loop's own timer is used rather than
        ``sleep``: an injected clock only moves when the scheduler is idle.
        """
        if self._wake.is_set():
            return
        seconds = max(seconds, 0.0)
        waits = [asyncio.ensure_future(self._wake.wait())]
        if self._inflight:
            waits.append(asyncio.ensure_future(asyncio.sleep(seconds)))
            waits.append(
                asyncio.ensure_future(
                    asyncio.wait(list(self._inflight), return_when=asyncio.FIRST_COMPLETED)
                )
            )
        else:
            waits.append(asyncio.ensure_future(self.sleep(seconds)))
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()

    async def dispatch_due(self, *, wait: bool = True) -> int:
        """Claim everything due now and start its deliveries; deliveries attempted.

        With ``wait`` (what tests call to run one wake-up at a chosen time) it returns
        once they are all recorded. The loop passes ``wait=False``: it goes back to
        sleeping while sends are in flight, so a slow one never delays the next due
        reminder. Before each claim it waits until at most ``concurrency`` deliveries
        are in flight (more would only queue for a send slot), then claims up to
        ``batch`` minus those: claims stay batches, at most ``batch`` claimed reminders
        are unsettled at once, and none waits so long that its lease lapses.
        """
        attempted = 0
        started: list[asyncio.Task[None]] = []
        try:
            while not self._stopping or wait:
                await self._until_at_most(self.concurrency)
                room = self.batch - len(self._inflight)
                now = self.clock()
                claimed = await _finish(
                    self.storage.claim_due(
                        now, self.claimer_id, lease_seconds=self.lease_seconds, limit=room
                    )
                )
                if not claimed:
                    break
                self._unstarted.update(r.id for r in claimed)
                attempted += len(claimed)
                quiet = await self._quiet_windows(claimed, now)
                for reminder in claimed:
                    task = asyncio.create_task(
                        self._deliver(reminder, now, quiet.get(reminder.member_id)),
                        name=f"careerbot-reminder-{reminder.id}",
                    )
                    self._inflight.add(task)
                    task.add_done_callback(self._inflight.discard)
                    started.append(task)
                if len(claimed) < room or self._stopping:
                    break
        finally:
            if wait and started:
                await asyncio.wait(started)
        return attempted

    async def _until_at_most(self, count: int) -> None:
        """Wait until no more than ``count`` deliveries are in flight."""
        while len(self._inflight) > count:
            await asyncio.wait(list(self._inflight), return_when=asyncio.FIRST_COMPLETED)

    async def _quiet_windows(self, claimed: list[Reminder], now: datetime) -> dict[int, datetime]:
        """Member id -> end of their quiet hours, for the members of ``claimed`` who are
        in them ``now``."""
        until: dict[int, datetime] = {}
        try:
            for member_id in dict.fromkeys(r.member_id for r in claimed):
                member = await self.storage.get_member(member_id)
                if member is None:
                    continue
                prefs = member.prefs
                end = quiet_until(now, member.tz, prefs.quiet_start, prefs.quiet_end)
                if end is not None:
                    until[member_id] = end
        except Exception:
            log.exception("could not read quiet hours; sending reminders as scheduled")
            return {}
        return until

    async def _deliver(
        self, reminder: Reminder, claimed_at: datetime, hold_until: datetime | None = None
    ) -> None:
        if hold_until is not None:
            self._unstarted.discard(reminder.id)
            try:
                await _finish(
                    self.storage.release_claim(reminder.id, self.claimer_id, retry_at=hold_until)
                )
                self.deferred += 1
            except Exception:
                # The claim stays; it expires after the lease and is looked at again.
                log.exception("could not put off reminder %s until %s",
                              reminder.id, hold_until)  # fmt: skip
            return
        due = reminder.next_due_at or claimed_at
        late = due if claimed_at - due > self.late_after else None
        async with self._limit:
            if self._stopping:
                return  # not started: stop() hands the claim back
            self._unstarted.discard(reminder.id)
            try:
                outcome = await asyncio.wait_for(
                    self.sender(Delivery(reminder, late)), self.send_timeout
                )
            except TimeoutError:
                log.warning("sending reminder %s took over %.0fs; will retry",
                            reminder.id, self.send_timeout)  # fmt: skip
                outcome = DeliveryOutcome.RETRY
            except Exception:
                log.exception("sending reminder %s failed; will retry", reminder.id)
                outcome = DeliveryOutcome.RETRY
        self.counts[outcome] += 1
        if outcome is DeliveryOutcome.DELIVERED:
            self.metrics.reminders_sent.inc()
        try:
            await self._settle(reminder, outcome)
        except Exception:
            # The claim stays; it expires after the lease and the reminder is retried.
            log.exception("could not record the outcome %s of reminder %s",
                          outcome.value, reminder.id)  # fmt: skip

    async def _settle(self, reminder: Reminder, outcome: DeliveryOutcome) -> None:
        if outcome is DeliveryOutcome.DELIVERED:
            await _finish(
                self.storage.mark_sent(
                    reminder.id, self.clock(), claimer_id=self.claimer_id, claimed=reminder
                )
            )
            return
        if outcome is DeliveryOutcome.RETRY:
            retry = self.clock() + self.retry_after
            await _finish(self.storage.release_claim(reminder.id, self.claimer_id, retry_at=retry))
            return
        log.warning(
            "pausing reminder %s of member %s: %s", reminder.id, reminder.member_id, outcome.value
        )
        paused = await _finish(
            self.storage.pause_reminder(reminder.id, member_id=reminder.member_id)
        )
        await self.on_paused(paused, outcome)
