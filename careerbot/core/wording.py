"""What a member reads, worded once for every door: Discord, ``careerbot ask`` and
``careerbot chat``.

The console promises the bot's own answers, so it must not have wording of its own:
small talk, abstention, refusals and an entry's answer are written here, and
:mod:`bot.render` (embeds, Discord) and :mod:`careerbot.cli.terminal` (plain text) only lay them
out. An entry's answer is a :class:`Card` (title, text, fields, footer), which an
embed and a terminal both show.

No Discord here (nothing imports ``discord``), so the console and the command line
use it without loading discord.py. Texts may use Discord's markdown (``**bold**``,
``*italic*``, `` `code` ``); :func:`careerbot.cli.terminal.plain_markdown` shows it cleanly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from knowledge import Candidate, FaqEntry, SkillEntry

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_MAX = 1024
FOOTER_MAX = 2048

INTRO = (
    "Hi! I'm **careerbot**. I help you become a machine-learning engineer.\n"
    "• **Ask me anything** about ML careers, here in DMs or with `/ask` in a server: "
    "degrees, skills, portfolios, first jobs.\n"
    "• **Learn step by step**: `/skills` shows the skill map, `/skill` a checklist you can "
    "tick off, `/progress` how far you are.\n"
    "• `/help` lists everything I can do."
)

SMALLTALK = {
    "thanks": "You're welcome! Good luck with your learning. Ask me anything else any time.",
    "goodbye": "Bye! Come back whenever you have a question. Keep learning!",
    "howareyou": "I'm a bot, so always ready to help! What would you like to know about "
    "becoming an ML engineer?",
    "ack": "👍 Anything else you'd like to know?",
}

APOLOGY = "Sorry, something went wrong on my side. Please try again in a moment."


def truncate(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when something was cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + "…"


def abstain_text(suggestions: Sequence[Candidate]) -> str:
    """The honest "I don't know" when the matcher abstains."""
    text = "I don't have a good answer to that yet, and I'd rather not guess."
    if suggestions:
        return f"{text} Did you mean one of these?"
    return (
        f"{text} Try rephrasing it, or browse `/skills`. "
        "Moderators review unanswered questions to grow what I know."
    )


def smalltalk_text(kind: str) -> str:
    """A short friendly reply to small talk; greetings and "who are you" get the intro."""
    return SMALLTALK.get(kind, INTRO)


def refused_text(reason: str, length: int, limit: int) -> str:
    if reason == "too_long":
        return (
            f"That question is a bit long for me ({length:,} characters; I read up to "
            f"{limit:,}). Could you ask it in a sentence or two?"
        )
    return (
        "Ask me a question about becoming a machine-learning engineer, "
        "for example: *do I need a PhD?*"
    )


def slow_down_text(retry_after: float) -> str:
    seconds = max(1, round(retry_after + 0.49))
    unit = "second" if seconds == 1 else "seconds"
    return f"Slow down a little, please: you can ask again in {seconds} {unit}."


# ---------------------------------------------------------------------- answers ---


@dataclass(frozen=True)
class Card:
    """An answer laid out as an embed is: what both Discord and a terminal show."""

    title: str
    description: str
    fields: tuple[tuple[str, str], ...] = ()
    footer: str | None = None


def _sources_line(sources: Sequence[str], body: str) -> str | None:
    """The sources to list under an answer, unless the answer already names them all
    (corpus answers end with their source line; repeating it looks sloppy)."""
    if not sources or all(source in body for source in sources):
        return None
    return "Sources: " + "; ".join(sources)


def entry_card(entry: FaqEntry | SkillEntry) -> Card:
    """An entry as an answer: the entry's question (or skill name) as the title, cut
    to Discord's limits so every door shows the same text."""
    if isinstance(entry, FaqEntry):
        sources = _sources_line(entry.sources, entry.answer)
        return Card(
            title=truncate(entry.question, TITLE_MAX),
            description=truncate(entry.answer, DESCRIPTION_MAX),
            footer=truncate(sources, FOOTER_MAX) if sources else None,
        )
    checklist = "\n".join(f"• {item.title}" for item in entry.checklist)
    practice = "\n".join(f"• {line}" for line in entry.practice)
    footer = "Track this skill with /skill"
    sources = _sources_line(entry.sources, "")
    if sources:
        footer = f"{footer} · {sources}"
    return Card(
        title=truncate(entry.name, TITLE_MAX),
        description=truncate(f"{entry.summary}\n\n{entry.why}", DESCRIPTION_MAX),
        fields=(
            ("What to learn", truncate(checklist, FIELD_MAX)),
            ("Practice", truncate(practice, FIELD_MAX)),
        ),
        footer=truncate(footer, FOOTER_MAX),
    )
