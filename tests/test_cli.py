"""The careerbot command line, run as a member or a tool would run it: a subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge.loader import load_corpus
from tests.knowledge.conftest import MINIMAL_FAQ

JSON_KEYS = {"question", "match", "kind", "score", "best", "suggestions"}


def careerbot(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
        check=False,
    )


def test_ask_prints_the_answer_a_person_reads() -> None:
    out = careerbot("ask", "do i need a phd to become an ML engineer?")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Do I need a PhD")
    assert "Source" in out.stdout
    assert "do-i-need-a-phd" in out.stdout


def test_ask_abstains_with_suggestions_in_words() -> None:
    out = careerbot("ask", "--threshold", "100", "do i need a phd")
    assert out.returncode == 0
    assert "not sure" in out.stdout
    assert "Did you mean" in out.stdout and "(do-i-need-a-phd)" in out.stdout


def test_ask_json_is_exactly_one_object() -> None:
    out = careerbot("ask", "--json", "pyhton or R?")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert set(data) == JSON_KEYS
    assert data["question"] == "pyhton or R?"
    assert data["match"] == data["best"] == "which-programming-language"
    assert data["kind"] == "faq"
    assert 0 <= data["score"] <= 100


@pytest.mark.parametrize("question", ["thanks!", "best banana bread recipe"])
def test_ask_json_match_is_null_when_not_answering(question: str) -> None:
    data = json.loads(careerbot("ask", "--json", question).stdout)
    assert data["match"] is None and data["kind"] is None
    assert set(data) == JSON_KEYS


def test_ask_json_stdin_one_object_per_line() -> None:
    questions = ["do i need a phd", "hello", "k8s", "salary?", "ąčę 🙂 ünïcödé"]
    out = careerbot("ask", "--json", "-", stdin="\n".join(questions) + "\n")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["question"] for r in rows] == questions
    assert rows[0]["match"] == "do-i-need-a-phd"
    assert rows[1]["match"] is None
    assert rows[2]["kind"] == "skill"


def test_knowledge_option_uses_another_corpus(tmp_path: Path) -> None:
    (tmp_path / "faq.yaml").write_text(MINIMAL_FAQ, encoding="utf-8")
    out = careerbot("ask", "--json", "--knowledge", str(tmp_path), "phd needed?")
    assert json.loads(out.stdout)["match"] == "do-i-need-a-phd"
    out = careerbot("--knowledge", str(tmp_path), "kb", "check")
    assert out.returncode == 0 and "2 FAQ entries" in out.stdout
    out = careerbot("ask", "--json", "--knowledge", str(tmp_path), "kubernetes")
    assert json.loads(out.stdout)["match"] is None


def test_kb_check_ok_on_shipped_corpus() -> None:
    """The summary counts what the corpus holds, whatever moderators have added."""
    corpus = load_corpus(Path(__file__).resolve().parent.parent / "knowledge")
    out = careerbot("kb", "check")
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"{len(corpus.faq)} FAQ entries, {len(corpus.skills)} skills" in out.stdout


def test_kb_check_lists_every_error_and_exits_1(tmp_path: Path) -> None:
    broken = MINIMAL_FAQ.replace("    answer: No.", "    anwser: No.").replace(
        "related: [do-i-need-a-phd]", "related: [nowhere]"
    )
    (tmp_path / "faq.yaml").write_text(broken, encoding="utf-8")
    (tmp_path / "other.yaml").write_text("faq: [\n", encoding="utf-8")
    out = careerbot("kb", "check", str(tmp_path))
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert len(lines) == 4
    for line in lines:
        file, row, col, message = line.split(":", 3)
        assert Path(file).parent == tmp_path and int(row) > 0 and int(col) > 0 and message
    assert "4 problem(s)" in out.stderr


def test_ask_with_a_broken_corpus_explains_and_fails(tmp_path: Path) -> None:
    (tmp_path / "faq.yaml").write_text("faq:\n  - id: Bad\n", encoding="utf-8")
    out = careerbot("ask", "--knowledge", str(tmp_path), "hello")
    assert out.returncode == 2
    assert "has problems" in out.stderr and "faq.yaml:2" in out.stderr


def test_kb_explain_shows_candidates_and_words() -> None:
    out = careerbot("kb", "explain", "is a phd requried for mle?")
    assert out.returncode == 0, out.stderr
    assert "1. do-i-need-a-phd" in out.stdout
    assert "closest:" in out.stdout
    assert "requried ~ requir" in out.stdout  # the typo and what it was read as
    top = out.stdout.split("1. do-i-need-a-phd", 1)[1].split("\n2. ", 1)[0]
    meaning = re.search(r"meaning alike (\d+\.\d)", top)
    assert meaning is not None and 0 < float(meaning.group(1)) < 100, top


def test_overlong_question_is_refused_politely() -> None:
    out = careerbot("ask", "why " * 600)
    assert out.returncode == 0
    assert "too long" in out.stdout
    data = json.loads(careerbot("ask", "--json", "why " * 600).stdout)
    assert data["match"] is None
