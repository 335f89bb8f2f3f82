"""The fake gateway session: one bot connection's state, sequence numbers and replay buffer.

Kept apart from the REST side because its rules are about the WebSocket protocol:
sequence numbers per session, events buffered for RESUME, and intents that decide which
events a session receives (and whether message content is stripped).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from . import payloads as p

# Gateway opcodes.
OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE_UPDATE = 3
OP_VOICE_STATE_UPDATE = 4
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_GUILD_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11

# Close codes the fake uses (discord.py treats 4004 and 4014 as fatal).
CLOSE_UNKNOWN_ERROR = 4000
CLOSE_DECODE_ERROR = 4002
CLOSE_NOT_AUTHENTICATED = 4003
CLOSE_AUTHENTICATION_FAILED = 4004
CLOSE_ALREADY_AUTHENTICATED = 4005
CLOSE_INVALID_API_VERSION = 4012
CLOSE_DISALLOWED_INTENTS = 4014


@dataclass(eq=False)
class GatewaySession:
    """An identified gateway session; survives a dropped socket so RESUME can replay."""

    session_id: str
    intents: int
    shard: list[int]
    ws: web.WebSocketResponse | None = None
    seq: int = 0
    buffer: list[dict[str, Any]] = field(default_factory=list)
    invalidated: bool = False
    resumes: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def live(self) -> bool:
        return self.ws is not None and not self.ws.closed and not self.invalidated

    def has_intent(self, intent: int) -> bool:
        return bool(self.intents & intent)

    async def dispatch(self, event: str, data: dict[str, Any]) -> bool:
        """Number, buffer and send one event; False if the socket is gone (kept for resume)."""
        async with self.lock:
            self.seq += 1
            frame = {"op": OP_DISPATCH, "t": event, "s": self.seq, "d": data}
            self.buffer.append(frame)
            return await self._send(frame)

    async def send_op(self, op: int, data: Any = None) -> bool:
        async with self.lock:
            return await self._send({"op": op, "d": data})

    async def replay_after(self, seq: int) -> None:
        """Re-send every buffered event the client has not seen (on RESUME)."""
        async with self.lock:
            for frame in self.buffer:
                if frame["s"] > seq:
                    await self._send(frame)

    async def _send(self, frame: dict[str, Any]) -> bool:
        ws = self.ws
        if ws is None or ws.closed:
            return False
        try:
            await ws.send_str(json.dumps(frame))
        except (ConnectionError, RuntimeError):
            return False
        return True


def message_for_session(session: GatewaySession, message: dict[str, Any], bot_id: int) -> dict:
    """What this session receives for a MESSAGE_CREATE/UPDATE, per Discord's intent rules.

    Without the privileged MESSAGE_CONTENT intent, guild messages arrive with empty
    content, embeds, attachments and components, unless the bot wrote them or is
    mentioned in them. DMs always carry content (that is why a DM-only bot needs no
    privileged intent).
    """
    if "guild_id" not in message or session.has_intent(p.INTENT_MESSAGE_CONTENT):
        return message
    if int(message["author"]["id"]) == bot_id:
        return message
    if any(int(u["id"]) == bot_id for u in message.get("mentions", [])):
        return message
    stripped = dict(message)
    stripped.update(content="", embeds=[], attachments=[], components=[])
    return stripped
