"""Which Discord shards this process holds, and Discord's arithmetic about shards.

Discord splits a bot's servers over ``shard_count`` gateway connections: a server's
events arrive on shard ``(guild_id >> 22) % shard_count`` and DMs on shard 0. Several
processes can each hold some shards (``careerbot run --shards 0-1 --shard-count 4``)
over one PostgreSQL database. IDENTIFYs are limited per rate-limit bucket
``shard_id % max_concurrency``: one per 5 seconds each.

Pure functions, so the settings, the bot and the tests agree on one definition.
"""

from __future__ import annotations

#: Seconds between two IDENTIFYs of one rate-limit bucket (Discord's rule).
IDENTIFY_INTERVAL = 5.0


def parse_shard_ids(text: str) -> tuple[int, ...]:
    """``"0-1"``, ``"0,2,3"`` or ``"0-1,4"`` as sorted, distinct shard ids.

    Raises ValueError with a message an operator can act on.
    """
    ids: set[int] = set()
    for part in text.replace(" ", "").split(","):
        if not part:
            raise ValueError(f"{text!r} is not a list of shard ids such as 0-1 or 0,2")
        low, dash, high = part.partition("-")
        try:
            first, last = int(low), int(high if dash else low)
        except ValueError:
            raise ValueError(f"{part!r} is not a shard id or a range such as 0-1") from None
        if first < 0 or last < first:
            raise ValueError(f"{part!r} is not a range of shard ids from low to high")
        ids.update(range(first, last + 1))
    return tuple(sorted(ids))


def shard_of(guild_id: int | None, shard_count: int) -> int:
    """The shard that receives ``guild_id``'s events; shard 0 for DMs (``None``)."""
    if guild_id is None or shard_count <= 1:
        return 0
    return (guild_id >> 22) % shard_count


def identify_bucket(shard_id: int, max_concurrency: int) -> int:
    """The IDENTIFY rate-limit bucket of a shard (Discord's ``rate_limit_key``)."""
    return shard_id % max(1, max_concurrency)
