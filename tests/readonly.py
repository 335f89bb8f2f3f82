"""A folder the test process really cannot write to, also when tests run as root.

Not root: ``chmod 0555``. Root writes through permissions, so there the folder is
bind-mounted read-only over itself, as a read-only volume in a container would be;
where that is not allowed either, the test is skipped (it says why).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def _run(*command: str) -> bool:
    return subprocess.run(command, capture_output=True, check=False).returncode == 0


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """``folder`` (and everything under it) read-only for the duration."""
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")] if p.is_dir()}
        for path in modes:
            path.chmod(0o555)
        try:
            yield folder
        finally:
            for path, mode in modes.items():
                path.chmod(mode)
        return
    if not (
        _run("mount", "--bind", str(folder), str(folder))
        and _run("mount", "-o", "remount,bind,ro", str(folder))
    ):
        _run("umount", str(folder))
        pytest.skip("running as root without the right to bind-mount a folder read-only")
    try:
        probe = folder / ".probe"
        with pytest.raises(OSError):
            probe.touch()
        yield folder
    finally:
        _run("umount", str(folder))
