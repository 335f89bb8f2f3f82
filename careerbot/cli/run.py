"""Starting the bot and syncing its commands: what ``careerbot run`` / ``sync`` call.

Both open what the bot needs (the corpus, the store), build a :class:`CareerBot`, and
close everything on the way out, also on Ctrl+C. The corpus is checked before
connecting to Discord. Every corpus served is saved beside the database
(:mod:`knowledge.lastgood`); a broken corpus folder at start-up (a file the watcher
refused before a restart, say) serves that copy and says so in the log and to
moderators on ``/kb reload``, instead of an outage. Only with no saved copy does a
broken corpus fail start-up with its problems listed (:class:`knowledge.CorpusInvalid`).

Commands are synced only by :func:`sync_commands` or ``run_bot(..., sync=True)``:
Discord rate-limits syncing, so it is an explicit step after commands change, never
part of every start.

Shutdown (SIGTERM from ``docker stop``, SIGINT from Ctrl+C, or the ``stop`` event) is
one ordered path, :func:`_shut_down`:

1. background services stop, last added first (``careerbot.runtime.services``: the reminder
   scheduler, then the corpus watcher, then the health server), so no new work starts;
2. event handlers already running (a question being answered, a button) get up to
   ``CAREERBOT_SHUTDOWN_GRACE_SECONDS`` to finish, with Discord still connected so
   their replies go out;
3. the Discord connection closes;
4. the connection that tells other processes what changed closes
   (:mod:`careerbot.runtime.broadcast`: open as long as the store, so a ``/config``
   change finished in step 2 still reaches them);
5. the store closes, which waits for a write in progress to commit;

and the process exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Coroutine, Iterator
from functools import partial
from typing import Any, TextIO

import aiohttp

from bot.client import (
    AppCommand,
    CareerBot,
    DiscordHTTPError,
    LoginFailure,
    PrivilegedIntentsRequired,
    make_bot,
    sync_tree,
)
from careerbot.cli.invite import invite_url
from careerbot.core.progress_carry import ProgressCarrier
from careerbot.runtime.broadcast import open_broadcast, running
from careerbot.runtime.health import HealthServer
from careerbot.runtime.heap import frozen_heap
from careerbot.runtime.logs import fatal_line
from careerbot.runtime.logs import setup_logging as _setup_logging
from careerbot.runtime.settings import TOKEN_HELP, Settings
from careerbot.runtime.watcher import KnowledgeWatcher
from knowledge import CorpusInvalid, KnowledgeBase, lastgood
from storage import StorageError, open_storage

log = logging.getLogger(__name__)


def setup_logging(settings: Settings) -> None:
    """One line per event (or JSON, ``CAREERBOT_LOG_FORMAT``) for every logger, with the
    token redacted (see :mod:`careerbot.runtime.logs`)."""
    secrets = [settings.token] if settings.discord_token is not None else []
    _setup_logging(settings.log_level, settings.log_format, secrets=secrets)


#: Names discord.py gives the tasks that run event, command and component handlers.
_HANDLER_TASKS = ("discord.py: ", "CommandTree-invoker", "discord-ui-view-dispatch")


def add_services(bot: CareerBot) -> None:
    """The services the settings ask for, in start order (they stop in reverse)."""
    settings = bot.settings
    if settings.health_port is not None:
        bot.services.add(
            HealthServer(
                bot.db,
                host=settings.health_host,
                port=settings.health_port,
                ready=bot.is_ready,
                listening=lambda: bot.broadcast.listening,
            )
        )
    if settings.watch_knowledge:
        bot.services.add(
            KnowledgeWatcher(
                bot.kb,
                settings.watch_interval_seconds,
                on_reload=bot.moderator_log.reload_refused,  # refusals reach moderators
                sync=bot.corpus_sync,  # reloads reach the other processes
            )
        )
    bot.services.add(ProgressCarrier(bot.kb, bot.db))


async def run_bot(
    settings: Settings,
    *,
    sync: bool = False,
    sync_guild_id: int | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Run the bot until ``stop`` is set, SIGTERM/SIGINT arrives, or Discord ends the
    session; then shut down in order (module docstring).

    ``sync`` pushes the commands first: to ``sync_guild_id`` if given (development),
    else globally.
    """
    stop = stop or asyncio.Event()
    kb = await _load_knowledge(settings)
    broadcast = open_broadcast(settings.database)
    async with await open_storage(settings.database) as db, running(broadcast):
        bot = make_bot(
            settings,
            kb,
            db,
            sync_on_start=sync,
            sync_guild_id=sync_guild_id,
            broadcast=broadcast,
        )
        add_services(bot)
        with _stop_on_signals(stop):
            async with bot:
                await bot.login(settings.token)  # runs setup_hook: extensions may add services
                if bot.application_id is not None:  # for the admin who has not added it yet
                    log.info("invite link: %s", invite_url(bot.application_id))
                await bot.services.start_all()
                with (
                    frozen_heap()
                ):  # see careerbot.runtime.heap: no 50 ms collector pauses under load
                    session = asyncio.create_task(bot.connect(), name="careerbot: gateway")
                    stopping = asyncio.create_task(stop.wait(), name="careerbot: stop")
                    try:
                        await asyncio.wait({session, stopping}, return_when=asyncio.FIRST_COMPLETED)
                    finally:
                        if stop.is_set():
                            log.info("shutting down")
                        await _shut_down(bot, session, stopping, settings.shutdown_grace_seconds)
                if session.done() and not session.cancelled():
                    session.result()  # Discord ended the session with an error: raise it
        log.info("stopped cleanly")


async def _shut_down(
    bot: CareerBot, session: asyncio.Task[None], stopping: asyncio.Task[Any], grace: float
) -> None:
    """Steps 1-3 of the module docstring; the caller's ``async with`` does 4 and 5."""
    stopping.cancel()
    await bot.services.stop_all()
    me = asyncio.current_task()
    handlers = [
        t
        for t in asyncio.all_tasks()
        if t is not me and not t.done() and t.get_name().startswith(_HANDLER_TASKS)
    ]
    if handlers:
        log.info("waiting for %d handler(s) in flight", len(handlers))
        _, late = await asyncio.wait(handlers, timeout=grace)
        if late:
            log.warning("%d handler(s) still running after %.0f s", len(late), grace)
    await bot.close()
    if not session.done():
        session.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.gather(session, return_exceptions=True)


@contextlib.contextmanager
def _stop_on_signals(stop: asyncio.Event) -> Iterator[None]:
    """SIGTERM and SIGINT set ``stop`` while the bot runs, instead of killing the loop.

    Only possible on the main thread of a Unix process; elsewhere (tests running the
    CLI in a thread, Windows) Ctrl+C keeps its default behaviour. The previous handlers
    are put back afterwards.
    """
    loop = asyncio.get_running_loop()
    installed: list[tuple[signal.Signals, Any]] = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(signum)
        try:
            loop.add_signal_handler(signum, stop.set)
        except (NotImplementedError, RuntimeError, ValueError):
            continue
        installed.append((signum, previous))
    try:
        yield
    finally:
        for signum, previous in installed:
            loop.remove_signal_handler(signum)
            with contextlib.suppress(TypeError, ValueError):
                signal.signal(signum, previous if previous is not None else signal.SIG_DFL)


async def sync_commands(settings: Settings, guild_id: int | None = None) -> list[AppCommand]:
    """Log in over HTTP only (no gateway) and sync the command definitions: to one
    guild when ``guild_id`` is given (they appear at once there), else globally."""
    kb = await _load_knowledge(settings)
    async with await open_storage(settings.database) as db:
        bot = CareerBot(settings, kb, db)
        async with bot:
            await bot.login(settings.token)  # runs setup_hook: the extensions load
            return await sync_tree(bot, guild_id)


async def _load_knowledge(settings: Settings) -> KnowledgeBase:
    kb = await asyncio.to_thread(
        partial(
            KnowledgeBase.load,
            settings.knowledge_path,
            last_good=lastgood.path_beside(settings.database_path),
        )
    )
    if kb.fallback is None:
        log.info("loaded %d entries from %s", len(kb.corpus), settings.knowledge_path)
    else:
        log.warning("serving %d entries from the last good copy", len(kb.corpus))
    return kb


# ------------------------------------------------------------------ command line ---
# ``careerbot run`` and ``careerbot sync`` (careerbot/cli/main.py) are thin: they parse arguments
# and call these, which turn the failures an operator can fix into one clear message
# and an exit status, instead of a traceback.


def cli_run(
    settings: Settings, *, sync: bool, guild_id: int | None, out: TextIO, err: TextIO
) -> int:
    """``careerbot run``: serve until SIGTERM/SIGINT, then exit 0 after a clean stop."""
    setup_logging(settings)
    return _cli_call(run_bot(settings, sync=sync, sync_guild_id=guild_id), settings, err)


def _shown(command: AppCommand) -> str:
    """``/name`` for a slash command; the message menu by its label."""
    slash = getattr(command.type, "value", 1) == 1
    return f"/{command.name}" if slash else f"{command.name} (message menu)"


def cli_sync(settings: Settings, *, guild_id: int | None, out: TextIO, err: TextIO) -> int:
    """``careerbot sync``: push the commands and say where they went."""
    setup_logging(settings)
    synced: list[AppCommand] = []

    async def work() -> None:
        synced.extend(await sync_commands(settings, guild_id))

    status = _cli_call(work(), settings, err)
    if status == 0:
        names = ", ".join(sorted(_shown(c) for c in synced))
        where = (
            f"to guild {guild_id} (visible there at once)"
            if guild_id
            else ("globally (Discord can take a while to show changes)")
        )
        out.write(f"synced {len(synced)} command(s) {where}: {names}\n")
    return status


def _cli_call(work: Coroutine[Any, Any, None], settings: Settings, err: TextIO) -> int:
    secrets = [settings.token] if settings.discord_token is not None else []

    def fatal(message: str) -> None:
        print(fatal_line(message, settings.log_format, secrets=secrets), file=err)

    try:
        asyncio.run(work)
    except CorpusInvalid as exc:
        problems = "".join(f"\n  {issue}" for issue in exc.issues)
        fatal(f"the corpus at {settings.knowledge_path} has problems:{problems}")
        return 2
    except LoginFailure:
        fatal(
            "Discord refused the token; check CAREERBOT_DISCORD_TOKEN "
            f"(to get a new one: {TOKEN_HELP})"
        )
        return 2
    except PrivilegedIntentsRequired as exc:
        fatal(str(exc))
        return 2
    except StorageError as exc:
        fatal(f"storage: {exc}")
        return 2
    except (DiscordHTTPError, aiohttp.ClientError) as exc:
        fatal(f"could not talk to Discord: {exc}")
        return 1
    except OSError as exc:  # e.g. the health port is taken
        fatal(str(exc))
        return 1
    return 0
