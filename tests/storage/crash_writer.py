"""Subprocess for the SIGKILL test: writes forever, printing each id once committed.

Run as ``python -m tests.storage.crash_writer DB START``. Every line on stdout names a
write whose transaction had committed before the line was printed, so after the
parent kills this process, every printed id must be in the database.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime, timedelta

from storage import open_storage

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


async def main(path: str, start: int) -> None:
    db = await open_storage(path)
    print("ready", flush=True)
    number = start
    while True:
        at = T0 + timedelta(seconds=number)
        member = 1 + number % 50
        await db.set_progress(member, "crash", f"crash/{number}", "done", at=at, note="x" * 200)
        if number % 3 == 0:
            await db.log_question(
                member, f"question {number}", visibility="public", guild_id=9,
                matched_id=None, at=at,
            )  # fmt: skip
        print(number, flush=True)
        number += 1


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
