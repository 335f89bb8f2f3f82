"""Renaming a checklist item with ``renamed_from:`` keeps members' progress; removing one
with progress is reported (how many members) on reload, at start and by the carrier.

Before ``renamed_from`` existed, a rename orphaned every member's progress on the item:
``/progress`` dropped it, the reload said "38 entries" and ``kb check`` passed.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from pathlib import Path

import pytest

from bot import custom_ids as ids
from careerbot.core.progress_carry import ProgressCarrier, carry_over_progress, progress_lines
from knowledge import DEFAULT_KNOWLEDGE_PATH, KnowledgeBase
from storage import Storage, open_storage
from tests.bot.conftest import CareerHarness
from tests.bot.e2e import custom_ids, embed

OLD, NEW = "programming/python-basics", "programming/python-fundamentals"
GONE = "version-control/tidy-repository"


def copy_corpus(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(
        DEFAULT_KNOWLEDGE_PATH,
        target,
        ignore=shutil.ignore_patterns("*.py", "*.json", "*.md", "__pycache__"),
    )
    return target


def rename_python_basics(root: Path) -> None:
    """What a moderator writes: the new id, and the old one under renamed_from."""
    path = root / "skills" / "programming.yaml"
    text = path.read_text(encoding="utf-8")
    old_line = f"      - id: {OLD}\n"
    assert old_line in text
    path.write_text(
        text.replace(old_line, f"      - id: {NEW}\n        renamed_from: [{OLD}]\n"),
        encoding="utf-8",
    )


def remove_tidy_repository(root: Path) -> None:
    path = root / "skills" / "version-control.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = lines.index(f"      - id: {GONE}\n")
    del lines[at : at + 2]
    path.write_text("".join(lines), encoding="utf-8")


async def statuses(db: Storage, member_id: int) -> dict[str, str]:
    return {p.item_id: p.status for p in await db.get_progress(member_id)}


async def test_kb_reload_carries_renamed_progress_over(
    careerbot: CareerHarness, tmp_path: Path
) -> None:
    fake, db = careerbot.fake, careerbot.db
    root = copy_corpus(tmp_path)
    kb = KnowledgeBase.load(root)
    await careerbot.start(kb=kb)
    alice, mod = fake.member.id, fake.moderator.id
    confirmation = await fake.command_reply("learned", {"item": OLD})
    assert custom_ids(confirmation) == [ids.undo(OLD)]
    await db.set_progress(mod, "programming", OLD, "learning")
    before = embed(await fake.command_reply("progress"))["description"]
    assert "Overall" in before and "(1/" in before

    rename_python_basics(root)
    ix = await fake.send_slash_command("kb reload", user=fake.moderator)
    reply = (await ix.wait_for_reply())["content"]
    assert reply.startswith("✅ Reloaded the corpus")
    assert f"Carried over the progress of 2 members from '{OLD}' to '{NEW}'." in reply
    assert await statuses(db, alice) == {NEW: "done"}
    assert await statuses(db, mod) == {NEW: "learning"}
    after = embed(await fake.command_reply("progress"))["description"]
    assert "(1/" in after  # still counted: nothing lost
    history = await db.progress_history(alice)
    assert [e.item_id for e in history] == [NEW]

    # A button posted before the rename still marks the same item.
    marked = await fake.command_reply("learned", {"item": OLD}, user=fake.moderator)
    assert marked["content"].startswith("✅ Marked **Write Python scripts")
    assert await statuses(db, mod) == {NEW: "done"}
    # And the Undo alice got before the rename still undoes her mark.
    click = await fake.click_button(confirmation, ids.undo(OLD) or "")
    assert (await click.wait_for_reply())["content"].startswith("↩️ Undone: **Write Python")
    assert await statuses(db, alice) == {}


async def test_kb_reload_reports_a_removed_item_with_progress(
    careerbot: CareerHarness, tmp_path: Path
) -> None:
    fake, db = careerbot.fake, careerbot.db
    root = copy_corpus(tmp_path)
    await careerbot.start(kb=KnowledgeBase.load(root))
    for member in (fake.member.id, fake.moderator.id, 42):
        await db.set_progress(member, "version-control", GONE, "done")

    remove_tidy_repository(root)
    # A removed item is a loss: held back until the moderator forces it on purpose.
    ix = await fake.send_slash_command("kb reload", user=fake.moderator)
    held = (await ix.wait_for_reply())["content"]
    assert GONE in held and await statuses(db, 42) == {GONE: "done"}
    ix = await fake.send_slash_command("kb reload", {"force": True}, user=fake.moderator)
    reply = (await ix.wait_for_reply())["content"]
    assert (
        f"3 members have progress on checklist item '{GONE}', which is no longer in the "
        f"corpus: if an item replaces it, add 'renamed_from: [{GONE}]' to that item"
    ) in reply
    # Reported, not deleted: a later renamed_from can still carry it over.
    assert await statuses(db, 42) == {GONE: "done"}


async def test_the_carrier_runs_at_start_and_after_any_swap(
    db: Storage, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = copy_corpus(tmp_path)
    await db.set_progress(7, "programming", OLD, "done")
    await db.set_progress(7, "version-control", GONE, "learning")
    rename_python_basics(root)  # edited while the bot was down
    kb = KnowledgeBase.load(root)
    carrier = ProgressCarrier(kb, db, interval=0.01)
    caplog.set_level(logging.INFO, logger="careerbot.core.progress_carry")
    await carrier.start()
    try:
        assert await statuses(db, 7) == {NEW: "done", GONE: "learning"}
        assert f"Carried over the progress of 1 member from '{OLD}' to '{NEW}'." in caplog.text
        assert await carrier.check() is None  # same corpus: nothing to do

        remove_tidy_repository(root)
        assert kb.reload(force=True).ok  # e.g. the watcher: the carrier notices the swap itself
        report = await carry_over_progress(db, kb.corpus)
        assert [(r.item_id, r.members) for r in report.removed] == [(GONE, 1)]
        caplog.clear()
        for _ in range(200):
            if "no longer in the corpus" in caplog.text:
                break
            await asyncio.sleep(0.01)
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert [r.getMessage() for r in warnings] == [report.removed_lines()[0]]
    finally:
        await carrier.stop()


async def test_a_storage_failure_after_a_good_reload_is_a_line_not_an_error(
    tmp_path: Path, knowledge_base: KnowledgeBase
) -> None:
    store = await open_storage(tmp_path / "closed.sqlite3")
    await store.close()
    lines = await progress_lines(store, knowledge_base.corpus)
    assert len(lines) == 1
    assert lines[0].startswith("(Could not check members' progress against the new corpus:")
