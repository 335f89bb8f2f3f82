"""The moderators' files and the edits made to them, as plain functions of their text.

Two files under ``community/`` in the corpus folder, both written by the bot and
readable (and editable) by people:

* ``community/phrasings.yaml``: a ``phrasings:`` block, more ways members ask for
  entries defined in other files (the loader adds them to those entries); a phrasing
  for a draft goes into the draft itself, which needs four before it is accepted;
* ``community/entries.yaml``: ``faq:`` entries moderators accepted, and ``drafts:``
  not served yet. Accepting moves an entry from one list to the other in one file,
  so it is a single atomic write and no reader ever sees it twice.

A file is parsed, changed and dumped whole (comments in it are not kept: the header
says so). Text with line breaks is written as a ``|`` block, as people write answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

COMMUNITY_FOLDER = "community"
PHRASINGS_FILE = f"{COMMUNITY_FOLDER}/phrasings.yaml"
ENTRIES_FILE = f"{COMMUNITY_FOLDER}/entries.yaml"
DRAFTS_KEY = "drafts"

HEADER = (
    "# Written by careerbot when moderators teach it from Discord (see knowledge/README.md).\n"
    "# You may edit this file like any other; comments in it are not kept.\n"
)


class EditRefused(ValueError):
    """The edit makes no sense for this file (no such draft, ...): said as it is."""


@dataclass(frozen=True)
class Draft:
    """A FAQ entry as a moderator typed it in Discord."""

    id: str
    question: str
    answer: str
    phrasings: tuple[str, ...] = ()

    def as_yaml_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "question": self.question}
        data["phrasings"] = list(self.phrasings)
        data["answer"] = self.answer
        return data


class _Dumper(yaml.SafeDumper):
    """Block style for lists and multi-line text; everything else as PyYAML decides."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump(data: dict[str, Any]) -> str:
    """``data`` as YAML text the loader reads back to the same values."""
    if not data:
        return HEADER
    body = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
        indent=2,
    )
    return HEADER + body


def _load(text: str | None) -> dict[str, Any]:
    """The file's data; an absent or empty file is an empty mapping."""
    if not text or not text.strip():
        return {}
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise EditRefused(f"the file is not valid YAML now ({exc}); fix it first") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise EditRefused("the file is not a mapping now; fix it first")
    return data


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    if value is None:
        value = []
    if not isinstance(value, list):
        raise EditRefused(f"'{key}' in the file is not a list now; fix it first")
    data[key] = value
    return value


def add_phrasing(text: str | None, entry_id: str, phrasing: str) -> str:
    """The phrasings file with ``phrasing`` added for ``entry_id``."""
    data = _load(text)
    block = data.get("phrasings")
    if block is None:
        block = {}
    if not isinstance(block, dict):
        raise EditRefused("'phrasings' in the file is not a mapping now; fix it first")
    data["phrasings"] = block
    listed = block.get(entry_id)
    if listed is None:
        listed = []
    if not isinstance(listed, list):
        raise EditRefused(f"the phrasings of '{entry_id}' are not a list now; fix it first")
    block[entry_id] = [*listed, phrasing]
    return dump(data)


def add_draft_phrasing(text: str | None, draft_id: str, phrasing: str) -> str:
    """The entries file with ``phrasing`` added to the draft itself, so that accepting
    it later is a move within this one file."""
    data = _load(text)
    for item in _list(data, DRAFTS_KEY):
        if isinstance(item, dict) and item.get("id") == draft_id:
            listed = item.get("phrasings") or []
            if not isinstance(listed, list):
                raise EditRefused(f"the phrasings of draft '{draft_id}' are not a list now")
            item["phrasings"] = [*listed, phrasing]
            return dump(data)
    raise EditRefused(f"there is no draft '{draft_id}' in {ENTRIES_FILE}")


def add_draft(text: str | None, draft: Draft) -> str:
    """The entries file with ``draft`` added under ``drafts:``."""
    data = _load(text)
    _list(data, DRAFTS_KEY).append(draft.as_yaml_data())
    return dump(data)


def _take_draft(data: dict[str, Any], draft_id: str) -> dict[str, Any]:
    drafts = _list(data, DRAFTS_KEY)
    for index, item in enumerate(drafts):
        if isinstance(item, dict) and item.get("id") == draft_id:
            del drafts[index]
            if not drafts:
                del data[DRAFTS_KEY]
            return item
    raise EditRefused(f"there is no draft '{draft_id}' in {ENTRIES_FILE}")


def accept_draft(text: str | None, draft_id: str) -> str:
    """The entries file with the draft moved to ``faq:``: served from now on."""
    data = _load(text)
    entry = _take_draft(data, draft_id)
    _list(data, "faq").append(entry)
    ordered = {key: data[key] for key in ("faq", DRAFTS_KEY) if key in data}
    ordered.update({k: v for k, v in data.items() if k not in ordered})
    return dump(ordered)


def reject_draft(text: str | None, draft_id: str) -> str:
    """The entries file without the draft."""
    data = _load(text)
    _take_draft(data, draft_id)
    return dump(data)


def phrasing_snippet(entry_id: str, phrasing: str) -> str:
    """What to paste by hand when the bot cannot write: a valid file on its own."""
    return dump({"phrasings": {entry_id: [phrasing]}}).removeprefix(HEADER)


def draft_snippet(draft: Draft) -> str:
    return dump({DRAFTS_KEY: [draft.as_yaml_data()]}).removeprefix(HEADER)
