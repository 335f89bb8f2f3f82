"""A small fake Discord (REST API v10 + gateway) on 127.0.0.1 for end-to-end bot tests.

The real, unmodified discord.py client talks to it over HTTP and a WebSocket exactly as it
would talk to Discord; only two class attributes are patched (see :meth:`patch_discord`).
The fake keeps a tiny world (one application, its bot user, guilds with roles, channels
and members, DM channels, messages, registered commands), records every REST request,
answers like Discord (including its error codes and limits) and lets a test play the
user's side: run slash commands, click buttons, pick from selects, type in autocomplete,
submit modals, send DMs and channel messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import logging
import re
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import discord
import discord.gateway
import discord.http
import yarl
from aiohttp import BodyPartReader, web

from . import payloads as p
from . import sharding, threads, validation
from .gateway import (
    CLOSE_AUTHENTICATION_FAILED,
    CLOSE_DECODE_ERROR,
    CLOSE_DISALLOWED_INTENTS,
    CLOSE_INVALID_API_VERSION,
    CLOSE_NOT_AUTHENTICATED,
    OP_HEARTBEAT,
    OP_HEARTBEAT_ACK,
    OP_HELLO,
    OP_IDENTIFY,
    OP_INVALID_SESSION,
    OP_RECONNECT,
    OP_REQUEST_GUILD_MEMBERS,
    OP_RESUME,
    GatewaySession,
    message_for_session,
)
from .interactions import InteractionRecord, ReplyEvent
from .models import (
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    InjectedFailure,
    PathPattern,
    RecordedFile,
    RecordedRequest,
    Stall,
    compile_path,
)

_log = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_TOKEN = "fake-careerbot-token.for-tests-only"
"""The token tests pass to ``bot.start``; it is not a real token and grants nothing."""


class _Default:
    """Sentinel type: "use the fake's default guild/channel/user"."""

    def __repr__(self) -> str:
        return "DEFAULT"


DEFAULT: Any = _Default()

UserLike = FakeUser | FakeMember | int
GuildLike = FakeGuild | int
ChannelLike = FakeChannel | int
MessageLike = dict[str, Any] | int | str


class FakeDiscordTimeout(AssertionError):
    """A wait on the fake timed out: the bot did not do what the test expected in time."""


class BotCrashed(AssertionError):
    """A bot task the fake watches ended while a test was waiting on it."""


class CommandNotAvailable(PermissionError):
    """Discord would not let this user run this command here (so it would never arrive)."""


class ApiError(Exception):
    """Raised inside a route handler to answer with a Discord-shaped error."""

    def __init__(
        self, status: int, code: int, message: str, errors: list[str] | None = None
    ) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors or []

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            body["errors"] = {"_errors": [{"code": "BASE_TYPE", "message": e} for e in self.errors]}
        return body


def _invalid_form(problems: list[str]) -> ApiError:
    if problems == ["Cannot send an empty message"]:
        return ApiError(400, 50006, "Cannot send an empty message", problems)
    return ApiError(400, 50035, "Invalid Form Body", problems)


def _unknown(what: str, code: int) -> ApiError:
    return ApiError(404, code, f"Unknown {what}")


@dataclass
class _Route:
    method: str
    pattern: re.Pattern[str]
    handler: Callable[..., Any]
    needs_auth: bool = True
    name: str = ""


_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


def _user_id(user: UserLike) -> int:
    if isinstance(user, FakeMember):
        return user.user.id
    if isinstance(user, FakeUser):
        return user.id
    return int(user)


class FakeDiscord:
    """A fake Discord for one test: start it, point discord.py at it, play the user.

    Typical use (the ``fake_discord`` and ``bot_runner`` fixtures do the first steps)::

        fake = FakeDiscord()
        await fake.start()
        with fake.patch_discord():
            ...  # start the bot with fake.token, then:
            ix = await fake.send_slash_command("ask", {"question": "what is MLOps?"})
            reply = await ix.wait_for_reply()
            assert "MLOps" in reply["content"]
        await fake.stop()

    The default world has an application owned by ``owner``, the bot user, one guild
    (``guild``) with channels ``general`` (``channel``) and ``moderators``, roles
    ``@everyone``, ``Moderator`` (Manage Server) and the bot's managed role, and members
    ``owner`` (guild owner), ``moderator`` (has the Moderator role) and ``member``
    (plain). Add more with :meth:`add_user`, :meth:`add_guild`, :meth:`add_member`...
    """

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_name: str = "CareerBot",
        application_name: str = "careerbot-test",
        allowed_privileged_intents: int = p.PRIVILEGED_INTENTS,
        heartbeat_interval: float = 41.25,
        require_registered_commands: bool = True,
        interaction_deadline: float = 3.0,
        echo_bot_messages: bool = True,
        attachment_size_limit: int = p.DEFAULT_ATTACHMENT_SIZE_LIMIT,
        default_world: bool = True,
        shard_count: int = 1,
        max_concurrency: int = 1,
        identify_interval: float | None = None,
        max_guilds_per_shard: int = sharding.MAX_GUILDS_PER_SHARD,
        nonce_window: float = sharding.NONCE_WINDOW,
    ) -> None:
        """Configure the fake; nothing is bound until :meth:`start`.

        ``allowed_privileged_intents`` are the intents toggled on in the (fake) developer
        portal: identifying with others closes the gateway with 4014, as Discord does.
        ``require_registered_commands`` makes sending an unsynced command an error (real
        users cannot run a command the bot never registered). ``interaction_deadline`` is
        Discord's 3 s window for the first response; later callbacks get 10062.
        ``echo_bot_messages`` sends MESSAGE_CREATE for the bot's own messages as Discord
        does, so a bot that forgets to ignore itself is caught.
        ``shard_count`` and ``max_concurrency`` are what ``GET /gateway/bot`` answers;
        events are routed by shard, and IDENTIFYs are paced per ``max_concurrency``
        bucket: pass ``identify_interval=5.0`` (Discord's) to enforce one IDENTIFY per
        bucket per interval. It is off by default because tests restart bots on one fake
        faster than Discord would allow (real restarts take longer than 5 s); the
        IDENTIFYs are recorded either way (``identify_limiter.records``). See
        :mod:`.sharding`.
        """
        self.token = token
        self.allowed_privileged_intents = allowed_privileged_intents
        self.heartbeat_interval = heartbeat_interval
        self.require_registered_commands = require_registered_commands
        self.interaction_deadline = interaction_deadline
        self.echo_bot_messages = echo_bot_messages
        self.attachment_size_limit = attachment_size_limit
        self.shard_count = shard_count
        self.max_guilds_per_shard = max_guilds_per_shard
        self.identify_limiter = sharding.IdentifyLimiter(max_concurrency, identify_interval or 0.0)
        self.nonces = sharding.NonceCache(nonce_window)
        self.invalid_shards: list[dict[str, Any]] = []
        """IDENTIFY payloads refused with 4010/4011 (token redacted)."""

        self.snowflakes = p.SnowflakeGenerator()
        self.users: dict[int, FakeUser] = {}
        self.guilds: dict[int, FakeGuild] = {}
        self.channels: dict[int, FakeChannel] = {}
        self.dm_channels: dict[int, FakeChannel] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self.channel_message_ids: dict[int, list[int]] = {}
        self.deleted_message_ids: list[int] = []
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.interactions: dict[int, InteractionRecord] = {}
        self._interactions_by_token: dict[str, InteractionRecord] = {}
        self.cdn: dict[str, tuple[bytes, str | None]] = {}

        self.requests: list[RecordedRequest] = []
        self.unhandled_requests: list[RecordedRequest] = []
        self.invalid_requests: list[RecordedRequest] = []
        self.failures: list[InjectedFailure] = []
        self.stalls: list[Stall] = []
        self.sessions: dict[str, GatewaySession] = {}
        self.gateway_received: list[dict[str, Any]] = []
        self.gateway_connections = 0
        self.identify_count = 0
        self.resume_count = 0
        self.undelivered_events: list[tuple[str, dict[str, Any]]] = []

        self._waiters: set[asyncio.Future[None]] = set()
        self.poll_interval = 0.005
        self._watched: list[asyncio.Task[Any]] = []
        self._sockets: set[web.WebSocketResponse] = set()
        self._server_closed: set[web.WebSocketResponse] = set()
        self._background: set[asyncio.Task[Any]] = set()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._routes = self._build_routes()

        app_id = self.snowflakes.next()
        self.application_id = app_id
        self.application_name = application_name
        self.bot_user = self.add_user(bot_name, bot=True)
        self.owner = self.add_user("owner", global_name="Server Owner")
        if default_world:
            self._build_default_world()

    def _build_default_world(self) -> None:
        self.moderator = self.add_user("mod", global_name="Moderator Mo")
        self.member = self.add_user("alice", global_name="Alice")
        self.guild = self.add_guild("ML Careers", owner=self.owner)
        self.channel = self.guild.channel_named("general")
        self.mod_channel = self.add_channel(self.guild, "moderators")
        self.moderator_role = self.add_role(self.guild, "Moderator", p.MODERATOR_PERMISSIONS)
        self.add_member(self.guild, self.moderator, roles=[self.moderator_role])
        self.add_member(self.guild, self.member)

    # ================================================================= lifecycle ===
    async def start(self) -> None:
        """Bind 127.0.0.1 on a free port and start serving REST and the gateway."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway_handler)
        app.router.add_get("/gateway/", self._gateway_handler)
        app.router.add_get("/resume-gateway", self._gateway_handler)
        app.router.add_get("/resume-gateway/", self._gateway_handler)
        app.router.add_route("*", "/{tail:.*}", self._http_handler)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        _host, port = self._runner.addresses[0][:2]
        self._port = int(port)

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def stop(self) -> None:
        """Close gateway sockets and the HTTP server (stalled requests are let go)."""
        for stall in self.stalls:
            stall.release()
        for ws in list(self._sockets):
            with contextlib.suppress(Exception):
                await ws.close(code=1001, message=b"fake discord stopping")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeDiscord.start() has not been awaited")
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def rest_base(self) -> str:
        """The value for ``discord.http.Route.BASE``."""
        return f"{self.base_url}/api/v{p.API_VERSION}"

    @property
    def gateway_url(self) -> yarl.URL:
        """The value for ``DiscordWebSocket.DEFAULT_GATEWAY``."""
        return yarl.URL(f"ws://127.0.0.1:{self.port}/gateway")

    @property
    def resume_gateway_url(self) -> str:
        """Sent in READY; a separate path so tests can see resumes land on it."""
        return f"ws://127.0.0.1:{self.port}/resume-gateway"

    @contextlib.contextmanager
    def patch_discord(self) -> Iterator[None]:
        """Point discord.py's REST base and default gateway at this fake; restore after.

        ``Route.BASE`` is read whenever a Route is built (webhooks and interaction
        callbacks too), and a plain Client, commands.Bot and the READY-supplied
        ``resume_gateway_url`` cover the gateway side. AutoShardedClient asks
        ``GET /gateway/bot``, which the fake also answers with its own URL.
        """
        old_base = discord.http.Route.BASE
        old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = self.rest_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = self.gateway_url
        try:
            yield
        finally:
            discord.http.Route.BASE = old_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway

    # ========================================================= waiting & watching ===
    def watch(self, task: asyncio.Task[Any]) -> None:
        """Fail waits fast (BotCrashed) if this task (a running bot) ends."""
        self._watched.append(task)
        task.add_done_callback(lambda _t: self._notify())

    def unwatch(self, task: asyncio.Task[Any]) -> None:
        if task in self._watched:
            self._watched.remove(task)

    def _notify(self) -> None:
        for fut in list(self._waiters):
            if not fut.done():
                fut.set_result(None)

    def _raise_if_bot_died(self) -> None:
        for task in self._watched:
            if task.done():
                if task.cancelled():
                    raise BotCrashed("the bot task was cancelled while the test waited")
                exc = task.exception()
                if exc is not None:
                    raise BotCrashed(f"the bot task died: {exc!r}") from exc
                raise BotCrashed("the bot task returned (the client closed) while the test waited")

    async def wait_until(
        self, check: Callable[[], T | None], timeout: float = 5.0, what: str = "a condition"
    ) -> T:
        """Re-evaluate ``check`` whenever the fake sees something, until it is not None.

        Wakes on every request and gateway frame (and every ``poll_interval`` seconds for
        conditions on the bot's own state), so waits cost almost no sleeping. Raises
        FakeDiscordTimeout (listing the last requests) on timeout, and BotCrashed as soon
        as a watched bot task ends.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = check()
            if result is not None:
                return result
            self._raise_if_bot_died()
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = "\n  ".join(repr(r) for r in self.requests[-8:]) or "(none)"
                raise FakeDiscordTimeout(
                    f"timed out after {timeout}s waiting for {what}; last requests:\n  {recent}"
                )
            fut: asyncio.Future[None] = loop.create_future()
            self._waiters.add(fut)
            try:
                # Also re-check every few ms: conditions on the bot's own state (a
                # message it stored, an error it logged) change without any request.
                await asyncio.wait({fut}, timeout=min(remaining, self.poll_interval))
            finally:
                self._waiters.discard(fut)

    # ===================================================================== world ===
    def add_user(
        self,
        username: str,
        *,
        global_name: str | None = None,
        bot: bool = False,
        locale: str = "en-US",
        accepts_dms: bool = True,
    ) -> FakeUser:
        user = FakeUser(
            id=self.snowflakes.next(),
            username=username,
            global_name=global_name,
            bot=bot,
            locale=locale,
            accepts_dms=accepts_dms,
        )
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str,
        *,
        owner: FakeUser | None = None,
        channels: tuple[str, ...] = ("general",),
        bot_permissions: int = p.BOT_PERMISSIONS,
        everyone_permissions: int = p.EVERYONE_PERMISSIONS,
        locale: str = "en-US",
        shard: int | None = None,
    ) -> FakeGuild:
        """A guild the bot is in (with its managed role); dispatched if a bot is connected.

        ``shard`` picks an id that lands on that shard of ``shard_count``."""
        owner = owner or self.owner
        guild_id = (
            self.snowflakes.next()
            if shard is None
            else sharding.guild_snowflake(self.snowflakes, shard, self.shard_count)
        )
        guild = FakeGuild(id=guild_id, name=name, owner_id=owner.id, locale=locale)
        guild.roles[guild.id] = FakeRole(guild.id, "@everyone", everyone_permissions, 0)
        bot_role = FakeRole(
            self.snowflakes.next(),
            self.bot_user.username,
            bot_permissions,
            position=1,
            managed=True,
            bot_id=self.bot_user.id,
        )
        guild.roles[bot_role.id] = bot_role
        self.guilds[guild.id] = guild
        for channel_name in channels:
            self.add_channel(guild, channel_name)
        self.add_member(guild, owner)
        self.add_member(guild, self.bot_user, roles=[bot_role])
        if self._live_sessions():
            self._spawn(self._dispatch_guild_create(guild))
        return guild

    def add_channel(
        self,
        guild: GuildLike,
        name: str,
        *,
        channel_type: int = p.GUILD_TEXT,
        topic: str | None = None,
    ) -> FakeChannel:
        g = self._guild(guild)
        channel = FakeChannel(
            id=self.snowflakes.next(),
            type=channel_type,
            name=name,
            guild_id=g.id,
            position=len(g.channels),
            topic=topic,
        )
        g.channels[channel.id] = channel
        self.channels[channel.id] = channel
        return channel

    def add_role(self, guild: GuildLike, name: str, permissions: int) -> FakeRole:
        g = self._guild(guild)
        role = FakeRole(self.snowflakes.next(), name, int(permissions), position=len(g.roles))
        g.roles[role.id] = role
        return role

    def add_member(
        self,
        guild: GuildLike,
        user: FakeUser,
        *,
        roles: list[FakeRole] | None = None,
        nick: str | None = None,
    ) -> FakeMember:
        g = self._guild(guild)
        member = FakeMember(
            user=user, guild_id=g.id, role_ids=[r.id for r in roles or []], nick=nick
        )
        g.members[user.id] = member
        return member

    def member_of(self, guild: GuildLike, user: UserLike) -> FakeMember:
        g = self._guild(guild)
        try:
            return g.members[_user_id(user)]
        except KeyError:
            raise KeyError(f"user {_user_id(user)} is not a member of {g.name!r}") from None

    def dm_channel(self, user: UserLike) -> FakeChannel:
        """The DM channel between the bot and ``user`` (created on first use, like Discord)."""
        u = self._user(user)
        channel = self.dm_channels.get(u.id)
        if channel is None:
            channel = FakeChannel(id=self.snowflakes.next(), type=p.DM, recipient=u)
            self.dm_channels[u.id] = channel
            self.channels[channel.id] = channel
        return channel

    def block_dms(self, user: UserLike, blocked: bool = True) -> None:
        """Make the bot's DMs to ``user`` fail with 403 / 50007, like a user who closed DMs."""
        self._user(user).accepts_dms = not blocked

    async def delete_channel(self, channel: ChannelLike) -> None:
        """Delete a channel: later requests to it get 404 / 10003 Unknown Channel.

        A guild channel deletion is also sent as CHANNEL_DELETE to connected bots.
        """
        ch = self._channel(channel)
        self.channels.pop(ch.id, None)
        if ch.guild_id is not None:
            self.guilds[ch.guild_id].channels.pop(ch.id, None)
            await self.dispatch("CHANNEL_DELETE", ch.to_payload(), intent=p.INTENT_GUILDS)
        elif ch.recipient is not None:
            self.dm_channels.pop(ch.recipient.id, None)

    def _user(self, user: UserLike) -> FakeUser:
        if isinstance(user, FakeMember):
            return user.user
        if isinstance(user, FakeUser):
            return user
        try:
            return self.users[int(user)]
        except KeyError:
            raise KeyError(f"unknown user {user}") from None

    def _guild(self, guild: GuildLike) -> FakeGuild:
        if isinstance(guild, FakeGuild):
            return guild
        try:
            return self.guilds[int(guild)]
        except KeyError:
            raise KeyError(f"unknown guild {guild}") from None

    def _channel(self, channel: ChannelLike) -> FakeChannel:
        if isinstance(channel, FakeChannel):
            return channel
        try:
            return self.channels[int(channel)]
        except KeyError:
            raise KeyError(f"unknown channel {channel}") from None

    def _app_permissions(self, guild: FakeGuild | None) -> int:
        if guild is None:
            return p.EVERYONE_PERMISSIONS
        return guild.permissions_for(self.bot_user.id)

    def _channel_guild(self, channel: FakeChannel) -> FakeGuild | None:
        return None if channel.guild_id is None else self.guilds.get(channel.guild_id)

    # =================================================================== failures ===
    def fail(
        self,
        method: str | None,
        path: PathPattern,
        *,
        status: int,
        code: int = 0,
        message: str | None = None,
        times: int | None = 1,
    ) -> InjectedFailure:
        """Answer the next ``times`` matching requests (None: all) with this error.

        ``path`` is a :data:`~.models.PathPattern` without the /api/v10 prefix, e.g.
        ``fake.fail("POST", "/channels/{id}/messages", status=403, code=50007)``.
        """
        failure = InjectedFailure(
            method=method.upper() if method else None,
            path=path,
            status=status,
            code=code,
            message=message or _DEFAULT_ERROR_MESSAGES.get(code, f"{status} error"),
            remaining=times,
        )
        self.failures.append(failure)
        return failure

    def rate_limit(
        self,
        method: str | None,
        path: PathPattern,
        *,
        retry_after: float = 0.01,
        times: int | None = 1,
        is_global: bool = False,
    ) -> InjectedFailure:
        """Answer matching requests with 429 + ``retry_after`` (seconds) and the headers
        discord.py needs to treat it as a real rate limit (it retries after sleeping)."""
        failure = InjectedFailure(
            method=method.upper() if method else None,
            path=path,
            status=429,
            code=0,
            message="You are being rate limited.",
            remaining=times,
            retry_after=retry_after,
            is_global=is_global,
        )
        self.failures.append(failure)
        return failure

    def stall(
        self,
        method: str | None,
        path: PathPattern,
        predicate: Callable[[RecordedRequest], bool] | None = None,
    ) -> Stall:
        """Hang matching requests until ``stall.release()``: a Discord that takes
        minutes to answer (discord.py itself waits up to 300 s). The request is
        recorded when it arrives; its ``status`` is set once it is answered."""
        stall = Stall(method.upper() if method else None, path, predicate)
        self.stalls.append(stall)
        return stall

    def clear_failures(self) -> None:
        self.failures.clear()

    def _take_failure(self, method: str, path: str) -> InjectedFailure | None:
        for failure in self.failures:
            if failure.method is not None and failure.method != method:
                continue
            if compile_path(failure.path).fullmatch(path) is None:
                continue
            if failure.remaining is not None:
                if failure.remaining <= 0:
                    continue
                failure.remaining -= 1
            failure.hits += 1
            return failure
        return None

    # ================================================================ request log ===
    def requests_matching(
        self,
        method: str | None = None,
        path: PathPattern | None = None,
        predicate: Callable[[RecordedRequest], bool] | None = None,
    ) -> list[RecordedRequest]:
        """Completed requests with this method / path pattern / predicate, in order."""
        return [
            r
            for r in self.requests
            if r.status and r.matches(method, path) and (predicate is None or predicate(r))
        ]

    async def wait_for_request(
        self,
        method: str | None = None,
        path: PathPattern | None = None,
        predicate: Callable[[RecordedRequest], bool] | None = None,
        timeout: float = 5.0,
        *,
        after: int = 0,
    ) -> RecordedRequest:
        """The first completed matching request (with index >= ``after`` in the log).

        Pass ``after=len(fake.requests)`` taken before an action to wait only for a
        request caused by it.
        """

        def check() -> RecordedRequest | None:
            for r in self.requests[after:]:
                if r.status and r.matches(method, path) and (predicate is None or predicate(r)):
                    return r
            return None

        return await self.wait_until(check, timeout, f"request {method or '*'} {path or '*'}")

    def assert_clean(self) -> None:
        """Fail if the bot hit an unknown route or sent something Discord would reject.

        Injected failures and scenario errors (blocked DMs, deleted channels) are not
        counted: the test asked for those.
        """
        problems: list[str] = []
        for r in self.unhandled_requests:
            problems.append(f"unknown route {r.method} {r.path}")
        for r in self.invalid_requests:
            problems.append(f"invalid request {r.method} {r.path}: {r.response}")
        for v in self.identify_limiter.violations:
            problems.append(
                f"IDENTIFY of shard {list(v.shard)} came within "
                f"{self.identify_limiter.interval:g} s of another in bucket {v.bucket}"
            )
        if problems:
            raise AssertionError("fake Discord saw problems:\n  " + "\n  ".join(problems))

    # ================================================================== messages ===
    def messages_in(self, channel: ChannelLike, *, include_ephemeral: bool = True) -> list[dict]:
        """Current versions of the messages in a channel, oldest first."""
        channel_id = channel if isinstance(channel, int) else channel.id
        found = [self.messages[m] for m in self.channel_message_ids.get(channel_id, [])]
        if not include_ephemeral:
            found = [m for m in found if not int(m.get("flags", 0)) & p.FLAG_EPHEMERAL]
        return found

    def get_message(self, message: MessageLike) -> dict[str, Any]:
        """The current version of a message (by dict with ``id``, or id)."""
        message_id = int(message["id"]) if isinstance(message, dict) else int(message)
        try:
            return self.messages[message_id]
        except KeyError:
            raise KeyError(f"unknown or deleted message {message_id}") from None

    def bot_messages(self, channel: ChannelLike | None = None) -> list[dict[str, Any]]:
        """Messages the bot authored (in one channel, or anywhere), oldest first."""
        if channel is not None:
            found = self.messages_in(channel)
        else:
            found = sorted(self.messages.values(), key=lambda m: int(m["id"]))
        return [m for m in found if int(m["author"]["id"]) == self.bot_user.id]

    async def wait_for_bot_message(
        self,
        channel: ChannelLike | None = None,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        timeout: float = 5.0,
        *,
        after: int | None = None,
    ) -> dict[str, Any]:
        """The first bot message (optionally in ``channel``, newer than message id ``after``)
        matching ``predicate``."""

        def check() -> dict[str, Any] | None:
            for m in self.bot_messages(channel):
                if after is not None and int(m["id"]) <= after:
                    continue
                if predicate is None or predicate(m):
                    return m
            return None

        return await self.wait_until(check, timeout, "a message from the bot")

    def dms_to(self, user: UserLike) -> list[dict[str, Any]]:
        """What the bot has sent ``user`` in DMs, oldest first (empty if nothing)."""
        channel = self.dm_channels.get(_user_id(user))
        return [] if channel is None else self.bot_messages(channel)

    async def wait_for_dm(
        self,
        user: UserLike,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        timeout: float = 5.0,
        *,
        after: int | None = None,
    ) -> dict[str, Any]:
        """The first DM from the bot to ``user`` (newer than message id ``after``)."""
        return await self.wait_for_bot_message(
            self.dm_channel(user), predicate, timeout, after=after
        )

    def _store_message(self, message: dict[str, Any]) -> None:
        message_id = int(message["id"])
        channel_id = int(message["channel_id"])
        self.messages[message_id] = message
        self.channel_message_ids.setdefault(channel_id, []).append(message_id)
        channel = self.channels.get(channel_id)
        if channel is not None:
            channel.last_message_id = message_id

    def _mentions_for(
        self, content: str, allowed: dict[str, Any] | None, guild: FakeGuild | None
    ) -> tuple[list[dict[str, Any]], list[int], bool]:
        """Users/roles/@everyone a message really pings, after ``allowed_mentions``.

        Discord only lists the mentions that were allowed to ping, so tests can assert a
        message did not ping anyone by looking at ``mentions`` and ``mention_everyone``.
        """
        parse = None if allowed is None else set(allowed.get("parse", []))
        allowed_users = set() if allowed is None else {int(u) for u in allowed.get("users", [])}
        allowed_roles = set() if allowed is None else {int(r) for r in allowed.get("roles", [])}
        users: list[dict[str, Any]] = []
        for match in _MENTION.finditer(content):
            uid = int(match.group(1))
            allowed_user = parse is None or "users" in parse or uid in allowed_users
            already = any(int(u["id"]) == uid for u in users)
            if uid in self.users and allowed_user and not already:
                users.append(self.users[uid].to_payload())
        roles: list[int] = []
        for match in _ROLE_MENTION.finditer(content):
            rid = int(match.group(1))
            known = guild is not None and rid in guild.roles
            if known and (parse is None or "roles" in parse or rid in allowed_roles):
                roles.append(rid)
        everyone = ("@everyone" in content or "@here" in content) and (
            parse is None or "everyone" in parse
        )
        return users, roles, everyone

    def _attachments_from_files(
        self, channel_id: int, body: dict[str, Any], files: list[RecordedFile]
    ) -> list[dict[str, Any]]:
        described = {str(a.get("id")): a for a in body.get("attachments") or []}
        result = []
        for index, f in enumerate(files):
            meta = described.get(str(index), {})
            attachment_id = self.snowflakes.next()
            filename = meta.get("filename") or f.filename
            url = f"{self.base_url}/attachments/{channel_id}/{attachment_id}/{filename}"
            self.cdn[f"/attachments/{channel_id}/{attachment_id}/{filename}"] = (
                f.data,
                f.content_type,
            )
            result.append(
                p.attachment_payload(
                    attachment_id,
                    filename,
                    size=len(f.data),
                    url=url,
                    content_type=_guess_content_type(filename),
                    description=meta.get("description"),
                )
            )
        return result

    def make_attachment(
        self, filename: str, data: bytes, *, content_type: str | None = None
    ) -> dict[str, Any]:
        """An uploaded-by-the-user attachment (for an attachment option or a DM).

        Its URL is served by the fake, so ``await attachment.read()`` works in the bot.
        """
        attachment_id = self.snowflakes.next()
        path = f"/attachments/0/{attachment_id}/{filename}"
        self.cdn[path] = (data, content_type)
        return p.attachment_payload(
            attachment_id,
            filename,
            size=len(data),
            url=self.base_url + path,
            content_type=content_type or _guess_content_type(filename),
            ephemeral=True,
        )

    def _new_bot_message(
        self,
        channel: FakeChannel,
        body: dict[str, Any],
        files: list[RecordedFile],
        *,
        message_type: int = p.MESSAGE_DEFAULT,
        interaction: InteractionRecord | None = None,
        flags: int | None = None,
    ) -> dict[str, Any]:
        guild = self._channel_guild(channel)
        content = body.get("content")
        content = "" if content is None else str(content)
        users, roles, everyone = self._mentions_for(content, body.get("allowed_mentions"), guild)
        if flags is None:
            flags = int(body.get("flags") or 0)
        keep = (
            p.FLAG_EPHEMERAL
            | p.FLAG_SUPPRESS_EMBEDS
            | p.FLAG_SUPPRESS_NOTIFICATIONS
            | p.FLAG_IS_COMPONENTS_V2
            | p.FLAG_LOADING
        )
        message_id = self.snowflakes.next()
        metadata = None
        if interaction is not None:
            metadata = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": interaction.user.to_payload(),
                "authorizing_integration_owners": interaction.payload.get(
                    "authorizing_integration_owners", {}
                ),
            }
            if interaction.original_message_id is not None:
                metadata["original_response_message_id"] = str(interaction.original_message_id)
            if interaction.type == p.MESSAGE_COMPONENT and "message" in interaction.payload:
                metadata["interacted_message_id"] = interaction.payload["message"]["id"]
        reference = body.get("message_reference")
        message = p.message_payload(
            message_id,
            channel.id,
            self.bot_user.to_payload(),
            content=content,
            embeds=copy.deepcopy(body.get("embeds") or []),
            components=copy.deepcopy(body.get("components") or []),
            attachments=self._attachments_from_files(channel.id, body, files),
            flags=flags & keep,
            message_type=(p.MESSAGE_REPLY if reference else message_type),
            mentions=users,
            mention_roles=roles,
            mention_everyone=everyone,
            tts=bool(body.get("tts")),
            webhook_id=self.application_id if interaction is not None else None,
            application_id=self.application_id if interaction is not None else None,
            interaction_metadata=metadata,
            message_reference=copy.deepcopy(reference) if reference else None,
        )
        if guild is not None:
            message["guild_id"] = str(guild.id)
        self._store_message(message)
        return message

    def _edit_bot_message(
        self, message: dict[str, Any], body: dict[str, Any], files: list[RecordedFile]
    ) -> dict[str, Any]:
        """Apply a PATCH body as Discord does: only the keys present change."""
        updated = copy.deepcopy(message)
        channel_id = int(message["channel_id"])
        guild = self.guilds.get(int(message["guild_id"])) if "guild_id" in message else None
        if "content" in body:
            updated["content"] = "" if body["content"] is None else str(body["content"])
            users, roles, everyone = self._mentions_for(
                updated["content"], body.get("allowed_mentions"), guild
            )
            updated.update(
                mentions=users, mention_roles=[str(r) for r in roles], mention_everyone=everyone
            )
        for key in ("embeds", "components"):
            if key in body:
                updated[key] = copy.deepcopy(body[key] or [])
        if "flags" in body and body["flags"] is not None:
            old = int(message.get("flags", 0))
            sticky = old & (p.FLAG_EPHEMERAL | p.FLAG_IS_COMPONENTS_V2)
            updated["flags"] = sticky | (int(body["flags"]) & ~p.FLAG_EPHEMERAL)
        if "attachments" in body or files:
            kept_ids = {str(a.get("id")) for a in body.get("attachments") or []}
            kept = [a for a in message.get("attachments", []) if a["id"] in kept_ids]
            if "attachments" not in body:
                kept = list(message.get("attachments", []))
            updated["attachments"] = kept + self._attachments_from_files(channel_id, body, files)
        updated["flags"] = int(updated.get("flags", 0)) & ~p.FLAG_LOADING
        updated["edited_timestamp"] = p.iso_timestamp()
        self.messages[int(message["id"])] = updated
        return updated

    async def _announce(self, event: str, message: dict[str, Any]) -> None:
        """MESSAGE_CREATE/UPDATE for a non-ephemeral message, as Discord would send it."""
        if int(message.get("flags", 0)) & p.FLAG_EPHEMERAL:
            return
        if int(message["author"]["id"]) == self.bot_user.id and not self.echo_bot_messages:
            return
        guild_id = message.get("guild_id")
        intent = p.INTENT_GUILD_MESSAGES if guild_id else p.INTENT_DIRECT_MESSAGES
        data = copy.deepcopy(message)
        if guild_id:
            guild = self.guilds.get(int(guild_id))
            author_id = int(message["author"]["id"])
            if guild is not None and author_id in guild.members and "member" not in data:
                data["member"] = guild.members[author_id].to_payload(with_user=False)
        await self.dispatch(event, data, intent=intent, message=True, wait_for_bot=False)

    # ================================================================ HTTP server ===
    def _build_routes(self) -> list[_Route]:
        table: list[tuple[str, str, Callable[..., Any], bool]] = [
            ("GET", "/users/@me", self._get_me, True),
            ("POST", "/users/@me/channels", self._open_dm, True),
            ("GET", "/users/{user_id}", self._get_user, True),
            ("GET", "/oauth2/applications/@me", self._get_application, True),
            ("GET", "/applications/@me", self._get_application, True),
            ("GET", "/gateway", self._get_gateway, False),
            ("GET", "/gateway/bot", self._get_gateway_bot, True),
            ("GET", "/applications/{app}/commands", self._get_commands, True),
            ("PUT", "/applications/{app}/commands", self._put_commands, True),
            ("POST", "/applications/{app}/commands", self._post_command, True),
            ("GET", "/applications/{app}/guilds/{guild}/commands", self._get_commands, True),
            ("PUT", "/applications/{app}/guilds/{guild}/commands", self._put_commands, True),
            ("POST", "/applications/{app}/guilds/{guild}/commands", self._post_command, True),
            ("POST", "/interactions/{iid}/{token}/callback", self._interaction_callback, False),
            ("POST", "/webhooks/{app}/{token}", self._followup, False),
            ("GET", "/webhooks/{app}/{token}/messages/{mid}", self._webhook_message, False),
            ("PATCH", "/webhooks/{app}/{token}/messages/{mid}", self._webhook_message, False),
            ("DELETE", "/webhooks/{app}/{token}/messages/{mid}", self._webhook_message, False),
            ("GET", "/channels/{cid}", self._get_channel, True),
            ("GET", "/channels/{cid}/messages", self._get_history, True),
            ("POST", "/channels/{cid}/messages", self._post_message, True),
            ("GET", "/channels/{cid}/messages/{mid}", self._channel_message, True),
            ("PATCH", "/channels/{cid}/messages/{mid}", self._channel_message, True),
            ("DELETE", "/channels/{cid}/messages/{mid}", self._channel_message, True),
            ("POST", "/channels/{cid}/typing", self._typing, True),
            ("PUT", "/channels/{cid}/messages/{mid}/reactions/{emoji}/@me", self._react, True),
            ("GET", "/guilds/{gid}", self._get_guild, True),
            ("GET", "/guilds/{gid}/channels", self._get_guild_channels, True),
            ("GET", "/guilds/{gid}/roles", self._get_guild_roles, True),
            ("GET", "/guilds/{gid}/members/{uid}", self._get_guild_member, True),
            *threads.routes(self),
        ]
        routes = []
        for method, template, handler, needs_auth in table:
            regex = re.escape(template)
            regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", regex)
            routes.append(
                _Route(method, re.compile(regex), handler, needs_auth, f"{method} {template}")
            )
        return routes

    async def _http_handler(self, request: web.Request) -> web.StreamResponse:
        raw_path = request.path
        if raw_path.startswith("/attachments/") and request.method == "GET":
            return self._serve_cdn(raw_path)
        prefix = f"/api/v{p.API_VERSION}"
        path = raw_path[len(prefix) :] if raw_path.startswith(prefix + "/") else raw_path
        auth = request.headers.get("Authorization")
        try:
            body, files, multipart = await self._read_body(request)
        except Exception as exc:  # malformed body: record it and answer like Discord
            body, files, multipart = f"<unreadable body: {exc!r}>", [], False
        record = RecordedRequest(
            method=request.method,
            path=path,
            query=dict(request.query),
            headers={k: v for k, v in request.headers.items() if k.lower() != "authorization"},
            json=body,
            files=files,
            authorized=auth is not None and auth == f"Bot {self.token}",
            multipart=multipart,
        )
        self.requests.append(record)
        try:
            status, response, headers = await self._handle(request, record, path, auth, prefix)
        except Exception as exc:  # a bug in the fake: answer 500 and make it visible
            _log.exception("fake discord crashed handling %s %s", request.method, path)
            status, response, headers = 500, {"message": f"fake crashed: {exc!r}", "code": 0}, {}
        record.status = status
        record.response = response
        self._notify()
        if status == 204 or response is None:
            return web.Response(status=204, headers=headers)
        # Exactly "application/json": discord.py compares the header verbatim, and aiohttp's
        # json_response would append "; charset=utf-8" and make it read the body as text.
        headers = {"Content-Type": "application/json", **headers}
        return web.Response(status=status, body=json.dumps(response).encode(), headers=headers)

    async def _handle(
        self,
        request: web.Request,
        record: RecordedRequest,
        path: str,
        auth: str | None,
        prefix: str,
    ) -> tuple[int, Any, dict[str, str]]:
        if not request.path.startswith(prefix + "/"):
            self.unhandled_requests.append(record)
            return 404, {"message": "404: Not Found", "code": 0}, {}
        route, match = None, None
        for candidate in self._routes:
            if candidate.method == request.method:
                match = candidate.pattern.fullmatch(path)
                if match:
                    route = candidate
                    break
        if route is not None:
            record.route = route.name
        if auth is not None and auth != f"Bot {self.token}":
            return 401, {"message": "401: Unauthorized", "code": 0}, {}
        if route is not None and route.needs_auth and auth is None:
            return 401, {"message": "401: Unauthorized", "code": 0}, {}
        for stall in self.stalls:
            if stall.matches(record):
                stall.hits += 1
                stall.waiting += 1
                try:
                    await stall.released.wait()
                finally:
                    stall.waiting -= 1
                break
        failure = self._take_failure(request.method, path)
        if failure is not None:
            record.injected = True
            headers: dict[str, str] = {}
            if failure.status == 429:
                headers = {
                    "Via": "1.1 google",
                    "Retry-After": str(max(1, int(failure.retry_after or 0))),
                    "X-RateLimit-Limit": "5",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset-After": str(failure.retry_after or 0.0),
                    "X-RateLimit-Bucket": "fake-bucket",
                    "X-RateLimit-Scope": "global" if failure.is_global else "user",
                }
                if failure.is_global:
                    headers["X-RateLimit-Global"] = "true"
            return failure.status, failure.body(), headers
        if route is None or match is None:
            self.unhandled_requests.append(record)
            return 404, {"message": "404: Not Found", "code": 0}, {}
        try:
            result = await route.handler(record, **match.groupdict())
        except ApiError as err:
            if err.status == 400:
                self.invalid_requests.append(record)
            return err.status, err.body(), {}
        if isinstance(result, tuple):
            return result[0], result[1], {}
        return 200, result, {}

    async def _read_body(self, request: web.Request) -> tuple[Any, list[RecordedFile], bool]:
        if not request.can_read_body:
            return None, [], False
        ctype = request.content_type
        if ctype.startswith("multipart/"):
            body: Any = None
            files: list[RecordedFile] = []
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                if not isinstance(part, BodyPartReader):
                    continue
                data = await part.read(decode=True)
                if part.name == "payload_json":
                    body = json.loads(data.decode("utf-8"))
                else:
                    files.append(
                        RecordedFile(
                            field_name=part.name or "",
                            filename=part.filename or "",
                            content_type=part.headers.get("Content-Type"),
                            data=bytes(data),
                        )
                    )
            return body, files, True
        raw = await request.read()
        if not raw:
            return None, [], False
        try:
            return json.loads(raw), [], False
        except ValueError:
            return raw.decode("utf-8", "replace"), [], False

    def _serve_cdn(self, path: str) -> web.Response:
        found = self.cdn.get(path)
        if found is None:
            return web.Response(status=404)
        data, content_type = found
        return web.Response(body=data, content_type=content_type or "application/octet-stream")

    # --------------------------------------------------------- users and the app ---
    async def _get_me(self, req: RecordedRequest) -> dict[str, Any]:
        return p.bot_user_payload(self.bot_user.id, self.bot_user.username)

    async def _get_user(self, req: RecordedRequest, user_id: str) -> dict[str, Any]:
        user = self.users.get(int(user_id)) if user_id.isdigit() else None
        if user is None:
            raise _unknown("User", 10013)
        return user.to_payload()

    def _application_flags(self) -> int:
        flags = 0
        if self.allowed_privileged_intents & p.INTENT_GUILD_PRESENCES:
            flags |= p.APP_FLAG_GATEWAY_PRESENCE
        if self.allowed_privileged_intents & p.INTENT_GUILD_MEMBERS:
            flags |= p.APP_FLAG_GATEWAY_GUILD_MEMBERS
        if self.allowed_privileged_intents & p.INTENT_MESSAGE_CONTENT:
            flags |= p.APP_FLAG_GATEWAY_MESSAGE_CONTENT
        return flags

    async def _get_application(self, req: RecordedRequest) -> dict[str, Any]:
        return p.application_payload(
            self.application_id,
            self.application_name,
            owner=self.owner.to_payload(),
            bot=self.bot_user.to_payload(),
            flags=self._application_flags(),
        )

    async def _get_gateway(self, req: RecordedRequest) -> dict[str, Any]:
        return {"url": str(self.gateway_url)}

    async def _get_gateway_bot(self, req: RecordedRequest) -> dict[str, Any]:
        return {
            "url": str(self.gateway_url),
            "shards": self.shard_count,
            "session_start_limit": {
                "total": 1000,
                "remaining": 1000 - len(self.identify_limiter.records),
                "reset_after": 14_400_000,
                "max_concurrency": self.identify_limiter.max_concurrency,
            },
        }

    async def _open_dm(self, req: RecordedRequest) -> dict[str, Any]:
        body = req.json if isinstance(req.json, dict) else {}
        recipient = body.get("recipient_id")
        if recipient is None or int(recipient) not in self.users:
            raise ApiError(400, 50033, "Invalid Recipient(s)")
        return self.dm_channel(int(recipient)).to_payload()

    # ------------------------------------------------------------------ commands ---
    def registered_commands(self, guild: GuildLike | None = None) -> list[dict[str, Any]]:
        """The commands stored by the last PUT for global scope (or for ``guild``)."""
        scope = None if guild is None else self._guild(guild).id
        return copy.deepcopy(self.commands.get(scope, []))

    def find_command(
        self, name: str, guild: GuildLike | None = None, *, command_type: int = 1
    ) -> dict[str, Any] | None:
        """A registered command by name: the guild's own first, then the global one."""
        scopes: list[int | None] = [None]
        if guild is not None:
            scopes.insert(0, self._guild(guild).id)
        for scope in scopes:
            for command in self.commands.get(scope, []):
                if command["name"] == name and command.get("type", 1) == command_type:
                    return command
        return None

    def _command_scope(self, app: str, guild: str | None) -> int | None:
        if int(app) != self.application_id:
            raise ApiError(403, 50001, "Missing Access")
        if guild is None:
            return None
        if int(guild) not in self.guilds:
            raise ApiError(403, 50001, "Missing Access")
        return int(guild)

    def _store_command(self, scope: int | None, body: dict[str, Any]) -> dict[str, Any]:
        existing = {(c["name"], c.get("type", 1)): c for c in self.commands.get(scope, [])}
        old = existing.get((body.get("name"), body.get("type", 1)))
        command = copy.deepcopy(body)
        command.setdefault("type", 1)
        command.setdefault("options", [])
        command.setdefault("description", "")
        command.setdefault("default_member_permissions", None)
        if command["default_member_permissions"] is not None:
            # discord.py sends an int; Discord stores and returns a string.
            command["default_member_permissions"] = str(command["default_member_permissions"])
        command.setdefault("nsfw", False)
        command["id"] = old["id"] if old else str(self.snowflakes.next())
        command["application_id"] = str(self.application_id)
        command["version"] = str(self.snowflakes.next())
        if scope is not None:
            command["guild_id"] = str(scope)
            command.pop("contexts", None)
            command.pop("integration_types", None)
        else:
            command.setdefault("contexts", None)
            command.setdefault("integration_types", [0])
        return command

    async def _put_commands(
        self, req: RecordedRequest, app: str, guild: str | None = None
    ) -> list[dict[str, Any]]:
        scope = self._command_scope(app, guild)
        problems = validation.command_problems(req.json)
        if problems:
            raise _invalid_form(problems)
        stored = [self._store_command(scope, c) for c in req.json]
        self.commands[scope] = stored
        return copy.deepcopy(stored)

    async def _post_command(
        self, req: RecordedRequest, app: str, guild: str | None = None
    ) -> dict[str, Any]:
        scope = self._command_scope(app, guild)
        problems = validation.command_problems([req.json])
        if problems:
            raise _invalid_form(problems)
        command = self._store_command(scope, req.json)
        others = [c for c in self.commands.get(scope, []) if c["id"] != command["id"]]
        self.commands[scope] = [*others, command]
        return copy.deepcopy(command)

    async def _get_commands(
        self, req: RecordedRequest, app: str, guild: str | None = None
    ) -> list[dict[str, Any]]:
        scope = self._command_scope(app, guild)
        return copy.deepcopy(self.commands.get(scope, []))

    # -------------------------------------------------------------- interactions ---
    def _interaction_for_token(self, app: str, token: str) -> InteractionRecord:
        if app != str(self.application_id):
            raise _unknown("Webhook", 10015)
        record = self._interactions_by_token.get(token)
        if record is None:
            raise _unknown("Webhook", 10015)
        return record

    async def _interaction_callback(self, req: RecordedRequest, iid: str, token: str) -> Any:
        record = self.interactions.get(int(iid)) if iid.isdigit() else None
        if record is None or record.token != token:
            raise _unknown("interaction", 10062)
        if record.callback is not None:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        if time.monotonic() - record.created > self.interaction_deadline:
            raise _unknown("interaction", 10062)
        body = req.json if isinstance(req.json, dict) else {}
        rtype = int(body.get("type", 0))
        allowed = {
            p.PING: {p.PONG},
            p.APPLICATION_COMMAND: {
                p.CHANNEL_MESSAGE_WITH_SOURCE,
                p.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE,
                p.MODAL,
            },
            p.MESSAGE_COMPONENT: {4, 5, 6, 7, 9},
            p.APPLICATION_COMMAND_AUTOCOMPLETE: {p.APPLICATION_COMMAND_AUTOCOMPLETE_RESULT},
            p.MODAL_SUBMIT: {4, 5, 6, 7},
        }[record.type]
        if rtype not in allowed:
            raise ApiError(
                400, 50035, "Invalid Form Body", [f"callback type {rtype} not valid here"]
            )
        data = body.get("data") or {}
        message: dict[str, Any] | None = None
        if rtype == p.CHANNEL_MESSAGE_WITH_SOURCE:
            self._check_files(req.files)
            problems = validation.message_problems(data, file_count=len(req.files))
            if problems:
                raise _invalid_form(problems)
            mtype = (
                p.MESSAGE_CHAT_INPUT_COMMAND
                if record.type == p.APPLICATION_COMMAND
                else p.MESSAGE_DEFAULT
            )
            message = self._new_bot_message(
                record.channel, data, req.files, message_type=mtype, interaction=record
            )
            record.original_message_id = int(message["id"])
            record.replies.append(ReplyEvent("response", int(message["id"])))
        elif rtype == p.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE:
            flags = (int(data.get("flags") or 0) & p.FLAG_EPHEMERAL) | p.FLAG_LOADING
            message = self._new_bot_message(
                record.channel,
                {},
                [],
                message_type=(
                    p.MESSAGE_CHAT_INPUT_COMMAND
                    if record.type == p.APPLICATION_COMMAND
                    else p.MESSAGE_DEFAULT
                ),
                interaction=record,
                flags=flags,
            )
            record.original_message_id = int(message["id"])
            record.loading = True
        elif rtype in (p.DEFERRED_UPDATE_MESSAGE, p.UPDATE_MESSAGE):
            target_id = int(record.payload["message"]["id"])
            if target_id not in self.messages:
                raise _unknown("Message", 10008)
            record.original_message_id = target_id
            if rtype == p.UPDATE_MESSAGE:
                problems = validation.message_problems(
                    data, file_count=len(req.files), editing=True
                )
                if problems:
                    raise _invalid_form(problems)
                message = self._edit_bot_message(self.messages[target_id], data, req.files)
                record.replies.append(ReplyEvent("update", target_id))
        elif rtype == p.APPLICATION_COMMAND_AUTOCOMPLETE_RESULT:
            problems = validation.choices_problems(data.get("choices"))
            if problems:
                raise _invalid_form(problems)
        elif rtype == p.MODAL and (not data.get("custom_id") or not data.get("title")):
            raise _invalid_form(["a modal needs a custom_id and a title"])
        record.callback = copy.deepcopy(body)
        record.callback_request = req
        if message is not None:
            await self._announce("MESSAGE_UPDATE" if rtype == 7 else "MESSAGE_CREATE", message)
        response: dict[str, Any] = {
            "interaction": {
                "id": str(record.id),
                "type": record.type,
                "response_message_loading": rtype == p.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE,
                "response_message_ephemeral": bool(
                    message is not None and int(message.get("flags", 0)) & p.FLAG_EPHEMERAL
                ),
            },
            "resource": {"type": rtype},
        }
        if message is not None:
            response["interaction"]["response_message_id"] = message["id"]
            response["resource"]["message"] = copy.deepcopy(message)
        if req.query.get("with_response") in ("1", "true", "True"):
            return response
        return (204, None)

    def _check_files(self, files: list[RecordedFile]) -> None:
        if sum(len(f.data) for f in files) > self.attachment_size_limit:
            raise ApiError(413, 40005, "Request entity too large")

    async def _followup(self, req: RecordedRequest, app: str, token: str) -> Any:
        record = self._interaction_for_token(app, token)
        if record.callback is None:
            raise _unknown("Webhook", 10015)
        body = req.json if isinstance(req.json, dict) else {}
        self._check_files(req.files)
        problems = validation.message_problems(body, file_count=len(req.files))
        if problems:
            raise _invalid_form(problems)
        original = record.original_message
        if record.loading and original is not None:
            # The first followup after a deferred "thinking" response replaces it (its
            # ephemerality was fixed by defer(ephemeral=...), not by this request).
            message = self._edit_bot_message(original, body, req.files)
            record.loading = False
            record.replies.append(ReplyEvent("followup", int(message["id"])))
            record.followup_ids.append(int(message["id"]))
            await self._announce("MESSAGE_UPDATE", message)
        else:
            message = self._new_bot_message(record.channel, body, req.files, interaction=record)
            record.followup_ids.append(int(message["id"]))
            record.replies.append(ReplyEvent("followup", int(message["id"])))
            await self._announce("MESSAGE_CREATE", message)
        if req.query.get("wait") in ("0", "false", "False"):
            return (204, None)
        return copy.deepcopy(message)

    async def _webhook_message(self, req: RecordedRequest, app: str, token: str, mid: str) -> Any:
        record = self._interaction_for_token(app, token)
        if mid == "@original":
            if record.callback is None or record.original_message_id is None:
                raise _unknown("Message", 10008)
            message_id = record.original_message_id
        else:
            message_id = int(mid) if mid.isdigit() else -1
            if message_id not in record.followup_ids and message_id != record.original_message_id:
                raise _unknown("Message", 10008)
        message = self.messages.get(message_id)
        if message is None:
            raise _unknown("Message", 10008)
        if req.method == "GET":
            return copy.deepcopy(message)
        if req.method == "DELETE":
            await self._delete_message(message)
            return (204, None)
        body = req.json if isinstance(req.json, dict) else {}
        self._check_files(req.files)
        problems = validation.message_problems(body, file_count=len(req.files), editing=True)
        if problems:
            raise _invalid_form(problems)
        was_loading = bool(int(message.get("flags", 0)) & p.FLAG_LOADING)
        updated = self._edit_bot_message(message, body, req.files)
        if was_loading:
            record.loading = False
        record.replies.append(ReplyEvent("edit", message_id))
        await self._announce("MESSAGE_UPDATE", updated)
        return copy.deepcopy(updated)

    async def _delete_message(self, message: dict[str, Any]) -> None:
        message_id = int(message["id"])
        channel_id = int(message["channel_id"])
        self.messages.pop(message_id, None)
        ids = self.channel_message_ids.get(channel_id, [])
        if message_id in ids:
            ids.remove(message_id)
        self.deleted_message_ids.append(message_id)
        if not int(message.get("flags", 0)) & p.FLAG_EPHEMERAL:
            data: dict[str, Any] = {"id": str(message_id), "channel_id": str(channel_id)}
            if "guild_id" in message:
                data["guild_id"] = message["guild_id"]
            intent = p.INTENT_GUILD_MESSAGES if "guild_id" in message else p.INTENT_DIRECT_MESSAGES
            await self.dispatch("MESSAGE_DELETE", data, intent=intent, wait_for_bot=False)

    # ------------------------------------------------------------------ channels ---
    def _existing_channel(self, cid: str) -> FakeChannel:
        channel = self.channels.get(int(cid)) if cid.isdigit() else None
        if channel is None:
            raise _unknown("Channel", 10003)
        return channel

    async def _get_channel(self, req: RecordedRequest, cid: str) -> dict[str, Any]:
        return self._existing_channel(cid).to_payload()

    async def _get_history(self, req: RecordedRequest, cid: str) -> list[dict[str, Any]]:
        channel = self._existing_channel(cid)
        limit = int(req.query.get("limit", 50))
        visible = self.messages_in(channel, include_ephemeral=False)
        return copy.deepcopy(list(reversed(visible))[:limit])

    async def _post_message(self, req: RecordedRequest, cid: str) -> dict[str, Any]:
        channel = self._existing_channel(cid)
        if channel.is_dm:
            assert channel.recipient is not None
            if not channel.recipient.accepts_dms or channel.recipient.bot:
                raise ApiError(403, 50007, "Cannot send messages to this user")
        elif not channel.bot_can_send:
            raise ApiError(403, 50013, "Missing Permissions")
        body = req.json if isinstance(req.json, dict) else {}
        self._check_files(req.files)
        problems = validation.message_problems(body, file_count=len(req.files))
        if problems:
            raise _invalid_form(problems)
        if int(body.get("flags") or 0) & p.FLAG_EPHEMERAL:
            raise _invalid_form(["only interaction responses can be ephemeral"])
        problem = sharding.nonce_problem(body)
        if problem:
            raise _invalid_form([problem])
        nonce = sharding.enforced_nonce(body)
        if nonce is not None:
            earlier = self.nonces.earlier(nonce)
            if earlier is not None and earlier in self.messages:
                return copy.deepcopy(self.messages[earlier])
        message = self._new_bot_message(channel, body, req.files)
        if body.get("nonce") is not None:
            message["nonce"] = body["nonce"]
        if nonce is not None:
            self.nonces.remember(nonce, int(message["id"]))
        await self._announce("MESSAGE_CREATE", message)
        return copy.deepcopy(message)

    async def _channel_message(self, req: RecordedRequest, cid: str, mid: str) -> Any:
        channel = self._existing_channel(cid)
        message = self.messages.get(int(mid)) if mid.isdigit() else None
        if message is None or int(message["channel_id"]) != channel.id:
            raise _unknown("Message", 10008)
        if req.method == "GET":
            return copy.deepcopy(message)
        if req.method == "DELETE":
            await self._delete_message(message)
            return (204, None)
        if int(message["author"]["id"]) != self.bot_user.id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        body = req.json if isinstance(req.json, dict) else {}
        problems = validation.message_problems(body, file_count=len(req.files), editing=True)
        if problems:
            raise _invalid_form(problems)
        updated = self._edit_bot_message(message, body, req.files)
        await self._announce("MESSAGE_UPDATE", updated)
        return copy.deepcopy(updated)

    async def _typing(self, req: RecordedRequest, cid: str) -> Any:
        self._existing_channel(cid)
        return (204, None)

    async def _react(self, req: RecordedRequest, cid: str, mid: str, emoji: str) -> Any:
        self._existing_channel(cid)
        if not mid.isdigit() or int(mid) not in self.messages:
            raise _unknown("Message", 10008)
        return (204, None)

    # -------------------------------------------------------------------- guilds ---
    def _existing_guild(self, gid: str) -> FakeGuild:
        guild = self.guilds.get(int(gid)) if gid.isdigit() else None
        if guild is None:
            raise _unknown("Guild", 10004)
        return guild

    async def _get_guild(self, req: RecordedRequest, gid: str) -> dict[str, Any]:
        guild = self._existing_guild(gid)
        data = self._guild_create_payload(guild, members=False)
        for key in ("members", "channels", "threads", "presences", "voice_states"):
            data.pop(key, None)
        return data

    async def _get_guild_channels(self, req: RecordedRequest, gid: str) -> list[dict[str, Any]]:
        return [c.to_payload() for c in self._existing_guild(gid).channels.values()]

    async def _get_guild_roles(self, req: RecordedRequest, gid: str) -> list[dict[str, Any]]:
        return [r.to_payload() for r in self._existing_guild(gid).roles.values()]

    async def _get_guild_member(self, req: RecordedRequest, gid: str, uid: str) -> dict[str, Any]:
        guild = self._existing_guild(gid)
        member = guild.members.get(int(uid)) if uid.isdigit() else None
        if member is None:
            raise _unknown("Member", 10007)
        return member.to_payload()

    # =================================================================== gateway ===
    def _live_sessions(self) -> list[GatewaySession]:
        return [s for s in self.sessions.values() if s.live]

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def wait_for_session(self, timeout: float = 5.0) -> GatewaySession:
        """A live, identified gateway session (waits for the bot to (re)connect)."""

        def check() -> GatewaySession | None:
            live = self._live_sessions()
            return live[-1] if live else None

        return await self.wait_until(check, timeout, "a bot connected to the fake gateway")

    async def dispatch(
        self,
        event: str,
        data: dict[str, Any],
        *,
        intent: int | None = None,
        message: bool = False,
        wait_for_bot: bool = True,
        timeout: float = 5.0,
    ) -> int:
        """Send a DISPATCH event to every live session that has ``intent`` and whose
        shard the event belongs to (a guild's shard; shard 0 for DMs).

        Returns how many sessions got it; events nobody could receive (no session, or
        the intent was not requested) are appended to ``undelivered_events``. With
        ``wait_for_bot`` the call first waits for a connected bot, which is what a test
        sending a user action wants.
        """
        if wait_for_bot:
            await self.wait_until(
                lambda: self._receiving_session(event, data),
                timeout,
                f"a bot session on the shard of {event}",
            )
        delivered = 0
        for session in self._live_sessions():
            if intent is not None and not session.has_intent(intent):
                continue
            if not sharding.session_receives(session.shard, event, data):
                continue
            payload = message_for_session(session, data, self.bot_user.id) if message else data
            if await session.dispatch(event, payload):
                delivered += 1
        if not delivered:
            self.undelivered_events.append((event, data))
        return delivered

    async def disconnect_gateway(self, code: int = 4000) -> None:
        """Drop every gateway socket from the server side; discord.py will RESUME."""
        for session in self._live_sessions():
            if session.ws is not None:
                # aiohttp reports 1000 for any close started while a receive() waits, so
                # remember that this one was ours (and must stay resumable).
                self._server_closed.add(session.ws)
                await session.ws.close(code=code)

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT, as Discord does before moving a session."""
        for session in self._live_sessions():
            await session.send_op(OP_RECONNECT)

    def _guild_create_payload(self, guild: FakeGuild, *, members: bool) -> dict[str, Any]:
        listed = list(guild.members.values())
        if not members:
            listed = [m for m in listed if m.id == self.bot_user.id]
        return p.guild_payload(
            guild.id,
            guild.name,
            owner_id=guild.owner_id,
            roles=[r.to_payload() for r in guild.roles.values()],
            channels=[c.to_payload() for c in guild.channels.values()],
            members=[m.to_payload() for m in listed],
            member_count=len(guild.members),
            joined_at=guild.joined_at,
            preferred_locale=guild.locale,
            system_channel_id=guild.text_channels[0].id if guild.text_channels else None,
        )

    async def _dispatch_guild_create(self, guild: FakeGuild) -> None:
        """The bot joins ``guild`` while connected. Unlike the GUILD_CREATE that follows
        READY, a join's payload has no ``unavailable`` key (discord.py fires
        ``on_guild_join`` for it, ``on_guild_available`` when it is false)."""
        for session in self._live_sessions():
            if (
                session.has_intent(p.INTENT_GUILDS)
                and sharding.shard_for(guild.id, session.shard[1]) == session.shard[0]
            ):
                members = session.has_intent(p.INTENT_GUILD_MEMBERS)
                data = self._guild_create_payload(guild, members=members)
                data.pop("unavailable", None)
                await session.dispatch("GUILD_CREATE", data)

    async def _gateway_handler(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        self._sockets.add(ws)
        self.gateway_connections += 1
        self._notify()
        session: GatewaySession | None = None
        try:
            if (
                request.query.get("v") != str(p.API_VERSION)
                or request.query.get("encoding", "json") != "json"
            ):
                await ws.close(code=CLOSE_INVALID_API_VERSION)
                return ws
            hello = {"heartbeat_interval": int(self.heartbeat_interval * 1000)}
            await ws.send_str(json.dumps({"op": OP_HELLO, "d": hello, "s": None, "t": None}))
            async for msg in ws:
                if msg.type != web.WSMsgType.TEXT:
                    await ws.close(code=CLOSE_DECODE_ERROR)
                    break
                try:
                    frame = json.loads(msg.data)
                except ValueError:
                    await ws.close(code=CLOSE_DECODE_ERROR)
                    break
                session = await self._on_gateway_frame(ws, frame, session)
                self._notify()
        finally:
            self._sockets.discard(ws)
            closed_by_us = ws in self._server_closed
            self._server_closed.discard(ws)
            if session is not None and session.ws is ws:
                session.ws = None
                # Discord invalidates a session its client closed cleanly (1000/1001).
                if not closed_by_us and ws.close_code in (1000, 1001):
                    session.invalidated = True
            self._notify()
        return ws

    async def _on_gateway_frame(
        self, ws: web.WebSocketResponse, frame: dict[str, Any], session: GatewaySession | None
    ) -> GatewaySession | None:
        op = frame.get("op")
        data = frame.get("d")
        redacted = copy.deepcopy(frame)
        if isinstance(redacted.get("d"), dict) and "token" in redacted["d"]:
            redacted["d"]["token"] = "<present>" if redacted["d"]["token"] else "<absent>"
        self.gateway_received.append(redacted)
        if op == OP_HEARTBEAT:
            await ws.send_str(json.dumps({"op": OP_HEARTBEAT_ACK}))
            return session
        if op == OP_IDENTIFY:
            return await self._identify(ws, data or {})
        if op == OP_RESUME:
            return await self._resume(ws, data or {})
        if session is None:
            await ws.close(code=CLOSE_NOT_AUTHENTICATED)
            return None
        if op == OP_REQUEST_GUILD_MEMBERS:
            await self._member_chunk(session, data or {})
        return session

    async def _identify(
        self, ws: web.WebSocketResponse, data: dict[str, Any]
    ) -> GatewaySession | None:
        if data.get("token") != self.token:
            await ws.close(code=CLOSE_AUTHENTICATION_FAILED, message=b"Authentication failed.")
            return None
        intents = int(data.get("intents", 0))
        if intents & p.PRIVILEGED_INTENTS & ~self.allowed_privileged_intents:
            await ws.close(code=CLOSE_DISALLOWED_INTENTS, message=b"Disallowed intent(s).")
            return None
        if sharding.shard_problem(data.get("shard")) is not None:
            self.invalid_shards.append({"shard": data.get("shard")})
            await ws.close(code=sharding.CLOSE_INVALID_SHARD, message=b"Invalid shard.")
            return None
        shard = list(data.get("shard") or [0, 1])
        guild_ids = self._shard_guild_ids(shard)
        if len(guild_ids) > self.max_guilds_per_shard:
            self.invalid_shards.append({"shard": shard})
            await ws.close(code=sharding.CLOSE_SHARDING_REQUIRED, message=b"Sharding required.")
            return None
        if not self.identify_limiter.admit(shard).paced:
            # Over the bucket's IDENTIFY rate: Discord answers op 9; discord.py then
            # identifies again after its before_identify_hook. Recorded for assert_clean.
            await ws.send_str(json.dumps({"op": OP_INVALID_SESSION, "d": False}))
            return None
        self.identify_count += 1
        session = GatewaySession(
            session_id=secrets.token_hex(16),
            intents=intents,
            shard=shard,
            ws=ws,
        )
        self.sessions[session.session_id] = session
        ready = {
            "v": p.API_VERSION,
            "user": p.bot_user_payload(self.bot_user.id, self.bot_user.username),
            "guilds": [{"id": str(g), "unavailable": True} for g in guild_ids],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.resume_gateway_url,
            "shard": session.shard,
            "application": {"id": str(self.application_id), "flags": self._application_flags()},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "auth": {},
            "_trace": ["fake-discord"],
        }
        await session.dispatch("READY", ready)
        if session.has_intent(p.INTENT_GUILDS):
            members = session.has_intent(p.INTENT_GUILD_MEMBERS)
            for guild_id in guild_ids:
                guild = self.guilds[guild_id]
                await session.dispatch(
                    "GUILD_CREATE", self._guild_create_payload(guild, members=members)
                )
        return session

    def _bot_guild_ids(self) -> list[int]:
        return [g.id for g in self.guilds.values() if self.bot_user.id in g.members]

    def _shard_guild_ids(self, shard: list[int]) -> list[int]:
        """The bot's guilds that a session identified as ``shard`` holds."""
        return [g for g in self._bot_guild_ids() if sharding.shard_for(g, shard[1]) == shard[0]]

    def _receiving_session(self, event: str, data: dict[str, Any]) -> GatewaySession | None:
        for session in self._live_sessions():
            if sharding.session_receives(session.shard, event, data):
                return session
        return None

    def sessions_of_shard(self, shard_id: int) -> list[GatewaySession]:
        """Live sessions identified as ``shard_id`` (normally one)."""
        return [s for s in self._live_sessions() if s.shard[0] == shard_id]

    async def _resume(
        self, ws: web.WebSocketResponse, data: dict[str, Any]
    ) -> GatewaySession | None:
        if data.get("token") != self.token:
            await ws.close(code=CLOSE_AUTHENTICATION_FAILED, message=b"Authentication failed.")
            return None
        session = self.sessions.get(str(data.get("session_id")))
        if session is None or session.invalidated or session.live:
            # Not resumable: discord.py closes and identifies again (after 5 s, its
            # before_identify_hook for non-initial connections).
            await ws.send_str(json.dumps({"op": OP_INVALID_SESSION, "d": False}))
            return None
        session.ws = ws
        session.resumes += 1
        self.resume_count += 1
        await session.replay_after(int(data.get("seq") or 0))
        await session.dispatch("RESUMED", {"_trace": ["fake-discord"]})
        return session

    async def _member_chunk(self, session: GatewaySession, data: dict[str, Any]) -> None:
        guild = self.guilds.get(int(data.get("guild_id", 0)))
        if guild is None:
            return
        query = str(data.get("query") or "").lower()
        user_ids = {int(u) for u in data.get("user_ids") or []}
        limit = int(data.get("limit") or 0) or len(guild.members)
        found = [
            m
            for m in guild.members.values()
            if (not user_ids or m.id in user_ids) and m.user.username.lower().startswith(query)
        ][:limit]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [m.to_payload() for m in found],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [str(u) for u in user_ids - {m.id for m in found}],
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        await session.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    # ============================================================ user's actions ===
    def _resolve_place(
        self, user: UserLike, guild: Any, channel: Any
    ) -> tuple[FakeUser, FakeGuild | None, FakeChannel]:
        u = self._user(self.member if user is DEFAULT else user)
        if channel is not DEFAULT and channel is not None:
            ch = self._channel(channel)
            g = self._channel_guild(ch)
            if guild is not DEFAULT and (None if guild is None else self._guild(guild)) is not g:
                raise ValueError("channel is not in the given guild")
            return u, g, ch
        if guild is DEFAULT:
            guild = self.guild
        if guild is None:
            return u, None, self.dm_channel(u)
        g = self._guild(guild)
        if not g.text_channels:
            raise ValueError(f"guild {g.name!r} has no text channel")
        return u, g, g.text_channels[0]

    def _interaction_base(
        self,
        itype: int,
        user: FakeUser,
        guild: FakeGuild | None,
        channel: FakeChannel,
        data: dict[str, Any] | None,
        *,
        message: dict[str, Any] | None = None,
        locale: str | None = None,
    ) -> InteractionRecord:
        if guild is not None and user.id not in guild.members:
            raise ValueError(f"{user.username} is not a member of {guild.name!r}")
        interaction_id = self.snowflakes.next()
        token = f"fake-interaction-{interaction_id}-{secrets.token_urlsafe(12)}"
        member = None
        if guild is not None:
            member = guild.members[user.id].to_payload(permissions=guild.permissions_for(user.id))
        payload = p.interaction_payload(
            interaction_id=interaction_id,
            application_id=self.application_id,
            interaction_type=itype,
            token=token,
            channel=self._interaction_channel_payload(channel, guild, user),
            data=data,
            guild_id=guild.id if guild is not None else None,
            guild_locale=guild.locale if guild is not None else "en-US",
            member=member,
            user=user.to_payload() if guild is None else None,
            app_permissions=self._app_permissions(guild),
            locale=locale or user.locale,
            message=copy.deepcopy(message) if message is not None else None,
            attachment_size_limit=self.attachment_size_limit,
        )
        record = InteractionRecord(
            fake=self,
            id=interaction_id,
            token=token,
            type=itype,
            payload=payload,
            user=user,
            guild=guild,
            channel=channel,
        )
        self.interactions[interaction_id] = record
        self._interactions_by_token[token] = record
        return record

    def _interaction_channel_payload(
        self, channel: FakeChannel, guild: FakeGuild | None, user: FakeUser
    ) -> dict[str, Any]:
        payload = channel.to_payload()
        if guild is not None:
            payload["permissions"] = str(guild.permissions_for(user.id))
        return payload

    async def _send_interaction(self, record: InteractionRecord, timeout: float) -> None:
        await self.wait_for_session(timeout)
        # Start the 3 s response window when the bot can actually see the interaction.
        record.created = time.monotonic()
        await self.dispatch("INTERACTION_CREATE", record.payload, timeout=timeout)

    def _check_command_allowed(
        self, command: dict[str, Any], user: FakeUser, guild: FakeGuild | None
    ) -> None:
        name = command["name"]
        if guild is None:
            contexts = command.get("contexts")
            if command.get("guild_id") is not None:
                raise CommandNotAvailable(f"/{name} is a guild command; it cannot be used in DMs")
            if contexts is not None and p.CONTEXT_BOT_DM not in contexts:
                raise CommandNotAvailable(f"/{name} is not available in DMs (contexts={contexts})")
            if command.get("dm_permission") is False:
                raise CommandNotAvailable(f"/{name} has dm_permission=false")
            return
        contexts = command.get("contexts")
        if contexts is not None and p.CONTEXT_GUILD not in contexts:
            raise CommandNotAvailable(f"/{name} is not available in guilds (contexts={contexts})")
        required = command.get("default_member_permissions")
        if required is None:
            return
        have = guild.permissions_for(user.id)
        if have & p.ADMINISTRATOR or have == p.ALL_PERMISSIONS:
            return
        if int(required) & ~have:
            raise CommandNotAvailable(
                f"{user.username} lacks default_member_permissions={required} for /{name}; "
                "Discord hides the command from them"
            )

    def _option_value(
        self, definition: dict[str, Any] | None, name: str, value: Any, resolved: dict, guild: Any
    ) -> dict[str, Any]:
        otype = definition["type"] if definition else _infer_option_type(value)
        if otype == p.OPTION_STRING:
            raw: Any = str(value)
        elif otype == p.OPTION_INTEGER:
            raw = int(value)
        elif otype == p.OPTION_NUMBER:
            raw = float(value)
        elif otype == p.OPTION_BOOLEAN:
            raw = bool(value)
        elif otype in (p.OPTION_USER, p.OPTION_MENTIONABLE) and not isinstance(value, FakeRole):
            u = self._user(value)
            resolved.setdefault("users", {})[str(u.id)] = u.to_payload()
            if guild is not None and u.id in guild.members:
                member = guild.members[u.id].to_payload(
                    with_user=False, permissions=guild.permissions_for(u.id)
                )
                resolved.setdefault("members", {})[str(u.id)] = member
            raw = str(u.id)
        elif otype in (p.OPTION_ROLE, p.OPTION_MENTIONABLE):
            role = value if isinstance(value, FakeRole) else guild.roles[int(value)]
            resolved.setdefault("roles", {})[str(role.id)] = role.to_payload()
            raw = str(role.id)
        elif otype == p.OPTION_CHANNEL:
            ch = self._channel(value)
            data = ch.to_payload()
            data["permissions"] = str(p.ALL_PERMISSIONS)
            resolved.setdefault("channels", {})[str(ch.id)] = data
            raw = str(ch.id)
        elif otype == p.OPTION_ATTACHMENT:
            attachment = value if isinstance(value, dict) else self.make_attachment(*value)
            resolved.setdefault("attachments", {})[str(attachment["id"])] = attachment
            raw = str(attachment["id"])
        else:
            raise ValueError(f"option {name!r}: unsupported option type {otype}")
        if definition and definition.get("choices"):
            allowed = [c["value"] for c in definition["choices"]]
            if raw not in allowed:
                raise ValueError(f"option {name!r}: {raw!r} is not one of the choices {allowed}")
        return p.command_option(name, otype, raw)

    def _command_data(
        self,
        name: str,
        options: dict[str, Any] | None,
        guild: FakeGuild | None,
        user: FakeUser,
        *,
        focused: str | None = None,
        enforce_permissions: bool = True,
    ) -> dict[str, Any]:
        parts = name.split()
        if not parts:
            raise ValueError("empty command name")
        command = self.find_command(parts[0], guild)
        if command is None and self.require_registered_commands:
            known = (
                sorted({c["name"] for scope in self.commands.values() for c in scope})
                or "(none: did the bot call tree.sync()?)"
            )
            raise LookupError(
                f"/{parts[0]} is not registered for this place; registered: {known}. "
                "Pass require_registered_commands=False to FakeDiscord to skip this check."
            )
        if command is not None and enforce_permissions:
            self._check_command_allowed(command, user, guild)
        definitions: list[dict[str, Any]] | None = (
            command.get("options") or [] if command is not None else None
        )
        path_types: list[int] = []
        for part in parts[1:]:
            if definitions is None:
                path_types.append(p.OPTION_SUB_COMMAND)
                continue
            found = next((d for d in definitions if d["name"] == part), None)
            if found is None or found["type"] not in (1, 2):
                raise ValueError(f"/{parts[0]} has no subcommand {part!r}")
            path_types.append(found["type"])
            definitions = found.get("options") or []
        if definitions is not None and any(d["type"] in (1, 2) for d in definitions):
            subs = [d["name"] for d in definitions if d["type"] in (1, 2)]
            raise ValueError(f"/{name} needs a subcommand: one of {subs}")
        resolved: dict[str, Any] = {}
        values: list[dict[str, Any]] = []
        for option_name, value in (options or {}).items():
            definition = None
            if definitions is not None:
                definition = next((d for d in definitions if d["name"] == option_name), None)
                if definition is None:
                    raise ValueError(f"/{name} has no option {option_name!r}")
            if option_name == focused:
                otype = definition["type"] if definition else p.OPTION_STRING
                values.append(p.command_option(option_name, otype, value, focused=True))
                continue
            values.append(self._option_value(definition, option_name, value, resolved, guild))
        if definitions is not None and focused is None:
            missing = [
                d["name"]
                for d in definitions
                if d.get("required") and d["name"] not in (options or {})
            ]
            if missing:
                raise ValueError(f"/{name} is missing required options {missing}")
        nested = values
        for part, ptype in reversed(list(zip(parts[1:], path_types, strict=True))):
            nested = [p.command_option(part, ptype, options=nested)]
        data: dict[str, Any] = {
            "id": command["id"] if command else str(self.snowflakes.next()),
            "name": parts[0],
            "type": 1,
            "options": nested,
        }
        if resolved:
            data["resolved"] = resolved
        if command is not None and command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        return data

    async def send_slash_command(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        user: UserLike = DEFAULT,
        guild: GuildLike | None = DEFAULT,
        channel: ChannelLike = DEFAULT,
        locale: str | None = None,
        enforce_permissions: bool = True,
        timeout: float = 5.0,
    ) -> InteractionRecord:
        """Run ``/name`` as ``user`` (default: ``fake.member``); returns at once.

        ``name`` may hold a subcommand path (``"progress show"``). ``options`` maps option
        names to values: str/int/float/bool, a FakeUser/FakeMember (user option), a
        FakeRole, a FakeChannel, or an attachment from :meth:`make_attachment` (or a
        ``(filename, bytes)`` tuple). Types, choices and required options come from the
        command the bot registered; ``guild=None`` runs it in the user's DM with the bot.
        Raises CommandNotAvailable where Discord would not offer the command to the user
        (default_member_permissions, contexts), unless ``enforce_permissions=False``.
        """
        u, g, ch = self._resolve_place(user, guild, channel)
        data = self._command_data(name, options, g, u, enforce_permissions=enforce_permissions)
        record = self._interaction_base(p.APPLICATION_COMMAND, u, g, ch, data, locale=locale)
        await self._send_interaction(record, timeout)
        return record

    async def command_reply(
        self, name: str, options: dict[str, Any] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """:meth:`send_slash_command` and wait for the first reply message the user sees."""
        timeout = kwargs.get("timeout", 5.0)
        record = await self.send_slash_command(name, options, **kwargs)
        return await record.wait_for_reply(timeout=timeout)

    async def send_autocomplete(
        self,
        name: str,
        focused: str,
        value: Any = "",
        options: dict[str, Any] | None = None,
        *,
        user: UserLike = DEFAULT,
        guild: GuildLike | None = DEFAULT,
        channel: ChannelLike = DEFAULT,
        locale: str | None = None,
        timeout: float = 5.0,
    ) -> InteractionRecord:
        """Simulate typing ``value`` into option ``focused`` of ``/name`` (type 4).

        Other already-filled options go in ``options``. Read the answer with
        ``await record.wait_for_choices()``.
        """
        u, g, ch = self._resolve_place(user, guild, channel)
        all_options = dict(options or {})
        all_options[focused] = value
        data = self._command_data(name, all_options, g, u, focused=focused)
        record = self._interaction_base(
            p.APPLICATION_COMMAND_AUTOCOMPLETE, u, g, ch, data, locale=locale
        )
        await self._send_interaction(record, timeout)
        return record

    async def autocomplete(
        self,
        name: str,
        focused: str,
        value: Any = "",
        options: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> list[dict[str, Any]]:
        """:meth:`send_autocomplete` and wait: the choices the bot offered."""
        record = await self.send_autocomplete(name, focused, value, options, **kwargs)
        return await record.wait_for_choices()

    def _component_in(self, message: dict[str, Any], custom_id: str) -> dict[str, Any]:
        for component in validation.walk_components(message.get("components")):
            if component.get("custom_id") == custom_id:
                if component.get("disabled"):
                    raise ValueError(f"component {custom_id!r} is disabled; it cannot be used")
                return component
        ids = [
            c["custom_id"]
            for c in validation.walk_components(message.get("components"))
            if "custom_id" in c
        ]
        raise LookupError(f"message {message['id']} has no component {custom_id!r}; it has {ids}")

    def _component_place(
        self, message: dict[str, Any], user: UserLike
    ) -> tuple[FakeUser, FakeGuild | None, FakeChannel]:
        channel = self._channel(int(message["channel_id"]))
        metadata = message.get("interaction_metadata") or {}
        if user is DEFAULT:
            if metadata:  # whoever ran the command that produced the message
                user = int(metadata["user"]["id"])
            elif channel.recipient is not None:  # a DM: the only other person there
                user = channel.recipient
            else:
                user = self.member
        u = self._user(user)
        ephemeral = bool(int(message.get("flags", 0)) & p.FLAG_EPHEMERAL)
        if ephemeral and metadata and int(metadata["user"]["id"]) != u.id:
            raise ValueError("only the user who got an ephemeral message can use it")
        return u, self._channel_guild(channel), channel

    async def _send_component(
        self,
        message: MessageLike,
        custom_id: str,
        user: UserLike,
        extra: Callable[[dict[str, Any], FakeGuild | None], dict[str, Any]],
        timeout: float,
    ) -> InteractionRecord:
        current = self.get_message(message)
        component = self._component_in(current, custom_id)
        u, g, ch = self._component_place(current, user)
        data = {"custom_id": custom_id, "component_type": component["type"]}
        data.update(extra(component, g))
        record = self._interaction_base(p.MESSAGE_COMPONENT, u, g, ch, data, message=current)
        await self._send_interaction(record, timeout)
        return record

    async def click_button(
        self,
        message: MessageLike,
        custom_id: str,
        *,
        user: UserLike = DEFAULT,
        timeout: float = 5.0,
    ) -> InteractionRecord:
        """Click a button on a message the bot posted (its current version is used).

        ``user`` defaults to whoever triggered the interaction that produced the message,
        else to the recipient for a DM, else ``fake.member``. Disabled or missing
        buttons raise, as the UI would not offer them; only the recipient can click an
        ephemeral message's buttons.
        """

        def extra(component: dict[str, Any], guild: FakeGuild | None) -> dict[str, Any]:
            if component["type"] != p.COMPONENT_BUTTON:
                raise ValueError(f"{custom_id!r} is not a button")
            return {}

        return await self._send_component(message, custom_id, user, extra, timeout)

    async def select(
        self,
        message: MessageLike,
        custom_id: str,
        values: list[Any],
        *,
        user: UserLike = DEFAULT,
        timeout: float = 5.0,
    ) -> InteractionRecord:
        """Pick ``values`` in a select menu (string values, or users/roles/channels for
        the entity selects); checked against the menu's options and min/max."""

        def extra(component: dict[str, Any], guild: FakeGuild | None) -> dict[str, Any]:
            ctype = component["type"]
            if ctype not in p.SELECT_COMPONENT_TYPES:
                raise ValueError(f"{custom_id!r} is not a select menu")
            low, high = component.get("min_values", 1), component.get("max_values", 1)
            if not low <= len(values) <= high:
                raise ValueError(f"select {custom_id!r} takes {low}-{high} values")
            if ctype == p.COMPONENT_STRING_SELECT:
                offered = [o["value"] for o in component.get("options", [])]
                for v in values:
                    if v not in offered:
                        raise ValueError(f"{v!r} is not an option of {custom_id!r}: {offered}")
                return {"values": [str(v) for v in values]}
            resolved: dict[str, Any] = {}
            raw = []
            for v in values:
                kind = {5: p.OPTION_USER, 6: p.OPTION_ROLE, 8: p.OPTION_CHANNEL}.get(ctype)
                kind = kind or (p.OPTION_ROLE if isinstance(v, FakeRole) else p.OPTION_USER)
                raw.append(
                    self._option_value({"type": kind}, custom_id, v, resolved, guild)["value"]
                )
            return {"values": raw, "resolved": resolved}

        return await self._send_component(message, custom_id, user, extra, timeout)

    async def submit_modal(
        self,
        opened_by: InteractionRecord,
        values: dict[str, str],
        *,
        timeout: float = 5.0,
    ) -> InteractionRecord:
        """Fill in and submit the modal the bot opened in reply to ``opened_by``.

        ``values`` maps text input custom_ids to what the user typed; the submission
        mirrors the modal's layout (action rows or labels), as Discord sends it.
        """
        modal = await opened_by.wait_for_modal(timeout)

        def fill(component: dict[str, Any]) -> dict[str, Any] | None:
            ctype = component.get("type")
            if ctype == p.COMPONENT_ACTION_ROW:
                children = [c for c in (fill(x) for x in component.get("components", [])) if c]
                return {"type": 1, "components": children}
            if ctype == p.COMPONENT_LABEL:
                inner = fill(component["component"])
                return {"type": ctype, "component": inner} if inner else None
            if ctype == p.COMPONENT_TEXT_INPUT:
                cid = component["custom_id"]
                return {"type": ctype, "custom_id": cid, "value": values.get(cid, "")}
            return None

        components = [c for c in (fill(x) for x in modal.get("components", [])) if c]
        data = {"custom_id": modal["custom_id"], "components": components}
        message = opened_by.payload.get("message")
        record = self._interaction_base(
            p.MODAL_SUBMIT,
            opened_by.user,
            opened_by.guild,
            opened_by.channel,
            data,
            message=message,
        )
        await self._send_interaction(record, timeout)
        return record

    async def send_dm(
        self,
        user: UserLike,
        content: str,
        *,
        attachments: list[dict[str, Any]] | None = None,
        timeout: float = 5.0,
    ) -> dict[str, Any]:
        """``user`` writes to the bot in DMs: MESSAGE_CREATE without guild_id (type 1
        channel). Delivered only to sessions with the DIRECT_MESSAGES intent; content is
        never stripped in DMs. Returns the message payload."""
        u = self._user(user)
        channel = self.dm_channel(u)
        message = p.message_payload(
            self.snowflakes.next(),
            channel.id,
            u.to_payload(),
            content=content,
            attachments=attachments,
            mentions=self._mentions_for(content, None, None)[0],
        )
        self._store_message(message)
        await self.wait_for_session(timeout)
        await self.dispatch("MESSAGE_CREATE", message, intent=p.INTENT_DIRECT_MESSAGES)
        return message

    async def send_message(
        self,
        user: UserLike,
        content: str,
        *,
        channel: ChannelLike = DEFAULT,
        attachments: list[dict[str, Any]] | None = None,
        timeout: float = 5.0,
    ) -> dict[str, Any]:
        """``user`` posts in a guild channel (default ``fake.channel``).

        Delivered with the GUILD_MESSAGES intent; without MESSAGE_CONTENT the bot gets
        empty content unless the message mentions it. Returns the full message payload.
        """
        u = self._user(user)
        ch = self.channel if channel is DEFAULT else self._channel(channel)
        guild = self._channel_guild(ch)
        if guild is None:
            raise ValueError("send_message is for guild channels; use send_dm for DMs")
        users, roles, everyone = self._mentions_for(content, None, guild)
        message = p.message_payload(
            self.snowflakes.next(),
            ch.id,
            u.to_payload(),
            content=content,
            guild_id=guild.id,
            member=guild.members[u.id].to_payload(with_user=False),
            attachments=attachments,
            mentions=users,
            mention_roles=roles,
            mention_everyone=everyone,
        )
        self._store_message(message)
        await self.wait_for_session(timeout)
        await self.dispatch("MESSAGE_CREATE", message, intent=p.INTENT_GUILD_MESSAGES, message=True)
        return message


_DEFAULT_ERROR_MESSAGES = {
    10003: "Unknown Channel",
    10004: "Unknown Guild",
    10007: "Unknown Member",
    10008: "Unknown Message",
    10013: "Unknown User",
    10015: "Unknown Webhook",
    10062: "Unknown interaction",
    40060: "Interaction has already been acknowledged.",
    50001: "Missing Access",
    50007: "Cannot send messages to this user",
    50013: "Missing Permissions",
    50035: "Invalid Form Body",
}


def _infer_option_type(value: Any) -> int:
    if isinstance(value, bool):
        return p.OPTION_BOOLEAN
    if isinstance(value, int):
        return p.OPTION_INTEGER
    if isinstance(value, float):
        return p.OPTION_NUMBER
    if isinstance(value, FakeUser | FakeMember):
        return p.OPTION_USER
    if isinstance(value, FakeRole):
        return p.OPTION_ROLE
    if isinstance(value, FakeChannel):
        return p.OPTION_CHANNEL
    if isinstance(value, dict | tuple):
        return p.OPTION_ATTACHMENT
    return p.OPTION_STRING


def _guess_content_type(filename: str) -> str | None:
    import mimetypes

    return mimetypes.guess_type(filename)[0]
