"""The compose files without a Docker engine: what they start, checked from the YAML.

``compose.sharded.yaml`` runs several bot processes on one PostgreSQL database; what
makes that safe is checked here: the database is healthy before any bot starts, every
shard is held by exactly one process and all agree on the count, every process reads
the same corpus and has its own /data, and no secret is written in the file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from careerbot.cli.main import build_parser
from careerbot.runtime.settings import Settings
from careerbot.runtime.shards import parse_shard_ids
from tests.test_dockerfile import instructions

ROOT = Path(__file__).resolve().parent.parent
SHARDED = ROOT / "compose.sharded.yaml"


def load(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def bots(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: service
        for name, service in compose["services"].items()
        if service.get("image", "").startswith("careerbot")
    }


def image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for key, rest in instructions():
        if key == "ENV":
            env |= dict(re.findall(r"(\w+)=(\S+)", rest))
    return env


def test_postgres_is_health_checked_and_kept_in_a_named_volume() -> None:
    compose = load(SHARDED)
    postgres = compose["services"]["postgres"]
    assert postgres["image"].startswith("postgres:")
    assert "pg_isready" in postgres["healthcheck"]["test"]
    volume, target = postgres["volumes"][0].split(":")[:2]
    assert target == "/var/lib/postgresql/data" and volume in compose["volumes"]
    assert postgres["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD")


def test_two_processes_hold_every_shard_once_and_agree_on_the_count() -> None:
    compose = load(SHARDED)
    services = bots(compose)
    assert len(services) >= 2
    held: list[int] = []
    counts = set()
    for service in services.values():
        command = service["command"]
        args = build_parser().parse_args(command)  # careerbot's own parser: no unknown flag
        assert command[0] == "run" and args.handler
        shards = parse_shard_ids(args.shards)  # as the bot reads it
        assert len(shards) == 2
        held += shards
        counts.add(args.shard_count)
    (count,) = counts
    assert sorted(held) == list(range(count)) and count == 4


def test_every_process_waits_for_the_database_and_shares_it_and_the_corpus() -> None:
    compose = load(SHARDED)
    services = bots(compose)
    corpus_at = image_env()["CAREERBOT_KNOWLEDGE_PATH"]
    data_at = str(Path(image_env()["CAREERBOT_DATABASE_PATH"]).parent)
    corpora, data, ports = set(), [], []
    for service in services.values():
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert service["env_file"] == ".env"  # the token comes from there
        env = service["environment"]
        assert re.fullmatch(
            r"postgresql://careerbot:\$\{POSTGRES_PASSWORD[^}]*\}@postgres:5432/careerbot",
            env["CAREERBOT_DATABASE_URL"],
        )
        known = {f"CAREERBOT_{name.upper()}" for name in Settings.model_fields}
        assert set(env) <= known  # a misspelt setting would be ignored silently
        mounts = [v.split(":") for v in service["volumes"]]
        corpora |= {(m[0], ":".join(m[2:])) for m in mounts if m[1] == corpus_at}
        data += [src for src, dst, *_ in mounts if dst == data_at]
        ports += [p.split(":")[1] for p in service["ports"]]
    assert corpora == {("./knowledge", "ro")}  # the same files, read only, everywhere
    assert len(data) == len(set(data)) == len(services)  # each its own last good copy
    assert len(ports) == len(set(ports))


def test_no_secret_is_written_in_the_compose_files() -> None:
    for path in (SHARDED, ROOT / "compose.yaml"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"DISCORD_TOKEN\s*[:=]", text)  # it belongs in .env
        assert not re.search(r"PASSWORD:\s*['\"]?(?!\$\{)\w", text)
        assert not re.search(r"postgresql://\w+:(?!\$\{)[^@]+@", text)


def test_the_usage_in_its_header_names_real_services_and_commands() -> None:
    compose = load(SHARDED)
    header = SHARDED.read_text(encoding="utf-8").split("\n\n")[0]
    parser = build_parser()
    checked = 0
    for line in header.splitlines():
        words = line.lstrip("# ").split("  ")[0].split()  # the command, not its comment
        if words[:4] == ["docker", "compose", "-f", SHARDED.name] and "run" in words:
            at = words.index("run")
            assert words[at + 1] == "--rm" and words[at + 2] in compose["services"]
            assert parser.parse_args(words[at + 3 :]).handler
            checked += 1
    assert checked == 1
