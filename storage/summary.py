"""A member's progress summary along a learning path. Pure: the caller supplies both.

The path (skills in learning order, each with its checklist item ids) belongs to the
knowledge corpus, which storage does not load; the statuses come from the store. Items
the member touched that are no longer in the path are ignored, so removing a checklist
item from the corpus never breaks a summary.

"Next item" rule, chosen so reminders and ``/progress`` nudge the member to finish
what they started before opening something new:

1. the skill the member most recently changed progress in, if it is not complete:
   its first item (in path order) that is neither done nor skipped;
2. otherwise the first item along the whole path that is neither done nor skipped;
3. ``None`` when everything is done or skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from storage.errors import InvalidInputError
from storage.models import LearningPath, ProgressSummary, SkillProgress

#: Statuses that close an item for the purpose of "what next".
_CLOSED = frozenset({"done", "skipped"})


def check_path(path: LearningPath) -> list[tuple[str, list[str]]]:
    """Normalise the path to lists, refusing shapes that are clearly a caller bug."""
    result: list[tuple[str, list[str]]] = []
    try:
        for skill_id, items in path:
            if not isinstance(skill_id, str) or isinstance(items, str):
                raise TypeError
            item_list = list(items)
            if not all(isinstance(item, str) for item in item_list):
                raise TypeError
            result.append((skill_id, item_list))
    except (TypeError, ValueError):
        raise InvalidInputError(
            "learning path must be a sequence of (skill_id, [item_id, ...]) pairs of text"
        ) from None
    return result


def build(
    member_id: int,
    path: LearningPath,
    statuses: Mapping[str, tuple[str, datetime]],
) -> ProgressSummary:
    """Summarise ``statuses`` (item id -> (status, updated_at)) along ``path``."""
    skills: list[SkillProgress] = []
    latest_skill: str | None = None
    latest_at: datetime | None = None
    normalised = check_path(path)
    for skill_id, items in normalised:
        counts = {"done": 0, "skipped": 0, "learning": 0}
        for item in items:
            entry = statuses.get(item)
            if entry is None:
                continue
            status, updated_at = entry
            counts[status] += 1
            if latest_at is None or updated_at > latest_at:
                latest_skill, latest_at = skill_id, updated_at
        total = len(items)
        skills.append(
            SkillProgress(
                skill_id=skill_id,
                done=counts["done"],
                skipped=counts["skipped"],
                learning=counts["learning"],
                total=total,
                percent=100.0 * counts["done"] / total if total else 100.0,
                complete=counts["done"] + counts["skipped"] == total,
            )
        )
    done = sum(skill.done for skill in skills)
    total = sum(skill.total for skill in skills)
    next_skill, next_item = _next_item(normalised, statuses, skills, latest_skill)
    return ProgressSummary(
        member_id=member_id,
        skills=tuple(skills),
        done=done,
        total=total,
        percent=100.0 * done / total if total else 100.0,
        next_skill_id=next_skill,
        next_item_id=next_item,
    )


def _open_items(items: list[str], statuses: Mapping[str, tuple[str, datetime]]) -> list[str]:
    return [item for item in items if statuses.get(item, ("", None))[0] not in _CLOSED]


def _next_item(
    path: list[tuple[str, list[str]]],
    statuses: Mapping[str, tuple[str, datetime]],
    skills: list[SkillProgress],
    latest_skill: str | None,
) -> tuple[str | None, str | None]:
    complete = {skill.skill_id: skill.complete for skill in skills}
    if latest_skill is not None and not complete[latest_skill]:
        for skill_id, items in path:
            if skill_id == latest_skill:
                remaining = _open_items(items, statuses)
                if remaining:
                    return skill_id, remaining[0]
    for skill_id, items in path:
        remaining = _open_items(items, statuses)
        if remaining:
            return skill_id, remaining[0]
    return None, None
