"""Small readers for the messages the fake recorded (used by the end-to-end tests)."""

from __future__ import annotations

from typing import Any

from tests.fakediscord import payloads

PHD = "Do I need a PhD or a master's degree to become a machine-learning engineer?"


def custom_ids(message: dict[str, Any]) -> list[str]:
    """Every component custom id on a message, in order."""
    found: list[str] = []
    for row in message.get("components") or []:
        for component in row.get("components") or []:
            if "custom_id" in component:
                found.append(component["custom_id"])
    return found


def component(message: dict[str, Any], custom_id: str) -> dict[str, Any]:
    for row in message.get("components") or []:
        for item in row.get("components") or []:
            if item.get("custom_id") == custom_id:
                return item
    raise LookupError(custom_id)


def embed(message: dict[str, Any]) -> dict[str, Any]:
    embeds = message.get("embeds") or []
    assert len(embeds) == 1, f"expected one embed, got {len(embeds)}: {message.get('content')!r}"
    return embeds[0]


def is_ephemeral(message: dict[str, Any]) -> bool:
    return bool(int(message.get("flags") or 0) & payloads.FLAG_EPHEMERAL)
