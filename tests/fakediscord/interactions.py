"""What the fake remembers about one interaction it sent, and ways to wait on it.

A test sends a slash command, a click or an autocomplete request and gets back an
:class:`InteractionRecord`; the bot then answers through several REST calls (callback,
followups, edits of ``@original``). The record collects them so the test can ask the
question it cares about ("what did the user end up seeing?") instead of re-deriving it
from the raw request log.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import payloads as p
from .models import FakeChannel, FakeGuild, FakeUser, RecordedRequest

if TYPE_CHECKING:
    from .server import FakeDiscord


@dataclass
class ReplyEvent:
    """One visible effect of the bot's answer: which message, and how it got there."""

    kind: str  # "response" | "update" | "followup" | "edit"
    message_id: int


@dataclass(eq=False)
class InteractionRecord:
    """An interaction the fake sent, and everything the bot did with its token.

    ``callback`` is the JSON body of the ``POST /interactions/{id}/{token}/callback``
    (``{"type": 4, "data": {...}}``); ``original_message`` and ``followups`` are the
    current versions of the messages the bot created through the interaction.
    """

    fake: FakeDiscord
    id: int
    token: str
    type: int
    payload: dict[str, Any]
    user: FakeUser
    guild: FakeGuild | None
    channel: FakeChannel
    created: float = field(default_factory=time.monotonic)
    callback: dict[str, Any] | None = None
    callback_request: RecordedRequest | None = None
    original_message_id: int | None = None
    loading: bool = False
    followup_ids: list[int] = field(default_factory=list)
    replies: list[ReplyEvent] = field(default_factory=list)

    # -- plain views ------------------------------------------------------------------
    @property
    def response_type(self) -> int | None:
        """The callback type (4 message, 5 deferred, 6 deferred update, 7 update, 8, 9)."""
        return None if self.callback is None else int(self.callback["type"])

    @property
    def response_data(self) -> dict[str, Any]:
        return {} if self.callback is None else dict(self.callback.get("data") or {})

    @property
    def original_message(self) -> dict[str, Any] | None:
        if self.original_message_id is None:
            return None
        return self.fake.messages.get(self.original_message_id)

    @property
    def followups(self) -> list[dict[str, Any]]:
        return [self.fake.messages[m] for m in self.followup_ids if m in self.fake.messages]

    @property
    def ephemeral(self) -> bool:
        """Whether the bot's first answer was ephemeral (flags 64)."""
        return bool(int(self.response_data.get("flags") or 0) & p.FLAG_EPHEMERAL)

    @property
    def command_name(self) -> str | None:
        data = self.payload.get("data") or {}
        return data.get("name")

    # -- waiting ----------------------------------------------------------------------
    async def wait_for_response(self, timeout: float = 5.0) -> dict[str, Any]:
        """The callback body (``{"type": ..., "data": ...}``) once the bot has sent it."""
        return await self.fake.wait_until(
            lambda: self.callback, timeout, f"the bot to answer interaction {self.describe()}"
        )

    async def wait_for_reply(self, index: int = 0, timeout: float = 5.0) -> dict[str, Any]:
        """The message the user sees as the ``index``-th answer (current version).

        A type 4 response, a type 7 update, the edit of a deferred "thinking" message and
        each followup count, in order; a deferred response by itself does not.
        """

        def check() -> dict[str, Any] | None:
            if len(self.replies) > index:
                return self.fake.messages.get(self.replies[index].message_id)
            return None

        return await self.fake.wait_until(
            check, timeout, f"reply #{index} to interaction {self.describe()}"
        )

    async def wait_for_followup(self, index: int = 0, timeout: float = 5.0) -> dict[str, Any]:
        """The ``index``-th followup message (``POST /webhooks/{app}/{token}``)."""

        def check() -> dict[str, Any] | None:
            if len(self.followup_ids) > index:
                return self.fake.messages.get(self.followup_ids[index])
            return None

        return await self.fake.wait_until(
            check, timeout, f"followup #{index} to interaction {self.describe()}"
        )

    async def wait_for_choices(self, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Autocomplete choices from a type 8 callback: ``[{"name", "value"}, ...]``."""
        response = await self.wait_for_response(timeout)
        if response["type"] != p.APPLICATION_COMMAND_AUTOCOMPLETE_RESULT:
            raise AssertionError(f"expected an autocomplete result (8), got {response['type']}")
        return list((response.get("data") or {}).get("choices") or [])

    async def wait_for_modal(self, timeout: float = 5.0) -> dict[str, Any]:
        """The modal the bot opened (type 9 callback data: custom_id, title, components)."""
        response = await self.wait_for_response(timeout)
        if response["type"] != p.MODAL:
            raise AssertionError(f"expected a modal (9), got {response['type']}")
        return dict(response.get("data") or {})

    def describe(self) -> str:
        name = self.command_name or (self.payload.get("data") or {}).get("custom_id") or "?"
        return f"{self.id} (type {self.type}, {name!r})"

    def __repr__(self) -> str:
        return f"<InteractionRecord {self.describe()} response={self.response_type}>"
