"""Gaps keyed by a token and read again on every action, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from careerbot.core.community.gaps import TOKEN_CHARS, find_gap, gap_token, open_gaps
from storage import Storage

NOW = datetime(2024, 3, 20, 12, 0, tzinfo=UTC)
GUILD, OTHER = 9001, 9002
ALICE, BOB = 1001, 1002
LONG = "how do I " + "really " * 40 + "start with machine learning"


async def ask(db: Storage, who: int, text: str, days_ago: float, guild: int = GUILD) -> None:
    await db.log_question(
        who,
        text,
        visibility="public",
        guild_id=guild,
        matched_id=None,
        at=NOW - timedelta(days=days_ago),
    )


def test_tokens_are_short_stable_and_distinct() -> None:
    token = gap_token(LONG.casefold())
    assert len(token) == TOKEN_CHARS and token == gap_token(LONG.casefold())
    assert token != gap_token("how do i start")


async def test_a_gap_is_found_by_its_token_until_it_is_gone(store: Storage) -> None:
    await ask(store, ALICE, LONG, days_ago=2)
    await ask(store, BOB, LONG.upper(), days_ago=1)
    await ask(store, BOB, "something else entirely", days_ago=1)
    [top, _] = await open_gaps(store, GUILD, 7, limit=15, now=NOW)
    assert top.asked == 2 and len(top.example) > 100
    token = gap_token(top.key)
    found = await find_gap(store, GUILD, 7, token, now=NOW)
    assert found is not None and found.key == top.key and found.example == top.example
    # Another guild does not see it; an unknown token finds nothing.
    assert await find_gap(store, OTHER, 7, token, now=NOW) is None
    assert await find_gap(store, GUILD, 7, "0" * TOKEN_CHARS, now=NOW) is None
    # The window passed: the newest question is 1.5 days old.
    assert await find_gap(store, GUILD, 1, token, now=NOW + timedelta(hours=12)) is None
    # Its members forgotten: gone (the other gap too, Bob asked it).
    await store.forget_member(ALICE)
    assert await find_gap(store, GUILD, 7, token, now=NOW) is not None  # Bob's is left
    await store.forget_member(BOB)
    assert await find_gap(store, GUILD, 7, token, now=NOW) is None
