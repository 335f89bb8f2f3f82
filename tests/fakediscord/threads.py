"""Threads in the fake Discord: starting one in a text channel (with or without a
starter message), posting in it, and THREAD_CREATE, as Discord does it.

Discord's rules kept here: a thread's parent is a text or announcement channel; a
thread started without a message is private (type 12) unless ``type`` says 11 (public),
which is why discord.py's ``create_thread`` must be given the type; one started from
a message is public, takes the message's id as its own, and marks that message
(``thread`` and the HAS_THREAD flag); the name is 1-100 characters; an archive
duration must be one of 60, 1440, 4320 or 10080 minutes. A thread is a channel:
messages are posted to ``/channels/{thread id}/messages``, and interactions from it
carry it as their channel.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import payloads as p
from .models import FakeChannel, RecordedRequest

if TYPE_CHECKING:
    from .server import FakeDiscord

PUBLIC_THREAD = 11
PRIVATE_THREAD = 12
THREAD_TYPES = (PUBLIC_THREAD, PRIVATE_THREAD)
ARCHIVE_DURATIONS = (60, 1440, 4320, 10080)
FLAG_HAS_THREAD = 1 << 5
_PARENT_TYPES = (p.GUILD_TEXT, p.GUILD_ANNOUNCEMENT)


@dataclass(eq=False)
class FakeThread(FakeChannel):
    """A thread: a channel with a parent, an owner (who started it) and metadata."""

    parent_id: int = 0
    owner_id: int = 0
    auto_archive_duration: int = 1440
    created_at: str = field(default_factory=p.iso_timestamp)
    archived: bool = False

    def to_payload(self) -> dict[str, Any]:
        assert self.guild_id is not None and self.name is not None
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "parent_id": str(self.parent_id),
            "owner_id": str(self.owner_id),
            "name": self.name,
            "last_message_id": str(self.last_message_id) if self.last_message_id else None,
            "message_count": 0,
            "member_count": 1,
            "rate_limit_per_user": 0,
            "flags": 0,
            "total_message_sent": 0,
            "thread_metadata": {
                "archived": self.archived,
                "auto_archive_duration": self.auto_archive_duration,
                "archive_timestamp": self.created_at,
                "locked": False,
                "create_timestamp": self.created_at,
            },
        }


def threads_in(fake: FakeDiscord, channel: FakeChannel) -> list[FakeThread]:
    """The threads started in ``channel``, oldest first."""
    found = [c for c in fake.channels.values() if isinstance(c, FakeThread)]
    return sorted((t for t in found if t.parent_id == channel.id), key=lambda t: t.id)


def _problems(body: dict[str, Any]) -> list[str]:
    problems = []
    name = body.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= 100:
        problems.append("name: must be 1-100 characters")
    duration = body.get("auto_archive_duration")
    if duration is not None and duration not in ARCHIVE_DURATIONS:
        problems.append(f"auto_archive_duration: must be one of {ARCHIVE_DURATIONS}")
    return problems


async def _start(
    fake: FakeDiscord, req: RecordedRequest, cid: str, *, thread_id: int | None, kind: int
) -> dict[str, Any]:
    from .server import ApiError, _invalid_form

    parent = fake._existing_channel(cid)
    if parent.guild_id is None or parent.type not in _PARENT_TYPES:
        raise ApiError(400, 50024, "Cannot execute action on this channel type")
    if not parent.bot_can_send:
        raise ApiError(403, 50013, "Missing Permissions")
    body = req.json if isinstance(req.json, dict) else {}
    problems = _problems(body)
    if problems:
        raise _invalid_form(problems)
    thread = FakeThread(
        id=thread_id if thread_id is not None else fake.snowflakes.next(),
        type=kind,
        name=body["name"],
        guild_id=parent.guild_id,
        parent_id=parent.id,
        owner_id=fake.bot_user.id,
        auto_archive_duration=int(body.get("auto_archive_duration") or 1440),
    )
    fake.channels[thread.id] = thread
    created = thread.to_payload()
    created["newly_created"] = True
    created["member"] = {
        "id": str(thread.id),
        "user_id": str(fake.bot_user.id),
        "join_timestamp": thread.created_at,
        "flags": 0,
    }
    await fake.dispatch("THREAD_CREATE", created, intent=p.INTENT_GUILDS, wait_for_bot=False)
    return thread.to_payload()


async def start_thread(fake: FakeDiscord, req: RecordedRequest, cid: str) -> dict[str, Any]:
    """``POST /channels/{id}/threads``: a thread without a starter message."""
    from .server import _invalid_form

    body = req.json if isinstance(req.json, dict) else {}
    kind = body.get("type", PRIVATE_THREAD)
    if kind not in THREAD_TYPES:
        raise _invalid_form([f"type: must be one of {THREAD_TYPES} for a text channel"])
    return await _start(fake, req, cid, thread_id=None, kind=int(kind))


async def start_thread_from_message(
    fake: FakeDiscord, req: RecordedRequest, cid: str, mid: str
) -> dict[str, Any]:
    """``POST /channels/{id}/messages/{message id}/threads``: the thread takes the
    message's id, and the message is marked as having it."""
    from .server import ApiError, _unknown

    message = fake.messages.get(int(mid)) if mid.isdigit() else None
    if message is None or message["channel_id"] != cid:
        raise _unknown("Message", 10008)
    if message.get("thread"):
        raise ApiError(400, 160004, "A thread has already been created for this message")
    thread = await _start(fake, req, cid, thread_id=int(mid), kind=PUBLIC_THREAD)
    updated = copy.deepcopy(message)
    updated["thread"] = thread
    updated["flags"] = int(updated.get("flags", 0)) | FLAG_HAS_THREAD
    fake.messages[int(mid)] = updated
    return thread


def routes(fake: FakeDiscord) -> list[tuple[str, str, Any, bool]]:
    """The fake's route table entries for threads (see ``FakeDiscord._build_routes``)."""

    async def without_message(req: RecordedRequest, cid: str) -> dict[str, Any]:
        return await start_thread(fake, req, cid)

    async def from_message(req: RecordedRequest, cid: str, mid: str) -> dict[str, Any]:
        return await start_thread_from_message(fake, req, cid, mid)

    return [
        ("POST", "/channels/{cid}/threads", without_message, True),
        ("POST", "/channels/{cid}/messages/{mid}/threads", from_message, True),
    ]
