"""``/learned`` and ``/undo`` in ``careerbot chat``: the same resolution as on Discord."""

from __future__ import annotations

import io
from pathlib import Path

from careerbot.cli.chat import LOCAL_MEMBER_ID, Chat, run_chat
from careerbot.runtime.settings import Settings
from knowledge import KnowledgeBase
from storage import Storage, open_storage
from tests.core.test_progress_carry import NEW, OLD, copy_corpus, rename_python_basics


async def statuses(db: Storage) -> dict[str, str]:
    return {p.item_id: p.status for p in await db.get_progress(LOCAL_MEMBER_ID)}


async def test_console_marks_only_what_it_is_sure_of(
    bot_settings: Settings, knowledge_base: KnowledgeBase, db: Storage
) -> None:
    chat = Chat(bot_settings, knowledge_base, db)
    for typed in ("foo bar baz", "asdf qwer"):
        reply = await chat.reply(f"/learned {typed}")
        assert reply == (
            f"I don't know a checklist item like {typed!r}. Pick one from the list as you "
            "type, or open a skill with /skill."
        )
    assert await statuses(db) == {}

    reply = await chat.reply("/learned git commit")
    assert reply is not None and reply.startswith("✅ Marked Create a repository and commit")
    assert reply.endswith("(/undo if that was the wrong one)")
    assert await statuses(db) == {"version-control/git-basics": "done"}

    # A choice is listed as the exact lines to type.
    reply = await chat.reply("/learned bayes")
    assert reply is not None and reply.startswith("Which item did you mean by 'bayes'?")
    assert "  /learned probability-statistics/bayes-nets    Read and build" in reply
    assert await statuses(db) == {"version-control/git-basics": "done"}


async def test_console_undo(
    bot_settings: Settings, knowledge_base: KnowledgeBase, db: Storage
) -> None:
    chat = Chat(bot_settings, knowledge_base, db)
    assert (await chat.reply("/undo") or "").startswith("Nothing to undo")
    await chat.reply("/learned eigenvectors")
    assert await statuses(db) == {"mathematics/eigenvectors": "done"}
    reply = await chat.reply("/undo")
    assert reply == (
        "↩️ Undone: Explain eigenvalues and eigenvectors and where they appear in models "
        "(Mathematics (linear algebra and calculus)) is not started."
    )
    assert await statuses(db) == {}
    await chat.reply("/learned eigenvectors")
    assert (await chat.reply("/learned undo") or "").startswith("↩️ Undone")
    assert "/undo" in (await chat.reply("/help") or "")


async def test_console_carries_renamed_progress_over_at_start(tmp_path: Path) -> None:
    root = copy_corpus(tmp_path)
    rename_python_basics(root)
    db_path = tmp_path / "console.sqlite3"
    async with await open_storage(db_path) as db:
        await db.set_progress(LOCAL_MEMBER_ID, "programming", OLD, "done")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_path=db_path,
        knowledge_path=root,
    )
    out = io.StringIO()
    await run_chat(settings, stdin=io.StringIO("/progress\n"), out=out)
    assert "(1/" in out.getvalue()
    async with await open_storage(db_path) as db:
        assert await statuses(db) == {NEW: "done"}
