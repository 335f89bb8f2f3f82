"""``careerbot kb stats``: what /kb stats shows, offline, as text or CSV, on both backends.

Run as a moderator runs it: a subprocess in a folder of its own, against a real SQLite
file and a real PostgreSQL database, which it must read without changing.
"""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

from careerbot.cli.kb_stats import CSV_COLUMNS
from storage import Storage, open_storage
from storage.postgres import open_postgres
from tests.cli_process import run_clean as careerbot

GUILD, OTHER = 99, 98
FORMULA = '=HYPERLINK("http://example.com","click")'


async def fill(location: str) -> None:
    async with await open_storage(location) as store:
        await fill_store(store)


async def fill_store(store: Storage) -> None:
    """Eight days of questions in GUILD (one an hour ago), one in OTHER, and votes."""
    now = datetime.now(UTC) - timedelta(hours=1)
    for day in range(8):
        at = now - timedelta(days=day)
        answered = await store.log_question(
            1000 + day, "do i need a phd", visibility="public", guild_id=GUILD,
            matched_id="do-i-need-a-phd", at=at,
        )  # fmt: skip
        await store.log_question(
            1000 + day, FORMULA, visibility="public", guild_id=GUILD, matched_id=None, at=at
        )
        if day < 3:
            await store.record_feedback(answered.id, 1000 + day, helpful=day == 0, at=at)
    await store.log_question(
        7, "secret", visibility="ephemeral", guild_id=GUILD, matched_id="salary", at=now
    )
    await store.log_question(
        8, "elsewhere", visibility="public", guild_id=OTHER, matched_id=None, at=now
    )


def read_csv(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    return list(reader)


def check_guild_csv(text: str, community: tuple[str, str] = ("0", "0")) -> None:
    rows = read_csv(text)
    sections = [row["section"] for row in rows]
    assert sections[0] == "total" and sections.count("total") == 1
    total = rows[0]
    assert (total["asked"], total["answered"], total["abstained"]) == ("17", "9", "8")
    assert (total["helpful_votes"], total["unhelpful_votes"]) == ("1", "2")
    assert total["answer_rate"] == "0.5294" and total["abstention_rate"] == "0.4706"
    # None handed over: 0 on a database that records it, empty on one that predates it.
    assert (total["handed_to_community"], total["answered_by_community"]) == community
    weeks = [row for row in rows if row["section"] == "week"]
    assert 5 <= len(weeks) <= 6  # every week 30 days touch, empty ones too
    assert 2 <= len([w for w in weeks if w["asked"] != "0"]) <= 3  # 8 days of questions
    assert sum(int(week["asked"]) for week in weeks) == 17
    assert all(datetime.fromisoformat(w["week_start"]).weekday() == 0 for w in weeks)
    entries = [(r["entry_id"], r["asked"]) for r in rows if r["section"] == "entry"]
    assert entries == [("do-i-need-a-phd", "8"), ("salary", "1")]
    unhelpful = [r for r in rows if r["section"] == "unhelpful"]
    assert [(r["entry_id"], r["unhelpful_votes"]) for r in unhelpful] == [("do-i-need-a-phd", "2")]
    gaps = [r for r in rows if r["section"] == "gap"]
    # A spreadsheet must not run a member's question as a formula.
    assert gaps[0]["question"] == "'" + FORMULA and gaps[0]["unanswered"] == "8"
    assert "secret" not in text and "elsewhere" not in text


def test_kb_stats_csv_of_one_server_without_writing(tmp_path: Path) -> None:
    db = tmp_path / "careerbot.sqlite3"
    asyncio.run(fill(str(db)))
    before = db.read_bytes()

    out = careerbot("kb", "stats", "--db", str(db), "--guild", str(GUILD), "--csv", cwd=tmp_path)

    assert out.returncode == 0, out.stderr
    check_guild_csv(out.stdout)
    assert db.read_bytes() == before
    everywhere = read_csv(careerbot("kb", "stats", "--db", str(db), "--csv", cwd=tmp_path).stdout)
    assert everywhere[0]["asked"] == "18"
    one_day = careerbot(
        "kb", "stats", "--days", "1", "--guild", str(GUILD), "--csv", cwd=tmp_path,
        CAREERBOT_DATABASE_PATH=str(db),
    )  # fmt: skip
    assert read_csv(one_day.stdout)[0]["asked"] == "3"  # the newest day: two and the secret


def test_kb_stats_as_text_and_its_refusals(tmp_path: Path) -> None:
    db = tmp_path / "careerbot.sqlite3"
    asyncio.run(fill(str(db)))
    out = careerbot("kb", "stats", "--guild", str(GUILD), cwd=tmp_path,
                    CAREERBOT_DATABASE_PATH=str(db))  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert f"careerbot, the last 30 day(s), server {GUILD}:" in out.stdout
    assert "17 asked, 9 answered (answer rate 53%, abstention rate 47%)" in out.stdout
    assert "      8x  do-i-need-a-phd" in out.stdout
    assert "      2x  do-i-need-a-phd (of 8 answers)" in out.stdout

    for bad in (["--days", "0"], ["--guild", "-5"]):
        refused = careerbot("kb", "stats", "--db", str(db), *bad, cwd=tmp_path)
        assert refused.returncode == 2 and refused.stderr.startswith("careerbot: --"), bad
    missing = careerbot("kb", "stats", "--db", str(tmp_path / "nope.sqlite3"), cwd=tmp_path)
    assert missing.returncode == 2 and "no such database file" in missing.stderr
    assert not (tmp_path / "nope.sqlite3").exists()


def test_kb_stats_reads_postgres_without_migrating_it(tmp_path: Path, pg_server: object) -> None:
    url = pg_server.fresh(migrated=False)  # type: ignore[attr-defined]

    async def fill_at_version_5() -> None:  # a bot older than this careerbot
        async with await open_postgres(url, up_to=5) as store:
            await fill_store(store)

    asyncio.run(fill_at_version_5())
    out = careerbot("kb", "stats", "--guild", str(GUILD), "--csv", cwd=tmp_path,
                    CAREERBOT_DATABASE_URL=url)  # fmt: skip
    assert out.returncode == 0, out.stderr
    check_guild_csv(out.stdout, community=("", ""))  # schema 5

    async def version() -> int:
        store = await open_postgres(url, up_to=5)
        try:
            return await store.schema_version()
        finally:
            await store.close()

    assert asyncio.run(version()) == 5


def test_kb_gaps_reads_the_postgres_database_the_bot_is_set_to(
    tmp_path: Path, pg_server: object
) -> None:
    """``kb gaps`` follows CAREERBOT_DATABASE_URL as the bot does (it used to read only
    a SQLite file, and so looked in the wrong place on a PostgreSQL deployment)."""
    url = pg_server.fresh()  # type: ignore[attr-defined]
    asyncio.run(fill(url))
    out = careerbot("kb", "gaps", cwd=tmp_path, CAREERBOT_DATABASE_URL=url)
    assert out.returncode == 0, out.stderr
    assert "8 unanswered" in out.stdout and "elsewhere" in out.stdout  # every server
    assert not list(tmp_path.glob("*.sqlite3"))  # nothing created or read locally
