"""Deleting a role in the fake Discord, with the GUILD_ROLE_DELETE Discord sends."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import payloads as p
from .models import FakeRole

if TYPE_CHECKING:
    from .server import FakeDiscord, GuildLike


async def delete_role(fake: FakeDiscord, guild: GuildLike, role: FakeRole) -> None:
    """Remove ``role`` from the guild and its members, and tell connected bots."""
    g = fake._guild(guild)
    g.roles.pop(role.id, None)
    for member in g.members.values():
        if role.id in member.role_ids:
            member.role_ids.remove(role.id)
    await fake.dispatch(
        "GUILD_ROLE_DELETE",
        {"guild_id": str(g.id), "role_id": str(role.id)},
        intent=p.INTENT_GUILDS,
        wait_for_bot=False,
    )
