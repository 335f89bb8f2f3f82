"""Loading and validating a corpus folder, all or nothing.

Every problem in every file is collected before giving up, because a moderator fixing
errors one reload at a time would hate us. Each problem names ``file:line:column`` and
says what is wrong in plain words; a corpus with any problem is never returned.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError
from rapidfuzz import fuzz, process

from knowledge.corpus import Corpus
from knowledge.models import (
    ID_PATTERN,
    ChecklistItem,
    CorpusFile,
    FaqDraft,
    FaqEntry,
    SkillEntry,
)
from knowledge.text import normalize, normalize_synonyms
from knowledge.yamlsource import ParsedYaml, Position, YamlSyntaxError, parse_yaml

MAX_FILE_BYTES = 2_000_000


@dataclass(frozen=True, order=True)
class Issue:
    """One problem, located where a moderator's editor can jump to it."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class CorpusInvalid(Exception):
    """The corpus has problems; ``issues`` lists every one of them, in file order."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = sorted(issues)
        super().__init__(f"{len(self.issues)} problem(s) in the corpus; first: {self.issues[0]}")


def corpus_files(root: Path) -> list[Path]:
    """Every ``*.yaml``/``*.yml`` file under ``root``, in a stable order.

    Hidden entries *inside* the corpus (``.git``, an editor's ``.x.yaml.swp`` folder)
    are skipped; the folders above it are not looked at, so a corpus under
    ``~/.local`` or reached as ``../knowledge`` loads like any other.
    """
    files = [p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()]
    return sorted(
        f for f in files if not any(part.startswith(".") for part in f.relative_to(root).parts)
    )


def load_corpus(root: str | Path) -> Corpus:
    """Load and validate the corpus at ``root``; raise :class:`CorpusInvalid` on any problem."""
    corpus, issues = check_corpus(root)
    if issues or corpus is None:
        raise CorpusInvalid(issues or [Issue(str(root), 1, 1, "the corpus could not be loaded")])
    return corpus


def check_corpus(root: str | Path) -> tuple[Corpus | None, list[Issue]]:
    """Validate the corpus at ``root``: the corpus when valid, and every problem found."""
    root = Path(root)
    if not root.exists():
        return None, [Issue(str(root), 1, 1, "no such folder")]
    files = [root] if root.is_file() else corpus_files(root)
    if not files:
        return None, [Issue(str(root), 1, 1, "no .yaml files found in this folder")]
    checker = _Checker(root)
    for path in files:
        checker.read_file(path)
    corpus = checker.finish(root)
    return (corpus if not checker.issues else None), sorted(checker.issues)


def check_file(root: str | Path, relative: str, text: str) -> list[Issue]:
    """The problems of one file on its own (syntax, schema), without the checks across
    files: a quick first look, since any problem found here also fails the corpus."""
    checker = _Checker(Path(root))
    checker.check_text(Path(root) / relative, text)
    return sorted(checker.issues)


def check_texts(root: str | Path, texts: Mapping[str, str]) -> tuple[Corpus | None, list[Issue]]:
    """Validate files given as ``{path relative to root: text}``, as if read from ``root``.

    How a saved copy of a corpus (:mod:`knowledge.lastgood`) is loaded: the same
    checks, and the same file names in problems and in :attr:`Corpus.files`.
    """
    root = Path(root)
    checker = _Checker(root)
    for relative, text in sorted(texts.items()):
        checker.check_text(root / relative, text)
    corpus = checker.finish(root)
    return (corpus if not checker.issues else None), sorted(checker.issues)


# --- per-file validation ---------------------------------------------------------------

_CACHED_TEXT_MAX = 200_000


@lru_cache(maxsize=128)
def _parse_cached(text: str) -> ParsedYaml:
    return parse_yaml(text)


def _parse(text: str) -> ParsedYaml:
    """:func:`parse_yaml`, remembered for files that did not change: parsing is most of
    a check, and the watcher re-checks the whole corpus when one file changes. The
    result is only read, never changed, so sharing it between loads is safe."""
    return _parse_cached(text) if len(text) <= _CACHED_TEXT_MAX else parse_yaml(text)


#: :func:`normalize` for corpus text only (phrasings, synonyms), remembered for the
#: same reason; members' questions never go through this cache.
_normalized = lru_cache(maxsize=16_384)(normalize)


_MODELS_FOR_LIST: dict[str, type[FaqEntry] | type[SkillEntry]] = {
    "faq": FaqEntry,
    "skills": SkillEntry,
    "drafts": FaqDraft,
}
_SYNONYMS = TypeAdapter(CorpusFile.model_fields["synonyms"].annotation)
_EXTRA_PHRASINGS = TypeAdapter(CorpusFile.model_fields["phrasings"].annotation)


@dataclass
class _Located:
    """One entry as written (``raw``), its validated form if it passed, and its origin.

    Cross-entry checks read ``raw`` so that an entry with a schema error still has its
    id, phrasings and links checked: every problem is reported in one pass.
    """

    raw: dict[str, Any]
    entry: FaqEntry | SkillEntry | None
    file: str
    parsed: ParsedYaml
    path: tuple[int | str, ...]

    @property
    def id(self) -> str | None:
        value = self.raw.get("id")
        return value if isinstance(value, str) and value else None

    def strings(self, key: str) -> list[tuple[int, str]]:
        """The (index, text) pairs of a list-of-text field, skipping ill-typed items."""
        value = self.raw.get(key)
        if not isinstance(value, list):
            return []
        return [(i, v) for i, v in enumerate(value) if isinstance(v, str)]

    def pos(self, *sub: int | str) -> Position:
        return self.parsed.where((*self.path, *sub))


class _Checker:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.issues: list[Issue] = []
        self.entries: list[_Located] = []
        self.extra_phrasings: list[_Located] = []
        """``phrasings:`` blocks: raw ``{"id": target, "phrasings": [...]}``, path
        ``("phrasings", target)``, so positions and messages work as for entries."""
        self.synonyms: dict[str, tuple[str, str, Position]] = {}
        self.files: dict[str, Path] = {}
        self.texts: dict[str, str] = {}

    def add(self, file: str, pos: Position, message: str) -> None:
        self.issues.append(Issue(file, pos.line, pos.column, message))

    def shown(self, file: str) -> str:
        """``file`` as a moderator knows it: relative to the corpus folder (the server's
        absolute paths mean nothing to them and are not theirs to see)."""
        return _relative(Path(file), self.root)

    def read_file(self, path: Path) -> None:
        name = str(path)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                self.add(name, Position(1, 1), f"file is larger than {MAX_FILE_BYTES:,} bytes")
                return
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            self.add(name, Position(1, 1), f"file is not UTF-8 text ({exc.reason})")
            return
        except OSError as exc:
            self.add(name, Position(1, 1), f"cannot read file: {exc.strerror}")
            return
        self.check_text(path, text)

    def check_text(self, path: Path, text: str) -> None:
        name = str(path)
        self.texts[self.shown(name)] = text
        if len(text.encode("utf-8")) > MAX_FILE_BYTES:
            self.add(name, Position(1, 1), f"file is larger than {MAX_FILE_BYTES:,} bytes")
            return
        try:
            parsed = _parse(text)
        except YamlSyntaxError as exc:
            self.add(name, exc.position, exc.message)
            return
        for pos, message in parsed.problems:
            self.add(name, pos, message)
        data = parsed.data
        if data is None:
            return  # an empty file holds nothing, which is allowed
        if not isinstance(data, dict):
            self.add(
                name,
                parsed.where(()),
                "the file should be a mapping starting with 'faq:', 'skills:', 'synonyms:', "
                "'phrasings:' or 'drafts:'",
            )
            return
        for key in data:
            if key not in CorpusFile.model_fields:
                self.add(
                    name,
                    parsed.where((key,), key=True),
                    _unknown_key_message(key, list(CorpusFile.model_fields), "at the top level"),
                )
        for list_key, model in _MODELS_FOR_LIST.items():
            if list_key not in data:
                continue
            items = data[list_key]
            if items is None:
                continue
            if not isinstance(items, list):
                self.add(
                    name,
                    parsed.where((list_key,)),
                    f"'{list_key}' should be a list of entries, each starting with '- id:'",
                )
                continue
            for index, raw in enumerate(items):
                self._validate_entry(name, parsed, model, (list_key, index), raw)
        if data.get("synonyms") is not None:
            self._validate_synonyms(name, parsed, data["synonyms"])
        if data.get("phrasings") is not None:
            self._validate_extra_phrasings(name, parsed, data["phrasings"])
        self.files[name] = path

    def _validate_extra_phrasings(self, file: str, parsed: ParsedYaml, raw: Any) -> None:
        """Each ``entry-id: [phrasings]`` on its own, so one bad line hides no other."""
        if not isinstance(raw, dict):
            self.add(
                file,
                parsed.where(("phrasings",)),
                _extra_phrasings_message(("phrasings",), {"type": "dict_type"}),
            )
            return
        for target, texts in raw.items():
            try:
                mapping = _EXTRA_PHRASINGS.validate_python({target: texts}, strict=True)
            except ValidationError as exc:
                for error in exc.errors():
                    loc = ("phrasings", *error["loc"])
                    pos = parsed.where(loc[:-1] if loc[-1] == "[key]" else loc)
                    self.add(file, pos, _extra_phrasings_message(loc, error))
                continue
            for entry_id, valid in mapping.items():
                located = _Located(
                    {"id": entry_id, "phrasings": valid},
                    None,
                    file,
                    parsed,
                    ("phrasings", entry_id),
                )
                self.extra_phrasings.append(located)

    def _validate_entry(
        self,
        file: str,
        parsed: ParsedYaml,
        model: type[FaqEntry] | type[SkillEntry],
        path: tuple[int | str, ...],
        raw: Any,
    ) -> None:
        entry: FaqEntry | SkillEntry | None = None
        try:
            entry = model.model_validate(raw)
        except ValidationError as exc:
            for error in exc.errors():
                loc = (*path, *error["loc"])
                self._schema_issue(file, parsed, loc, error, raw)
        if isinstance(raw, dict):
            self.entries.append(_Located(raw, entry, file, parsed, path))

    def _validate_synonyms(self, file: str, parsed: ParsedYaml, raw: Any) -> None:
        try:
            mapping = _SYNONYMS.validate_python(raw, strict=True)
        except ValidationError as exc:
            for error in exc.errors():
                self._schema_issue(file, parsed, ("synonyms", *error["loc"]), error, raw)
            return
        for word, meaning in mapping.items():
            pos = parsed.where(("synonyms", word), key=True)
            if _normalized(word) == _normalized(meaning):
                self.add(file, pos, f"synonym '{word}' maps to itself")
                continue
            if word in self.synonyms:
                other_meaning, other_file, other_pos = self.synonyms[word]
                if other_meaning != meaning:
                    self.add(
                        file,
                        pos,
                        f"synonym '{word}' is already defined as '{other_meaning}' "
                        f"at {self.shown(other_file)}:{other_pos.line}",
                    )
                continue
            self.synonyms[word] = (meaning, file, pos)

    def _schema_issue(
        self,
        file: str,
        parsed: ParsedYaml,
        loc: tuple[int | str, ...],
        error: Any,
        raw_entry: Any,
    ) -> None:
        kind = error["type"]
        # pydantic marks dict-key problems with a trailing "[key]".
        is_key = bool(loc) and loc[-1] == "[key]"
        if is_key:
            loc = loc[:-1]
        if kind == "missing":
            pos = parsed.where(loc[:-1])
        elif kind == "extra_forbidden":
            pos = parsed.where(loc, key=True)
        else:
            pos = parsed.where(loc, key=is_key)
        self.add(file, pos, _schema_message(loc, error, is_key, parsed.data))

    # --- cross-entry checks -----------------------------------------------------------

    def finish(self, root: Path) -> Corpus | None:
        seen_ids: dict[str, _Located] = {}
        seen_items: dict[str, tuple[_Located, int]] = {}
        seen_text: dict[str, tuple[_Located, tuple[int | str, ...]]] = {}
        for located in self.entries:
            entry_id = located.id
            if entry_id is not None:
                if entry_id in seen_ids:
                    first = seen_ids[entry_id]
                    self.add(
                        located.file,
                        located.pos("id"),
                        f"duplicate id '{entry_id}': also used at "
                        f"{self.shown(first.file)}:{first.pos('id').line}",
                    )
                else:
                    seen_ids[entry_id] = located
            if located.path[0] == "skills":
                self._check_checklist(located, seen_items)
            self._check_phrasings(located, seen_text)
        extras = self._check_extra_phrasings(seen_ids, seen_text)
        self._check_renames(seen_items, root)
        all_ids = list(seen_ids)
        for located in self.entries:
            for index, target in located.strings("related"):
                if target == located.id:
                    message = f"'related' lists the entry itself ('{target}')"
                elif target not in seen_ids:
                    message = f"'related' points at '{target}', which is no entry in the corpus"
                    message += _did_you_mean(target, all_ids)
                else:
                    continue
                self.add(located.file, located.pos("related", index), message)
        if not self.issues and not self.entries:
            self.add(str(root), Position(1, 1), "the corpus has no FAQ or skill entries")
        if self.issues:
            return None
        synonyms = normalize_synonyms({word: m for word, (m, _, _) in self.synonyms.items()})
        entries = [_with_phrasings(x.entry, extras) for x in self.entries if x.entry is not None]
        faq = tuple(e for e in entries if type(e) is FaqEntry)
        skills = tuple(e for e in entries if isinstance(e, SkillEntry))
        drafts = tuple(e for e in entries if isinstance(e, FaqDraft))
        files = {x.id: Path(x.file) for x in self.entries if x.id and x.path[0] != "drafts"}
        synonym_files = {
            normalize(word): Path(file) for word, (_, file, _) in self.synonyms.items()
        }
        return Corpus(
            root=root,
            faq=faq,
            skills=skills,
            synonyms=synonyms,
            files=files,
            synonym_files=synonym_files,
            texts=self.texts,
            drafts=drafts,
        )

    def _check_extra_phrasings(
        self,
        seen_ids: dict[str, _Located],
        seen_text: dict[str, tuple[_Located, tuple[int | str, ...]]],
    ) -> dict[str, list[str]]:
        """``phrasings:`` blocks: each must name an entry (or draft) of the corpus, and
        each phrasing is checked against every other one, as if written in the entry."""
        extras: dict[str, list[str]] = {}
        for located in self.extra_phrasings:
            target = located.id or ""
            if target not in seen_ids:
                self.add(
                    located.file,
                    self._key_pos(located),
                    f"'phrasings' names '{target}', which is no entry in the corpus"
                    + _did_you_mean(target, list(seen_ids)),
                )
                continue
            for index, text in located.strings("phrasings"):
                key = _normalized(text)
                if not key:
                    continue
                if key in seen_text:
                    other, other_sub = seen_text[key]
                    where = f"{self.shown(other.file)}:{other.pos(*other_sub).line}"
                    self.add(
                        located.file,
                        located.pos(index),
                        f"phrasing '{text}' is also used by '{other.id or 'another entry'}' "
                        f"({where})"
                        + ("" if other.id == target else "; the bot could not tell them apart"),
                    )
                    continue
                seen_text[key] = (located, (index,))
                extras.setdefault(target, []).append(text)
        return extras

    @staticmethod
    def _key_pos(located: _Located) -> Position:
        return located.parsed.where(located.path, key=True)

    def _check_checklist(
        self, located: _Located, seen_items: dict[str, tuple[_Located, int]]
    ) -> None:
        skill_id = located.id
        checklist = located.raw.get("checklist")
        if not isinstance(checklist, list):
            return
        for index, item in enumerate(checklist):
            item_id = item.get("id") if isinstance(item, dict) else None
            if not isinstance(item_id, str):
                continue
            pos = located.pos("checklist", index, "id")
            if skill_id and not item_id.startswith(skill_id + "/"):
                self.add(
                    located.file,
                    pos,
                    f"checklist item id '{item_id}' must start with '{skill_id}/' "
                    "(the id of its skill)",
                )
            if item_id in seen_items:
                first, first_index = seen_items[item_id]
                self.add(
                    located.file,
                    pos,
                    f"duplicate checklist id '{item_id}': also used at "
                    f"{self.shown(first.file)}:{first.pos('checklist', first_index, 'id').line}",
                )
            else:
                seen_items[item_id] = (located, index)

    def _check_renames(self, live: dict[str, tuple[_Located, int]], root: Path) -> None:
        """``renamed_from`` ids must be gone from the corpus and claimed once: progress
        stored under an old id moves to exactly one item, never away from a live one."""
        claimed: dict[str, tuple[str, _Located, int]] = {}
        for item_id, (located, index) in live.items():
            item = located.raw["checklist"][index]
            old_ids = item.get("renamed_from")
            if not isinstance(old_ids, list):
                continue
            for j, old in enumerate(old_ids):
                if not isinstance(old, str):
                    continue
                pos = located.pos("checklist", index, "renamed_from", j)
                if old == item_id:
                    message = f"'renamed_from' lists the item itself ('{old}')"
                elif old in live:
                    other, other_index = live[old]
                    message = (
                        f"'renamed_from' lists '{old}', which is still a checklist item "
                        f"({_relative(other.file, root)}:"
                        f"{other.pos('checklist', other_index, 'id').line}); "
                        "remove it there, or drop it from 'renamed_from'"
                    )
                elif old in claimed:
                    first_id, first, first_j = claimed[old]
                    first_index = live[first_id][1]
                    line = first.pos("checklist", first_index, "renamed_from", first_j).line
                    message = (
                        f"'{old}' is also in the 'renamed_from' of '{first_id}' "
                        f"({_relative(first.file, root)}:{line}); progress can move to one item "
                        "only"
                    )
                else:
                    claimed[old] = (item_id, located, j)
                    continue
                self.add(located.file, pos, message)

    def _check_phrasings(
        self,
        located: _Located,
        seen_text: dict[str, tuple[_Located, tuple[int | str, ...]]],
    ) -> None:
        texts: list[tuple[tuple[int | str, ...], str]] = []
        question = located.raw.get("question")
        if located.path[0] in ("faq", "drafts") and isinstance(question, str):
            texts.append((("question",), question))
        texts.extend((("phrasings", i), p) for i, p in located.strings("phrasings"))
        for sub, text in texts:
            key = _normalized(text)
            if not key:
                continue
            if key not in seen_text:
                seen_text[key] = (located, sub)
                continue
            other, other_sub = seen_text[key]
            if other is located:
                message = f"phrasing '{text}' appears twice in this entry"
            else:
                message = (
                    f"phrasing '{text}' is also used by '{other.id or 'another entry'}' "
                    f"({self.shown(other.file)}:{other.pos(*other_sub).line}); "
                    "the bot could not tell them apart"
                )
            self.add(located.file, located.pos(*sub), message)


def _with_phrasings(
    entry: FaqEntry | SkillEntry, extras: Mapping[str, list[str]]
) -> FaqEntry | SkillEntry:
    """``entry`` with the phrasings other files added to it (``phrasings:`` blocks)."""
    added = extras.get(entry.id)
    if not added:
        return entry
    return entry.model_copy(update={"phrasings": [*entry.phrasings, *added]})


def _extra_phrasings_message(loc: tuple[int | str, ...], error: Any) -> str:
    kind = error["type"]
    if kind == "dict_type":
        return "'phrasings' should be a mapping of 'entry-id:' lines, each with a list"
    if "[key]" in loc or kind == "string_pattern_mismatch":
        return f"'phrasings' key {loc[1]!r} is not an entry id (lowercase words joined by hyphens)"
    if kind == "list_type":
        return f"'phrasings' of '{loc[1]}' should be a list (one '- phrasing' per line)"
    if kind == "string_type":
        return f"a phrasing of '{loc[1]}' should be text, but it is {_describe(error.get('input'))}"
    if kind == "string_too_short":
        return f"a phrasing of '{loc[1]}' is empty"
    if kind == "string_too_long":
        limit = (error.get("ctx") or {}).get("max_length")
        return f"a phrasing of '{loc[1]}' is longer than {limit} characters"
    return f"'phrasings': {error['msg']}"


def _relative(path: Path, root: Path) -> str:
    if root.is_file() or path == root:
        return path.name
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


# --- messages -------------------------------------------------------------------------


def _relative(file: str, root: Path) -> str:
    """A corpus file as moderators know it: relative to the corpus folder, never the
    server's absolute path."""
    try:
        return Path(file).relative_to(root).as_posix()
    except ValueError:
        return Path(file).name


_FIELDS_BY_MODEL: dict[str, list[str]] = {
    "faq": list(FaqEntry.model_fields),
    "skills": list(SkillEntry.model_fields),
    "checklist": list(ChecklistItem.model_fields),
}


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    best = process.extractOne(str(word), list(choices), scorer=fuzz.ratio, score_cutoff=60)
    return f" (did you mean '{best[0]}'?)" if best else ""


def _unknown_key_message(key: Any, allowed: list[str], where: str) -> str:
    return (
        f"unknown field '{key}' {where}{_did_you_mean(key, allowed)}; allowed: {', '.join(allowed)}"
    )


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"the yes/no value {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _owner(loc: tuple[int | str, ...], data: Any) -> str:
    """A human name for the entry a location belongs to: "FAQ entry 'x'" or "skill 3"."""
    if len(loc) < 2 or loc[0] not in ("faq", "skills", "drafts") or not isinstance(loc[1], int):
        return ""
    kind = {"faq": "FAQ entry", "skills": "skill", "drafts": "draft"}[str(loc[0])]
    try:
        entry_id = data[loc[0]][loc[1]].get("id")
    except (KeyError, IndexError, TypeError, AttributeError):
        entry_id = None
    if isinstance(entry_id, str) and re.fullmatch(ID_PATTERN, entry_id):
        return f"{kind} '{entry_id}'"
    return f"{kind} {loc[1] + 1}"


def _field_name(loc: tuple[int | str, ...]) -> str:
    """'phrasings item 3' for ('faq', 0, 'phrasings', 2); 'answer' for ('faq', 0, 'answer')."""
    names = [part for part in loc[2:] if isinstance(part, str)]
    if not names:
        return "entry"
    name = names[-1]
    if isinstance(loc[-1], int) and len(loc) > 2:
        return f"{name} item {loc[-1] + 1}"
    return name


def _schema_message(loc: tuple[int | str, ...], error: Any, is_key: bool, data: Any) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    owner = _owner(loc, data)
    suffix = f" in {owner}" if owner else ""
    if loc and loc[0] == "synonyms":
        if is_key or kind == "string_pattern_mismatch":
            return (
                f"synonym '{loc[-1]}' must be one lowercase word (letters, digits, + or #) "
                "on the left of the ':'"
            )
        if kind == "string_type":
            return f"synonym '{loc[-1]}' should map to text, but it is {_describe(value)}"
        if kind == "dict_type":
            return "'synonyms' should be a mapping of 'word: meaning' lines"
    field = _field_name(loc)
    if kind == "missing":
        return f"missing required field '{loc[-1]}'{suffix}"
    if kind == "extra_forbidden":
        parent = next((p for p in reversed(loc[:-1]) if isinstance(p, str)), "")
        allowed = _FIELDS_BY_MODEL.get(parent, [])
        return _unknown_key_message(loc[-1], allowed, suffix.strip() or "here")
    if kind == "string_type":
        hint = ""
        if isinstance(value, bool | int | float) or value is None:
            hint = " (put it in quotes to make it text)"
        return f"'{field}' should be text, but it is {_describe(value)}{suffix}{hint}"
    if kind == "list_type":
        return (
            f"'{field}' should be a list (one '- item' per line), but it is "
            f"{_describe(value)}{suffix}"
        )
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return (
            f"'{field}' should be a mapping of 'key: value' lines, "
            f"but it is {_describe(value)}{suffix}"
        )
    if kind == "int_type":
        return f"'{field}' should be a whole number, but it is {_describe(value)}{suffix}"
    if kind == "too_short":
        need = ctx.get("min_length")
        have = ctx.get("actual_length")
        return f"'{field}' needs at least {need} items; it has {have}{suffix}"
    if kind == "string_too_short":
        return f"'{field}' is empty{suffix}"
    if kind == "string_too_long":
        length = len(value.strip()) if isinstance(value, str) else "?"
        return f"'{field}' is {length:,} characters; the limit is {ctx.get('max_length'):,}{suffix}"
    if kind == "string_pattern_mismatch":
        if field == "id" and len(loc) > 3:
            example = "'skill-id/item-name', lowercase words joined by hyphens"
        else:
            example = "lowercase letters and digits joined by hyphens, like 'do-i-need-a-phd'"
        return f"'{field}' {value!r} is not a valid id: use {example}{suffix}"
    return f"'{field}': {error['msg']}{suffix}"


def issue_line(issue: Issue, root: Path) -> str:
    """``file:line:column: message`` with the file relative to the corpus folder (the
    server's absolute paths mean nothing to a moderator, and should not be shown)."""
    path = Path(issue.file)
    try:
        shown = path.relative_to(root).as_posix()
    except ValueError:
        shown = path.name
    return f"{shown}:{issue.line}:{issue.column}: {issue.message}"
