"""Every component custom id the bot sends, defined in one place.

Buttons and selects must keep working after a restart, so they carry everything they
need in their custom id and are routed by a template regex
(``discord.ui.DynamicItem``) rather than by a view object remembered in memory. That
makes these strings a contract with every message already posted in Discord: **never
change an existing format**; add a new one instead.

=====================================  ============================================
``careerbot:fb:<log id>:up|down``       helpful / not helpful on a logged answer
``careerbot:show:<entry id>``           show an entry (did-you-mean, related)
``careerbot:item:<item id>:learning|done``  set a checklist item's status
``careerbot:mark:<skill id>:learning|done`` select menu: set several items of a skill
``careerbot:skills:<page>:prev|next``   page through the skill map
``careerbot:forget:<user id>:confirm|cancel``  confirm deleting a member's data
``careerbot:rem:<reminder id>:snooze``  snooze a delivered reminder for an hour
``careerbot:rem-done:<item id>``        "Mark done" on a reminder's next item
``careerbot:rem-skill:<skill id>``      "Show me": the skill card, privately
``careerbot:learned:<item id>``         mark this one done: a choice ``/learned`` offered
``careerbot:undo:<item id>``            undo the last change of this item (its owner's)
``careerbot:community:<log id>``        "Ask the community" under an answer or abstention
``careerbot:community-post:<log id>:anon|named``  a private question: post it, how
``careerbot:community-where:<log id>``  select menu: the server a DM question goes to
``careerbot:community-dm:<log id>:<guild id>:anon|named``  a DM question: post it there, how
``careerbot:community-done:<thread id>:<member id>``  "This answered me" (the asker's)
``careerbot:teach-phr:<thread id>``     moderators: add the thread's question as a phrasing
``careerbot:teach-pick:<thread id>``    select menu: the entry to add it to
``careerbot:teach-draft:<thread id>``   moderators: draft an entry from the thread
``careerbot:kbdraft:<entry id>:accept|reject``  moderators: a draft, from ``/kb drafts``
``careerbot:kbundo:<change id>``        moderators: undo this corpus change
``careerbot:gaps:<days>``               select menu: a ``/kb gaps`` row (value: its token)
``careerbot:gap-phr:<days>:<token>``    moderators: add that gap as a phrasing
``careerbot:gap-pick:<days>:<token>``   select menu: the entry to add it to
``careerbot:gap-draft:<days>:<token>``  moderators: draft an entry from that gap
=====================================  ============================================

Discord allows 100 characters; builders return ``None`` when an id would not fit, and
callers then leave that component out rather than send an invalid message.
"""

from __future__ import annotations

from typing import Literal

MAX_CUSTOM_ID = 100
PREFIX = "careerbot"

_ENTRY = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_ITEM = rf"{_ENTRY}/{_ENTRY}"

FEEDBACK = rf"{PREFIX}:fb:(?P<log_id>[0-9]+):(?P<vote>up|down)"
SHOW = rf"{PREFIX}:show:(?P<entry_id>{_ENTRY})"
ITEM = rf"{PREFIX}:item:(?P<item_id>{_ITEM}):(?P<status>learning|done)"
MARK = rf"{PREFIX}:mark:(?P<skill_id>{_ENTRY}):(?P<status>learning|done)"
SKILLS_PAGE = rf"{PREFIX}:skills:(?P<page>[0-9]{{1,4}}):(?:prev|next)"
FORGET = rf"{PREFIX}:forget:(?P<user_id>[0-9]+):(?P<action>confirm|cancel)"
SNOOZE = rf"{PREFIX}:rem:(?P<reminder_id>[0-9]+):snooze"
REMINDER_DONE = rf"{PREFIX}:rem-done:(?P<item_id>{_ITEM})"
REMINDER_SKILL = rf"{PREFIX}:rem-skill:(?P<skill_id>{_ENTRY})"
LEARNED = rf"{PREFIX}:learned:(?P<item_id>{_ITEM})"
UNDO = rf"{PREFIX}:undo:(?P<item_id>{_ITEM})"

COMMUNITY = rf"{PREFIX}:community:(?P<log_id>[0-9]+)"
COMMUNITY_POST = rf"{PREFIX}:community-post:(?P<log_id>[0-9]+):(?P<how>anon|named)"
COMMUNITY_WHERE = rf"{PREFIX}:community-where:(?P<log_id>[0-9]+)"
COMMUNITY_DM = (
    rf"{PREFIX}:community-dm:(?P<log_id>[0-9]+):(?P<guild_id>[0-9]+):(?P<how>anon|named)"
)
COMMUNITY_DONE = rf"{PREFIX}:community-done:(?P<thread_id>[0-9]+):(?P<member_id>[0-9]+)"
TEACH_PHRASING = rf"{PREFIX}:teach-phr:(?P<thread_id>[0-9]+)"
TEACH_PICK = rf"{PREFIX}:teach-pick:(?P<thread_id>[0-9]+)"
TEACH_DRAFT = rf"{PREFIX}:teach-draft:(?P<thread_id>[0-9]+)"
DRAFT_ACTION = rf"{PREFIX}:kbdraft:(?P<entry_id>{_ENTRY}):(?P<action>accept|reject)"
KB_UNDO = rf"{PREFIX}:kbundo:(?P<change_id>[0-9]+)"
_GAP = r"(?P<days>[0-9]{1,3}):(?P<token>[0-9a-f]{1,64})"
GAPS_PICK = rf"{PREFIX}:gaps:(?P<days>[0-9]{{1,3}})"
GAP_PHRASING = rf"{PREFIX}:gap-phr:{_GAP}"
GAP_PICK = rf"{PREFIX}:gap-pick:{_GAP}"
GAP_DRAFT = rf"{PREFIX}:gap-draft:{_GAP}"

Vote = Literal["up", "down"]
MarkStatus = Literal["learning", "done"]


def _fit(custom_id: str) -> str | None:
    return custom_id if len(custom_id) <= MAX_CUSTOM_ID else None


def feedback(log_id: int, vote: Vote) -> str:
    return f"{PREFIX}:fb:{log_id}:{vote}"


def show(entry_id: str) -> str | None:
    return _fit(f"{PREFIX}:show:{entry_id}")


def item(item_id: str, status: MarkStatus) -> str | None:
    return _fit(f"{PREFIX}:item:{item_id}:{status}")


def mark(skill_id: str, status: MarkStatus) -> str | None:
    return _fit(f"{PREFIX}:mark:{skill_id}:{status}")


def skills_page(page: int, direction: Literal["prev", "next"]) -> str:
    return f"{PREFIX}:skills:{page}:{direction}"


def forget(user_id: int, action: Literal["confirm", "cancel"]) -> str:
    return f"{PREFIX}:forget:{user_id}:{action}"


def snooze(reminder_id: int) -> str:
    return f"{PREFIX}:rem:{reminder_id}:snooze"


def reminder_done(item_id: str) -> str | None:
    return _fit(f"{PREFIX}:rem-done:{item_id}")


def reminder_skill(skill_id: str) -> str | None:
    return _fit(f"{PREFIX}:rem-skill:{skill_id}")


def learned(item_id: str) -> str | None:
    return _fit(f"{PREFIX}:learned:{item_id}")


def undo(item_id: str) -> str | None:
    return _fit(f"{PREFIX}:undo:{item_id}")


def community(log_id: int) -> str:
    return f"{PREFIX}:community:{log_id}"


def community_post(log_id: int, how: Literal["anon", "named"]) -> str:
    return f"{PREFIX}:community-post:{log_id}:{how}"


def community_where(log_id: int) -> str:
    return f"{PREFIX}:community-where:{log_id}"


def community_dm(log_id: int, guild_id: int, how: Literal["anon", "named"]) -> str:
    return f"{PREFIX}:community-dm:{log_id}:{guild_id}:{how}"


def community_done(thread_id: int, member_id: int) -> str:
    return f"{PREFIX}:community-done:{thread_id}:{member_id}"


def teach_phrasing(thread_id: int) -> str:
    return f"{PREFIX}:teach-phr:{thread_id}"


def teach_pick(thread_id: int) -> str:
    return f"{PREFIX}:teach-pick:{thread_id}"


def teach_draft(thread_id: int) -> str:
    return f"{PREFIX}:teach-draft:{thread_id}"


def draft_action(entry_id: str, action: Literal["accept", "reject"]) -> str | None:
    return _fit(f"{PREFIX}:kbdraft:{entry_id}:{action}")


def kb_undo(change_id: int) -> str:
    return f"{PREFIX}:kbundo:{change_id}"


def gaps_pick(days: int) -> str:
    return f"{PREFIX}:gaps:{days}"


def gap_phrasing(days: int, token: str) -> str:
    return f"{PREFIX}:gap-phr:{days}:{token}"


def gap_pick(days: int, token: str) -> str:
    return f"{PREFIX}:gap-pick:{days}:{token}"


def gap_draft(days: int, token: str) -> str:
    return f"{PREFIX}:gap-draft:{days}:{token}"
