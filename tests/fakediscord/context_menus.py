"""Message context-menu commands (type 3) in the fake Discord: "Apps > <name>" on a
message, as Discord sends it: an APPLICATION_COMMAND interaction whose data names the
command, the ``target_id`` and the whole target message under ``resolved.messages``
(with its content, whatever the bot's intents: the member chose that message)."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from . import payloads as p
from .interactions import InteractionRecord

if TYPE_CHECKING:
    from .server import FakeDiscord, MessageLike, UserLike

MESSAGE_COMMAND = 3


async def send_message_command(
    fake: FakeDiscord,
    name: str,
    message: MessageLike,
    *,
    user: UserLike,
    enforce_permissions: bool = True,
    timeout: float = 5.0,
) -> InteractionRecord:
    """``user`` runs the message command ``name`` on ``message``; returns at once.

    Raises LookupError for a command the bot never registered, and CommandNotAvailable
    where Discord would not offer it to ``user`` (unless ``enforce_permissions=False``).
    """
    target = fake.get_message(message)
    channel = fake._channel(int(target["channel_id"]))
    guild = fake._channel_guild(channel)
    invoker = fake._user(user)
    command = fake.find_command(name, guild, command_type=MESSAGE_COMMAND)
    if command is None:
        raise LookupError(f"no message command {name!r} is registered")
    if enforce_permissions:
        fake._check_command_allowed(command, invoker, guild)
    data: dict[str, Any] = {
        "id": command["id"],
        "name": name,
        "type": MESSAGE_COMMAND,
        "target_id": target["id"],
        "resolved": {"messages": {target["id"]: copy.deepcopy(target)}},
    }
    if command.get("guild_id"):
        data["guild_id"] = command["guild_id"]
    record = fake._interaction_base(p.APPLICATION_COMMAND, invoker, guild, channel, data)
    await fake._send_interaction(record, timeout)
    return record
