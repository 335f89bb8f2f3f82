"""The container without a Docker engine: the Dockerfile's contract checked statically
(hadolint lints it in .ci/run), and its HEALTHCHECK and ENTRYPOINT commands run
directly with the image's environment. ``tests/cli/test_entrypoint.py`` runs the
entrypoint against the fake Discord and stops it with the image's STOPSIGNAL."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from careerbot.cli.main import build_parser
from careerbot.runtime.settings import Settings
from storage import open_storage

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs of the final stage, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    lines = [line.strip() for line in text.splitlines()]
    pairs = [tuple(line.split(None, 1)) for line in lines if line and not line.startswith("#")]
    stages = [i for i, (name, _) in enumerate(pairs) if name == "FROM"]
    return [(name.upper(), rest) for name, rest in pairs[stages[-1] :]]  # type: ignore[misc]


def last(name: str) -> str:
    return [rest for key, rest in instructions() if key == name][-1]


def image_env(data: Path) -> dict[str, str]:
    """The image's ENV, with /data and /app/knowledge mapped to local folders."""
    env: dict[str, str] = {}
    for key, rest in instructions():
        if key == "ENV":
            env |= dict(re.findall(r"(\w+)=(\S+)", rest))
    env["CAREERBOT_DATABASE_PATH"] = env["CAREERBOT_DATABASE_PATH"].replace("/data", str(data))
    env["CAREERBOT_KNOWLEDGE_PATH"] = str(ROOT / "knowledge")
    env.pop("PATH")
    return env


def run(argv: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``argv[0]`` is ``careerbot``: ``python -m careerbot.cli.main`` here."""
    assert argv[0] == "careerbot"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CAREERBOT_", "DISCORD_"))}
    return subprocess.run(
        [sys.executable, "-m", "careerbot.cli.main", *argv[1:]],
        capture_output=True,
        text=True,
        env=clean | env,
        cwd=cwd,
        timeout=60,
        check=False,
    )


def test_the_final_stage_is_slim_non_root_with_volume_healthcheck_and_stop_signal() -> None:
    assert DOCKERFILE.count("\nFROM ") + DOCKERFILE.startswith("FROM ") >= 2  # multi-stage
    assert last("FROM").startswith("python:") and "-slim" in last("FROM")
    user = last("USER")
    assert user.split(":")[0] not in {"0", "root"}
    assert json.loads(last("VOLUME")) == ["/data"]
    assert last("STOPSIGNAL") == "SIGTERM"  # what careerbot.cli.run handles for a clean exit
    assert "CMD" in last("HEALTHCHECK")
    copies = [rest for key, rest in instructions() if key == "COPY"]
    assert any("knowledge /app/knowledge" in c for c in copies)  # corpus baked in


def test_entrypoint_and_cmd_are_real_cli_commands() -> None:
    command = json.loads(last("ENTRYPOINT")) + json.loads(last("CMD"))
    assert command == ["careerbot", "run"]
    health = json.loads(last("HEALTHCHECK").split("CMD", 1)[1])
    assert health == ["careerbot", "health"]
    parser = build_parser()
    for argv in (command, health):
        assert parser.parse_args(argv[1:]).handler  # exec form, known subcommands


def test_healthcheck_command_with_the_image_environment(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    health = json.loads(last("HEALTHCHECK").split("CMD", 1)[1])
    result = run(health, image_env(data), cwd=tmp_path)  # before `run` made the database
    assert result.returncode == 1 and "no database at" in result.stderr
    assert not (data / "careerbot.sqlite3").exists()

    async def first_start() -> None:  # what the entrypoint's `run` does before connecting
        async with await open_storage(data / "careerbot.sqlite3"):
            pass

    asyncio.run(first_start())
    result = run(health, image_env(data), cwd=tmp_path)
    assert result.returncode == 0, result.stderr

    broken = tmp_path / "corpus"
    broken.mkdir()
    (broken / "faq.yaml").write_text("faq: [", encoding="utf-8")
    result = run(health, image_env(data) | {"CAREERBOT_KNOWLEDGE_PATH": str(broken)}, tmp_path)
    assert result.returncode == 1 and "faq.yaml" in result.stderr


def test_entrypoint_without_a_token_says_how_to_get_one(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    command = json.loads(last("ENTRYPOINT")) + json.loads(last("CMD"))
    result = run(command, image_env(data), cwd=tmp_path)
    assert result.returncode == 2
    assert "token is missing" in result.stderr
    assert "discord.com/developers/applications" in result.stderr


def test_env_example_documents_every_setting() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#?(CAREERBOT_[A-Z_]+)=", example, flags=re.MULTILINE))
    expected = {f"CAREERBOT_{name.upper()}" for name in Settings.model_fields}
    assert documented == expected


def test_dockerignore_keeps_secrets_and_local_state_out() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".env", ".git", ".venv", "*.sqlite3"} <= set(ignored)
