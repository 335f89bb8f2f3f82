"""How much faster or slower is the matcher than at another commit, whatever the VM does?

Usage: python -m bench.match_ab REV [--rounds N]
  e.g. python -m bench.match_ab f86ffc3

This machine is a shared VM whose speed drifts by a factor of two over minutes, so two
``bench.match_speed`` runs a minute apart can disagree more than two versions of the
code do. Here both versions live in one process and take turns on every question (the
order flips each round), so a slow phase slows both alike and their ratio holds.

The other version's ``knowledge`` package is taken from git (``git archive REV``) and
imported under another name; both versions match the same corpus (this checkout's
``knowledge/`` folder, each loaded by its own loader) over the question mix of
``bench.match_speed``: the development questions and the pathological ones. Printed:
p50/p99/mean for each and the ratios, and how many questions both answer alike (the
``ask --json`` object), which says whether a speed change also changed answers.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.match_speed import dev_questions, pathological_questions
from knowledge.loader import load_corpus
from knowledge.match import MAX_QUESTION_CHARS, Matcher

ROOT = Path(__file__).resolve().parent.parent
_IMPORT = re.compile(r"\b(from|import) knowledge\b")


def import_at(rev: str, folder: Path) -> Any:
    """The ``knowledge`` package as it was at ``rev``, imported as ``knowledge_at_rev``.

    Only the package's own exports are used (``Matcher``, ``load_corpus``), so a
    revision from before or after the matcher became a subpackage works alike.
    """
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "knowledge"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    package = folder / "knowledge_at_rev"
    (folder / "knowledge").rename(package)
    for source in package.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        source.write_text(_IMPORT.sub(r"\1 knowledge_at_rev", text), encoding="utf-8")
    sys.path.insert(0, str(folder))
    return importlib.import_module("knowledge_at_rev")


def summary(samples: list[float]) -> str:
    ms = np.asarray(samples) * 1000
    return f"p50 {np.median(ms):.3f}  p99 {np.percentile(ms, 99):.3f}  mean {ms.mean():.3f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", help="the other commit (anything git understands)")
    parser.add_argument("--rounds", type=int, default=20, help="passes over the question mix")
    args = parser.parse_args(argv)

    questions = dev_questions() + list(pathological_questions(MAX_QUESTION_CHARS).values())
    with tempfile.TemporaryDirectory(prefix="match-ab-") as tmp:
        other = import_at(args.rev, Path(tmp))
        theirs = other.Matcher(other.load_corpus(ROOT / "knowledge"))
        ours = Matcher(load_corpus(ROOT / "knowledge"))
        same = sum(
            ours.match(q).to_json() == theirs.match(q).to_json() for q in questions
        )  # also the warm-up
        times: dict[str, list[float]] = {"this checkout": [], args.rev: []}
        order = [("this checkout", ours), (args.rev, theirs)]
        clock = time.perf_counter
        gc.disable()
        try:
            for round_ in range(args.rounds):
                for question in questions:
                    for name, version in order if round_ % 2 else order[::-1]:
                        start = clock()
                        version.match(question)
                        times[name].append(clock() - start)
        finally:
            gc.enable()
    print(
        f"{len(questions)} questions x {args.rounds} rounds, taking turns; "
        f"answered alike: {same}/{len(questions)}"
    )
    for name, samples in times.items():
        print(f"  {name:>14}: {summary(samples)}")
    mine, other = (np.asarray(times[name]) for name, _ in order)
    print(
        f"  this checkout / {args.rev}: p50 x{np.median(mine) / np.median(other):.3f}, "
        f"p99 x{np.percentile(mine, 99) / np.percentile(other, 99):.3f}, "
        f"mean x{mine.mean() / other.mean():.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
