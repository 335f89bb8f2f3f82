"""``careerbot kb check --db``: removed checklist items that members have progress on,
and progress that ``renamed_from`` will carry over, read without touching the file."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from knowledge import DEFAULT_KNOWLEDGE_PATH
from storage import open_storage
from tests.conftest import PgServer

OLD, NEW = "programming/python-basics", "programming/python-fundamentals"
GONE = "version-control/tidy-repository"


def careerbot(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "careerbot.cli.main", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=60,
        check=False,
    )


def edited_corpus(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(
        DEFAULT_KNOWLEDGE_PATH, root, ignore=shutil.ignore_patterns("*.py", "*.json", "*.md")
    )
    programming = root / "skills" / "programming.yaml"
    text = programming.read_text(encoding="utf-8")
    programming.write_text(
        text.replace(f"      - id: {OLD}\n", f"      - id: {NEW}\n        renamed_from: [{OLD}]\n"),
        encoding="utf-8",
    )
    vc = root / "skills" / "version-control.yaml"
    lines = vc.read_text(encoding="utf-8").splitlines(keepends=True)
    at = lines.index(f"      - id: {GONE}\n")
    del lines[at : at + 2]
    vc.write_text("".join(lines), encoding="utf-8")
    return root


async def fill(db_path: Path | str) -> None:
    async with await open_storage(db_path) as db:
        for member in (11, 12):
            await db.set_progress(member, "version-control", GONE, "done")
        await db.set_progress(11, "programming", OLD, "learning")
        await db.set_progress(11, "mathematics", "mathematics/tensors", "done")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_kb_check_with_the_database_reports_removed_and_renamed_items(tmp_path: Path) -> None:
    db_path = tmp_path / "careerbot.sqlite3"
    asyncio.run(fill(db_path))
    before = digest(db_path)
    root = edited_corpus(tmp_path)

    out = careerbot("kb", "check", "--knowledge", str(root), "--db", str(db_path))
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith(f"{root}: OK: ")
    assert lines[1:] == [
        f"warning: 2 members have progress on checklist item '{GONE}', which is no longer "
        f"in the corpus: if an item replaces it, add 'renamed_from: [{GONE}]' to that item; "
        "otherwise their progress on it is no longer shown",
        f"note: 1 member's progress on '{OLD}' will move to '{NEW}' (renamed_from) when the "
        "bot next loads this corpus",
    ]
    assert digest(db_path) == before  # read only: a running bot's file is never changed

    # Without --db, or with the shipped corpus, nothing about progress is said.
    assert careerbot("kb", "check", "--knowledge", str(root)).stdout.splitlines() == lines[:1]
    shipped = careerbot("kb", "check", "--db", str(db_path))
    assert shipped.returncode == 0 and "warning" not in shipped.stdout
    assert "note" not in shipped.stdout


def test_kb_check_with_a_missing_database_says_so(tmp_path: Path) -> None:
    missing = tmp_path / "nope.sqlite3"
    out = careerbot("kb", "check", "--db", str(missing))
    assert out.returncode == 2
    assert f"cannot check progress: {missing}: no such database file" in out.stderr
    assert not missing.exists()


def test_kb_check_reads_a_postgresql_database_too(tmp_path: Path, pg_server: PgServer) -> None:
    url = pg_server.fresh()
    asyncio.run(fill(url))
    root = edited_corpus(tmp_path)
    on_postgres = careerbot("kb", "check", "--knowledge", str(root), "--db", url)
    assert on_postgres.returncode == 0, on_postgres.stderr
    db_path = tmp_path / "careerbot.sqlite3"
    asyncio.run(fill(db_path))
    assert (
        on_postgres.stdout
        == careerbot("kb", "check", "--knowledge", str(root), "--db", str(db_path)).stdout
    )
    assert "warning: 2 members" in on_postgres.stdout
    missing = careerbot("kb", "check", "--db", url.replace("@/t", "@/missing_t", 1))
    assert missing.returncode == 2 and "cannot check progress" in missing.stderr
