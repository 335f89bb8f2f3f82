"""Reading YAML while remembering where every value came from.

PyYAML's plain ``safe_load`` forgets positions and silently keeps the last of two
equal keys. Moderators need "line 12, column 5" for every problem, so we compose the
node tree ourselves, record the start of each value and key, and report duplicate
keys instead of dropping one.

Files are read with limits, checked on the event stream before any node is built:
anchors and aliases are refused (451 bytes of nested aliases expand into gigabytes,
and a reload thread stuck building them can never be stopped), and so is nesting
deeper than :data:`MAX_DEPTH` or more than :data:`MAX_NODES` values. Each refusal
names the line, like any other problem. The corpus needs none of these features.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path_ = tuple[int | str, ...]


@dataclass(frozen=True)
class Position:
    """1-based line and column, as editors show them."""

    line: int
    column: int


@dataclass
class ParsedYaml:
    """The data of one file with the positions of its values and mapping keys."""

    data: Any
    values: dict[Path_, Position] = field(default_factory=dict)
    keys: dict[Path_, Position] = field(default_factory=dict)
    problems: list[tuple[Position, str]] = field(default_factory=list)

    def where(self, path: Path_, *, key: bool = False) -> Position:
        """The position of ``path``, or of its nearest recorded ancestor."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if not key and probe in self.keys:
                return self.keys[probe]
            probe = probe[:-1]
        return self.values.get((), Position(1, 1))


class YamlSyntaxError(Exception):
    """The file is not valid YAML; carries where the parser gave up."""

    def __init__(self, position: Position, message: str) -> None:
        super().__init__(message)
        self.position = position
        self.message = message


def _position(mark: yaml.Mark | None) -> Position:
    if mark is None:
        return Position(1, 1)
    return Position(mark.line + 1, mark.column + 1)


_TABS = "YAML does not allow tabs for indentation; use spaces"
_COLON = "a ':' followed by a space inside a value; put the whole value in quotes"
# Both parsers' wordings (PyYAML's own, libyaml's) of the mistakes moderators make.
_HINTS = {
    "found character '\\t' that cannot start any token": _TABS,
    "found a tab character": _TABS,
    "mapping values are not allowed": _COLON,
}


def _syntax_message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "invalid YAML"
    parts = [f"invalid YAML: {problem}"]
    for known, hint in _HINTS.items():
        if problem.startswith(known):
            parts.append(f"({hint})")
    if exc.context:
        parts.append(f"[{exc.context}]")
    return " ".join(parts)


# libyaml's parser keeps the same marks and is several times faster on large corpora;
# PyYAML's pure-Python one is the fallback where libyaml is not compiled in.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Deepest nesting of lists and mappings a corpus file may use (the shipped corpus uses 5).
MAX_DEPTH = 32
#: Most values (scalars, lists, mappings) one file may hold (the largest shipped file has 139).
MAX_NODES = 50_000


def _check_limits(text: str) -> None:
    """Walk the parser's events (linear in the text: aliases are not expanded here) and
    raise :class:`YamlSyntaxError` at the first anchor, alias, or limit exceeded."""
    depth = nodes = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            raise YamlSyntaxError(
                _position(event.start_mark),
                f"YAML aliases ('*{event.anchor}') are not allowed in the corpus; "
                "write the value out in full",
            )
        if isinstance(event, yaml.NodeEvent):
            if event.anchor is not None:
                raise YamlSyntaxError(
                    _position(event.start_mark),
                    f"YAML anchors ('&{event.anchor}') are not allowed in the corpus; "
                    "write the value out in full",
                )
            nodes += 1
            if nodes > MAX_NODES:
                raise YamlSyntaxError(
                    _position(event.start_mark),
                    f"the file holds more than {MAX_NODES:,} values; split it into smaller files",
                )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlSyntaxError(
                    _position(event.start_mark),
                    f"lists and mappings are nested more than {MAX_DEPTH} levels deep",
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def parse_yaml(text: str) -> ParsedYaml:
    """Parse one YAML document, raising :class:`YamlSyntaxError` with a position."""
    try:
        _check_limits(text)
    except yaml.MarkedYAMLError as exc:
        raise YamlSyntaxError(_position(exc.problem_mark), _syntax_message(exc)) from exc
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        raise YamlSyntaxError(Position(1, 1), f"invalid YAML: {exc}") from exc
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        parsed = ParsedYaml(data=None)
        if node is not None:
            parsed.data = _build(loader, node, (), parsed)
        return parsed
    except yaml.MarkedYAMLError as exc:
        raise YamlSyntaxError(_position(exc.problem_mark), _syntax_message(exc)) from exc
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        raise YamlSyntaxError(Position(1, 1), f"invalid YAML: {exc}") from exc
    finally:
        loader.dispose()


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: Path_, out: ParsedYaml) -> Any:
    out.values[path] = _position(node.start_mark)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) and key is not None:
                out.problems.append((_position(key_node.start_mark), "a key must be a plain word"))
                continue
            child = (*path, key)
            if key in result:
                first = out.keys[child]
                out.problems.append(
                    (
                        _position(key_node.start_mark),
                        f"duplicate key '{key}' (first at line {first.line}); "
                        "YAML would silently keep only the last one",
                    )
                )
                continue
            out.keys[child] = _position(key_node.start_mark)
            result[key] = _build(loader, value_node, child, out)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, (*path, i), out) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)
