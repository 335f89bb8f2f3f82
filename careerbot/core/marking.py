"""Marking a checklist item done, and undoing it: one path for every door.

``/learned``, the "pick one" buttons it offers, a reminder's **Mark done** and the
``careerbot chat`` console all come here, so they resolve what the member typed the
same way (:func:`knowledge.items.resolve_item`: confident, a choice, or nothing; never
a guess), answer with the same words and offer the same undo. No Discord here: the
caller turns :class:`Marked` into buttons or console lines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from careerbot.core import wording
from knowledge import Corpus
from knowledge.items import Found, resolve_item
from storage import Storage

#: What a member types (``/learned undo``) to undo their last change.
UNDO_WORDS = frozenset({"undo", "/undo"})


@dataclass(frozen=True)
class Marked:
    """The answer to one attempt to mark (or unmark) an item."""

    text: str
    marked: str | None = None
    """The item id newly marked done: the caller offers an Undo for it."""
    choices: tuple[Found, ...] = ()
    """Items the member may have meant: the caller offers each as a choice."""


async def learned(
    db: Storage,
    corpus: Corpus,
    member_id: int,
    typed: str,
    *,
    echo: Callable[[str], str],
) -> Marked:
    """What ``/learned <typed>`` does: mark the item meant, offer a choice, or undo.

    ``echo`` makes the member's own words safe to show where the answer goes
    (markdown-escaped on Discord).
    """
    if typed.strip().casefold() in UNDO_WORDS:
        return await undo(db, corpus, member_id)
    match = resolve_item(corpus, typed)
    if match.item is not None:
        return await mark_done(db, corpus, member_id, match.item)
    if match.outcome == "ambiguous":
        return Marked(
            f"Which item did you mean by {echo(typed.strip())}? Pick one; nothing is "
            "marked until you do.",
            choices=match.choices,
        )
    return Marked(
        f"I don't know a checklist item like {echo(typed.strip())}. Pick one from the "
        "list as you type, or open a skill with `/skill`."
    )


async def mark_done(db: Storage, corpus: Corpus, member_id: int, found: Found) -> Marked:
    """Mark one resolved item done for the member; the confirmation says what changed."""
    skill, item = found
    before = {p.item_id: p.status for p in await db.get_progress(member_id)}
    if before.get(item.id) == "done":
        title = wording.item_title(corpus, item.id) or item.id
        return Marked(f"**{title}** is already marked done: nothing changed.")
    await db.set_progress(member_id, skill.id, item.id, "done")
    streak = await db.get_streak(member_id)
    summary = await db.summary(member_id, corpus.learning_path_items())
    return Marked(
        wording.learned_text(corpus, item.id, streak, summary.next_item_id), marked=item.id
    )


async def undo(db: Storage, corpus: Corpus, member_id: int, item_id: str | None = None) -> Marked:
    """Undo the member's last progress change (of ``item_id``: an Undo button's item)."""
    if item_id is not None:
        current = corpus.checklist_item(item_id)  # posted before a rename: its new id
        item_id = current[1].id if current is not None else item_id
    event = await db.undo_progress(member_id, item_id)
    if event is None:
        return Marked(
            "Nothing to undo: your last change was undone already, or the item has changed since."
        )
    title = wording.item_title(corpus, event.item_id) or event.item_id
    now = "not started" if event.old_status is None else f"back to {event.old_status}"
    return Marked(f"↩️ Undone: **{title}** is {now}.")
