"""Two ``careerbot run`` processes on four shards, one PostgreSQL database, one Discord.

The processes are real ``careerbot run --shards A-B --shard-count 4 --sync`` children
with discord.py's two URLs pointed at the fake Discord (as in ``test_entrypoint``),
which runs here, enforcing Discord's IDENTIFY rate (one per 5 s per
``max_concurrency`` bucket) and routing each guild's events to its shard. The database
is a real PostgreSQL (``tests/pgcluster.py``). What must hold:

* every shard identifies once, and no bucket sees two IDENTIFYs within 5 s although
  the shards of bucket 0 (shards 0 and 2) and bucket 1 (1 and 3) are in different
  processes: they take turns through the database;
* only the process holding shard 0 syncs the commands;
* every interaction, in a guild of each shard, gets exactly one response, and a DM
  question (shard 0) is answered once;
* 2,000 reminders due when the processes start are delivered exactly once between
  them;
* each process's /metrics counts interactions under the shards it holds;
* a ``/kb reload`` in one process is served by both (a guild of every shard answers
  from the edited file; the time it took is printed);
* after ``kill -9`` of one process in the middle of delivering, no reminder is missing
  and none is seen twice: the survivor resends the dead one's claims once their lease
  has run out, with the same nonces, and Discord shows the messages already posted.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest

from careerbot.runtime.shards import shard_of
from knowledge import DEFAULT_KNOWLEDGE_PATH
from storage import Schedule, open_storage
from tests.bot.e2e import PHD, embed
from tests.cli.test_entrypoint import free_port
from tests.fakediscord import FakeDiscord, FakeGuild, FakeUser

CHILD = """
import sys, discord, yarl
discord.http.Route.BASE = sys.argv[1]
discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(sys.argv[2])
from careerbot.cli.main import main
raise SystemExit(main(["run", *sys.argv[3:]]))
"""

SHARD_COUNT = 4
REMINDER_MEMBERS = 200
REMINDERS_EACH = 10  # the per-member limit on active reminders


async def _start(
    fake: FakeDiscord, url: str, shards: str, port: int, cwd: Path, **settings: str
) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAREERBOT_", "DISCORD_"))}
    env |= {
        "CAREERBOT_DISCORD_TOKEN": fake.token,
        "CAREERBOT_DATABASE_URL": url,
        "CAREERBOT_HEALTH_PORT": str(port),
        "CAREERBOT_ASK_COOLDOWN_SECONDS": "0",
        "CAREERBOT_LOG_FORMAT": "json",
    }
    env |= {f"CAREERBOT_{name.upper()}": value for name, value in settings.items()}
    args = ["--sync", "--shards", shards, "--shard-count", str(SHARD_COUNT)]
    return await asyncio.create_subprocess_exec(
        sys.executable, "-c", CHILD, fake.rest_base, str(fake.gateway_url), *args,
        env=env, cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def _metrics(port: int, page: str = "metrics") -> str:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}/{page}") as response,
    ):
        return await response.text()


async def _due_reminders(
    url: str, members: list[FakeUser], due_in: timedelta = timedelta(minutes=-1)
) -> list[int]:
    """2,000 one-off DM reminders, due a minute ago (or ``due_in`` from now)."""
    now = datetime.now(UTC).replace(microsecond=0)
    made: list[int] = []
    async with await open_storage(url) as db:
        for member in members:
            for n in range(REMINDERS_EACH):
                reminder = await db.create_reminder(
                    member.id,
                    Schedule.once(now + due_in),
                    message=f"reminder {n}",
                    at=now + due_in - timedelta(minutes=1),
                )
                made.append(reminder.id)
    return made


def _guild_per_shard(fake: FakeDiscord) -> dict[int, FakeGuild]:
    guilds = {shard_of(fake.guild.id, SHARD_COUNT): fake.guild}
    for shard in range(SHARD_COUNT):
        if shard not in guilds:
            guilds[shard] = fake.add_guild(f"Server on shard {shard}", shard=shard)
            fake.add_member(guilds[shard], fake.member)
    return guilds


@pytest.mark.fake_discord(shard_count=SHARD_COUNT, max_concurrency=2, identify_interval=5.0)
async def test_two_processes_on_four_shards(
    fake_discord: FakeDiscord, pg_server: Any, tmp_path: Path
) -> None:
    fake = fake_discord
    url = pg_server.fresh()
    guilds = _guild_per_shard(fake)
    members = [fake.add_user(f"learner{n}") for n in range(REMINDER_MEMBERS)]
    reminder_ids = await _due_reminders(url, members)
    corpus = tmp_path / "corpus"  # one folder for both, as a shared volume would be
    shutil.copytree(
        DEFAULT_KNOWLEDGE_PATH,
        corpus,
        ignore=shutil.ignore_patterns("*.py", "*.json", "*.md", "__pycache__"),
    )
    ports = {"0-1": free_port(), "2-3": free_port()}
    children = {
        shards: await _start(fake, url, shards, port, tmp_path, knowledge_path=str(corpus))
        for shards, port in ports.items()
    }
    reload_asks = 0
    try:
        await fake.wait_until(
            lambda: len(fake.identify_limiter.records) >= SHARD_COUNT or None,
            timeout=90,
            what="four shards to identify",
        )
        await fake.wait_until(lambda: fake.registered_commands() or None, timeout=30)

        # Every shard identified once; each bucket's two IDENTIFYs (different
        # processes) are at least 5 s apart.
        records = fake.identify_limiter.records
        assert sorted(r.shard for r in records) == [(s, SHARD_COUNT) for s in range(4)]
        assert not fake.identify_limiter.violations
        for bucket in (0, 1):
            first, second = sorted(r.at for r in records if r.bucket == bucket)
            assert second - first >= 5.0
        # One sync, from the process holding shard 0.
        assert len(fake.requests_matching("PUT", "/applications/{app}/commands")) == 1

        # An /ask in a guild of each shard, twice: exactly one response each.
        for round_ in range(2):
            for shard, guild in sorted(guilds.items()):
                ix = await fake.send_slash_command("ask", {"question": PHD}, guild=guild)
                reply = await ix.wait_for_reply(timeout=15)
                assert embed(reply)["title"] == PHD, (round_, shard)
        sent = await fake.send_dm(fake.member, PHD)
        await fake.wait_for_dm(fake.member, after=int(sent["id"]), timeout=15)

        # The reminders, shared out between the two processes' schedulers.
        def delivered() -> int | None:
            count = sum(len(fake.dms_to(m)) for m in members)
            return count if count >= len(reminder_ids) else None

        await fake.wait_until(delivered, timeout=180, what="2,000 reminders")
        async with await open_storage(url) as db:
            for member in members:
                mine = await db.list_reminders(member.id)
                assert all(r.finished for r in mine), member.username

        texts = {port: await _metrics(port) for port in ports.values()}
        for port in ports.values():  # each hears the other's changes (reloads, /config)
            assert "other processes' changes heard" in await _metrics(port, "healthz")

        # A /kb reload in one process is served by both: asked in a guild of every
        # shard until each answers from the edited file.
        phd = corpus / "faq" / "do-i-need-a-phd.yaml"
        phd.write_text(phd.read_text().replace("**No, a PhD is not", "**Edited: no PhD is"))
        reload_ix = await fake.send_slash_command("kb reload", user=fake.moderator)
        done = await reload_ix.wait_for_reply(timeout=30)
        assert done["content"].startswith("✅ Reloaded the corpus"), done["content"]
        reloaded_at = time.monotonic()
        for shard, guild in sorted(guilds.items()):
            while True:
                ix = await fake.send_slash_command("ask", {"question": PHD}, guild=guild)
                reload_asks += 1
                if "Edited: no PhD" in embed(await ix.wait_for_reply(timeout=15))["description"]:
                    break
                assert time.monotonic() - reloaded_at < 30, f"shard {shard} kept the old corpus"
                await asyncio.sleep(0.05)
        print(f"both processes served the reload {time.monotonic() - reloaded_at:.2f} s after it")
    finally:
        logs = await _stop(children)

    for shards, child in children.items():
        assert child.returncode == 0, logs[shards][-3000:]
    # Nothing was answered or delivered twice.
    callbacks = fake.requests_matching("POST", "/interactions/{iid}/{token}/callback")
    assert len(callbacks) == len(fake.interactions) == 2 * SHARD_COUNT + 1 + reload_asks
    assert sorted(len(fake.dms_to(m)) for m in members) == [REMINDERS_EACH] * len(members)
    assert len(fake.dms_to(fake.member)) == 1
    # Each process counted interactions under its own shards only.
    for shards, port in ports.items():
        held = {int(s) for s in shards.split("-")}
        for shard in range(SHARD_COUNT):
            line = f'careerbot_interactions_received_total{{shard="{shard}"}} 2'
            assert (line in texts[port].splitlines()) is (shard in held), (shards, shard)
    # Between them the processes sent each reminder once (their own counts add up).
    sent = [_sample(texts[port], "careerbot_reminders_sent_total") for port in ports.values()]
    assert sum(sent) == len(reminder_ids), sent


def _sample(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(f"{name} "):
            return float(line.split()[1])
    raise AssertionError(f"{name} is not in /metrics")


async def _stop(children: dict[str, asyncio.subprocess.Process]) -> dict[str, str]:
    logs: dict[str, str] = {}
    for shards, child in children.items():
        if child.returncode is None:
            child.send_signal(signal.SIGTERM)
        try:
            _, err = await asyncio.wait_for(child.communicate(), 60)
        except TimeoutError:
            child.kill()
            _, err = await child.communicate()
        logs[shards] = err.decode()
    return logs


async def _claims_of(url: str, pid: int) -> int:
    """Reminders still claimed by the process ``pid`` (claimer ids are host:pid:random)."""
    conn = await asyncpg.connect(url)
    try:
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM reminders WHERE claimed_by LIKE $1", f"%:{pid}:%"
            )
        )
    finally:
        await conn.close()


@pytest.mark.fake_discord(shard_count=SHARD_COUNT, max_concurrency=2, identify_interval=5.0)
async def test_kill_9_mid_delivery_loses_and_doubles_no_reminder(
    fake_discord: FakeDiscord, pg_server: Any, tmp_path: Path
) -> None:
    fake = fake_discord
    url = pg_server.fresh()
    _guild_per_shard(fake)
    members = [fake.add_user(f"learner{n}") for n in range(REMINDER_MEMBERS)]
    # Due once every shard has identified and the IDENTIFY turns are over: a process
    # killed within its turn ends the turn early (its lock goes with its connection),
    # which is not what this test is about.
    reminder_ids = await _due_reminders(url, members, due_in=timedelta(seconds=25))
    lease = 10  # seconds; the smallest the setting allows, so the test is short
    children = {
        shards: await _start(
            fake, url, shards, free_port(), tmp_path, reminder_lease_seconds=str(lease)
        )
        for shards in ("0-1", "2-3")
    }
    victim = children["2-3"]

    def delivered(at_least: int) -> int | None:
        count = sum(len(fake.dms_to(m)) for m in members)
        return count if count >= at_least else None

    def turns_over() -> bool | None:
        records = fake.identify_limiter.records
        done = len(records) == SHARD_COUNT and time.monotonic() - records[-1].at > 5.5
        return True if done else None

    try:
        await fake.wait_until(turns_over, timeout=60, what="every shard to identify")
        assert not delivered(1), "the reminders came due before the shards were up"
        await fake.wait_until(lambda: delivered(400), timeout=120, what="deliveries")
        victim.kill()  # SIGKILL: no hand-back, no mark_sent for what was in flight
        await victim.wait()
        at_kill = delivered(0)
        stuck = await _claims_of(url, victim.pid)
        assert stuck > 0, "the process died holding no claim: not mid-delivery"
        await fake.wait_until(
            lambda: delivered(len(reminder_ids)), timeout=120 + lease, what="every reminder"
        )
        async with await open_storage(url) as db:
            for member in members:
                assert all(r.finished for r in await db.list_reminders(member.id))
    finally:
        logs = await _stop(children)
    assert children["0-1"].returncode == 0, logs["0-1"][-3000:]
    assert victim.returncode == -signal.SIGKILL
    assert sorted(len(fake.dms_to(m)) for m in members) == [REMINDERS_EACH] * len(members)
    assert len({m["nonce"] for u in members for m in fake.dms_to(u)}) == len(reminder_ids)
    print(f"killed after {at_kill} deliveries holding {stuck} claims; "
          f"{fake.nonces.hits} resends answered with the message already posted")  # fmt: skip
