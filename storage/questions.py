"""The question log's privacy rule and grouping key. Pure, shared by every backend.

Privacy default (deliberate; the rule lives here so no caller can get it wrong):

* The **text** of a question is stored only when it was asked **publicly in a guild
  channel** (everyone in the channel could read it anyway), or when the member opted
  in with the ``store_question_text`` preference.
* Questions asked in a **DM** or **privately** in a guild (an ephemeral slash command)
  keep no text by default. Their row records only where (guild id, or none for a DM),
  how it was asked, the matched corpus id or the abstention, the match kind, the
  confidence and the time: enough for answer-rate statistics, nothing a member said.
* Members can export or delete all of it (``export_member`` / ``forget_member``).

The caller passes the text every time and storage drops it when the rule says so.
"""

from __future__ import annotations

from storage.errors import InvalidInputError
from storage.models import Visibility

VISIBILITIES: tuple[Visibility, ...] = ("public", "ephemeral", "dm")


def keeps_text(visibility: Visibility, opted_in: bool) -> bool:
    """Whether the question text may be stored (see the module docstring)."""
    return visibility == "public" or opted_in


def check_where(visibility: str, guild_id: int | None) -> None:
    """A DM has no guild; a public or ephemeral ask happens in one."""
    if visibility not in VISIBILITIES:
        raise InvalidInputError(f"visibility must be one of {', '.join(VISIBILITIES)}")
    if (visibility == "dm") != (guild_id is None):
        raise InvalidInputError("a DM question has no guild id; a guild question needs one")


def group_key(text: str) -> str:
    """How questions are grouped for moderators: case-folded, whitespace collapsed,
    trailing ``?``/``!``/``.`` dropped ("Do I need a PhD?" == "do i  need a phd")."""
    return " ".join(text.casefold().split()).rstrip("?!. ")
