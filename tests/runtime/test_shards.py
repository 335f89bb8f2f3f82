"""Discord's shard arithmetic, and the operator's way of writing shard lists."""

from __future__ import annotations

import pytest

from careerbot.runtime.shards import identify_bucket, parse_shard_ids, shard_of


@pytest.mark.parametrize(
    ("text", "ids"),
    [("0", (0,)), ("0-1", (0, 1)), ("0,2", (0, 2)), ("4, 0-1", (0, 1, 4)), ("1-1,1", (1,))],
)
def test_shard_lists(text: str, ids: tuple[int, ...]) -> None:
    assert parse_shard_ids(text) == ids


@pytest.mark.parametrize("text", ["", "a", "0-", "-1", "2-1", "0,,1", "1.5"])
def test_bad_shard_lists_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_shard_ids(text)


def test_guild_and_dm_routing_and_identify_buckets() -> None:
    guild = (1234 << 22) | 99  # the millisecond part decides
    assert shard_of(guild, 4) == 1234 % 4
    assert shard_of(guild, 1) == 0
    assert shard_of(None, 4) == 0  # DMs
    assert [identify_bucket(s, 2) for s in range(4)] == [0, 1, 0, 1]
    assert identify_bucket(3, 0) == 0  # a nonsense concurrency is treated as 1
