"""How the matcher's default settings were chosen: a grid on calibration data only.

Usage: python -m bench.calibrate [--clinc-sample N] [--grid JSON]
  e.g. --grid '{"unit_softness": [2, 4, 6], "query_weight": [0.6, 0.7]}'

For each setting combination it prints, on our development questions
(bench/data/dev_questions.yaml + dev2_questions.yaml, 330 questions) and on
CLINC150's val + oos_val, the threshold the calibration rule picks
(``bench.evaluation.calibrate``) and the answered-right / out-of-scope-abstained
rates there.
Neither held-out set (tests/data/questions.yaml, CLINC150 test) is read here.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
from pathlib import Path

from bench.clinc150 import DATA, load, questions
from bench.evaluation import calibrate, load_questions, our_smalltalk, ours, run, score
from knowledge.loader import load_corpus
from knowledge.match import Matcher

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clinc-sample", type=int, default=3000, help="in-scope val questions")
    parser.add_argument("--grid", type=json.loads, default={}, help="setting -> values (JSON)")
    args = parser.parse_args(argv)

    ours_matcher = Matcher(load_corpus(ROOT / "knowledge"))
    dev = load_questions(ROOT / "bench" / "data" / "dev_questions.yaml") + load_questions(
        ROOT / "bench" / "data" / "dev2_questions.yaml"
    )
    data, clinc_corpus, tmp = load(DATA)
    with tmp:
        val = questions(data, "val")
        inscope = [q for q in val if q.in_scope]
        sample = random.Random(0).sample(inscope, min(args.clinc_sample, len(inscope)))
        val = sample + [q for q in val if not q.in_scope]
        clinc_matcher = Matcher(clinc_corpus)
        keys = list(args.grid)
        for combo in itertools.product(*args.grid.values()):
            changes = dict(zip(keys, combo, strict=True))
            ours_m = ours_matcher.with_settings(**changes)
            clinc_m = clinc_matcher.with_settings(**changes)
            dev_run = run("dev", ours(ours_m), dev, our_smalltalk(ours_m))
            t_dev = calibrate(dev_run)
            s_dev = score(dev_run, t_dev)
            s_default = score(dev_run, ours_m.settings.threshold)
            val_run = run("val", ours(clinc_m), val)
            t_val = calibrate(val_run)
            s_val = score(val_run, t_val)
            print(
                f"{changes or 'defaults'}\n"
                f"  dev: threshold {t_dev:.1f}: right {s_dev.answered_right:.3f}, "
                f"OOS {s_dev.abstain_oos:.3f}, top-1 {s_dev.top1:.3f}; at the default "
                f"{ours_m.settings.threshold:.0f}: right {s_default.answered_right:.3f}, "
                f"OOS {s_default.abstain_oos:.3f}\n"
                f"  CLINC val: threshold {t_val:.1f}: right {s_val.answered_right:.3f}, "
                f"OOS {s_val.abstain_oos:.3f}, top-1 {s_val.top1:.3f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
