"""The admin's and moderator's offline tools: invite, backup, kb gaps, kb new.

Each runs as a person runs it, a subprocess in a folder of its own, against real
SQLite files and a real copy of the corpus.
"""

from __future__ import annotations

import asyncio
import base64
import shutil
import sqlite3
import threading
from pathlib import Path

from careerbot.cli.invite import PERMISSIONS, application_id_from_token, invite_url
from knowledge import DEFAULT_KNOWLEDGE_PATH, KnowledgeBase
from storage import open_storage
from tests.cli_process import run_clean as careerbot

APP_ID = 123456789012345678


def token_for(app_id: int) -> str:
    """A token shaped like Discord's: base64 of the bot's id, a timestamp, an HMAC."""
    first = base64.b64encode(str(app_id).encode()).decode().rstrip("=")
    return f"{first}.GabcDe.{'x' * 38}"


# ---------------------------------------------------------------------- invite ---


def test_invite_reads_the_application_id_from_the_token(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"CAREERBOT_DISCORD_TOKEN={token_for(APP_ID)}\n")
    out = careerbot("invite", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == (
        f"https://discord.com/oauth2/authorize?client_id={APP_ID}"
        "&scope=bot+applications.commands&permissions=19456"
    )
    assert token_for(APP_ID) not in out.stdout + out.stderr
    assert PERMISSIONS == 19456  # what the README explains, permission by permission


def test_invite_without_a_token_says_what_to_give(tmp_path: Path) -> None:
    out = careerbot("invite", cwd=tmp_path)
    assert out.returncode == 2 and "--app-id" in out.stderr
    out = careerbot("invite", "--app-id", "42", cwd=tmp_path)
    assert out.stdout.strip() == invite_url(42)


def test_application_id_from_token_refuses_what_is_not_a_token() -> None:
    assert application_id_from_token(token_for(APP_ID)) == APP_ID
    for junk in ("", "not-a-token", "!!!.x.y", base64.b64encode(b"abc").decode() + ".x.y"):
        assert application_id_from_token(junk) is None, junk


# ---------------------------------------------------------------------- backup ---


async def fill(db: Path, questions: int) -> None:
    async with await open_storage(db) as store:
        for n in range(questions):
            await store.log_question(
                1000 + n % 7, f"how do i become a nurse {n % 3}", visibility="public",
                guild_id=99, matched_id=None,
            )  # fmt: skip
        await store.set_progress(5, "programming", "programming/python-basics", "done")


def test_backup_copies_a_live_database_and_says_how_to_restore(tmp_path: Path) -> None:
    db = tmp_path / "careerbot.sqlite3"
    asyncio.run(fill(db, 50))
    stop = threading.Event()

    def keep_writing() -> None:  # the bot, still running: WAL writes during the backup
        with sqlite3.connect(db) as conn:
            n = 0
            while not stop.is_set():
                conn.execute(
                    "INSERT INTO question_log (member_id, guild_id, visibility, asked_at) "
                    "VALUES (?, NULL, 'dm', ?)",
                    (2000 + n, 1_700_000_000 + n),
                )
                conn.commit()
                n += 1

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        out = careerbot("backup", cwd=tmp_path, CAREERBOT_DATABASE_PATH=str(db))
    finally:
        stop.set()
        writer.join()
    assert out.returncode == 0, out.stderr
    [copy] = tmp_path.glob("careerbot.backup-*.sqlite3")
    assert f"backed up {db} to {copy}" in out.stdout and "integrity checked" in out.stdout
    assert "To restore this backup:" in out.stdout and f"cp {copy} {db}" in out.stdout
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT status FROM progress").fetchall() == [("done",)]
        assert conn.execute("SELECT COUNT(*) FROM question_log").fetchone()[0] >= 50

    async def restored() -> int:  # the copy opens as the bot's store
        async with await open_storage(copy) as store:
            return await store.schema_version()

    assert asyncio.run(restored()) >= 1
    again = careerbot("backup", str(copy), cwd=tmp_path, CAREERBOT_DATABASE_PATH=str(db))
    assert again.returncode == 1 and "already exists" in again.stderr


def test_backup_of_a_missing_database_creates_nothing(tmp_path: Path) -> None:
    out = careerbot("backup", cwd=tmp_path)
    assert out.returncode == 1 and "no database at careerbot.sqlite3" in out.stderr
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------- kb gaps ---


def test_kb_gaps_lists_unanswered_questions_offline_without_writing(tmp_path: Path) -> None:
    db = tmp_path / "careerbot.sqlite3"
    asyncio.run(fill(db, 9))
    before = db.read_bytes()
    out = careerbot("kb", "gaps", "--db", str(db), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    lines = [line for line in out.stdout.splitlines() if "x  " in line]
    assert len(lines) == 3 and all("3 unanswered" in line for line in lines)
    assert "how do i become a nurse" in lines[0]
    assert "careerbot kb explain" in out.stdout
    assert db.read_bytes() == before
    empty = careerbot("kb", "gaps", "--db", str(db), "--days", "1", cwd=tmp_path)
    assert "3 unanswered" in empty.stdout  # asked just now: inside one day too
    missing = careerbot("kb", "gaps", "--db", str(tmp_path / "nope.sqlite3"), cwd=tmp_path)
    assert missing.returncode == 2 and "no such database file" in missing.stderr


# ---------------------------------------------------------------------- kb new ---

ANSWER = """    answer: |
      **Ask with numbers.** Bring the market range for your level and city, what you
      delivered this year, and one number you would accept.

      *Source: "How to become a Machine Learning Engineer?"*"""
PHRASINGS = """    phrasings:
      - how do i ask my manager for more money as an ml engineer
      - negotiating a pay rise for machine learning engineers
      - tips to get a raise as mle
      - my ml salary is too low, how do I ask for a raise?"""


def test_kb_new_writes_a_template_that_kb_check_guides_to_a_valid_entry(tmp_path: Path) -> None:
    corpus = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_PATH, corpus)
    question = "How do I negotiate a raise as an ML engineer?"
    out = careerbot("kb", "new", "--write", "--knowledge", str(corpus), question, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    entry = corpus / "faq" / "negotiate-raise-ml-engineer.yaml"
    assert f"wrote {entry}" in out.stdout
    # Unfinished, it is refused, and kb check names what is missing.
    check = careerbot("kb", "check", "--knowledge", str(corpus), cwd=tmp_path)
    assert check.returncode == 1
    assert "'phrasings' needs at least 4" in check.stdout and "'answer' is empty" in check.stdout
    # Filled in as its comments say, it is a valid entry that members find.
    text = entry.read_text(encoding="utf-8")
    text = text.replace('    answer: ""', ANSWER).replace("    phrasings: []", PHRASINGS)
    text = text.replace("sources: []", "sources: [How to become a Machine Learning Engineer?]")
    entry.write_text(text, encoding="utf-8")
    check = careerbot("kb", "check", "--knowledge", str(corpus), cwd=tmp_path)
    assert check.returncode == 0, check.stdout
    kb = KnowledgeBase.load(corpus)
    assert kb.ask("how can I negotiate a raise as an ML engineer?").match is not None
    twice = careerbot("kb", "new", "--write", "--knowledge", str(corpus), question, cwd=tmp_path)
    assert twice.returncode == 2 and "already has an entry" in twice.stderr


def test_kb_new_skill_template_is_refused_until_filled(tmp_path: Path) -> None:
    corpus = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_PATH, corpus)
    out = careerbot(
        "kb", "new", "--skill", "--knowledge", str(corpus), "Prompt design", cwd=tmp_path
    )
    assert out.returncode == 0 and "id: prompt-design" in out.stdout
    (corpus / "skills" / "prompt-design.yaml").write_text(out.stdout, encoding="utf-8")
    check = careerbot("kb", "check", "--knowledge", str(corpus), cwd=tmp_path)
    assert check.returncode == 1
    for field in ("'summary' is empty", "'why' is empty", "'checklist' needs", "'practice' needs"):
        assert field in check.stdout
