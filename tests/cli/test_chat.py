"""``careerbot chat`` as a person uses it: a subprocess fed lines on standard input."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

from careerbot.cli.chat import LOCAL_MEMBER_ID
from storage import open_storage


def chat(db: Path, lines: str, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAREERBOT_", "DISCORD_"))}
    env |= {"PYTHONIOENCODING": "utf-8", "CAREERBOT_DATABASE_PATH": str(db)}
    return subprocess.run(
        [sys.executable, "-m", "careerbot.cli.main", "chat", *extra],
        input=lines,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=db.parent,  # no stray .env
        timeout=60,
        check=False,
    )


def test_a_conversation_answers_greets_and_keeps_progress(tmp_path: Path) -> None:
    db = tmp_path / "careerbot.sqlite3"
    first = chat(
        db,
        "hello\ndo i need a phd?\nhow do i become a nurse\n/learned python basics\n"
        "/learned underwater basket weaving\nquit\nnot read after quit\n",
    )
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert out.startswith("careerbot chat:")
    assert "Hi! I'm careerbot" in out  # the greeting a DM gets
    assert "Do I need a PhD or a master's degree" in out  # the answer a DM gets
    assert "[faq: do-i-need-a-phd" not in out  # (ids are for moderators' `ask`)
    # Another career: the honest abstention a DM gets.
    assert "I don't have a good answer to that yet" in out and "browse /skills" in out
    assert "Marked Write Python scripts" in out and "Streak: 🔥 1 day" in out
    assert "I don't know a checklist item like 'underwater basket weaving'" in out
    assert out.rstrip().endswith("Bye! Your progress is saved.")
    assert "not read after quit" not in out

    second = chat(db, "/progress\n")  # end of input ends the conversation too
    assert second.returncode == 0, second.stderr
    assert re.search(r"Overall .* \(1/\d+ items\)", second.stdout)
    assert "Streak 🔥 1 day" in second.stdout

    async def logged() -> list[dict[str, object]]:
        async with await open_storage(db) as store:
            export = await store.export_member(LOCAL_MEMBER_ID)
        return export["tables"]["question_log"]

    rows = asyncio.run(logged())
    # Questions are logged like DMs: outcome kept, text not; the greeting is not logged.
    assert [r["matched_id"] for r in rows] == ["do-i-need-a-phd", None]
    assert all(r["visibility"] == "dm" and r.get("text") is None for r in rows)


def test_help_and_unknown_commands(tmp_path: Path) -> None:
    out = chat(tmp_path / "db.sqlite3", "/help\n/remind tomorrow\n/dance\n").stdout
    for command in ("/skills", "/skill NAME", "/progress", "/learned ITEM", "/timezone"):
        assert command in out
    assert "Reminders are sent to you on Discord" in out
    assert "There is no /dance here." in out


def test_member_commands_that_make_sense_offline(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    out = chat(
        db,
        "/skills\n/skill stats\n/timezone europe/berlin\n/timezone Mars/Olympus\n"
        "kaggle gpu cloud fluxcapacitor provider\n1\n/privacy export\n",
    ).stdout
    assert "The ML engineer skill map" in out and "19. AI ethics" in out  # every page
    assert "Probability and statistics" in out and "0/9 done" in out
    assert "  /learned probability-statistics/bayes-rule    Update a probability" in out
    assert "Your time zone is now Europe/Berlin" in out
    assert "I don't know the time zone 'Mars/Olympus'" in out
    assert "Did you mean one of these?\n  1. What laptop or PC" in out
    assert "You don't need to buy a GPU to start." in out  # choice 1, as its button shows
    assert '"tz": "Europe/Berlin"' in out  # the export
    forget = chat(db, "/privacy forget\n/privacy forget confirm\n/privacy export\n").stdout
    assert (
        "Type /privacy forget confirm" in forget
        and "everything stored about you is deleted" in forget
    )
    assert '"tz": "Europe/Berlin"' not in forget


def test_a_broken_corpus_fails_with_its_problems(tmp_path: Path) -> None:
    broken = tmp_path / "corpus"
    broken.mkdir()
    (broken / "faq.yaml").write_text("faq:\n  - id: x\n")
    result = chat(tmp_path / "db.sqlite3", "hi\n", "--knowledge", str(broken))
    assert result.returncode == 2
    assert "has problems" in result.stderr and "faq.yaml" in result.stderr
