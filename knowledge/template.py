"""``careerbot kb new``: a new entry's file, to fill in.

A moderator adding an entry should not copy an old file and forget to change its id,
nor learn the rules from CI. The template is a file in the corpus format with every
field in place and a comment saying what goes there, and it is deliberately *not*
valid until filled in: its answer (or why and checklist) is empty and it has one
phrasing of the four needed, so ``careerbot kb check`` names exactly what is still
missing, and an unfinished entry can never be reloaded by accident.
"""

from __future__ import annotations

import json
import re

from knowledge.models import MIN_PHRASINGS
from knowledge.text import STOPWORDS, tokens

#: Ids are made of the question's first few telling words.
ID_WORDS = 6


def entry_id(text: str) -> str:
    """``How do I negotiate a raise as an ML engineer?`` -> ``negotiate-raise-ml-engineer``."""
    words = [w for w in tokens(text) if re.fullmatch(r"[a-z0-9]+", w)]
    telling = [w for w in words if w not in STOPWORDS] or words
    return "-".join(telling[:ID_WORDS]) or "new-entry"


def _yaml_text(value: str) -> str:
    """A one-line YAML scalar: JSON strings are valid YAML and quote whatever needs it."""
    return json.dumps(value.strip(), ensure_ascii=False)


def faq_template(question: str, new_id: str) -> str:
    return f"""\
# A new FAQ entry. Fill in every TODO, then run `careerbot kb check` until it says OK,
# and `careerbot kb explain "<a member's question>"` to see that it is found.
# The format, with a finished example: knowledge/README.md, "A FAQ entry".
faq:
  - id: {new_id}   # lowercase words joined by hyphens; never change it once served
    question: {_yaml_text(question)}
    # TODO: at least {MIN_PHRASINGS} phrasings: how members really ask it, in their words
    # (`careerbot kb gaps` lists real ones), each on its own line, e.g.
    #   phrasings:
    #     - {question.strip().lower()}
    phrasings: []
    # TODO: the answer in Discord markdown, at most 1,500 characters, ending with the
    # line naming its sources, e.g. *Source: "How to become a Machine Learning Engineer?"*
    # Write it as a block:   answer: |
    #                          **Short answer first.** Then the detail.
    answer: ""
    keywords: []   # optional: words members use for this topic
    sources: []    # titles of the articles the answer is from (as in its last line)
    related: []    # optional: ids of entries to offer next
"""


def skill_template(name: str, new_id: str) -> str:
    return f"""\
# A new skill. Fill in every TODO, then run `careerbot kb check` until it says OK.
# The format, with a finished example: knowledge/README.md, "A skill entry".
skills:
  - id: {new_id}   # lowercase words joined by hyphens; never change it once served
    name: {_yaml_text(name)}
    summary: ""   # TODO: one line, at most 200 characters: what the skill is
    why: ""       # TODO: why an ML engineer needs it, at most 1,000 characters
    checklist:    # what progress tracking counts; item ids are <skill id>/<item>
      # TODO: at least one item, e.g.
      #   - id: {new_id}/first-step
      #     title: The first thing to be able to do
      []
    practice: []  # TODO: at least one way to practise it
    phrasings: []   # optional: how members ask about it
    keywords: []    # optional
"""
