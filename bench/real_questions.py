"""Real questions: what people asked in public, verbatim, each with its source.

``bench/data/real_questions.yaml`` holds questions collected from public forums, Q&A
sites, course FAQs and issue trackers (never written for this project), labelled
against the corpus: ``answerable`` (``expect`` lists every acceptable entry),
``no-entry`` (about the field, but no entry answers it) or ``off-topic``.

The set is split once into a development half (tune on it) and a test half (report
only) by a salted hash of each question and its URL, so the split is random, fixed,
and unchanged when questions are added: a question never moves between halves.
Every look at the test half is written down in ``bench/data/real_test_looks.md``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bench.evaluation import Question, Run

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "bench" / "data" / "real_questions.yaml"
KINDS = ("answerable", "no-entry", "off-topic")
#: Changing the salt would re-draw the halves: never change it.
_SALT = "careerbot real questions, split once"


@dataclass(frozen=True)
class RealQuestion:
    question: Question
    kind: str
    url: str

    @property
    def half(self) -> str:
        return half_of(self.question.text, self.url)


def half_of(text: str, url: str) -> str:
    """'dev' or 'test': a coin flip that depends only on the question and its source."""
    digest = hashlib.sha256(f"{_SALT}\n{url}\n{text}".encode()).digest()
    return "dev" if digest[0] % 2 == 0 else "test"


def load_real(path: Path = REAL) -> list[RealQuestion]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for item in data["questions"]:
        kind = str(item["kind"])
        if kind not in KINDS:
            raise ValueError(f"{item['q']!r}: kind {kind!r} is not one of {KINDS}")
        expect = item.get("expect")
        ids = frozenset([expect] if isinstance(expect, str) else (expect or ()))
        if (kind == "answerable") != bool(ids):
            raise ValueError(f"{item['q']!r}: only answerable questions list entries")
        tags = (kind, *(item.get("tags") or ()))
        out.append(RealQuestion(Question(str(item["q"]), ids, tags), kind, str(item["url"])))
    return out


def halves(path: Path = REAL) -> tuple[list[RealQuestion], list[RealQuestion]]:
    questions = load_real(path)
    return [q for q in questions if q.half == "dev"], [q for q in questions if q.half == "test"]


@dataclass(frozen=True)
class RealScores:
    """The figures the issue's table shows, for one method at one threshold."""

    n_answerable: int
    right: float  # answerable: answered with a right entry
    top1: float  # answerable: a right entry ranked first, answered or not
    top3: float
    wrong: float  # answerable: answered with a wrong entry
    n_no_entry: int
    no_entry_abstained: float
    n_off_topic: int
    off_topic_abstained: float
    threshold: float


def answered(r: Run, i: int, threshold: float) -> str | None:
    ranked = r.rankings[i]
    if r.forced_abstain[i] or not ranked or ranked[0][1] < threshold:
        return None
    return ranked[0][0]


def score_real(r: Run, kinds: Sequence[str], threshold: float) -> RealScores:
    def frac(idx: list[int], ok: list[bool]) -> float:
        return sum(ok) / len(idx) if idx else float("nan")

    ans = [i for i, k in enumerate(kinds) if k == "answerable"]
    none = [i for i, k in enumerate(kinds) if k == "no-entry"]
    off = [i for i, k in enumerate(kinds) if k == "off-topic"]
    got = [answered(r, i, threshold) for i in range(len(kinds))]
    expect = [q.expect for q in r.questions]
    return RealScores(
        n_answerable=len(ans),
        right=frac(ans, [got[i] in expect[i] for i in ans]),
        top1=frac(ans, [bool(r.rankings[i]) and r.rankings[i][0][0] in expect[i] for i in ans]),
        top3=frac(ans, [any(e in expect[i] for e, _ in r.rankings[i][:3]) for i in ans]),
        wrong=frac(ans, [got[i] is not None and got[i] not in expect[i] for i in ans]),
        n_no_entry=len(none),
        no_entry_abstained=frac(none, [got[i] is None for i in none]),
        n_off_topic=len(off),
        off_topic_abstained=frac(off, [got[i] is None for i in off]),
        threshold=threshold,
    )


def calibrate_balanced(r: Run, kinds: Sequence[str]) -> float:
    """The threshold that maximises the mean of answerable-answered-right and abstained
    on everything else (no-entry and off-topic together), the lowest at the maximum:
    the CLINC150 protocol's rule (``bench.clinc150.RULE``), applied to real questions."""
    tops = sorted({ranked[0][1] for ranked in r.rankings if ranked})
    best_t, best_v = 0.0, -1.0
    for t in [0.0, *tops, (tops[-1] + 1.0) if tops else 1.0]:
        s = score_real(r, kinds, t)
        unanswerable = s.n_no_entry + s.n_off_topic
        abstained = (
            s.no_entry_abstained * s.n_no_entry + s.off_topic_abstained * s.n_off_topic
        ) / max(unanswerable, 1)
        value = (s.right + abstained) / 2
        if value > best_v + 1e-12:
            best_t, best_v = t, value
    return best_t


def calibrate_real(r: Run, kinds: Sequence[str], max_wrong: float = 0.05) -> float:
    """The threshold a method gets on the development half: the lowest at which no more
    than ``max_wrong`` of the answerable questions are answered wrongly and at least 90%
    of the no-entry and 95% of the off-topic questions are abstained on (the issue's
    targets), else the one closest to them. A wrong answer costs a member more than an
    abstention, which still offers suggestions."""
    tops = sorted({ranked[0][1] for ranked in r.rankings if ranked})
    candidates = [0.0, *tops, (tops[-1] + 1.0) if tops else 1.0]

    def shortfall(s: RealScores) -> float:
        return (
            max(0.0, s.wrong - max_wrong)
            + max(0.0, 0.90 - s.no_entry_abstained)
            + max(0.0, 0.95 - s.off_topic_abstained)
        )

    best = min(candidates, key=lambda t: (shortfall(score_real(r, kinds, t)), t))
    return best


def table(rows: list[tuple[str, RealScores]]) -> str:
    lines = [
        "| method | answerable: right | top-1 | top-3 | wrong | no entry: abstained "
        "| off-topic: abstained | threshold |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, s in rows:
        lines.append(
            f"| {name} | {s.right:.1%} | {s.top1:.1%} | {s.top3:.1%} | {s.wrong:.1%} "
            f"| {s.no_entry_abstained:.1%} | {s.off_topic_abstained:.1%} | {s.threshold:.2f} |"
        )
    return "\n".join(lines)
