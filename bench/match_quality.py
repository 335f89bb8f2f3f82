"""Match quality on our own corpus: careerbot's matcher against three baselines.

Usage: python -m bench.match_quality [--knowledge PATH] [--by-tag] [--errors] [--real-test]

Baselines get their abstention threshold calibrated on the development questions
(bench/data/dev_questions.yaml and dev2_questions.yaml); careerbot uses its shipped
default threshold, chosen on those same development questions. Everything is then
scored on the held-out set tests/data/questions.yaml, which no setting was tuned on.

Then the real questions (bench/data/real_questions.yaml, see :mod:`bench.real_questions`):
the development half always; the test half only with ``--real-test``, because every
look at it is written down in bench/data/real_test_looks.md. On real questions every
method gets two thresholds from the development half, by the same two rules: *balanced*
(the mean of answered right and abstained on the rest, as CLINC150's protocol) and
*targets* (the issue's: at most 5% answered wrongly, 90% of no-entry and 95% of
off-topic questions abstained, or as close as the method gets); careerbot is also shown
at its shipped default threshold.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.evaluation import (
    bm25_ranker,
    calibrate,
    difflib_ranker,
    load_questions,
    our_smalltalk,
    ours,
    run,
    score,
    table,
    token_sort_ranker,
    wratio_ranker,
)
from bench.real_questions import calibrate_balanced, calibrate_real, halves, score_real
from bench.real_questions import table as real_table
from knowledge.loader import load_corpus
from knowledge.match import Matcher

ROOT = Path(__file__).resolve().parent.parent
DEV = [
    ROOT / "bench" / "data" / "dev_questions.yaml",
    ROOT / "bench" / "data" / "dev2_questions.yaml",
]
TEST = ROOT / "tests" / "data" / "questions.yaml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    parser.add_argument("--dev", type=Path, nargs="+", default=DEV)
    parser.add_argument("--test", type=Path, default=TEST)
    parser.add_argument("--by-tag", action="store_true", help="careerbot's scores per tag")
    parser.add_argument("--errors", action="store_true", help="list careerbot's misses")
    parser.add_argument(
        "--real-test",
        action="store_true",
        help="also score the real test half (write the look down in real_test_looks.md)",
    )
    args = parser.parse_args(argv)

    corpus = load_corpus(args.knowledge)
    matcher = Matcher(corpus)
    dev = [q for path in args.dev for q in load_questions(path)]
    test = load_questions(args.test)
    n_oos = sum(not q.in_scope for q in test)
    print(
        f"corpus: {len(corpus)} entries; dev: {len(dev)} questions; "
        f"test: {len(test)} questions ({len(test) - n_oos} in scope, {n_oos} out of scope)\n"
    )
    rows = []
    ours_run = run("careerbot", ours(matcher), test, our_smalltalk(matcher))
    ours_dev = run("careerbot", ours(matcher), dev, our_smalltalk(matcher))
    rows.append(("careerbot (default threshold)", score(ours_run, matcher.settings.threshold)))
    rows.append(("careerbot (threshold from dev)", score(ours_run, calibrate(ours_dev))))
    for name, make in (
        ("difflib ratio, best phrasing", difflib_ranker),
        ("rapidfuzz WRatio, canonical question", wratio_ranker),
        ("BM25 (bm25s), entry = phrasings joined", bm25_ranker),
    ):
        ranker = make(corpus)
        threshold = calibrate(run(name, ranker, dev))
        rows.append((name, score(run(name, ranker, test), threshold)))
    print(table(rows))
    print(
        "\ntop-1/top-3: in-scope questions whose right entry ranks first / in the first "
        "three; answered right: in scope, answered with the right entry; OOS abstained: "
        "out of scope, no entry given; false answers: share of all questions answered "
        "with a wrong entry."
    )
    real_dev, real_test = halves()
    real_sets = [("development", real_dev)] + ([("test", real_test)] if args.real_test else [])
    rankers = [
        ("careerbot", ours(matcher), our_smalltalk(matcher)),
        ("BM25 (bm25s)", bm25_ranker(corpus), None),
        ("rapidfuzz token_sort", token_sort_ranker(corpus), None),
    ]
    thresholds = {}
    balanced = {}
    for name, ranker, abstain in rankers:
        dev_run = run(name, ranker, [q.question for q in real_dev], abstain)
        thresholds[name] = calibrate_real(dev_run, [q.kind for q in real_dev])
        balanced[name] = calibrate_balanced(dev_run, [q.kind for q in real_dev])
    for half, questions in real_sets:
        kinds = [q.kind for q in questions]
        counts = ", ".join(f"{kinds.count(k)} {k}" for k in ("answerable", "no-entry", "off-topic"))
        print(f"\nreal questions, {half} half ({counts}):\n")
        rows_real = []
        for name, ranker, abstain in rankers:
            r = run(name, ranker, [q.question for q in questions], abstain)
            if name == "careerbot":
                default = matcher.settings.threshold
                rows_real.append((f"{name} (default threshold)", score_real(r, kinds, default)))
            for rule, chosen in (("balanced", balanced), ("targets", thresholds)):
                at = score_real(r, kinds, chosen[name])
                rows_real.append((f"{name} ({rule} threshold from dev)", at))
        print(real_table(rows_real))
    if args.real_test:
        print("\nYou looked at the real test half: write it down in bench/data/real_test_looks.md.")
    threshold = matcher.settings.threshold
    if args.by_tag:
        tags = sorted({t for q in test for t in q.tags})
        print("\n| tag | n | careerbot right (in scope) or abstained (out of scope) |")
        print("|---|---|---|")
        for tag in tags:
            idx = [i for i, q in enumerate(test) if tag in q.tags]
            ok = 0
            for i in idx:
                result = matcher.match(test[i].text)
                got = result.match.id if result.match else None
                ok += (got in test[i].expect) if test[i].in_scope else (got is None)
            print(f"| {tag} | {len(idx)} | {ok / len(idx):.0%} |")
    if args.errors:
        print("\nmisses at the default threshold:")
        for q in test:
            result = matcher.match(q.text, threshold)
            got = result.match.id if result.match else None
            if (got in q.expect) if q.in_scope else got is None:
                continue
            want = ",".join(sorted(q.expect)) or "abstain"
            best = result.best.id if result.best else None
            print(f"  {q.text!r}: want {want}, got {got} (best {best} {result.score})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
