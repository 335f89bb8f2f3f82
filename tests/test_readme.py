"""The README's commands work as written, on a fresh clone, with no token and no network.

Blocks marked ``<!-- offline -->`` are run, line by line, with bash, in a copy of the
repository whose ``.venv`` is the one running these tests (the set-up block itself is
run by .ci/run). Blocks marked ``<!-- discord -->`` need a token or Docker; their
``careerbot`` commands are only checked against the command line's parser.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from careerbot.cli.main import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"^<!-- (\w+) -->\n```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)


def commands(marker: str) -> list[str]:
    found = []
    for kind, body in BLOCK.findall(README):
        if kind == marker:
            found += [line for line in body.splitlines() if line.strip()]
    return found


@pytest.fixture(scope="module")
def fresh_clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tracked files, no database, no .env, and the test run's virtual environment."""
    clone = tmp_path_factory.mktemp("clone")
    shutil.copytree(
        ROOT,
        clone,
        dirs_exist_ok=True,
        symlinks=True,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "__pycache__", "*.sqlite3*", ".env", ".pytest_cache", "bench"
        ),
    )
    (clone / ".venv").symlink_to(Path(sys.prefix))
    return clone


def test_the_readme_marks_its_offline_and_discord_commands() -> None:
    assert len(commands("offline")) >= 7
    assert any("careerbot chat" in c for c in commands("offline"))
    assert any("careerbot run" in c for c in commands("discord"))


@pytest.mark.parametrize("command", commands("offline"))
def test_offline_command_works_as_written(command: str, fresh_clone: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAREERBOT_", "DISCORD_"))}
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", command],
        cwd=fresh_clone,
        env=env | {"PYTHONIOENCODING": "utf-8"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "command", [c for c in commands("discord") if "careerbot " in c and "docker" not in c]
)
def test_discord_commands_parse(command: str) -> None:
    words = shlex.split(command, comments=True)
    args = words[words.index(next(w for w in words if w.endswith("careerbot"))) + 1 :]
    args = [a.replace("YOUR_SERVER_ID", "123456789012345678") for a in args]
    assert build_parser().parse_args(args).handler


def test_docker_commands_use_real_subcommands() -> None:
    parser = build_parser()
    checked = 0
    for command in commands("discord"):
        words = shlex.split(command, comments=True)
        if words[:2] != ["docker", "compose"]:
            continue
        rest = words[4:] if words[2:3] == ["-f"] else words[2:]  # -f compose.sharded.yaml
        if rest[:2] == ["run", "--rm"]:
            args = [w.replace("YOUR_SERVER_ID", "1") for w in rest[3:]]
            assert parser.parse_args(args).handler
            checked += 1
    assert checked >= 2
