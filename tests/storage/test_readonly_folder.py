"""A writable database file in a folder this user cannot write: a message, not a
traceback. (In WAL mode SQLite must create ``-wal`` and ``-shm`` beside the file.)"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage import open_storage

NOBODY = 65534


@pytest.fixture
def read_only_folder() -> Iterator[Path]:
    """A folder holding a migrated database file anyone may write, the folder itself
    read-only. Under /tmp, not pytest's tmp_path (private to the user running pytest)
    so that, as root, a subprocess can run as nobody: root writes anywhere."""
    base = Path(tempfile.mkdtemp(prefix="careerbot-ro-"))
    base.chmod(0o755)
    folder = base / "data"
    folder.mkdir()
    path = folder / "careerbot.sqlite3"

    async def create() -> None:
        async with await open_storage(path):
            pass

    asyncio.run(create())
    for leftover in folder.glob("careerbot.sqlite3-*"):
        leftover.unlink()
    path.chmod(0o666)
    folder.chmod(0o555)
    try:
        yield path
    finally:
        folder.chmod(0o755)
        shutil.rmtree(base)


def test_health_explains_a_read_only_folder(read_only_folder: Path) -> None:
    command = [sys.executable, "-m", "careerbot.cli.main", "health"]
    if os.geteuid() == 0:  # root writes anywhere: run it as nobody
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv to drop privileges")
        command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]
    elif os.access(read_only_folder.parent, os.W_OK):
        pytest.skip("this user can write to a read-only folder")
    env = {**os.environ, "CAREERBOT_DATABASE_PATH": str(read_only_folder)}
    out = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=env,
        cwd=read_only_folder.parent.parent,
        timeout=60,
        check=False,
    )
    output = out.stdout + out.stderr
    assert "Traceback" not in output
    assert out.returncode == 1, output
    assert f"the folder {read_only_folder.parent} is not writable by this user" in output
    assert "careerbot.sqlite3-wal" in output
