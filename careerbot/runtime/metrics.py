"""A few counters and one histogram in Prometheus' text format, hand-rolled.

A few numbers answer "is the bot doing its job": questions answered, abstentions,
answer latency, reminders sent, corpus reloads, interactions dropped because the
bot fell behind Discord's 3-second window, and per gateway shard: interactions
received, connects/disconnects/resumes and the heartbeat latency (an unsharded bot is
shard 0), so one shard that lags or keeps reconnecting stands out. That does not justify a metrics
library; this module is the whole exposition format we need (version 0.0.4).

:data:`METRICS` is the process-wide registry. Code that counts imports it
(``from careerbot.runtime.metrics import METRICS``; ``METRICS.reminders_sent.inc()``); the health
server renders it at ``/metrics``. Everything runs on the event loop, so plain
integers suffice.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

#: Seconds; answers are ~2 ms to match, the rest is storage and Discord.
LATENCY_BUCKETS: tuple[float, ...] = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


def _number(value: float) -> str:
    if math.isinf(value):
        return "+Inf"
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


@dataclass
class Counter:
    name: str
    help: str
    labels: tuple[str, ...] = ()
    values: dict[tuple[str, ...], float] = field(default_factory=dict)

    def inc(self, amount: float = 1.0, **labels: str) -> None:
        key = tuple(labels.get(name, "") for name in self.labels)
        self.values[key] = self.values.get(key, 0.0) + amount

    def value(self, **labels: str) -> float:
        return self.values.get(tuple(labels.get(n, "") for n in self.labels), 0.0)

    def render(self) -> list[str]:
        lines = [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} counter"]
        if not self.labels and not self.values:
            lines.append(f"{self.name} 0")
        for key, value in sorted(self.values.items()):
            lines.append(f"{self.name}{_labels(self.labels, key)} {_number(value)}")
        return lines


@dataclass
class Histogram:
    name: str
    help: str
    buckets: Sequence[float] = LATENCY_BUCKETS
    counts: list[int] = field(default_factory=list)
    total: float = 0.0
    count: int = 0

    def __post_init__(self) -> None:
        self.counts = [0] * len(self.buckets)

    def observe(self, value: float) -> None:
        self.count += 1
        self.total += value
        for i, bound in enumerate(self.buckets):
            if value <= bound:
                self.counts[i] += 1

    def render(self) -> list[str]:
        lines = [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} histogram"]
        for bound, count in zip(self.buckets, self.counts, strict=True):
            lines.append(f'{self.name}_bucket{{le="{_number(bound)}"}} {count}')
        lines.append(f'{self.name}_bucket{{le="+Inf"}} {self.count}')
        lines.append(f"{self.name}_sum {_number(self.total)}")
        lines.append(f"{self.name}_count {self.count}")
        return lines


Reading = Callable[[], Mapping[tuple[str, ...], float]]


def _nothing() -> Mapping[tuple[str, ...], float]:
    return {}


@dataclass
class Gauge:
    """A value read when scraped (``track`` gives the reading), e.g. each shard's
    latency: it lives in the gateway client, so it is asked for rather than copied."""

    name: str
    help: str
    labels: tuple[str, ...] = ()
    reading: Reading = _nothing

    def track(self, reading: Reading) -> None:
        self.reading = reading

    def render(self) -> list[str]:
        lines = [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} gauge"]
        for key, value in sorted(self.reading().items()):
            if math.isfinite(value):  # a shard not connected yet has no latency
                lines.append(f"{self.name}{_labels(self.labels, key)} {_number(value)}")
        return lines


def _labels(names: tuple[str, ...], values: tuple[str, ...]) -> str:
    if not names:
        return ""
    escaped = (v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") for v in values)
    return "{" + ",".join(f'{n}="{v}"' for n, v in zip(names, escaped, strict=True)) + "}"


class Metrics:
    """careerbot's metrics; see the module docstring."""

    def __init__(self) -> None:
        self.questions_answered = Counter(
            "careerbot_questions_answered_total",
            "Questions answered with a corpus entry.",
            labels=("kind",),
        )
        self.abstentions = Counter(
            "careerbot_abstentions_total",
            "Questions the bot was not confident enough to answer.",
        )
        self.answer_latency = Histogram(
            "careerbot_answer_seconds",
            "Time from a question to its reply being ready (matching and storage).",
        )
        self.reminders_sent = Counter(
            "careerbot_reminders_sent_total", "Reminders delivered to members."
        )
        self.interactions_expired = Counter(
            "careerbot_interactions_expired_total",
            "Interactions dropped, or answered too late, because Discord's 3-second "
            "window had passed (the bot was behind).",
            labels=("kind",),
        )
        self.reloads = Counter(
            "careerbot_knowledge_reloads_total",
            "Corpus reloads, by result (ok, refused, held, unsettled, busy).",
            labels=("result",),
        )
        self.interactions_received = Counter(
            "careerbot_interactions_received_total",
            "Interactions received from Discord, by gateway shard.",
            labels=("shard",),
        )
        self.gateway_events = Counter(
            "careerbot_gateway_events_total",
            "Gateway connects, disconnects, resumes and READYs, by shard.",
            labels=("shard", "event"),
        )
        self.notices_received = Counter(
            "careerbot_notices_received_total",
            "Changes announced by other processes sharing the database (PostgreSQL "
            "LISTEN), by channel.",
            labels=("channel",),
        )
        self.notice_gaps = Counter(
            "careerbot_notice_gaps_total",
            "Times the connection listening for other processes' changes came back after "
            "a drop (notices may have been missed; this process caught up).",
        )
        self.gateway_latency = Gauge(
            "careerbot_gateway_latency_seconds",
            "Time between a gateway heartbeat and its acknowledgement, by shard.",
            labels=("shard",),
        )

    def render(self) -> str:
        """The exposition text for ``GET /metrics``."""
        lines: list[str] = []
        for metric in (
            self.questions_answered,
            self.abstentions,
            self.answer_latency,
            self.reminders_sent,
            self.interactions_expired,
            self.reloads,
            self.interactions_received,
            self.gateway_events,
            self.gateway_latency,
            self.notices_received,
            self.notice_gaps,
        ):
            lines += metric.render()
        return "\n".join(lines) + "\n"


METRICS = Metrics()
