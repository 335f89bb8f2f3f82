"""What members see: embeds and text built from corpus entries and storage results.

Pure functions, no I/O and no Discord connection, so every wording and every Discord
limit (256-character titles, 4,096-character descriptions, 1,024-character fields,
2,000-character messages) is tested directly in ``tests/bot/test_render.py``.
Components (buttons, selects) are built next to their callbacks in ``bot/exts``.

The words themselves (small talk, abstention, refusals, an entry's answer) are in
:mod:`careerbot.core.wording`, shared with the console; this module lays them out for Discord.

Member text that is echoed back (a question, a gap report) goes through :func:`quote`
or :func:`plain`, which escape markdown; pings are prevented separately by
``allowed_mentions`` (see :mod:`bot.client`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import discord

from careerbot.core.kb_stats import KbStats, community_line
from careerbot.core.wording import (  # noqa: F401  (re-exported: the wording every door shares)
    APOLOGY,
    BAR_EMPTY,
    BAR_FULL,
    DESCRIPTION_MAX,
    FIELD_MAX,
    FOOTER_MAX,
    INTRO,
    NOT_STARTED_MARK,
    SKILLS_PER_PAGE,
    SMALLTALK,
    STATUS_MARK,
    TITLE_MAX,
    Card,
    abstain_text,
    entry_card,
    item_title,
    learned_text,
    percent,
    progress_bar,
    progress_card,
    refused_text,
    skill_card,
    skills_card,
    skills_page_count,
    slow_down_text,
    smalltalk_text,
    timezone_text,
    truncate,
)
from knowledge import Corpus, FaqEntry, ReloadResult, SkillEntry, issue_line
from knowledge.losses import describe
from knowledge.service import Fallback
from storage import GapRow, GuildSettings, ProgressSummary, Streak

CONTENT_MAX = 2000
LABEL_MAX = 80
OPTION_LABEL_MAX = 100

COLOUR = discord.Colour(0x5865F2)
COLOUR_WARN = discord.Colour(0xFEE75C)


MAX_REPORTED_ISSUES = 5
MAX_REPORTED_LOSSES = 10

# ---------------------------------------------------------------------- basics ---


def plain(text: str, limit: int) -> str:
    """Member text made inert for markdown and shortened to ``limit``; newlines folded."""
    folded = " ".join(text.split())
    return discord.utils.escape_markdown(truncate(folded, limit))


def quote(text: str, limit: int = 300) -> str:
    """A member's question as a block quote, markdown escaped (it is echoed publicly)."""
    return "> " + plain(text, limit)


def button_label(text: str) -> str:
    return truncate(text, LABEL_MAX)


# ---------------------------------------------------------------------- answers ---


def embed_of(card: Card, colour: discord.Colour = COLOUR) -> discord.Embed:
    """A :class:`~careerbot.core.wording.Card` as an embed (the console shows the same card)."""
    embed = discord.Embed(title=card.title, description=card.description, colour=colour)
    for name, value in card.fields:
        embed.add_field(name=name, value=value, inline=False)
    if card.footer:
        embed.set_footer(text=card.footer)
    return embed


def entry_embed(entry: FaqEntry | SkillEntry) -> discord.Embed:
    """An entry as an answer: the entry's question (or skill name) as the title."""
    return embed_of(entry_card(entry))


# ---------------------------------------------------------------------- help ---


def help_embed() -> discord.Embed:
    embed = discord.Embed(title="What careerbot can do", colour=COLOUR)
    embed.description = (
        "I answer questions about becoming a machine-learning engineer and help you "
        "track what you've learned. In DMs, just write your question."
    )
    embed.add_field(
        name="Ask",
        value="`/ask question` answer from the curated FAQ (add `private` to keep it to "
        "yourself)\nDM me: any message is a question",
        inline=False,
    )
    embed.add_field(
        name="Learn",
        value="`/skills` the skill map\n`/skill name` a skill's checklist; mark items as "
        "learning or done\n`/learned item` mark one item done (`/learned undo` takes it back)\n"
        "`/progress` your progress, streak and what's next\n`/timezone zone` your time zone, "
        "for streaks",
        inline=False,
    )
    embed.add_field(
        name="Remind",
        value="`/remind set when` e.g. `9am`, `every weekday 8am`, `in 2 hours`, "
        "`tomorrow 18:00`\n`/remind list` · `pause` · `resume` · `delete`\n"
        "`/remind quiet` hours when reminders wait, e.g. 22:00 to 07:00",
        inline=False,
    )
    embed.add_field(
        name="Your data",
        value="`/privacy export` everything I store about you, as a file\n"
        "`/privacy forget` delete it\n"
        "`/privacy questions` let moderators see your private questions I could not answer",
        inline=False,
    )
    embed.add_field(
        name="Moderators",
        value="`/kb reload` `/kb gaps` `/kb stats` `/config`",
        inline=False,
    )
    return embed


# ---------------------------------------------------------------------- skills ---


def skills_embed(corpus: Corpus, page: int, per_page: int = SKILLS_PER_PAGE) -> discord.Embed:
    """One page of the skill map, in learning-path order."""
    return embed_of(skills_card(corpus, page, per_page))


def skill_card_embed(skill: SkillEntry, statuses: Mapping[str, str]) -> discord.Embed:
    """A skill's checklist with the member's own status on each item."""
    return embed_of(skill_card(skill, statuses))


def progress_embed(summary: ProgressSummary, streak: Streak, corpus: Corpus) -> discord.Embed:
    """Per-skill bars, overall percent, streak and the next item to learn."""
    return embed_of(progress_card(summary, streak, corpus))


# ---------------------------------------------------------------------- moderation ---


#: Added to a reload's report when the other bot processes could not be told of it.
NOT_ANNOUNCED = (
    "⚠️ I could not tell the bot's other processes (my connection to the database for "
    "that is down), so members on their servers keep the previous answers for now. "
    "Run `/kb reload` again in a minute."
)


def reload_text(result: ReloadResult, root: Path, fallback: Fallback | None = None) -> str:
    """What a moderator reads after ``/kb reload``. ``fallback`` is set while the bot
    serves the last good copy because the folder was broken at start-up: said every
    time, since nobody may have read the start-up log."""
    if result.ok:
        text = f"✅ Reloaded the corpus: now serving {result.entries} entries."
        if result.losses:
            text += f"\nAccepted on purpose ({len(result.losses)} loss(es)):\n" + _losses(result)
        return truncate(text, CONTENT_MAX)
    if result.held:
        text = (
            f"⚠️ I kept serving the previous version ({result.entries} entries): the files "
            f"are valid, but members would lose {len(result.losses)} thing(s). "
            "A file saved halfway looks like this.\n"
            + _losses(result)
            + "\nIf these are on purpose, run `/kb reload force:true`."
        )
    elif result.unsettled:
        text = (
            "⏳ The corpus files were still changing, so I read nothing and kept serving "
            f"the previous version ({result.entries} entries). Run `/kb reload` again "
            "once they are saved."
        )
    elif result.busy:
        text = "⏳ Another reload is still running; try again in a moment."
    else:
        shown = [issue_line(i, root) for i in result.issues[:MAX_REPORTED_ISSUES]]
        more = len(result.issues) - len(shown)
        body = "\n".join(truncate(line, 300) for line in shown)
        text = (
            f"❌ The corpus has {len(result.issues)} problem(s), so I kept serving the "
            f"previous version ({result.entries} entries). First problems:\n```\n{body}\n```"
        )
        if more > 0:
            text += f"…and {more} more. Run `careerbot kb check` to see them all."
    if fallback is not None:
        text = (
            f"🚨 Since start-up I have been serving the last good copy of the corpus "
            f"(saved {fallback.saved_at}), because the folder "
            + ("had problems" if fallback.issues else "would have lost entries")
            + ".\n"
            + text
        )
    return truncate(text, CONTENT_MAX)


def _losses(result: ReloadResult) -> str:
    lines = describe(result.losses, MAX_REPORTED_LOSSES)
    body = "\n".join(truncate(line, 300) for line in lines)
    return f"```\n{body}\n```"


def gaps_text(rows: Sequence[GapRow], days: int, answered: Mapping[str, str] | None = None) -> str:
    if not rows:
        return (
            f"No unanswered or unhelpful questions in the last {days} day(s). "
            "(Private and DM questions show up only for members who opted in with "
            "`/privacy questions`.)"
        )
    lines = [f"**Questions that need an answer (last {days} day(s))**"]
    for row in rows:
        parts = []
        if row.unanswered:
            parts.append(f"{row.unanswered} unanswered")
        if row.not_helpful:
            parts.append(f"{row.not_helpful} not helpful")
        now = (answered or {}).get(row.key)
        if now is not None:
            parts.append(f"now answered by `{now}`")
        lines.append(f"**{row.asked}×** {plain(row.example, 150)} ({', '.join(parts)})")
    text = ""
    for line in lines:
        if len(text) + len(line) + 1 > CONTENT_MAX:
            break
        text += line + "\n"
    return text.rstrip()


def corpus_warning(fallback: Fallback | None, refusal: ReloadResult | None) -> str | None:
    """Why the corpus served is not the one on disk, if it is not: the watcher's reports
    go to the log, which moderators do not read."""
    lines = []
    if fallback is not None:
        lines.append(f"Serving the last good copy (saved {fallback.saved_at}) since start-up.")
    if refusal is not None and refusal.held:
        lines.append(
            f"A change on disk is held back: it would lose {len(refusal.losses)} thing(s)."
        )
    elif refusal is not None and refusal.issues:
        lines.append(f"A change on disk has {len(refusal.issues)} problem(s).")
    if not lines:
        return None
    return "\n".join(lines) + "\nRun `/kb reload` to see why."


#: How many entries and gaps each list of ``/kb stats`` shows (the CSV has more).
STATS_LIST = 5


def _lines_within(lines: Sequence[str], limit: int, more: str) -> str:
    """As many of ``lines`` as fit in ``limit`` characters, then ``more`` (formatted with
    how many were left out) if some did not."""
    shown = list(lines)
    while shown:
        left_out = len(lines) - len(shown)
        text = "\n".join([*shown, more.format(left_out)] if left_out else shown)
        if len(text) <= limit:
            return text
        shown.pop()
    return truncate(more.format(len(lines)), limit) if lines else ""


def stats_embed(
    corpus: Corpus, report: KbStats, days: int, warning: str | None = None
) -> discord.Embed:
    """``/kb stats``: what :func:`careerbot.core.kb_stats.kb_stats` found, in fields."""
    totals = report.totals
    items = len(corpus.checklist_items)
    embed = discord.Embed(title=f"careerbot: the last {days} day(s)", colour=COLOUR)
    embed.add_field(
        name="Corpus",
        value=f"{len(corpus.faq)} FAQ entries\n{len(corpus.skills)} skills\n{items} checklist "
        "items",
    )
    embed.add_field(
        name="Questions",
        value=f"{totals.asked} asked\n{totals.answered} answered\n"
        f"answer rate {totals.answer_rate:.0%}\nabstention rate {report.abstention_rate:.0%}",
    )
    embed.add_field(
        name="Feedback",
        value=f"{totals.votes} votes\nhelpful rate {totals.helpful_rate:.0%}",
    )
    weeks = [
        f"`{week.week_start}` {week.asked} asked, {week.answer_rate:.0%} answered, "
        f"{week.abstention_rate:.0%} abstained"
        if week.asked
        else f"`{week.week_start}` no questions"
        for week in reversed(report.weeks)
    ]
    embed.add_field(
        name="Per week (from Monday, UTC; newest first)",
        value=_lines_within(weeks, FIELD_MAX, "… and {} earlier week(s)") or "none",
        inline=False,
    )
    asked = [
        f"**{entry.asked}×** `{entry.entry_id}` ({entry.helpful} 👍 {entry.not_helpful} 👎)"
        for entry in report.most_asked[:STATS_LIST]
    ]
    embed.add_field(
        name="Most asked entries",
        value=_lines_within(asked, FIELD_MAX, "…") or "none answered yet",
        inline=False,
    )
    unhelpful = [
        f"**{entry.not_helpful}** 👎 `{entry.entry_id}` (of {entry.asked} answers)"
        for entry in report.most_unhelpful[:STATS_LIST]
    ]
    embed.add_field(
        name="Voted not helpful",
        value=_lines_within(unhelpful, FIELD_MAX, "…") or "no such votes",
        inline=False,
    )
    gaps = [f"**{gap.asked}×** {plain(gap.example, 120)}" for gap in report.gaps[:STATS_LIST]]
    embed.add_field(
        name="Open gaps (`/kb gaps` lists them)",
        value=_lines_within(gaps, FIELD_MAX, "…") or "none",
        inline=False,
    )
    embed.add_field(name="Asked the community", value=community_line(report), inline=False)
    if warning:
        embed.add_field(name="⚠️ Corpus on disk", value=warning, inline=False)
    embed.set_footer(text="Everything, as a spreadsheet: careerbot kb stats --csv")
    return embed


def config_text(settings: GuildSettings, default_threshold: float) -> str:
    def channel(cid: int | None) -> str:
        return f"<#{cid}>" if cid else "not set"

    roles = " ".join(f"<@&{r}>" for r in sorted(settings.moderator_role_ids)) or "none"
    if settings.confidence_threshold is None:
        threshold = f"{default_threshold:g}% (default)"
    else:
        # The default is shown too: it moves when the matcher is recalibrated (23% became
        # 27.8% when the meaning similarity came in), and a value set against the old
        # default may need a second look.
        threshold = (
            f"{settings.confidence_threshold * 100:g}% (this server's; "
            f"the default is {default_threshold:g}%)"
        )
    return (
        "**Server settings**\n"
        f"Reminder channel: {channel(settings.reminder_channel_id)}\n"
        f"Digest channel: {channel(settings.digest_channel_id)}\n"
        f"Moderator log channel: {channel(settings.log_channel_id)}"
        + ("" if settings.log_channel_id else " (where I tell moderators what goes wrong)")
        + "\n"
        f"Moderator roles: {roles} (plus anyone with Manage Server)\n"
        f"Answer confidence threshold: {threshold}\n"
        f"Help channel: {channel(settings.help_channel_id)}"
        + ("" if settings.help_channel_id else " (where “Ask the community” opens threads)")
        + "\n"
        "Mentor role: "
        + (f"<@&{settings.mentor_role_id}>" if settings.mentor_role_id else "none")
        + " (mentioned once in each community thread)"
    )


def welcome_text() -> str:
    """Posted once when the bot joins a server: what it does, and where admins start."""
    return (
        "👋 Thanks for adding **careerbot**! I answer questions about becoming a "
        "machine-learning engineer and help members track what they learn.\n"
        "• **Members**: ask with `/ask` (or DM me), see the skill map with `/skills`; "
        "`/help` lists everything.\n"
        "• **Admins and moderators**: `/config show` lists my settings for this server. "
        "Set `/config log-channel` (where I tell moderators what goes wrong), "
        "`/config reminder-channel` and `/config digest-channel`, and give moderators "
        "a role with `/config moderator-role`. `/kb stats` and `/kb gaps` show how "
        "I'm doing.\n"
        "Commands missing? They appear once the bot's owner has run `careerbot sync`."
    )
