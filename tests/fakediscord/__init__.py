"""A fake Discord server for end-to-end tests of careerbot with the real discord.py.

The bot under test is an ordinary ``discord.Client`` / ``commands.Bot``; only
``discord.http.Route.BASE`` and ``DiscordWebSocket.DEFAULT_GATEWAY`` are pointed at a
local server (:meth:`FakeDiscord.patch_discord`). Everything else -- login, gateway,
interactions, followups, views, DMs -- is discord.py's own code talking real HTTP and
WebSocket to :class:`FakeDiscord`, so the tests exercise what production runs.

Modules: ``server`` (the fake and the user's actions), ``payloads`` (API v10 payload
builders and constants), ``models`` (the world and the request log), ``interactions``
(per-interaction records), ``gateway`` (sessions), ``sharding`` (routing, IDENTIFY rules,
nonces), ``validation`` (Discord's limits) and ``runner`` (starting bots, collecting their
errors).
"""

from . import payloads
from .context_menus import send_message_command
from .interactions import InteractionRecord, ReplyEvent
from .models import (
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    InjectedFailure,
    RecordedFile,
    RecordedRequest,
    Stall,
    compile_path,
)
from .roles import delete_role
from .runner import BotRunner, CapturedError, ErrorCollector
from .server import (
    DEFAULT,
    DEFAULT_TOKEN,
    BotCrashed,
    CommandNotAvailable,
    FakeDiscord,
    FakeDiscordTimeout,
)
from .threads import FakeThread, threads_in

__all__ = [
    "DEFAULT",
    "DEFAULT_TOKEN",
    "BotCrashed",
    "BotRunner",
    "CapturedError",
    "CommandNotAvailable",
    "ErrorCollector",
    "FakeChannel",
    "FakeDiscord",
    "FakeDiscordTimeout",
    "FakeGuild",
    "FakeMember",
    "FakeRole",
    "FakeThread",
    "FakeUser",
    "InjectedFailure",
    "InteractionRecord",
    "RecordedFile",
    "RecordedRequest",
    "ReplyEvent",
    "Stall",
    "compile_path",
    "delete_role",
    "payloads",
    "send_message_command",
    "threads_in",
]
