"""The corpus format, defined once.

These models are the contract: the loader validates every YAML file against them,
and ``knowledge/schema.json`` (what editors use to check files as moderators type) is
generated from them, so the two can never disagree. Descriptions here become the hover
help moderators see in their editor.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

MAX_ANSWER_CHARS = 1500
MIN_PHRASINGS = 4
MAX_SUMMARY_CHARS = 200
MAX_WHY_CHARS = 1000
MAX_LINE_CHARS = 300

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ITEM_ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*$"

EntryId = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN, max_length=80),
    Field(
        description="Stable identifier: lowercase words joined by hyphens. Never rename "
        "one: links, tools and members' progress rely on it.",
        examples=["do-i-need-a-phd"],
    ),
]
ItemId = Annotated[
    str,
    StringConstraints(pattern=ITEM_ID_PATTERN, max_length=160),
    Field(
        description="Stable checklist item id: '<skill id>/<item>'. Members' progress is "
        "stored against it.",
        examples=["probability-statistics/bayes-rule"],
    ),
]
Line = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_LINE_CHARS)
]
Keyword = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]


class _Strict(BaseModel):
    """Unknown keys are errors (a misspelt key would otherwise be silently ignored)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class FaqEntry(_Strict):
    """A career question with a written answer."""

    id: EntryId
    question: Line = Field(description="The canonical question, as a heading for the answer.")
    phrasings: list[Line] = Field(
        min_length=MIN_PHRASINGS,
        description="How members really ask it: at least four, short and long, casual and "
        "formal. Each must be unique in the whole corpus.",
    )
    answer: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_ANSWER_CHARS)
    ] = Field(description="Discord markdown, at most 1,500 characters, ending with its source.")
    keywords: list[Keyword] = Field(
        default_factory=list,
        description="Informative words that point to this entry (not words every entry shares).",
    )
    sources: list[Line] = Field(default_factory=list, description="Titles of the source articles.")
    related: list[EntryId] = Field(
        default_factory=list, description="Ids of related FAQ or skill entries."
    )


class ChecklistItem(_Strict):
    """One concrete thing to learn; progress tracking counts these."""

    id: ItemId
    title: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)
    ] = Field(description="What the learner can do or knows once this item is done.")
    renamed_from: list[ItemId] = Field(
        default_factory=list,
        description="Ids this item had before (after renaming or moving it): members' "
        "progress stored under them is carried over to this id on the next reload.",
    )


class SkillEntry(_Strict):
    """A competency a member can learn, with a checklist that progress is measured against."""

    id: EntryId
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)] = (
        Field(description="Short display name, e.g. 'Probability and statistics'.")
    )
    summary: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_SUMMARY_CHARS)
    ] = Field(description="One line: what the skill is.")
    why: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_WHY_CHARS)
    ] = Field(description="Why it matters for an ML engineer.")
    checklist: list[ChecklistItem] = Field(
        min_length=1, description="Concrete learning items, in the order to learn them."
    )
    practice: list[Line] = Field(min_length=1, description="Ways to practise the skill.")
    phrasings: list[Line] = Field(
        default_factory=list, description="How members ask about learning this skill."
    )
    keywords: list[Keyword] = Field(default_factory=list)
    sources: list[Line] = Field(default_factory=list)
    related: list[EntryId] = Field(default_factory=list)
    order: int = Field(
        default=1000,
        description="Position on the suggested learning path (lower comes first); "
        "ties are ordered by id.",
    )


class FaqDraft(FaqEntry):
    """A FAQ entry a moderator drafted in Discord, not served until accepted.

    Checked like any entry (id, phrasings unique in the corpus, answer length), except
    that it may have fewer than four phrasings yet: accepting it into ``faq:`` needs them.
    """

    phrasings: list[Line] = Field(  # type: ignore[assignment]
        default_factory=list,
        description="How members ask it; at least four are needed before it is accepted.",
    )


SynonymKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9+#]+$", max_length=40)]
SynonymValue = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]


class CorpusFile(_Strict):
    """One YAML file of the corpus. Every key is optional, so a file can hold any mix."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        title="careerbot knowledge file",
        json_schema_extra={
            "description": "A careerbot corpus file: FAQ entries, skills and/or synonyms. "
            "See knowledge/README.md."
        },
    )

    faq: list[FaqEntry] = Field(default_factory=list, description="FAQ entries.")
    skills: list[SkillEntry] = Field(default_factory=list, description="Skill entries.")
    synonyms: dict[SynonymKey, SynonymValue] = Field(
        default_factory=dict,
        description="Words or abbreviations members type, mapped to what they mean "
        "(lowercase, one word on the left).",
    )
    phrasings: dict[EntryId, list[Line]] = Field(
        default_factory=dict,
        description="More phrasings for entries defined elsewhere, by entry id (what "
        "moderators add from Discord, in community/phrasings.yaml). Each must be unique "
        "in the whole corpus.",
    )
    drafts: list[FaqDraft] = Field(
        default_factory=list,
        description="FAQ entries drafted by moderators in Discord: checked, but not "
        "served until a moderator accepts them (/kb drafts).",
    )
