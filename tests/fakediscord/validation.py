"""Checks of what the bot sends against Discord's documented limits.

Real Discord answers an over-long message, an empty message, a sixth button in a row or
a bad command name with ``400 Invalid Form Body`` (code 50035) or 50006; a fake that
accepted them would let such bugs pass the tests and fail in production. Each checker
returns a list of human-readable problems (empty means valid); the server turns a
non-empty list into the Discord-shaped 400 and records it so teardown can fail on it.
"""

from __future__ import annotations

import re
from typing import Any

from . import payloads as p

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
EMBED_LIMITS = {"title": 256, "description": 4096}
MAX_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER_TEXT = 2048
AUTHOR_NAME = 256
MAX_ACTION_ROWS = 5
MAX_BUTTONS_PER_ROW = 5
MAX_CUSTOM_ID = 100
MAX_BUTTON_LABEL = 80
MAX_SELECT_OPTIONS = 25
MAX_CHOICES = 25
MAX_CHOICE_NAME = 100
MAX_FILES = 10
COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")
ALLOWED_MENTION_PARSE = {"roles", "users", "everyone"}


def _embed_problems(index: int, embed: Any) -> tuple[list[str], int]:
    problems: list[str] = []
    if not isinstance(embed, dict):
        return [f"embeds[{index}] is not an object"], 0
    total = 0
    for key, limit in EMBED_LIMITS.items():
        value = embed.get(key)
        if value is not None:
            total += len(value)
            if len(value) > limit:
                problems.append(f"embeds[{index}].{key} is longer than {limit}")
    fields = embed.get("fields") or []
    if len(fields) > MAX_FIELDS:
        problems.append(f"embeds[{index}] has more than {MAX_FIELDS} fields")
    for n, fld in enumerate(fields):
        name, value = str(fld.get("name", "")), str(fld.get("value", ""))
        total += len(name) + len(value)
        if not name or len(name) > FIELD_NAME:
            problems.append(f"embeds[{index}].fields[{n}].name must be 1-{FIELD_NAME} long")
        if not value or len(value) > FIELD_VALUE:
            problems.append(f"embeds[{index}].fields[{n}].value must be 1-{FIELD_VALUE} long")
    footer = (embed.get("footer") or {}).get("text")
    if footer:
        total += len(footer)
        if len(footer) > FOOTER_TEXT:
            problems.append(f"embeds[{index}].footer.text is longer than {FOOTER_TEXT}")
    author = (embed.get("author") or {}).get("name")
    if author:
        total += len(author)
        if len(author) > AUTHOR_NAME:
            problems.append(f"embeds[{index}].author.name is longer than {AUTHOR_NAME}")
    return problems, total


def walk_components(components: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Every component in a message, depth first (rows, containers, sections, labels)."""
    found: list[dict[str, Any]] = []
    for component in components or []:
        found.append(component)
        found.extend(walk_components(component.get("components")))
        for key in ("accessory", "component"):
            child = component.get(key)
            if isinstance(child, dict):
                found.extend(walk_components([child]))
    return found


def _component_problems(components: list[dict[str, Any]], flags: int) -> list[str]:
    problems: list[str] = []
    v2 = bool(flags & p.FLAG_IS_COMPONENTS_V2)
    if not v2:
        if len(components) > MAX_ACTION_ROWS:
            problems.append(f"more than {MAX_ACTION_ROWS} action rows")
        for n, row in enumerate(components):
            if row.get("type") != p.COMPONENT_ACTION_ROW:
                problems.append(f"components[{n}] is not an action row (needs IS_COMPONENTS_V2)")
                continue
            children = row.get("components") or []
            if not children:
                problems.append(f"components[{n}] is an empty action row")
            buttons = [c for c in children if c.get("type") == p.COMPONENT_BUTTON]
            if len(buttons) > MAX_BUTTONS_PER_ROW:
                problems.append(f"components[{n}] has more than {MAX_BUTTONS_PER_ROW} buttons")
            if len(buttons) != len(children) and len(children) > 1:
                problems.append(f"components[{n}] mixes a select menu with other components")
    seen: set[str] = set()
    for component in walk_components(components):
        custom_id = component.get("custom_id")
        ctype = component.get("type")
        if custom_id is not None:
            if not 1 <= len(custom_id) <= MAX_CUSTOM_ID:
                problems.append(f"custom_id {custom_id!r} must be 1-{MAX_CUSTOM_ID} long")
            if custom_id in seen:
                problems.append(f"custom_id {custom_id!r} is used twice in one message")
            seen.add(custom_id)
        if ctype == p.COMPONENT_BUTTON:
            label = component.get("label")
            if label is not None and len(label) > MAX_BUTTON_LABEL:
                problems.append(f"button label {label[:20]!r}... is longer than {MAX_BUTTON_LABEL}")
            is_link = component.get("style") == 5
            if is_link and not component.get("url"):
                problems.append("a link button needs a url")
            if not is_link and component.get("style") != 6 and custom_id is None:
                problems.append("a non-link button needs a custom_id")
            if label is None and component.get("emoji") is None:
                problems.append("a button needs a label or an emoji")
        if ctype == p.COMPONENT_STRING_SELECT:
            options = component.get("options") or []
            if not 1 <= len(options) <= MAX_SELECT_OPTIONS:
                problems.append(f"select {custom_id!r} needs 1-{MAX_SELECT_OPTIONS} options")
            values = [o.get("value") for o in options]
            if len(values) != len(set(values)):
                problems.append(f"select {custom_id!r} has duplicate option values")
    return problems


def message_problems(
    body: dict[str, Any] | None, *, file_count: int = 0, editing: bool = False
) -> list[str]:
    """Problems with a message create/edit body (channel message, interaction, webhook)."""
    if body is None:
        body = {}
    problems: list[str] = []
    content = body.get("content")
    if content is not None and len(str(content)) > MAX_CONTENT:
        problems.append(f"content is {len(str(content))} characters; the limit is {MAX_CONTENT}")
    embeds = body.get("embeds") or []
    if len(embeds) > MAX_EMBEDS:
        problems.append(f"more than {MAX_EMBEDS} embeds")
    total = 0
    for n, embed in enumerate(embeds):
        embed_problems, size = _embed_problems(n, embed)
        problems.extend(embed_problems)
        total += size
    if total > MAX_EMBED_TOTAL:
        problems.append(f"embeds total {total} characters; the limit is {MAX_EMBED_TOTAL}")
    flags = int(body.get("flags") or 0)
    components = body.get("components") or []
    problems.extend(_component_problems(components, flags))
    if file_count > MAX_FILES:
        problems.append(f"more than {MAX_FILES} files")
    mentions = body.get("allowed_mentions")
    if mentions is not None:
        parse = mentions.get("parse", [])
        unknown = set(parse) - ALLOWED_MENTION_PARSE
        if unknown:
            problems.append(f"allowed_mentions.parse has unknown values {sorted(unknown)}")
        for kind in ("users", "roles"):
            if kind in parse and mentions.get(kind):
                problems.append(f"allowed_mentions cannot have both parse {kind!r} and {kind}")
    if not editing and not (
        content or embeds or components or file_count or body.get("sticker_ids") or body.get("poll")
    ):
        problems.append("Cannot send an empty message")
    return problems


def choices_problems(choices: Any) -> list[str]:
    """Problems with autocomplete choices (type 8 callback) or command option choices."""
    if not isinstance(choices, list):
        return ["choices must be a list"]
    problems: list[str] = []
    if len(choices) > MAX_CHOICES:
        problems.append(f"{len(choices)} choices; the limit is {MAX_CHOICES}")
    for n, choice in enumerate(choices):
        name = choice.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= MAX_CHOICE_NAME:
            problems.append(f"choices[{n}].name must be 1-{MAX_CHOICE_NAME} characters")
        if "value" not in choice:
            problems.append(f"choices[{n}] has no value")
        elif isinstance(choice["value"], str) and len(choice["value"]) > MAX_CHOICE_NAME:
            problems.append(f"choices[{n}].value is longer than {MAX_CHOICE_NAME}")
    return problems


def _option_problems(where: str, options: list[dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    if len(options) > 25:
        problems.append(f"{where} has more than 25 options")
    names: set[str] = set()
    seen_optional = False
    for option in options:
        name = option.get("name", "")
        here = f"{where}.{name}"
        if not COMMAND_NAME.match(name) or name != name.lower():
            problems.append(f"{here}: option name must be 1-32 lowercase word characters")
        if name in names:
            problems.append(f"{here}: duplicate option name")
        names.add(name)
        description = option.get("description", "")
        if not 1 <= len(description) <= 100:
            problems.append(f"{here}: description must be 1-100 characters")
        otype = option.get("type")
        if otype in (p.OPTION_SUB_COMMAND, p.OPTION_SUB_COMMAND_GROUP):
            problems.extend(_option_problems(here, option.get("options") or []))
            continue
        if option.get("required"):
            if seen_optional:
                problems.append(f"{here}: required options must come before optional ones")
        else:
            seen_optional = True
        if option.get("choices"):
            problems.extend(f"{here}: {x}" for x in choices_problems(option["choices"]))
            if option.get("autocomplete"):
                problems.append(f"{here}: an option cannot have both choices and autocomplete")
    return problems


def command_problems(commands: Any) -> list[str]:
    """Problems with a bulk-overwrite body (``PUT .../commands``)."""
    if not isinstance(commands, list):
        return ["the body must be a list of commands"]
    problems: list[str] = []
    seen: set[tuple[int, str]] = set()
    for command in commands:
        name = command.get("name", "")
        ctype = command.get("type", 1)
        if (ctype, name) in seen:
            problems.append(f"command {name!r} is defined twice")
        seen.add((ctype, name))
        if ctype == 1:
            if not COMMAND_NAME.match(name) or name != name.lower():
                problems.append(f"command {name!r}: name must be 1-32 lowercase word characters")
            description = command.get("description", "")
            if not 1 <= len(description) <= 100:
                problems.append(f"command {name!r}: description must be 1-100 characters")
            problems.extend(_option_problems(f"/{name}", command.get("options") or []))
        elif not 1 <= len(name) <= 32:
            problems.append(f"context menu {name!r}: name must be 1-32 characters")
    if sum(1 for c in commands if c.get("type", 1) == 1) > 100:
        problems.append("more than 100 slash commands")
    return problems
