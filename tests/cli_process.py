"""The ``careerbot`` command as an admin runs it on a fresh machine: a subprocess with
none of this machine's CAREERBOT_*/DISCORD_* settings, in a folder of the test's
choosing, so the tests see the defaults and messages a newcomer would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_clean(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``careerbot *args`` in ``cwd`` with only ``env`` set of careerbot's settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CAREERBOT_", "DISCORD_"))}
    return subprocess.run(
        [sys.executable, "-m", "careerbot.cli.main", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=clean | {"PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(ROOT)} | env,
        cwd=cwd,
        timeout=120,
        check=False,
    )
