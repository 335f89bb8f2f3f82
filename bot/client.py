"""The bot object: a ``commands.Bot`` holding the corpus, the store and the rules.

:class:`CareerBot` is deliberately thin. It owns the shared services (the
:class:`~knowledge.KnowledgeBase`, the :class:`~storage.Storage`, the question
cooldown, the guild settings cache), loads one extension per feature area from
``bot/exts`` in :meth:`CareerBot.setup_hook` (each registers its own persistent
buttons there, see ``bot/exts/*/__init__.py``), and handles errors in one place
(:class:`CareerTree`). It does not open or close the knowledge base or the store:
whoever creates the bot does (:mod:`careerbot.cli.run`, the tests, the benchmark), which is what
lets tests share one loaded corpus and restart a bot on the same database.

Choices that follow Discord's rules:

* **Minimal intents**: guilds (to know roles and permissions) and DMs. No
  message-content intent: DMs carry their content without it.
* **No pings**: ``allowed_mentions`` is none for the whole client.
* **No automatic sync**: commands are synced only when asked (``sync_on_start``, or
  ``careerbot sync``); Discord rate-limits syncing, so doing it on every start is a bug.
  A sharded process syncs only if it holds shard 0, so several processes started with
  ``--sync`` sync once.

Sharding (``CAREERBOT_SHARDS`` / ``CAREERBOT_SHARD_COUNT``): :func:`make_bot` builds a
:class:`ShardedCareerBot`, the same bot on discord.py's ``AutoShardedBot``, holding
only the shards it was given. Without those settings it builds the plain
:class:`CareerBot`, exactly as before. On PostgreSQL, the shards of all processes take
turns to IDENTIFY through the database (:meth:`ShardedCareerBot.before_identify_hook`).
"""

from __future__ import annotations

import logging
import math
import time
import weakref
from collections.abc import Callable, Mapping
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.expiry import InteractionAges
from bot.guilds import GuildConfig
from bot.modlog import ModeratorLog
from bot.render import APOLOGY
from bot.replies import DEFAULT_BUDGET, NO_MENTIONS, Refusal, apologise, expired
from careerbot.core.community import CorpusWriter
from careerbot.core.community.handoff import RecentQuestions, handoff_cooldown
from careerbot.core.community.servers import SharedServers
from careerbot.core.cooldowns import AskCooldown, Cooldown
from careerbot.core.pending import PendingWrites
from careerbot.core.shared_cooldown import SharedCooldown
from careerbot.runtime.broadcast import Broadcast, LocalBroadcast
from careerbot.runtime.corpus_sync import CorpusSync
from careerbot.runtime.metrics import METRICS
from careerbot.runtime.services import Services
from careerbot.runtime.settings import Settings
from careerbot.runtime.shards import IDENTIFY_INTERVAL, identify_bucket, shard_of
from careerbot.runtime.time import Ticks
from knowledge import KnowledgeBase
from storage import Storage, open_gate

log = logging.getLogger(__name__)

#: What the command line needs of discord.py, named here so that only ``bot`` imports it:
#: the failures an operator can fix, and what a sync returns.
AppCommand = app_commands.AppCommand
LoginFailure = discord.LoginFailure
PrivilegedIntentsRequired = discord.PrivilegedIntentsRequired
DiscordHTTPError = discord.HTTPException

EXTENSIONS: tuple[str, ...] = (
    "bot.exts.ask",
    "bot.exts.skills",
    "bot.exts.privacy",
    "bot.exts.moderation",
    "bot.exts.help",
    "bot.exts.reminders",
    "bot.exts.community",
)


def _no_scheduler() -> None:
    """No reminders extension loaded: nothing is sleeping on reminders."""


def intents() -> discord.Intents:
    """Only what the bot uses: guild metadata (roles, permissions) and DMs."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.dm_messages = True
    return wanted


class CareerTree(app_commands.CommandTree["CareerBot"]):
    """The command tree, with the bot's single error policy for slash commands."""

    async def interaction_check(self, interaction: discord.Interaction[CareerBot], /) -> bool:
        """Commands and autocompletes past Discord's window are dropped before any work
        (:mod:`bot.expiry`): nobody can be answered, and the work would only make
        everything behind them later still."""
        ages = interaction.client.interaction_ages
        return not ages.expired(interaction.id, interaction.type.value)

    async def on_error(
        self, interaction: discord.Interaction[CareerBot], error: app_commands.AppCommandError
    ) -> None:
        """Refusals are told to the member as they are; anything else is a bug: the
        details go to the log and the member gets a short apology."""
        command = interaction.command.qualified_name if interaction.command else "?"
        if isinstance(error, Refusal):
            log.info("/%s refused for user %s: %s", command, interaction.user.id, error)
            await apologise(interaction, str(error))
            return
        if isinstance(error, app_commands.NoPrivateMessage):
            await apologise(interaction, "That command only works in a server.")
            return
        if isinstance(error, app_commands.CheckFailure):
            log.info("/%s check failed for user %s: %r", command, interaction.user.id, error)
            await apologise(interaction, "You can't use that command here.")
            return
        original = getattr(error, "original", error)
        if expired(original):
            interaction.client.interaction_ages.count("command")
            return
        log.error(
            "/%s failed (user %s, guild %s)",
            command,
            interaction.user.id,
            interaction.guild_id,
            exc_info=(type(original), original, original.__traceback__),
        )
        await apologise(interaction, APOLOGY)


class CareerBot(commands.Bot):
    """careerbot on Discord; see the module docstring."""

    def __init__(
        self,
        settings: Settings,
        kb: KnowledgeBase,
        db: Storage,
        *,
        sync_on_start: bool = False,
        sync_guild_id: int | None = None,
        clock: Ticks = time.monotonic,
        broadcast: Broadcast | None = None,
        **options: Any,
    ) -> None:
        # careerbot never joins voice: the warnings about missing voice libraries that
        # discord.py logs on every start are noise.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents(),
            help_command=None,
            allowed_mentions=NO_MENTIONS,
            tree_cls=CareerTree,
            **options,
        )
        self.settings = settings
        self.kb = kb
        self.db = db
        self.cooldown: AskCooldown = (
            SharedCooldown(db, settings.ask_cooldown_seconds)
            if db.shared_between_processes
            else Cooldown(settings.ask_cooldown_seconds, clock=clock)
        )
        """One question per member per cooldown: kept in the database when several
        processes may share it (:mod:`careerbot.core.shared_cooldown`)."""
        self.broadcast = broadcast if broadcast is not None else LocalBroadcast()
        """How this process tells the others sharing its database what changed
        (:mod:`careerbot.runtime.broadcast`); whoever creates the bot starts and stops
        it, as it opens and closes the store."""
        self.guild_config = GuildConfig(db, self.broadcast)
        self.response_budget = DEFAULT_BUDGET
        """Seconds of work before an interaction is deferred (see :mod:`bot.replies`)."""
        self.moderator_log = ModeratorLog(self)
        """Notices for moderators in each guild's /config log-channel (:mod:`bot.modlog`)."""
        self.corpus_sync = CorpusSync(
            kb, self.broadcast, on_reload=self.moderator_log.reload_refused
        )
        """Reloads that reach every process: ``/kb reload`` and the watcher use it."""
        self.log_writes = PendingWrites()
        """Question-log rows promised to feedback buttons, still being written."""
        self.interaction_ages = InteractionAges()
        """Which interactions are too old to answer (:mod:`bot.expiry`)."""
        self.corpus_writer = CorpusWriter(
            kb,
            on_reloaded=lambda forced: self.corpus_sync.announce(force=forced, by="community"),
        )
        """Moderators' changes to the corpus files (:mod:`careerbot.core.community`)."""
        self.recent_questions = RecentQuestions(clock=clock)
        self.handoff_cooldown = handoff_cooldown(clock)
        """Questions that "Ask the community" may hand over, and how often (handoff)."""
        self.shared_servers = SharedServers(clock=clock)
        """Which servers with a help channel a member is in: where a DM question can go."""
        self._screen_arrivals()
        _quiet_late_autocompletes()
        self._sync_on_start = sync_on_start
        self._sync_guild_id = sync_guild_id
        self.services = Services(timeout=settings.shutdown_grace_seconds)
        """Background services (scheduler, corpus watcher, health server): add them here
        before the bot connects; :func:`careerbot.cli.run.run_bot` starts them after login and
        stops them, last added first, before the connection and the store close."""
        self.wake_reminders: Callable[[], None] = _no_scheduler
        """Tell the reminder scheduler a reminder changed (a Snooze click), so it does not
        sleep past it; the reminders extension points it at its scheduler's ``wake``."""
        self._count_gateway_events()

    # -- shards -------------------------------------------------------------------------

    @property
    def held_shards(self) -> tuple[int, ...]:
        """The gateway shards this process connects (an unsharded bot is shard 0)."""
        return (0,)

    @property
    def holds_shard_zero(self) -> bool:
        """Shard 0 gets the DMs, and its process is the one that syncs commands."""
        return 0 in self.held_shards

    def shard_of_guild(self, guild_id: int | None) -> int:
        """The shard a guild's events arrive on (0 for DMs)."""
        return shard_of(guild_id, self.shard_count or 1)

    def _count_gateway_events(self) -> None:
        """Per-shard metrics: connects, disconnects, resumes and READYs, and the latency
        read when scraped. The gauge holds the bot weakly: a closed bot is not kept."""
        sharded = isinstance(self, commands.AutoShardedBot)
        for event in ("connect", "disconnect", "resumed", "ready"):
            if sharded:

                async def on_shard_event(shard_id: int, *, event: str = event) -> None:
                    METRICS.gateway_events.inc(shard=str(shard_id), event=event)

                self.add_listener(on_shard_event, f"on_shard_{event}")
            else:

                async def on_event(*, event: str = event) -> None:
                    METRICS.gateway_events.inc(shard="0", event=event)

                self.add_listener(on_event, f"on_{event}")
        me = weakref.ref(self)

        def latencies() -> Mapping[tuple[str, ...], float]:
            bot = me()
            return {} if bot is None else bot.shard_latencies()

        METRICS.gateway_latency.track(latencies)

    def shard_latencies(self) -> dict[tuple[str, ...], float]:
        """Heartbeat latency per held shard, as metric labels."""
        latency = self.latency
        return {("0",): latency} if math.isfinite(latency) else {}

    def _screen_arrivals(self) -> None:
        """Look at each interaction as it comes off the gateway, before discord.py
        builds objects and a task for it: note its arrival (the age baseline) and drop
        it there if it is already too old (a backlog in the socket).

        This relies on discord.py's parser table (``ConnectionState.parsers``, 2.x);
        without it only the skew correction is lost (ages trust the host clock), and
        the check when a command's task starts (:meth:`CareerTree.interaction_check`)
        still drops what is too old."""
        parsers: dict[str, Callable[[Any], None]] | None = getattr(
            self._connection, "parsers", None
        )
        parse = parsers.get("INTERACTION_CREATE") if parsers is not None else None
        if parsers is None or parse is None:
            log.warning("discord.py's parser table changed: interactions are screened late")
            return
        ages = self.interaction_ages
        received = METRICS.interactions_received

        def screened(data: Any) -> None:
            try:
                snowflake, kind = int(data["id"]), int(data["type"])
            except (KeyError, TypeError, ValueError):
                parse(data)  # let discord.py deal with whatever this is
                return
            guild_id = data.get("guild_id")
            received.inc(shard=str(self.shard_of_guild(int(guild_id) if guild_id else None)))
            ages.arrived(snowflake)
            if not ages.expired(snowflake, kind):
                parse(data)

        parsers["INTERACTION_CREATE"] = screened

    async def setup_hook(self) -> None:
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if self._sync_on_start:
            if self.holds_shard_zero:
                await sync_tree(self, self._sync_guild_id)
            else:
                log.info("not syncing commands: the process holding shard 0 does that")

    async def on_ready(self) -> None:
        log.info(
            "logged in as %s (%s) in %d guild(s), serving %d entries",
            self.user,
            self.user.id if self.user else "?",
            len(self.guilds),
            len(self.kb.corpus),
        )

    async def on_message(self, message: discord.Message, /) -> None:
        """No text commands: DMs are questions, handled by the ask extension's listener."""

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        log.exception("unhandled error in %s", event_method)

    async def threshold_for(self, guild_id: int | None) -> float | None:
        """The confidence threshold (percent) for a question asked in ``guild_id``:
        the guild's override, else the configured one, else ``None`` (matcher default)."""
        override = await self.guild_config.threshold(guild_id)
        return override if override is not None else self.settings.confidence_threshold

    @property
    def default_threshold(self) -> float:
        configured = self.settings.confidence_threshold
        return configured if configured is not None else self.kb.settings.threshold


class ShardedCareerBot(CareerBot, commands.AutoShardedBot):
    """careerbot holding some of the bot's gateway shards; see the module docstring.

    IDENTIFY pacing: Discord allows one IDENTIFY per 5 s per bucket
    ``shard_id % max_concurrency`` across the whole bot. On PostgreSQL every process's
    shards take turns through an advisory lock per bucket (:func:`storage.open_gate`);
    on SQLite (one process) discord.py's own pacing applies: 5 s before each IDENTIFY
    but the first.
    """

    def __init__(self, settings: Settings, kb: KnowledgeBase, db: Storage, **options: Any) -> None:
        super().__init__(
            settings,
            kb,
            db,
            shard_ids=list(settings.shard_ids),
            shard_count=settings.shard_count,
            **options,
        )
        self.identify_gate = open_gate(settings.database, spacing=IDENTIFY_INTERVAL)
        """Turns shared with the other processes; ``None`` on SQLite. A turn ends 5 s
        after the shard's READY (Discord had the IDENTIFY by then)."""
        self._max_concurrency: int | None = None
        if self.identify_gate is not None:
            self.add_listener(self._identified, "on_shard_connect")

    @property
    def held_shards(self) -> tuple[int, ...]:
        return tuple(self.shard_ids or ())

    def shard_latencies(self) -> dict[tuple[str, ...], float]:
        return {(str(i),): lat for i, lat in self.latencies if math.isfinite(lat)}

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        if self.identify_gate is None:
            await super().before_identify_hook(shard_id, initial=initial)
            return
        bucket = identify_bucket(shard_id or 0, await self.max_concurrency())
        started = time.monotonic()
        await self.identify_gate.turn(bucket)
        log.info("shard %s identifies (bucket %d, waited %.1f s)",
                 shard_id, bucket, time.monotonic() - started)  # fmt: skip

    async def _identified(self, shard_id: int) -> None:
        """READY came back for ``shard_id``: its bucket's turn can end in 5 s."""
        if self.identify_gate is not None:
            self.identify_gate.arrived(identify_bucket(shard_id, await self.max_concurrency()))

    async def max_concurrency(self) -> int:
        """Discord's IDENTIFY concurrency for this bot (asked once; 1 if that fails:
        the slowest, always safe)."""
        if self._max_concurrency is None:
            try:
                limits = await self.fetch_session_start_limits()
                self._max_concurrency = max(1, limits.max_concurrency)
            except (discord.HTTPException, discord.GatewayNotFound) as exc:
                log.warning("could not read max_concurrency (%s); assuming 1", exc)
                self._max_concurrency = 1
        return self._max_concurrency

    async def close(self) -> None:
        await super().close()
        if self.identify_gate is not None:
            await self.identify_gate.close()


def make_bot(settings: Settings, kb: KnowledgeBase, db: Storage, **options: Any) -> CareerBot:
    """The bot the settings ask for: sharded when a shard count is set, else plain."""
    if settings.sharded:
        return ShardedCareerBot(settings, kb, db, **options)
    return CareerBot(settings, kb, db, **options)


async def sync_tree(
    bot: commands.Bot, guild_id: int | None = None
) -> list[app_commands.AppCommand]:
    """Push the command definitions to Discord: globally, or to one guild for
    development (global commands copied there, so they show up at once)."""
    if guild_id is None:
        synced = await bot.tree.sync()
        log.info("synced %d global command(s)", len(synced))
        return synced
    guild = discord.Object(id=guild_id)
    bot.tree.copy_global_to(guild=guild)
    synced = await bot.tree.sync(guild=guild)
    log.info("synced %d command(s) to guild %s", len(synced), guild_id)
    return synced


class _LateAutocomplete(logging.Filter):
    """discord.py logs an autocomplete whose answer came too late (10062) as an error
    with a traceback; it is an expired interaction like any other: counted, not an
    error (see :mod:`bot.expiry`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is None or not expired(error):
            return True
        METRICS.interactions_expired.inc(kind="autocomplete")
        return False


def _quiet_late_autocompletes() -> None:
    logger = logging.getLogger("discord.app_commands.tree")
    if not any(isinstance(f, _LateAutocomplete) for f in logger.filters):
        logger.addFilter(_LateAutocomplete())


def bot_of(interaction: discord.Interaction[Any]) -> CareerBot:
    """The bot an interaction belongs to (DynamicItems get the interaction, not the cog)."""
    client = interaction.client
    if not isinstance(client, CareerBot):
        raise TypeError(f"expected a CareerBot, got {type(client).__name__}")
    return client
