"""How fast does the real bot answer /ask under load? Prints the figures for the notes.

Usage: python -m bench.interaction_load [--members N] [--rate R[,R...]] [--duration S]
                                        [--private-share F] [--cooldown S] [--inprocess]
                                        [--processes N] [--database-url URL]
                                        [--quick] [--json]

The real :class:`bot.client.CareerBot` (started by :func:`careerbot.cli.run.run_bot`, exactly what
``careerbot run --sync`` does, with the bundled corpus and a fresh SQLite file) runs in
its **own process**, connected over HTTP and WebSocket to the fake Discord of
``tests/fakediscord`` running in this process, as a bot connects to Discord: the bot
gets one core and the fake plus the load generator the other. ``--inprocess`` runs both
in one event loop instead (a pessimistic figure: the bot shares its core with the fake).

``--members`` members (default 1,000) take turns sending ``/ask`` at a fixed ``--rate``
per second (default 200; a list runs one step per rate), so each member asks every
``members / rate`` seconds: above the default 3 s cooldown, as real members would.
Questions cycle through ``bench/data/dev_questions.yaml`` (answered, abstained, small
talk, typos, injections), ``--private-share`` of them private (default 0.2).

``--processes N`` runs N bot processes on N shards (``careerbot run --shards i
--shard-count N``, one shard each) over one database: the SQLite file, or PostgreSQL
with ``--database-url``. The members are in N servers, one per shard, and take turns
between them, so each process gets its share; with one process (the default) the same
N servers all go to it. Compare ``--processes 1`` and ``--processes 2`` on the
"answers per CPU second" line: the bot processes' CPU time, summed.

Measured per interaction: the time from the fake sending INTERACTION_CREATE to the
fake reading the bot's callback request (``InteractionRecord.created`` to
``RecordedRequest.received_at``, one clock). Reported per step: interactions per
second (answered / time from the first send to the last answer), p50 / p90 / p99 /
max latency, how many answers were deferred (type 5) or missing, and the CPU time the
bot process used.

Two things keep the harness out of the figures: this process (the fake records every
request, so its heap grows) runs no garbage-collector passes during a step, and a
CPU probe before and after the run shows how fast this machine's cores were (on a
shared VM the same work can take 40% longer for minutes at a time).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import logging
import os
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

QUESTIONS_FILE = Path(__file__).parent / "data" / "dev_questions.yaml"
WARMUP_SECONDS = 2.0
WARMUP_RATE = 50.0


@dataclass
class StepResult:
    rate: float
    sent: int
    answered: int
    deferred: int
    missing: int
    send_rate: float
    throughput: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    bot_cpu_percent: float | None
    answers_per_cpu_second: float | None
    fake_cpu_percent: float
    bot_errors: int
    load_average: float
    fake_loop_lag_p99_ms: float


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def load_questions() -> list[str]:
    data = yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))
    return [str(item["q"]) for item in data["questions"] if str(item["q"]).strip()]


def cpu_probe_ms() -> float:
    """Milliseconds for a fixed pure-Python workload (best of 5): how fast a core of
    this machine is right now. On a shared VM it drifts by 50% within minutes, and the
    bot's CPU share and tail latency with it, so each run prints it to be compared."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        total = 0
        for i in range(300_000):
            total += i * i
        best = min(best, time.perf_counter() - started)
    return best * 1000


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc), or None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


# ------------------------------------------------------------------ the bot side ---


def serve_bot(args: argparse.Namespace) -> None:
    """Child process: point discord.py at the fake, then run the bot as production does."""
    import discord
    import yarl

    from careerbot.cli.run import run_bot
    from careerbot.runtime.settings import Settings

    logging.basicConfig(level=logging.WARNING, format="bot: %(levelname)s %(name)s %(message)s")
    discord.http.Route.BASE = args.rest
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(args.gateway)
    sharding: dict[str, Any] = {}
    if args.shard_count:
        sharding = {"shards": args.shards, "shard_count": args.shard_count}
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        discord_token=args.token,
        database_path=Path(args.db),
        database_url=args.database_url,
        ask_cooldown_seconds=args.cooldown,
        log_level="WARNING",
        **sharding,
    )
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(run_bot(settings, sync=True))
    finally:
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.profile)


async def start_bot_in_process(fake: Any, db_path: Path, cooldown: float) -> Any:
    from bot.client import CareerBot
    from careerbot.runtime.settings import Settings
    from knowledge import KnowledgeBase
    from storage import open_storage

    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        discord_token=fake.token,
        database_path=db_path,
        ask_cooldown_seconds=cooldown,
    )
    kb = await asyncio.to_thread(KnowledgeBase.load, settings.knowledge_path)
    db = await open_storage(db_path)
    bot = CareerBot(settings, kb, db, sync_on_start=True, guild_ready_timeout=0.1)
    task = asyncio.create_task(bot.start(settings.token))
    return bot, db, task


# ------------------------------------------------------------------ the load side ---


@contextlib.contextmanager
def harness_collector_paused() -> Iterator[None]:
    """No garbage-collector passes in *this* process (the fake and the load) during a
    step. The fake keeps every request it records, so its heap grows through a run and
    its full passes reached 100-240 ms: a pause here delays both sending and the
    timestamp of a reply, and was counted as the bot's latency. Collected afterwards."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


class LoopLag:
    """How late this process's event loop wakes up (a 5 ms ticker), to tell latency the
    fake itself adds (it shares its loop with the load generator) from the bot's."""

    def __init__(self, tick: float = 0.005) -> None:
        self.tick = tick
        self.samples: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(self.tick)
            self.samples.append(loop.time() - before - self.tick)

    def __enter__(self) -> LoopLag:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._task is not None:
            self._task.cancel()

    def p99_ms(self) -> float:
        return percentile(self.samples, 0.99) * 1000 if self.samples else 0.0


async def run_step(
    fake: Any,
    members: list[Any],
    questions: list[str],
    rate: float,
    duration: float,
    private_share: float,
    offset: int,
    guilds: list[Any],
) -> tuple[list[Any], float, float]:
    """Send ``rate * duration`` /ask interactions at a fixed rate; returns the records,
    the time the sending took and the time until the last answer arrived."""
    loop = asyncio.get_running_loop()
    total = max(1, int(rate * duration))
    private_every = round(1 / private_share) if private_share > 0 else 0
    tasks: list[asyncio.Task[Any]] = []
    start = loop.time()
    for i in range(total):
        delay = start + i / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        n = offset + i
        options = {"question": questions[n % len(questions)]}
        if private_every and n % private_every == 0:
            options["private"] = True
        member, guild = members[n % len(members)], guilds[n % len(guilds)]
        tasks.append(
            asyncio.create_task(fake.send_slash_command("ask", options, user=member, guild=guild))
        )
    records = await asyncio.gather(*tasks)
    sending = loop.time() - start
    deadline = loop.time() + 10.0
    while loop.time() < deadline and any(r.callback_request is None for r in records):
        await asyncio.sleep(0.01)
    answered = [r.callback_request.received_at for r in records if r.callback_request]
    last = (max(answered) - start_monotonic(records)) if answered else sending
    return records, sending, last


def start_monotonic(records: list[Any]) -> float:
    return min(r.created for r in records)


def summarise(
    records: list[Any],
    rate: float,
    sending: float,
    elapsed: float,
    cpu: float | None,
    fake_cpu: float,
    errors: int,
    lag: LoopLag,
) -> StepResult:
    latencies = [r.callback_request.received_at - r.created for r in records if r.callback_request]
    answered = len(latencies)
    deferred = sum(1 for r in records if r.response_type == 5)
    ms = [x * 1000 for x in latencies] or [0.0]
    return StepResult(
        rate=rate,
        sent=len(records),
        answered=answered,
        deferred=deferred,
        missing=len(records) - answered,
        send_rate=len(records) / sending if sending > 0 else 0.0,
        throughput=answered / elapsed if elapsed > 0 else 0.0,
        p50_ms=percentile(ms, 0.50),
        p90_ms=percentile(ms, 0.90),
        p99_ms=percentile(ms, 0.99),
        max_ms=max(ms),
        mean_ms=statistics.fmean(ms),
        bot_cpu_percent=None if cpu is None else 100.0 * cpu / elapsed,
        answers_per_cpu_second=answered / cpu if cpu else None,
        fake_cpu_percent=100.0 * fake_cpu / elapsed,
        bot_errors=errors,
        load_average=os.getloadavg()[0],
        fake_loop_lag_p99_ms=lag.p99_ms(),
    )


class BotProcess:
    """The bot in a child process (``--serve-bot``), logging to a file in ``folder``;
    with ``shard`` set, it holds that one of ``args.processes`` shards."""

    def __init__(
        self, fake: Any, folder: Path, args: argparse.Namespace, shard: int | None = None
    ) -> None:
        self.fake = fake
        self.folder = folder
        self.args = args
        self.shard = shard
        self.log_path = folder / ("bot.log" if shard is None else f"bot-{shard}.log")
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        extra = ["--profile", self.args.profile] if self.args.profile else []
        if self.shard is not None:
            extra += ["--shards", str(self.shard), "--shard-count", str(self.args.processes)]
        if self.args.database_url:
            extra += ["--database-url", self.args.database_url]
        with self.log_path.open("wb") as log_file:  # the child keeps its own descriptor
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bench.interaction_load",
                "--serve-bot",
                "--rest",
                self.fake.rest_base,
                "--gateway",
                str(self.fake.gateway_url),
                "--token",
                self.fake.token,
                "--db",
                str(self.folder / "careerbot.sqlite3"),
                "--cooldown",
                str(self.args.cooldown),
                *extra,
                cwd=Path(__file__).resolve().parent.parent,
                stdout=log_file,
                stderr=asyncio.subprocess.STDOUT,
            )

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def cpu_seconds(self) -> float | None:
        return cpu_seconds(self.pid) if self.pid else None

    def errors(self) -> int:
        return count_errors(self.log_path)

    async def stop(self) -> None:
        if self.proc is None or self.proc.returncode is not None:
            return
        self.proc.send_signal(signal.SIGINT)  # the bot's own ordered shutdown
        try:
            await asyncio.wait_for(self.proc.wait(), 15)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()


class BotProcesses:
    """Several bot processes, one shard each, measured together."""

    def __init__(self, fake: Any, folder: Path, args: argparse.Namespace) -> None:
        self.fake = fake
        self.bots = [BotProcess(fake, folder, args, shard) for shard in range(args.processes)]

    async def start(self) -> None:
        for bot in self.bots:
            await bot.start()

    @property
    def pid(self) -> int | None:
        return self.bots[0].pid

    def cpu_seconds(self) -> float | None:
        times = [cpu_seconds(bot.pid) if bot.pid else None for bot in self.bots]
        return None if None in times else sum(t for t in times if t is not None)

    def errors(self) -> int:
        return sum(bot.errors() for bot in self.bots)

    async def stop(self) -> None:
        await asyncio.gather(*(bot.stop() for bot in self.bots))


class InProcessBot:
    """The bot in this process and event loop (``--inprocess``)."""

    def __init__(self, fake: Any, folder: Path, args: argparse.Namespace) -> None:
        self.fake = fake
        self.db_path = folder / "careerbot.sqlite3"
        self.args = args
        self.pid = None
        self.handles: tuple[Any, Any, Any] | None = None

    async def start(self) -> None:
        self.handles = await start_bot_in_process(self.fake, self.db_path, self.args.cooldown)

    def cpu_seconds(self) -> float | None:
        return None

    def errors(self) -> int:
        return 0  # they reach this process's console

    async def stop(self) -> None:
        if self.handles is not None:
            bot, db, task = self.handles
            await bot.close()
            with contextlib.suppress(Exception):
                await task
            await db.close()


async def main(args: argparse.Namespace) -> list[StepResult]:
    from tests.fakediscord import FakeDiscord

    logging.basicConfig(level=logging.WARNING)
    questions = load_questions()
    rates = [float(r) for r in str(args.rate).split(",")]
    shards = max(args.processes, args.servers)
    fake = FakeDiscord(shard_count=shards)
    await fake.start()
    members = [fake.add_user(f"member{i}") for i in range(args.members)]
    guilds = _one_per_shard(fake, shards)
    for guild in guilds:
        for member in members:
            fake.add_member(guild, member)
    results: list[StepResult] = []
    with tempfile.TemporaryDirectory(prefix="careerbot-bench-") as name:
        folder = Path(name)
        bot: BotProcess | BotProcesses | InProcessBot
        if args.inprocess:
            bot = InProcessBot(fake, folder, args)
        elif args.processes > 1:
            bot = BotProcesses(fake, folder, args)
        else:
            bot = BotProcess(fake, folder, args)
        patch = fake.patch_discord() if args.inprocess else contextlib.nullcontext()
        with patch:
            try:
                await bot.start()
                await fake.wait_until(
                    lambda: fake.registered_commands() or None, 60.0, "the bot to sync"
                )
                await fake.wait_until(
                    lambda: (
                        sum(1 for s in fake.sessions.values() if s.live) >= args.processes or None
                    ),
                    60.0,
                    "every shard to connect",
                )
                where = "in one process with the fake" if args.inprocess else "in its own process"
                if args.processes > 1:
                    where = f"in {args.processes} processes, one shard each"
                print(
                    f"careerbot /ask load: {args.members:,} members, bot {where}, "
                    f"{os.cpu_count()} CPU(s), python {sys.version.split()[0]}, "
                    f"machine load average {os.getloadavg()[0]:.1f} before the run, "
                    f"CPU probe {cpu_probe_ms():.0f} ms (lower is faster; ~20 ms quiet)"
                )
                # Warm-up (connections, caches, first SQLite pages): not reported.
                warm, _, _ = await run_step(
                    fake,
                    members,
                    questions,
                    WARMUP_RATE,
                    WARMUP_SECONDS,
                    args.private_share,
                    0,
                    guilds,
                )
                offset = len(warm)
                print(f"warm-up: {sum(1 for r in warm if r.callback_request)}/{len(warm)} answered")
                errors_before = bot.errors()
                for rate in rates:
                    await asyncio.sleep(max(args.cooldown, 0.5))  # let cooldowns expire
                    cpu_before = bot.cpu_seconds()
                    fake_before = time.process_time()
                    with harness_collector_paused(), LoopLag() as lag:
                        records, sending, elapsed = await run_step(
                            fake,
                            members,
                            questions,
                            rate,
                            args.duration,
                            args.private_share,
                            offset,
                            guilds,
                        )
                    cpu_after = bot.cpu_seconds()
                    fake_cpu = time.process_time() - fake_before
                    cpu = None
                    if cpu_before is not None and cpu_after is not None:
                        cpu = cpu_after - cpu_before
                    offset += len(records)
                    errors = bot.errors() - errors_before
                    errors_before += errors
                    result = summarise(records, rate, sending, elapsed, cpu, fake_cpu, errors, lag)
                    results.append(result)
                    report(result)
            finally:
                await bot.stop()
                await fake.stop()
    if args.json:
        print(json.dumps([asdict(r) for r in results], indent=2))
    return results


def _one_per_shard(fake: Any, shards: int) -> list[Any]:
    """``fake.guild`` and one new server for each other shard."""
    from careerbot.runtime.shards import shard_of

    taken = shard_of(fake.guild.id, shards)
    extra = [fake.add_guild(f"server {n}", shard=n) for n in range(shards) if n != taken]
    return [fake.guild, *extra]


def count_errors(path: Path) -> int:
    """ERROR lines the bot process logged so far (its log goes to a file, not the console)."""
    try:
        return sum(1 for line in path.read_bytes().splitlines() if line.startswith(b"bot: ERROR"))
    except OSError:
        return 0


def report(r: StepResult) -> None:
    cpu = f", bot CPU {r.bot_cpu_percent:.0f}%" if r.bot_cpu_percent else ""
    if r.answers_per_cpu_second:
        cpu += f" ({r.answers_per_cpu_second:,.0f} answers per bot CPU second)"
    cpu += f", fake + load CPU {r.fake_cpu_percent:.0f}% (of one core)"
    cpu += f", fake loop lag p99 {r.fake_loop_lag_p99_ms:.1f} ms"
    print(
        f"target {r.rate:,.0f}/s: sent {r.sent:,} at {r.send_rate:,.0f}/s, answered "
        f"{r.answered:,} = {r.throughput:,.0f} interactions/s{cpu}"
    )
    print(
        f"   INTERACTION_CREATE -> callback: p50 {r.p50_ms:.1f} ms, p90 {r.p90_ms:.1f} ms, "
        f"p99 {r.p99_ms:.1f} ms, max {r.max_ms:.1f} ms (mean {r.mean_ms:.1f} ms); "
        f"deferred {r.deferred}, missing {r.missing}, bot errors {r.bot_errors}; "
        f"machine load average {r.load_average:.1f}"
    )


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--members", type=int, default=1_000, help="members taking turns")
    parser.add_argument("--rate", default="200", help="interactions per second (a,b,c: steps)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per step")
    parser.add_argument("--private-share", type=float, default=0.2, help="share of private asks")
    parser.add_argument("--cooldown", type=float, default=3.0, help="the bot's ask cooldown (s)")
    parser.add_argument("--inprocess", action="store_true", help="bot and fake in one process")
    parser.add_argument(
        "--processes", type=int, default=1, help="bot processes, one shard each (default 1)"
    )
    parser.add_argument(
        "--servers", type=int, default=2, help="servers the members ask in (one per shard)"
    )
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL for the bots instead of a SQLite file"
    )
    parser.add_argument("--quick", action="store_true", help="small and short, for a smoke run")
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    parser.add_argument("--profile", help="write a cProfile of the bot process to this file")
    # Internal: the bot process started by the benchmark.
    parser.add_argument("--serve-bot", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rest", help=argparse.SUPPRESS)
    parser.add_argument("--gateway", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--shards", help=argparse.SUPPRESS)
    parser.add_argument("--shard-count", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.members, args.rate, args.duration = 200, "100", 2.0
    return args


if __name__ == "__main__":
    arguments = parse()
    if arguments.serve_bot:
        serve_bot(arguments)
    else:
        started = time.perf_counter()
        asyncio.run(main(arguments))
        print(f"total {time.perf_counter() - started:.0f} s, CPU probe {cpu_probe_ms():.0f} ms")
