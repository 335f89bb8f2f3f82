"""The bot's replies as terminal text: what ``careerbot ask`` and ``careerbot chat`` print.

The words are the bot's own (:mod:`careerbot.core.wording`, the same functions Discord's replies
use); this module only lays them out for a terminal. Discord's markdown is shown the
way Discord shows it, without its marks: ``**bold**`` and ``*italic*`` become plain
words, `` `code` `` loses its backticks and escaped characters lose their backslash.
Buttons become lines: related entries, and numbered "Did you mean" choices.

No Discord here, so the command line answers without loading discord.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from careerbot.core.wording import Card, abstain_text, entry_card, refused_text, smalltalk_text
from knowledge import Candidate, Corpus, FaqEntry, SkillEntry
from knowledge.match import MatchResult

_BOLD = re.compile(r"(?<!\\)\*\*(?=\S)(.+?)(?<=[^\s\\])\*\*")
_ITALIC = re.compile(r"(?<![\w*\\])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*\\])\*(?![\w*])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_CODE = re.compile(r"(?<!\\)`([^`\n]+?)(?<!\\)`")
_ESCAPED = re.compile(r"\\([*_`~|>\\])")


def plain_markdown(text: str) -> str:
    """Discord markdown as a terminal shows it cleanly: the marks go, the words stay."""
    text = _CODE.sub(r"\1", text)
    text = _BOLD.sub(r"\1", text)
    text = _STRIKE.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    return _ESCAPED.sub(r"\1", text)


def card_text(card: Card) -> str:
    """A card (an embed's parts) as paragraphs: title, text, each field, footer."""
    parts = [card.title, card.description]
    parts += [f"{name}\n{value}" for name, value in card.fields]
    if card.footer:
        parts.append(card.footer)
    return plain_markdown("\n\n".join(part.strip() for part in parts if part.strip()))


def entry_text(entry: FaqEntry | SkillEntry, corpus: Corpus) -> str:
    """An entry as the bot answers with it, and its related entries (Discord's buttons)."""
    text = card_text(entry_card(entry))
    related = [r for r in entry.related if r in corpus]
    if related:
        text += "\n\nRelated: " + "; ".join(f"{corpus.title(r)} ({r})" for r in related)
    return text


def suggestions_text(suggestions: Sequence[Candidate]) -> str:
    """The "Did you mean" buttons as numbered lines (type the number in ``chat``)."""
    return "\n".join(f"  {n}. {c.title} ({c.id})" for n, c in enumerate(suggestions, 1))


def result_text(
    result: MatchResult | None,
    question: str,
    corpus: Corpus,
    *,
    max_chars: int,
    show_match: bool = False,
) -> str:
    """The reply to ``question``, worded as on Discord; ``None`` for a question refused
    before matching (too long). ``show_match`` adds the entry id and confidence under an
    answer, for moderators previewing with ``careerbot ask``."""
    if result is None:
        return plain_markdown(refused_text("too_long", len(question), max_chars))
    if result.refused is not None:
        return plain_markdown(refused_text(result.refused, len(question), max_chars))
    if result.smalltalk is not None:
        return plain_markdown(smalltalk_text(result.smalltalk))
    entry = corpus.entry(result.match.id) if result.match is not None else None
    if entry is not None and result.match is not None:
        text = entry_text(entry, corpus)
        if show_match:
            text += (
                f"\n\n[{result.match.kind}: {result.match.id}, confidence {result.match.score:.0f}]"
            )
        return text
    text = plain_markdown(abstain_text(result.suggestions))
    if result.suggestions:
        text += "\n" + suggestions_text(result.suggestions)
    return text
