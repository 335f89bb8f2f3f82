"""The link that adds careerbot to a server: ``careerbot invite`` and the start-up log.

Admins of popular bots expect one: without it they must assemble the OAuth2 URL from
the developer portal by hand and guess the permissions. The permissions are the few
careerbot needs (see the README's "Invite it"), nothing more.

The application id is in every bot token: its first part is the bot user's id in
base64, and a bot user's id is its application's. So ``careerbot invite`` needs only
the token already in ``.env`` (or ``--app-id``), and never talks to Discord.
"""

from __future__ import annotations

import base64
import binascii

#: View Channels (1024) + Send Messages (2048) + Embed Links (16384): what posting
#: reminders, digests and moderator notices as embeds in configured channels needs.
PERMISSIONS = 1024 + 2048 + 16384
SCOPES = ("bot", "applications.commands")


def invite_url(application_id: int) -> str:
    """The OAuth2 URL that adds the bot, with its slash commands, to a server."""
    return (
        f"https://discord.com/oauth2/authorize?client_id={application_id}"
        f"&scope={'+'.join(SCOPES)}&permissions={PERMISSIONS}"
    )


def application_id_from_token(token: str) -> int | None:
    """The application id a bot token carries, or None if it does not look like one."""
    first = token.strip().split(".", 1)[0]
    if not first:
        return None
    try:
        decoded = base64.b64decode(first + "=" * (-len(first) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        return None
    text = decoded.decode("ascii", errors="replace")
    return int(text) if text.isdigit() and 0 < int(text) < 2**63 else None
