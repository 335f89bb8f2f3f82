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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from knowledge import Candidate, Corpus, FaqEntry, SkillEntry
from storage import ProgressSummary, Streak

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

BAR_FULL = "█"
BAR_EMPTY = "░"

STATUS_MARK = {"done": "✅", "learning": "📖", "skipped": "⏭️"}
NOT_STARTED_MARK = "⬜"

SKILLS_PER_PAGE = 10

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


# ---------------------------------------------------------------------- skills ---


def progress_bar(done: int, total: int, width: int = 10) -> str:
    """``done/total`` as a bar of ``width`` cells; partially filled cells round down, so
    a bar is full only when everything is done."""
    filled = width if total <= 0 else min(width, max(0, done) * width // total)
    return BAR_FULL * filled + BAR_EMPTY * (width - filled)


def percent(value: float) -> str:
    """Whole percent, never showing 100% before everything is done (99.6 -> 99%), nor
    0% once something is (a learner's first item must show: 0.7 -> "<1%")."""
    if 0 < value < 1:
        return "<1%"
    return f"{int(value)}%"


def skills_page_count(corpus: Corpus, per_page: int = SKILLS_PER_PAGE) -> int:
    return max(1, -(-len(corpus.skills) // per_page))


def skills_card(corpus: Corpus, page: int, per_page: int = SKILLS_PER_PAGE) -> Card:
    """One page of the skill map, in learning-path order."""
    pages = skills_page_count(corpus, per_page)
    page = min(max(page, 0), pages - 1)
    path = corpus.learning_path()
    start = page * per_page
    lines = [
        f"**{start + i + 1}. {skill.name}**: {skill.summary}"
        for i, skill in enumerate(path[start : start + per_page])
    ]
    footer = "Open one with /skill name"
    if pages > 1:
        footer = f"Page {page + 1} of {pages} · {footer}"
    return Card(
        title="The ML engineer skill map",
        description=truncate("\n".join(lines) or "No skills yet.", DESCRIPTION_MAX),
        footer=footer,
    )


def skill_card(skill: SkillEntry, statuses: Mapping[str, str]) -> Card:
    """A skill's checklist with the member's own status on each item."""
    done = sum(1 for item in skill.checklist if statuses.get(item.id) == "done")
    total = len(skill.checklist)
    lines = [
        f"{STATUS_MARK.get(statuses.get(item.id, ''), NOT_STARTED_MARK)} {item.title}"
        for item in skill.checklist
    ]
    description = (
        f"{skill.summary}\n\n`{progress_bar(done, total)}` {done}/{total} done\n\n"
        + "\n".join(lines)
    )
    practice = "\n".join(f"• {line}" for line in skill.practice)
    return Card(
        title=truncate(skill.name, TITLE_MAX),
        description=truncate(description, DESCRIPTION_MAX),
        fields=(
            ("Why it matters", truncate(skill.why, FIELD_MAX)),
            ("Practice", truncate(practice, FIELD_MAX)),
        ),
        footer="✅ done · 📖 learning · ⏭️ skipped · ⬜ not started",
    )


def item_title(corpus: Corpus, item_id: str | None) -> str | None:
    found = corpus.checklist_item(item_id) if item_id else None
    if found is None:
        return None
    skill, item = found
    return f"{item.title} ({skill.name})"


def progress_card(summary: ProgressSummary, streak: Streak, corpus: Corpus) -> Card:
    """Per-skill bars, overall percent, streak and the next item to learn."""
    names = {skill.id: skill.name for skill in corpus.skills}
    lines = [
        f"`{progress_bar(s.done, s.total)}` {percent(s.percent)} "
        f"{names.get(s.skill_id, s.skill_id)} ({s.done}/{s.total})"
        for s in summary.skills
    ]
    overall = (
        f"**Overall** `{progress_bar(summary.done, summary.total)}` "
        f"{percent(summary.percent)} ({summary.done}/{summary.total} items)"
    )
    days = "day" if streak.current == 1 else "days"
    streak_line = f"**Streak** 🔥 {streak.current} {days} (longest {streak.longest})"
    nxt = item_title(corpus, summary.next_item_id)
    next_line = f"**Next up** {nxt}" if nxt else "**Next up** nothing: you've done it all! 🎉"
    header = "\n".join([overall, streak_line, next_line])
    description = header + "\n\n" + "\n".join(lines)
    footer = None
    if summary.done == 0 and not any(s.learning for s in summary.skills):
        footer = "Start with the item above, or open any skill with /skill"
    return Card(
        title="Your progress", description=truncate(description, DESCRIPTION_MAX), footer=footer
    )


def learned_text(corpus: Corpus, item_id: str, streak: Streak, next_item: str | None) -> str:
    title = item_title(corpus, item_id) or item_id
    days = "day" if streak.current == 1 else "days"
    text = f"✅ Marked **{title}** as done. Streak: 🔥 {streak.current} {days}."
    nxt = item_title(corpus, next_item)
    if nxt:
        text += f"\nNext up: {nxt}"
    return text


def timezone_text(zone: str, now: datetime) -> str:
    return f"Your time zone is now **{zone}** (it's {now:%H:%M} there)."
