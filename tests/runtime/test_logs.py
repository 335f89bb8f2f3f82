"""Log lines: one per event, plain or JSON, ids as key=value, and never the token."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from careerbot.runtime.logs import REDACTED, Redactor, setup_logging

TOKEN = "MTE5NjQ4OTk1NzIxNjA3NTkzNg.GhJk3L.abcdefghijklmnopqrstuvwxyz0123456789AB"


@pytest.fixture
def restore_root() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def emit(fmt: str, *, secrets: tuple[str, ...] = ()) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    setup_logging("INFO", fmt, secrets=secrets, stream=stream)  # type: ignore[arg-type]
    return logging.getLogger("bot.test"), stream


@pytest.mark.usefixtures("restore_root")
def test_plain_is_one_line_with_level_component_and_ids() -> None:
    log, stream = emit("plain")
    log.info("answered %s", "do-i-need-a-phd", extra={"guild": 42, "user": 7, "q": "a b"})
    line = stream.getvalue().rstrip("\n")
    assert "\n" not in line
    time, level, component, rest = line.split(" ", 3)
    assert time.endswith("Z") and level == "INFO" and component == "bot.test"
    assert rest == 'answered do-i-need-a-phd guild=42 user=7 q="a b"'


@pytest.mark.usefixtures("restore_root")
def test_json_is_one_object_per_line_with_the_traceback_inside() -> None:
    log, stream = emit("json")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        log.exception("handler failed", extra={"user": 7})
    [line] = stream.getvalue().splitlines()
    data = json.loads(line)
    assert data["level"] == "ERROR" and data["component"] == "bot.test"
    assert data["message"] == "handler failed" and data["user"] == 7
    assert "RuntimeError: boom" in data["exc"]


@pytest.mark.usefixtures("restore_root")
@pytest.mark.parametrize("fmt", ["plain", "json"])
def test_the_token_never_reaches_a_log_line(fmt: str) -> None:
    log, stream = emit(fmt, secrets=("configured-secret-value",))
    log.warning("token %s", "configured-secret-value")
    log.info("header", extra={"auth": f"Bot {TOKEN}"})
    try:
        raise ValueError(f"login failed with {TOKEN}")
    except ValueError:
        log.exception("failed for %r", {"token": "configured-secret-value"})
    text = stream.getvalue()
    assert "configured-secret-value" not in text and TOKEN not in text
    assert text.count(REDACTED) >= 4


def test_redactor_replaces_token_shapes_and_known_secrets() -> None:
    redact = Redactor(["abc123secret"])
    assert redact(f"x {TOKEN} y abc123secret") == f"x {REDACTED} y {REDACTED}"
    assert redact("a normal sentence. with dots.") == "a normal sentence. with dots."


def test_the_cli_never_prints_the_token_when_start_up_fails(tmp_path: Path) -> None:
    """A token-shaped secret in the environment, DEBUG logs, and three ways to fail."""
    broken = tmp_path / "corpus"
    broken.mkdir()
    (broken / "faq.yaml").write_text("faq:\n  - id: x\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAREERBOT_", "DISCORD_"))}
    env |= {"CAREERBOT_DISCORD_TOKEN": TOKEN, "CAREERBOT_LOG_LEVEL": "DEBUG"}
    runs = [
        (["run", "--log-format", "json", "--knowledge", str(broken)], {}),
        (["sync"], {"CAREERBOT_DATABASE_PATH": str(tmp_path / "missing" / "db")}),
        (["run"], {"CAREERBOT_DISCORD_TOKEN": TOKEN + " trailing"}),
    ]
    for args, extra in runs:
        result = subprocess.run(
            [sys.executable, "-m", "careerbot.cli.main", *args],
            capture_output=True,
            text=True,
            env=env | extra,
            cwd=tmp_path,
            timeout=60,
            check=False,
        )
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr
        if "json" in args:  # the fatal line in the format asked for
            assert json.loads(result.stderr.splitlines()[-1])["level"] == "CRITICAL"
        else:
            assert "careerbot: " in result.stderr
        assert TOKEN not in result.stdout + result.stderr
