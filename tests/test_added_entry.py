"""A moderator's pull request: one new, valid FAQ entry added as the guide says.

The tests that read the shipped corpus must check its rules, not its size, or every
moderator's new entry fails CI. This copies the repository, adds an entry started
with ``careerbot kb new`` and filled in as knowledge/README.md describes, and runs
those tests in the copy: they must all pass there too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: The tests that load the shipped corpus and check what is in it.
CORPUS_TESTS = (
    "tests/knowledge/test_shipped_corpus.py",
    "tests/knowledge/test_matcher.py",
    "tests/test_cli.py",
    "tests/test_cli_kb_check_db.py",
)

ENTRY = """\
faq:
  - id: working-remotely
    question: Can a machine-learning engineer work remotely?
    phrasings:
      - are remote ml engineer jobs a thing
      - can i work from home as an mle
      - fully remote machine learning positions, realistic?
      - do ml teams hire people in other countries to work remotely
    answer: |
      **Often, yes.** Much of the work is code, data and meetings, which travel well;
      teams that train on their own hardware or handle sensitive data may want you on site.

      *Source: "How to become a Machine Learning Engineer?"*
    keywords: [remote, work from home, wfh]
    sources:
      - How to become a Machine Learning Engineer?
    related: [job-search, day-to-day-work]
"""


def test_the_corpus_tests_pass_with_one_more_valid_entry(tmp_path: Path) -> None:
    clone = tmp_path / "repo"
    shutil.copytree(
        ROOT,
        clone,
        symlinks=True,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "__pycache__", "*.sqlite3*", ".env", ".pytest_cache", "bench"
        ),
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAREERBOT_", "DISCORD_"))}
    env |= {"PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(clone)}
    entry = clone / "knowledge" / "faq" / "working-remotely.yaml"
    entry.write_text(ENTRY, encoding="utf-8")
    check = subprocess.run(
        [sys.executable, "-m", "careerbot.cli.main", "kb", "check"],
        cwd=clone, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *CORPUS_TESTS],
        cwd=clone, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert str(clone) in subprocess.run(  # the copy's code and corpus were the ones tested
        [sys.executable, "-c", "import knowledge; print(knowledge.__file__)"],
        cwd=clone, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
