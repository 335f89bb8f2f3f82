"""A throw-away PostgreSQL cluster for tests and benchmarks, from the machine's binaries.

``initdb`` into a temporary directory, ``pg_ctl start`` on a unix socket in it (no TCP
port, so runs never collide), durability switched off (the cluster dies with the run),
``pg_ctl stop`` and the directory removed at the end: about a second.

PostgreSQL refuses to run as root, and CI runs as root: then the server runs as the
unprivileged ``nobody`` user, which owns the temporary directory.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

#: Set to 1 (as CI does) to make a missing PostgreSQL an error instead of a skip.
REQUIRE_ENV = "CAREERBOT_REQUIRE_POSTGRES"
#: Optional: the directory holding initdb and pg_ctl.
BINDIR_ENV = "CAREERBOT_PG_BINDIR"


def find_bindir() -> Path | None:
    """Where ``initdb`` and ``pg_ctl`` are: the setting, the PATH, or Debian's layout."""
    candidates: list[str] = []
    if os.environ.get(BINDIR_ENV):
        candidates.append(os.environ[BINDIR_ENV])
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(str(Path(on_path).parent))
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in candidates:
        if all((Path(folder) / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(folder)
    return None


def required() -> bool:
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0")


def version(bindir: Path) -> str:
    out = subprocess.run(
        [str(bindir / "pg_ctl"), "--version"], capture_output=True, text=True, check=True
    )
    words = out.stdout.split()  # "pg_ctl (PostgreSQL) 15.18 (Debian ...)"
    return words[2] if len(words) > 2 else out.stdout.strip()


class Cluster:
    """One PostgreSQL server in a temporary directory; ``start``, ``url``, ``stop``."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        # Short: a unix socket path must fit in about 100 bytes.
        self.root = Path(tempfile.mkdtemp(prefix="cbpg-"))
        self.data = self.root / "data"
        self.user: int | None = None
        self.group: int | None = None
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            self.user, self.group = nobody.pw_uid, nobody.pw_gid
            os.chown(self.root, self.user, self.group)

    def _run(self, *args: str) -> None:
        result = subprocess.run(
            args,
            cwd=self.root,
            user=self.user,
            group=self.group,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed: {result.stdout}{result.stderr}")

    def start(self) -> None:
        self._run(
            str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres",
            "--auth=trust", "--no-sync", "--locale=C", "--encoding=UTF8",
        )  # fmt: skip
        options = (
            f"-k {self.root} -c listen_addresses='' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"),
            "-o", options, "-w", "start",
        )  # fmt: skip

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.root}"

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(
                    str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"
                )
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
