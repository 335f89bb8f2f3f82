"""Child process for the migration race: open a store when told to, report, exit.

Prints ``ready`` once imported, waits for a line on stdin (so that every child starts
migrating at the same moment), opens (migrating) the store given as the argument, and
prints its schema version.
"""

from __future__ import annotations

import asyncio
import sys

from storage import open_storage


async def main(location: str) -> None:
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    async with await open_storage(location) as db:
        print(await db.schema_version(), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
