"""The fake server's world: users, guilds, channels, roles, and what it recorded.

These are small mutable dataclasses rather than payload dicts so a test can say
``fake.member`` or ``fake.block_dms(fake.member)`` and the fake renders the right
payload for each context (a member in a guild interaction, a plain user in a DM, a
partial member in MESSAGE_CREATE) from one source of truth.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import payloads as p


@dataclass(eq=False)
class FakeUser:
    """A Discord user. ``accepts_dms=False`` makes sending them a DM fail with 50007."""

    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    locale: str = "en-US"
    accepts_dms: bool = True

    def to_payload(self) -> dict[str, Any]:
        return p.user_payload(self.id, self.username, global_name=self.global_name, bot=self.bot)

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass(eq=False)
class FakeRole:
    """A guild role; ``permissions`` is the raw bit field."""

    id: int
    name: str
    permissions: int
    position: int = 0
    managed: bool = False
    bot_id: int | None = None

    def to_payload(self) -> dict[str, Any]:
        return p.role_payload(
            self.id,
            self.name,
            permissions=self.permissions,
            position=self.position,
            managed=self.managed,
            bot_id=self.bot_id,
        )

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"


@dataclass(eq=False)
class FakeChannel:
    """A guild text channel or a DM channel (``type`` 1, ``recipient`` set).

    ``bot_can_send=False`` makes the bot's posts fail with 403 / 50013 Missing Permissions.
    """

    id: int
    type: int
    name: str | None = None
    guild_id: int | None = None
    recipient: FakeUser | None = None
    position: int = 0
    topic: str | None = None
    bot_can_send: bool = True
    last_message_id: int | None = None

    @property
    def is_dm(self) -> bool:
        return self.type == p.DM

    def to_payload(self) -> dict[str, Any]:
        if self.is_dm:
            assert self.recipient is not None
            return p.dm_channel_payload(
                self.id, self.recipient.to_payload(), last_message_id=self.last_message_id
            )
        assert self.guild_id is not None and self.name is not None
        return p.guild_channel_payload(
            self.id,
            self.guild_id,
            self.name,
            channel_type=self.type,
            position=self.position,
            topic=self.topic,
            last_message_id=self.last_message_id,
        )

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"


@dataclass(eq=False)
class FakeMember:
    """A user's membership in a guild (roles, nickname, join time)."""

    user: FakeUser
    guild_id: int
    role_ids: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=p.iso_timestamp)

    @property
    def id(self) -> int:
        return self.user.id

    def to_payload(
        self, *, with_user: bool = True, permissions: int | None = None
    ) -> dict[str, Any]:
        return p.member_payload(
            self.user.to_payload() if with_user else None,
            roles=self.role_ids,
            joined_at=self.joined_at,
            nick=self.nick,
            permissions=permissions,
        )


@dataclass(eq=False)
class FakeGuild:
    """A guild with its roles, channels and members (keyed by user id)."""

    id: int
    name: str
    owner_id: int
    roles: dict[int, FakeRole] = field(default_factory=dict)
    channels: dict[int, FakeChannel] = field(default_factory=dict)
    members: dict[int, FakeMember] = field(default_factory=dict)
    locale: str = "en-US"
    joined_at: str = field(default_factory=p.iso_timestamp)

    @property
    def everyone_role(self) -> FakeRole:
        return self.roles[self.id]

    @property
    def text_channels(self) -> list[FakeChannel]:
        return sorted(
            (c for c in self.channels.values() if c.type == p.GUILD_TEXT),
            key=lambda c: c.position,
        )

    def channel_named(self, name: str) -> FakeChannel:
        for channel in self.channels.values():
            if channel.name == name:
                return channel
        raise KeyError(f"guild {self.name!r} has no channel named {name!r}")

    def role_named(self, name: str) -> FakeRole:
        for role in self.roles.values():
            if role.name == name:
                return role
        raise KeyError(f"guild {self.name!r} has no role named {name!r}")

    def permissions_for(self, user_id: int) -> int:
        """Guild-level permissions: owner and Administrator get everything.

        Channel overwrites are not modelled; careerbot's checks are guild-level
        (Manage Server), and Discord sends these resolved values in interactions.
        """
        if user_id == self.owner_id:
            return p.ALL_PERMISSIONS
        member = self.members.get(user_id)
        if member is None:
            return 0
        value = self.everyone_role.permissions
        for role_id in member.role_ids:
            role = self.roles.get(role_id)
            if role is not None:
                value |= role.permissions
        if value & p.ADMINISTRATOR:
            return p.ALL_PERMISSIONS
        return value


PathPattern = str | re.Pattern[str]
"""How tests name routes: an exact path (``"/users/@me/channels"``), a template with
``{placeholders}`` (``"/channels/{channel_id}/messages"``, each matching one segment), a
regex string (``r"/channels/\\d+/messages"``) or a compiled regex; all are full matches."""

_TEMPLATE_FIELD = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
_REGEX_CHARS = set("\\[]()*+?^$|")


def compile_path(path: PathPattern) -> re.Pattern[str]:
    """Turn any :data:`PathPattern` into a compiled regex for ``fullmatch``."""
    if isinstance(path, re.Pattern):
        return path
    if _TEMPLATE_FIELD.search(path):
        pieces = _TEMPLATE_FIELD.split(path)
        return re.compile("[^/]+".join(re.escape(piece) for piece in pieces))
    if any(ch in _REGEX_CHARS for ch in path):
        return re.compile(path)
    return re.compile(re.escape(path))


def path_matches(pattern: PathPattern, path: str) -> bool:
    return compile_path(pattern).fullmatch(path) is not None


@dataclass
class RecordedFile:
    """One uploaded file from a multipart request (``files[n]`` part)."""

    field_name: str
    filename: str
    content_type: str | None
    data: bytes

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.data)


@dataclass
class RecordedRequest:
    """One REST request as the fake saw it, and what it answered.

    ``path`` has no ``/api/v10`` prefix (e.g. ``/channels/123/messages``). ``json`` is the
    JSON body, or the parsed ``payload_json`` part of a multipart body; ``files`` has the
    uploaded files. The Authorization header is never stored: ``authorized`` only says
    whether it was present (and matched the fake's token, else the fake answered 401).
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any
    files: list[RecordedFile]
    authorized: bool
    multipart: bool = False
    status: int = 0
    response: Any = None
    injected: bool = False
    route: str | None = None
    received_at: float = field(default_factory=time.monotonic)
    """``time.monotonic()`` when the fake had read the request (for latency figures)."""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def data(self) -> dict[str, Any]:
        """``json["data"]`` for interaction callbacks, else the JSON body itself."""
        body = self.json if isinstance(self.json, dict) else {}
        if "type" in body and isinstance(body.get("data"), dict):
            return body["data"]
        return body

    def matches(self, method: str | None, path: PathPattern | None) -> bool:
        if method is not None and self.method != method.upper():
            return False
        return path is None or path_matches(path, self.path)

    def __repr__(self) -> str:
        return f"<RecordedRequest {self.method} {self.path} -> {self.status}>"


@dataclass
class Stall:
    """Requests the test asked to hang, as a Discord that never answers would: each
    matching request waits until :meth:`release` (or the fake stops) and is then
    answered normally. ``predicate`` narrows the match (e.g. one member's DM channel)."""

    method: str | None
    path: PathPattern
    predicate: Callable[[RecordedRequest], bool] | None = None
    released: asyncio.Event = field(default_factory=asyncio.Event)
    waiting: int = 0
    hits: int = 0

    def matches(self, record: RecordedRequest) -> bool:
        if self.released.is_set():
            return False
        if self.method is not None and self.method != record.method:
            return False
        if compile_path(self.path).fullmatch(record.path) is None:
            return False
        return self.predicate is None or self.predicate(record)

    def release(self) -> None:
        """Let every waiting request (and every later one) through."""
        self.released.set()


@dataclass
class InjectedFailure:
    """A failure the test asked for: the next matching requests get this answer."""

    method: str | None
    path: PathPattern
    status: int
    code: int
    message: str
    remaining: int | None
    retry_after: float | None = None
    is_global: bool = False
    hits: int = 0

    def body(self) -> dict[str, Any]:
        if self.status == 429:
            return {
                "message": self.message,
                "retry_after": self.retry_after or 0.0,
                "global": self.is_global,
                "code": self.code,
            }
        return {"message": self.message, "code": self.code}
