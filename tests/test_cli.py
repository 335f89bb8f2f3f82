"""The careerbot command line, run as a member or a tool would run it: a subprocess."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge.loader import load_corpus
from tests.cli_process import run_clean
from tests.knowledge.conftest import MINIMAL_FAQ

JSON_KEYS = {"question", "match", "kind", "score", "best", "suggestions"}


def careerbot(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "careerbot.cli.main", *args],
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
    assert "**" not in out.stdout  # markdown shown as a terminal shows it


def test_ask_abstains_with_suggestions_in_words() -> None:
    out = careerbot("ask", "--threshold", "100", "do i need a phd")
    assert out.returncode == 0
    assert "I don't have a good answer to that yet" in out.stdout  # the bot's own words
    assert "Did you mean" in out.stdout and "1. Do I need a PhD" in out.stdout
    assert "(do-i-need-a-phd)" in out.stdout


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
    out = careerbot("kb", "check", "--strict")  # the house rules hold too (no warning)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"{len(corpus.faq)} FAQ entries, {len(corpus.skills)} skills" in out.stdout
    assert out.stdout.count("\n") == 1


def test_kb_check_lists_every_error_and_exits_1(tmp_path: Path) -> None:
    broken = MINIMAL_FAQ.replace("    answer: No.", "    anwser: No.").replace(
        "related: [do-i-need-a-phd]", "related: [nowhere]"
    )
    (tmp_path / "faq.yaml").write_text(broken, encoding="utf-8")
    (tmp_path / "other.yaml").write_text("faq: [\n", encoding="utf-8")
    out = careerbot("kb", "check", "--knowledge", str(tmp_path))
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


def test_kb_explain_says_which_entry_why_and_what_to_add_in_plain_words() -> None:
    out = careerbot("kb", "explain", "is a phd requried for mle?")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "The bot would answer with do-i-need-a-phd" in text
    assert '"requried" as a typo of "required"' in text  # words, not stems
    assert '"mle" as "machine learning engineer"' in text
    top = text.split("1. do-i-need-a-phd", 1)[1].split("\n2. ", 1)[0]
    assert "<- the answer" in top and "Closest: phrasing" in top
    assert 'Why: the member\'s "phd" and "requried" (a typo of "required")' in top
    assert "What to do:" in text
    for internal in (r"\brequir\b", r"\bmachin\b", "4-gram", "evidence", "weight"):
        assert not re.search(internal, text), internal


def test_kb_explain_lists_entries_best_first() -> None:
    for question in (
        "is a phd requried for mle?",
        "how do i get better at leetcode",
        "kaggle or gpu for nlp",
    ):
        out = careerbot("kb", "explain", "--top", "8", question)
        scores = [
            int(s) for s in re.findall(r"^\d+\. \S+ \(\w+\), confidence (\d+)", out.stdout, re.M)
        ]
        assert len(scores) > 2 and scores == sorted(scores, reverse=True), out.stdout


def test_kb_explain_says_where_to_add_a_phrasing_when_it_abstains() -> None:
    out = careerbot("kb", "explain", "what is the best gpu cloud provider for kaggle fluxcapacitor")
    assert "The bot would not answer: its best guess, hardware-and-compute" in out.stdout
    assert "knowledge/faq/hardware-and-compute.yaml:2, under phrasings:" in out.stdout
    assert 'No entry has "provider" and "fluxcapacitor"' in out.stdout


def test_kb_explain_does_not_send_an_off_topic_question_to_the_best_guess() -> None:
    out = careerbot("kb", "explain", "best banana bread recipe")
    assert "The bot would not answer" in out.stdout
    assert "Nothing here is close" in out.stdout and "off-topic" in out.stdout
    assert "add the question as one of its phrasings" not in out.stdout


def test_kb_explain_verbose_shows_the_scores() -> None:
    out = careerbot("kb", "explain", "--verbose", "is a phd requried for mle?")
    details = out.stdout.split("Details (how the score is made):", 1)[1]
    assert "requried ~ requir" in details  # the typo and the stem it was read as
    top = details.split("do-i-need-a-phd: ", 1)[1].split("\n", 1)[0]
    meaning = re.search(r"meaning alike (\d+\.\d)", top)
    assert meaning is not None and 0 < float(meaning.group(1)) < 100, top


def test_overlong_question_is_refused_politely() -> None:
    out = careerbot("ask", "why " * 600)
    assert out.returncode == 0
    assert "a bit long for me" in out.stdout
    data = json.loads(careerbot("ask", "--json", "why " * 600).stdout)
    assert data["match"] is None


def test_version_is_the_installed_package_version() -> None:
    from importlib import metadata

    out = careerbot("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"careerbot {metadata.version('careerbot')}"


def test_ask_reads_stdin_without_json_as_a_member_reads_it() -> None:
    out = careerbot("ask", "-", stdin="do i need a phd\n\nthanks!\n")
    assert out.returncode == 0, out.stderr
    first, second = out.stdout.split("\n" + "-" * 40 + "\n")
    assert first.startswith("Do I need a PhD")
    assert second.strip() == json_free_reply("thanks!")


def json_free_reply(question: str) -> str:
    """The answer to one question asked on the command line, to compare with stdin's."""
    return careerbot("ask", question).stdout.strip()


ROOT = Path(__file__).resolve().parent.parent


def test_run_log_format_json_prints_its_fatal_line_as_json(tmp_path: Path) -> None:
    """A log shipper reading JSON must get the reason the bot did not start."""
    empty = tmp_path / "corpus"
    empty.mkdir()
    out = run_clean(
        "run", "--log-format", "json", "--knowledge", str(empty),
        cwd=tmp_path, CAREERBOT_DISCORD_TOKEN="not.a-real.token",
    )  # fmt: skip
    assert out.returncode == 2
    [line] = out.stderr.splitlines()
    fatal = json.loads(line)
    assert fatal["level"] == "CRITICAL" and "has problems" in fatal["message"]
    (tmp_path / ".env").write_text("CAREERBOT_DISCORD_TOKEN=\n", encoding="utf-8")
    out = run_clean("run", cwd=tmp_path, CAREERBOT_LOG_FORMAT="json")  # settings fail first
    assert out.returncode == 2
    [line] = out.stderr.splitlines()
    assert "token is empty" in json.loads(line)["message"]


def test_an_empty_token_after_copying_env_example_says_how_to_get_one(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text((ROOT / ".env.example").read_text(encoding="utf-8"))
    out = run_clean("run", cwd=tmp_path)
    assert out.returncode == 2
    assert "token is empty" in out.stderr and "Reset Token" in out.stderr
    assert "CAREERBOT_DISCORD_TOKEN= in .env" in out.stderr
    assert not (tmp_path / "careerbot.sqlite3").exists()


def test_help_points_to_env_example_and_explains_kb() -> None:
    run_help = careerbot("run", "--help").stdout
    assert ".env.example" in run_help and "settings.py" not in run_help
    kb_help = careerbot("kb", "--help").stdout
    for sub in ("check", "explain", "gaps", "new"):
        assert sub in kb_help
    assert "--knowledge" in kb_help
    for sub in ("check", "explain"):
        sub_help = careerbot("kb", sub, "--help").stdout
        description = sub_help.split("\n\n")[1]  # usage, then the description
        assert len(description.split()) > 12, sub_help


def test_kb_check_takes_the_folder_as_knowledge_only(tmp_path: Path) -> None:
    (tmp_path / "faq.yaml").write_text(MINIMAL_FAQ, encoding="utf-8")
    out = careerbot("kb", "check", str(tmp_path))
    assert out.returncode == 2 and f"--knowledge {tmp_path}" in out.stderr
    folder = str(tmp_path)
    for args in (
        ["kb", "check", "--knowledge", folder],
        ["kb", "--knowledge", folder, "check"],
        ["--knowledge", folder, "kb", "check"],
    ):
        out = careerbot(*args)
        assert out.returncode == 0 and "2 FAQ entries" in out.stdout, args


UNSOURCED = """\
faq:
  - id: unsourced-probe
    question: Is this entry missing its sources?
    phrasings: [probe one a, probe one b, probe one c, probe one d]
    answer: Ask with evidence.
  - id: flow-list-probe
    question: Does this entry list its sources in brackets?
    phrasings: [probe two a, probe two b, probe two c, probe two d]
    answer: |
      At your review.

      *Source: "How to become a Machine Learning Engineer?"*
    sources: [How to become a Machine Learning Engineer?]
"""


def test_kb_check_teaches_the_house_rules_ci_holds_the_corpus_to(tmp_path: Path) -> None:
    """Valid entries (the bot would serve them) that the shipped corpus's tests refuse:
    kb check says so, as warnings, and --strict (CI) fails on them."""
    root = tmp_path / "knowledge"
    shutil.copytree(Path(__file__).resolve().parent.parent / "knowledge", root)
    (root / "faq" / "house-rule-probes.yaml").write_text(UNSOURCED, encoding="utf-8")
    out = careerbot("kb", "check", "--knowledge", str(root))
    assert out.returncode == 0, out.stdout + out.stderr
    warnings = [line for line in out.stdout.splitlines() if ": warning: " in line]
    assert len(warnings) == 3, out.stdout
    raises = str(root / "faq" / "house-rule-probes.yaml")
    assert f"{raises}:2:1: warning: FAQ entry 'unsourced-probe' names no source" in warnings[0]
    assert f"{raises}:2:1: warning: the answer of 'unsourced-probe' should end" in warnings[1]
    assert f"{raises}:13:56:" in warnings[2] and "other YAML readers" in warnings[2]
    strict = careerbot("kb", "check", "--strict", "--knowledge", str(root))
    assert strict.returncode == 1 and "3 warning(s)" in strict.stderr
