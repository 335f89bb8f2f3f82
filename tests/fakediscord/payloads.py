"""Builders for Discord API v10 JSON payloads, shaped like ``discord/types/*.py``.

They are plain functions returning plain dicts so a test can build one payload by hand
(for a corner case the fake's state model does not cover) with exactly the field names
Discord uses. Every builder fills the keys discord.py reads with ``data['key']`` (a
missing one would be a KeyError deep inside the library, far from the test) and the
usual optional keys with Discord's defaults, so objects built from them behave like
real ones (``created_at``, ``display_name``, permissions, mentions...).
"""

from __future__ import annotations

import datetime as _dt
import itertools
import threading
import time
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000
"""Milliseconds of 2015-01-01T00:00:00Z; snowflakes count from it."""

API_VERSION = 10

# Interaction types (``InteractionType``).
PING = 1
APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
APPLICATION_COMMAND_AUTOCOMPLETE = 4
MODAL_SUBMIT = 5

# Interaction callback types (``InteractionResponseType``).
PONG = 1
CHANNEL_MESSAGE_WITH_SOURCE = 4
DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE = 5
DEFERRED_UPDATE_MESSAGE = 6
UPDATE_MESSAGE = 7
APPLICATION_COMMAND_AUTOCOMPLETE_RESULT = 8
MODAL = 9

# Interaction context types.
CONTEXT_GUILD = 0
CONTEXT_BOT_DM = 1
CONTEXT_PRIVATE_CHANNEL = 2

# Channel types.
GUILD_TEXT = 0
DM = 1
GUILD_VOICE = 2
GUILD_CATEGORY = 4
GUILD_ANNOUNCEMENT = 5
GUILD_FORUM = 15

# Message flags.
FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7
FLAG_SUPPRESS_EMBEDS = 1 << 2
FLAG_SUPPRESS_NOTIFICATIONS = 1 << 12
FLAG_IS_COMPONENTS_V2 = 1 << 15

# Message types.
MESSAGE_DEFAULT = 0
MESSAGE_REPLY = 19
MESSAGE_CHAT_INPUT_COMMAND = 20

# Application command option types.
OPTION_SUB_COMMAND = 1
OPTION_SUB_COMMAND_GROUP = 2
OPTION_STRING = 3
OPTION_INTEGER = 4
OPTION_BOOLEAN = 5
OPTION_USER = 6
OPTION_CHANNEL = 7
OPTION_ROLE = 8
OPTION_MENTIONABLE = 9
OPTION_NUMBER = 10
OPTION_ATTACHMENT = 11

# Component types.
COMPONENT_ACTION_ROW = 1
COMPONENT_BUTTON = 2
COMPONENT_STRING_SELECT = 3
COMPONENT_TEXT_INPUT = 4
COMPONENT_USER_SELECT = 5
COMPONENT_ROLE_SELECT = 6
COMPONENT_MENTIONABLE_SELECT = 7
COMPONENT_CHANNEL_SELECT = 8
COMPONENT_LABEL = 18
SELECT_COMPONENT_TYPES = frozenset({3, 5, 6, 7, 8})

# Permission bits used by the default world (the rest are in ``discord.Permissions``).
CREATE_INSTANT_INVITE = 1 << 0
KICK_MEMBERS = 1 << 1
BAN_MEMBERS = 1 << 2
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
CHANGE_NICKNAME = 1 << 26
MANAGE_ROLES = 1 << 28
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38
MODERATE_MEMBERS = 1 << 40
ALL_PERMISSIONS = (1 << 53) - 1

EVERYONE_PERMISSIONS = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | CHANGE_NICKNAME
    | USE_APPLICATION_COMMANDS
    | SEND_MESSAGES_IN_THREADS
)
"""What a fresh server grants @everyone (roughly); the plain member has only this."""

MODERATOR_PERMISSIONS = MANAGE_GUILD | MANAGE_MESSAGES | KICK_MEMBERS | MODERATE_MEMBERS
"""The default "Moderator" role: Manage Server is what careerbot's moderator commands need."""

BOT_PERMISSIONS = EVERYONE_PERMISSIONS | MANAGE_MESSAGES
"""What the bot's managed role grants in the default world."""

# Gateway intents (``discord.Intents`` flag values).
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT

# Application flags that say which privileged intents the app may request.
APP_FLAG_GATEWAY_PRESENCE = 1 << 12
APP_FLAG_GATEWAY_GUILD_MEMBERS = 1 << 14
APP_FLAG_GATEWAY_MESSAGE_CONTENT = 1 << 18

DEFAULT_ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
"""Bytes; interactions must carry ``attachment_size_limit`` or discord.py raises KeyError."""


class SnowflakeGenerator:
    """Makes real, time-based snowflakes so discord.py's ``created_at`` math is right.

    Ids are strictly increasing even when many are made in the same millisecond, which
    keeps "newest message" orderings in tests deterministic.
    """

    def __init__(self, worker_id: int = 1, process_id: int = 0) -> None:
        self._worker = worker_id & 0x1F
        self._process = process_id & 0x1F
        self._counter = itertools.count()
        self._last = 0
        self._lock = threading.Lock()

    def next(self, at: _dt.datetime | None = None) -> int:
        """Return a new snowflake for now (or for ``at``), larger than any before."""
        ms = int(at.timestamp() * 1000) if at is not None else int(time.time() * 1000)
        increment = next(self._counter) & 0xFFF
        value = (
            ((ms - DISCORD_EPOCH_MS) << 22)
            | (self._worker << 17)
            | (self._process << 12)
            | increment
        )
        with self._lock:
            if value <= self._last:
                value = self._last + 1
            self._last = value
        return value


def snowflake_time(snowflake: int) -> _dt.datetime:
    """The UTC creation time encoded in a snowflake (same math as discord.utils)."""
    ms = (int(snowflake) >> 22) + DISCORD_EPOCH_MS
    return _dt.datetime.fromtimestamp(ms / 1000, tz=_dt.UTC)


def iso_timestamp(when: _dt.datetime | None = None) -> str:
    """Discord's ISO-8601 timestamp format (with microseconds and +00:00)."""
    when = when or _dt.datetime.now(_dt.UTC)
    return when.astimezone(_dt.UTC).isoformat()


def user_payload(
    user_id: int,
    username: str,
    *,
    global_name: str | None = None,
    bot: bool = False,
    avatar: str | None = None,
    discriminator: str = "0",
    public_flags: int = 0,
) -> dict[str, Any]:
    """A ``User`` object (``types/user.py``). Modern users have discriminator "0"."""
    data: dict[str, Any] = {
        "id": str(user_id),
        "username": username,
        "discriminator": discriminator,
        "global_name": global_name,
        "avatar": avatar,
        "public_flags": public_flags,
        "flags": public_flags,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
        "primary_guild": None,
    }
    if bot:
        data["bot"] = True
    return data


def bot_user_payload(user_id: int, username: str) -> dict[str, Any]:
    """The bot's own user as ``GET /users/@me`` and READY return it (a ``ClientUser``)."""
    data = user_payload(user_id, username, bot=True)
    data.update({"verified": True, "mfa_enabled": False, "locale": "en-US", "email": None})
    return data


def role_payload(
    role_id: int,
    name: str,
    *,
    permissions: int,
    position: int = 0,
    color: int = 0,
    hoist: bool = False,
    managed: bool = False,
    mentionable: bool = False,
    bot_id: int | None = None,
) -> dict[str, Any]:
    """A ``Role``; the @everyone role has the guild's id. ``permissions`` is a string."""
    data: dict[str, Any] = {
        "id": str(role_id),
        "name": name,
        "permissions": str(permissions),
        "position": position,
        "color": color,
        "colors": {"primary_color": color, "secondary_color": None, "tertiary_color": None},
        "hoist": hoist,
        "managed": managed,
        "mentionable": mentionable,
        "icon": None,
        "unicode_emoji": None,
        "flags": 0,
    }
    if bot_id is not None:
        data["tags"] = {"bot_id": str(bot_id)}
    return data


def member_payload(
    user: dict[str, Any] | None,
    *,
    roles: list[int],
    joined_at: str,
    nick: str | None = None,
    permissions: int | None = None,
) -> dict[str, Any]:
    """A guild ``Member``.

    ``user`` is None for the partial member Discord nests in MESSAGE_CREATE (the author
    is given separately). ``permissions`` is only present in interaction payloads: it is
    the member's resolved permissions in the channel, which discord.py exposes as
    ``interaction.permissions`` and app_commands permission checks read.
    """
    data: dict[str, Any] = {
        "roles": [str(r) for r in roles],
        "joined_at": joined_at,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "nick": nick,
        "avatar": None,
        "banner": None,
        "premium_since": None,
        "pending": False,
        "communication_disabled_until": None,
    }
    if user is not None:
        data["user"] = user
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def guild_channel_payload(
    channel_id: int,
    guild_id: int,
    name: str,
    *,
    channel_type: int = GUILD_TEXT,
    position: int = 0,
    topic: str | None = None,
    parent_id: int | None = None,
    permission_overwrites: list[dict[str, Any]] | None = None,
    last_message_id: int | None = None,
) -> dict[str, Any]:
    """A guild channel (text by default) as GUILD_CREATE and ``GET /channels/{id}`` give it."""
    return {
        "id": str(channel_id),
        "type": channel_type,
        "guild_id": str(guild_id),
        "name": name,
        "position": position,
        "permission_overwrites": permission_overwrites or [],
        "nsfw": False,
        "topic": topic,
        "parent_id": str(parent_id) if parent_id else None,
        "last_message_id": str(last_message_id) if last_message_id else None,
        "rate_limit_per_user": 0,
        "default_auto_archive_duration": 1440,
        "flags": 0,
    }


def dm_channel_payload(
    channel_id: int, recipient: dict[str, Any], *, last_message_id: int | None = None
) -> dict[str, Any]:
    """A DM channel (type 1) between the bot and ``recipient``."""
    return {
        "id": str(channel_id),
        "type": DM,
        "recipients": [recipient],
        "last_message_id": str(last_message_id) if last_message_id else None,
        "flags": 0,
    }


def guild_payload(
    guild_id: int,
    name: str,
    *,
    owner_id: int,
    roles: list[dict[str, Any]],
    channels: list[dict[str, Any]],
    members: list[dict[str, Any]],
    member_count: int,
    joined_at: str,
    preferred_locale: str = "en-US",
    system_channel_id: int | None = None,
) -> dict[str, Any]:
    """A full guild as sent in GUILD_CREATE (with members, channels and roles).

    ``member_count`` is the real count; when it equals ``len(members)`` discord.py
    treats the guild as already chunked and does not ask for members over the gateway.
    """
    return {
        "id": str(guild_id),
        "name": name,
        "icon": None,
        "icon_hash": None,
        "splash": None,
        "discovery_splash": None,
        "owner_id": str(owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": roles,
        "emojis": [],
        "features": [],
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": str(system_channel_id) if system_channel_id else None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": preferred_locale,
        "public_updates_channel_id": None,
        "nsfw_level": 0,
        "stickers": [],
        "premium_progress_bar_enabled": False,
        "safety_alerts_channel_id": None,
        "incidents_data": None,
        "max_members": 500000,
        "max_video_channel_users": 25,
        "joined_at": joined_at,
        "large": False,
        "unavailable": False,
        "member_count": member_count,
        "voice_states": [],
        "members": members,
        "channels": channels,
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def partial_guild_payload(guild_id: int, *, locale: str = "en-US") -> dict[str, Any]:
    """The partial ``guild`` object Discord nests in interactions."""
    return {"id": str(guild_id), "locale": locale, "features": []}


def application_payload(
    app_id: int,
    name: str,
    *,
    owner: dict[str, Any],
    bot: dict[str, Any],
    flags: int,
) -> dict[str, Any]:
    """``GET /oauth2/applications/@me`` (an ``AppInfo``); no interactions endpoint URL.

    A non-null ``interactions_endpoint_url`` would make Discord send interactions by HTTP
    instead of the gateway, and discord.py warns about exactly that.
    """
    return {
        "id": str(app_id),
        "name": name,
        "icon": None,
        "description": "careerbot test application",
        "rpc_origins": [],
        "bot_public": True,
        "bot_require_code_grant": False,
        "bot": bot,
        "terms_of_service_url": None,
        "privacy_policy_url": None,
        "owner": owner,
        "verify_key": "0" * 64,
        "team": None,
        "guild_id": None,
        "primary_sku_id": None,
        "slug": None,
        "cover_image": None,
        "flags": flags,
        "approximate_guild_count": 1,
        "approximate_user_install_count": 0,
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "role_connections_verification_url": None,
        "tags": [],
        "install_params": None,
        "custom_install_url": None,
        "integration_types_config": {"0": {}},
        "event_webhooks_url": None,
        "event_webhooks_status": 1,
        "event_webhooks_types": [],
    }


def attachment_payload(
    attachment_id: int,
    filename: str,
    *,
    size: int,
    url: str,
    content_type: str | None = None,
    description: str | None = None,
    ephemeral: bool = False,
) -> dict[str, Any]:
    """An ``Attachment`` (in a message, or in ``resolved.attachments`` of a command)."""
    data: dict[str, Any] = {
        "id": str(attachment_id),
        "filename": filename,
        "size": size,
        "url": url,
        "proxy_url": url,
        "content_type": content_type,
        "description": description,
        "height": None,
        "width": None,
        "flags": 0,
    }
    if ephemeral:
        data["ephemeral"] = True
    return data


def message_payload(
    message_id: int,
    channel_id: int,
    author: dict[str, Any],
    *,
    content: str = "",
    guild_id: int | None = None,
    member: dict[str, Any] | None = None,
    embeds: list[dict[str, Any]] | None = None,
    components: list[dict[str, Any]] | None = None,
    attachments: list[dict[str, Any]] | None = None,
    flags: int = 0,
    message_type: int = MESSAGE_DEFAULT,
    mentions: list[dict[str, Any]] | None = None,
    mention_roles: list[int] | None = None,
    mention_everyone: bool = False,
    tts: bool = False,
    webhook_id: int | None = None,
    application_id: int | None = None,
    interaction_metadata: dict[str, Any] | None = None,
    message_reference: dict[str, Any] | None = None,
    timestamp: str | None = None,
) -> dict[str, Any]:
    """A ``Message`` as REST returns it and MESSAGE_CREATE carries it (plus guild keys)."""
    data: dict[str, Any] = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "author": author,
        "content": content,
        "timestamp": timestamp or iso_timestamp(snowflake_time(message_id)),
        "edited_timestamp": None,
        "tts": tts,
        "mention_everyone": mention_everyone,
        "mentions": mentions or [],
        "mention_roles": [str(r) for r in (mention_roles or [])],
        "attachments": attachments or [],
        "embeds": embeds or [],
        "components": components or [],
        "pinned": False,
        "type": message_type,
        "flags": flags,
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if member is not None:
        data["member"] = member
    if webhook_id is not None:
        data["webhook_id"] = str(webhook_id)
    if application_id is not None:
        data["application_id"] = str(application_id)
    if interaction_metadata is not None:
        data["interaction_metadata"] = interaction_metadata
    if message_reference is not None:
        data["message_reference"] = message_reference
    return data


def interaction_payload(
    *,
    interaction_id: int,
    application_id: int,
    interaction_type: int,
    token: str,
    channel: dict[str, Any],
    data: dict[str, Any] | None = None,
    guild_id: int | None = None,
    guild_locale: str = "en-US",
    member: dict[str, Any] | None = None,
    user: dict[str, Any] | None = None,
    app_permissions: int = 0,
    locale: str = "en-US",
    message: dict[str, Any] | None = None,
    attachment_size_limit: int = DEFAULT_ATTACHMENT_SIZE_LIMIT,
    authorizing_integration_owners: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An INTERACTION_CREATE payload, with the quirks discord.py 2.7 depends on.

    * ``attachment_size_limit`` is read with ``data[...]``: leaving it out is a KeyError.
    * Without ``guild_id`` discord.py treats the interaction as a DM and reads ``user``;
      with it, it reads ``member`` (whose ``user`` is the invoker).
    * ``interaction.channel`` is built from the ``channel`` object (resolved against the
      guild cache when the guild is known).
    * For component interactions ``message`` must be the message carrying the component.
    """
    payload: dict[str, Any] = {
        "id": str(interaction_id),
        "application_id": str(application_id),
        "type": interaction_type,
        "token": token,
        "version": 1,
        "channel": channel,
        "channel_id": channel["id"],
        "app_permissions": str(app_permissions),
        "locale": locale,
        "entitlements": [],
        "entitlement_sku_ids": [],
        "attachment_size_limit": attachment_size_limit,
    }
    if data is not None:
        payload["data"] = data
    if guild_id is not None:
        payload["guild_id"] = str(guild_id)
        payload["guild"] = partial_guild_payload(guild_id, locale=guild_locale)
        payload["guild_locale"] = guild_locale
        payload["context"] = CONTEXT_GUILD
        payload["authorizing_integration_owners"] = authorizing_integration_owners or {
            "0": str(guild_id)
        }
        if member is None:
            raise ValueError("a guild interaction needs a member payload")
        payload["member"] = member
    else:
        payload["context"] = CONTEXT_BOT_DM
        payload["authorizing_integration_owners"] = authorizing_integration_owners or {"0": "0"}
        if user is None:
            raise ValueError("a DM interaction needs a user payload")
        payload["user"] = user
    if message is not None:
        payload["message"] = message
    return payload


def command_option(
    name: str,
    option_type: int,
    value: Any = None,
    *,
    focused: bool = False,
    options: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One ``ApplicationCommandInteractionDataOption`` (a value, or a subcommand level)."""
    data: dict[str, Any] = {"name": name, "type": option_type}
    if option_type in (OPTION_SUB_COMMAND, OPTION_SUB_COMMAND_GROUP):
        data["options"] = options or []
    else:
        data["value"] = value
    if focused:
        data["focused"] = True
    return data
