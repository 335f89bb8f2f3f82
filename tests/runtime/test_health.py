"""``careerbot health``, the container's HEALTHCHECK, run as Docker would: a subprocess,
with no token and no Discord."""

from __future__ import annotations

import asyncio
from pathlib import Path

from careerbot.runtime.health import check
from knowledge import DEFAULT_KNOWLEDGE_PATH
from storage import open_storage
from tests.cli_process import run_clean as careerbot
from tests.conftest import PgServer


def test_healthy_with_a_fresh_database_and_the_shipped_corpus(tmp_path: Path) -> None:
    db = tmp_path / "data" / "careerbot.sqlite3"
    db.parent.mkdir()

    async def first_start() -> None:  # what `careerbot run` does before connecting
        async with await open_storage(db):
            pass

    asyncio.run(first_start())
    result = careerbot("health", cwd=tmp_path, CAREERBOT_DATABASE_PATH=str(db))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("healthy:") and "entries" in result.stdout


def test_health_never_creates_a_database(tmp_path: Path) -> None:
    """Run in the wrong folder (or with a typo in the path), health says where it looked
    instead of leaving an empty careerbot.sqlite3 behind and calling it healthy."""
    result = careerbot("health", cwd=tmp_path)
    assert result.returncode == 1
    assert f"no database at {tmp_path.resolve() / 'careerbot.sqlite3'}" in result.stderr
    assert "CAREERBOT_DATABASE_PATH" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_broken_corpus_is_unhealthy_with_the_problem(tmp_path: Path) -> None:
    broken = tmp_path / "corpus"
    broken.mkdir()
    (broken / "faq.yaml").write_text("faq:\n  - id: x\n    question: only this\n")
    result = careerbot(
        "health",
        cwd=tmp_path,
        CAREERBOT_DATABASE_PATH=str(tmp_path / "db.sqlite3"),
        CAREERBOT_KNOWLEDGE_PATH=str(broken),
    )
    assert result.returncode == 1
    assert "unhealthy" in result.stderr and "faq.yaml:" in result.stderr


def test_an_unusable_database_path_is_named(tmp_path: Path) -> None:
    result = careerbot(
        "health", cwd=tmp_path, CAREERBOT_DATABASE_PATH=str(tmp_path / "missing" / "db")
    )
    assert result.returncode == 1
    assert "CAREERBOT_DATABASE_PATH" in result.stderr and "missing" in result.stderr


async def test_check_reports_a_database_that_is_not_sqlite(tmp_path: Path) -> None:
    db = tmp_path / "not-a-db.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    report = await check(db, DEFAULT_KNOWLEDGE_PATH)
    assert not report.ok and str(db) in report.problems[0]


def test_database_url_selects_postgresql_and_its_password_stays_secret(
    tmp_path: Path, pg_server: PgServer
) -> None:
    # The test cluster trusts local connections, so any password is accepted.
    url = pg_server.fresh(migrated=False).replace("postgres@", "postgres:hunter2@")
    result = careerbot("health", cwd=tmp_path, CAREERBOT_DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert "database postgresql://postgres:***@" in result.stdout
    assert "hunter2" not in result.stdout + result.stderr
    assert not (tmp_path / "careerbot.sqlite3").exists()  # the SQLite default unused
    wrong = url.replace("@/t", "@/no_such_db_t", 1)
    result = careerbot("health", cwd=tmp_path, CAREERBOT_DATABASE_URL=wrong)
    assert result.returncode == 1
    assert "cannot open the database" in result.stderr and "hunter2" not in result.stderr


def test_a_database_url_that_is_not_postgresql_is_named(tmp_path: Path) -> None:
    result = careerbot("health", cwd=tmp_path, CAREERBOT_DATABASE_URL="mysql://x:secret@h/db")
    assert result.returncode == 1
    assert "CAREERBOT_DATABASE_URL" in result.stderr and "secret" not in result.stderr
