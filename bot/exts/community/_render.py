"""What the community features say, in one place."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import discord

from bot.render import COLOUR, CONTENT_MAX, plain, reload_text, truncate
from careerbot.core.community import WriteOutcome
from careerbot.core.community.handoff import HANDOFF_COOLDOWN_SECONDS
from knowledge import Corpus
from storage import GapRow

MAX_ISSUES = 8
QUESTION_MAX = 4000

GONE = (
    "I no longer have that question (it was asked over an hour ago, or I restarted). "
    "Ask it again with `/ask`, then hand it over."
)
NOT_THE_ASKER = (
    "Only the member who asked can hand this question to the community. "
    "You can ask it yourself with `/ask`."
)
NO_HELP_CHANNEL = (
    "This server has no help channel for questions yet "
    "(moderators set one with `/config help-channel`)."
)
HELP_CHANNEL_TROUBLE = (
    "I could not post in this server's help channel just now; I told the moderators. "
    "Sorry about that!"
)
CONSENT = (
    "Post your question in this server's help channel, where members can answer it? "
    "It was private, so I only post it if you say so, and without your name unless "
    "you choose to show it."
)
NO_SHARED_SERVER = (
    "I can only post a DM question in the help channel of a server we are both in, "
    "and none of those has one just now. You can ask in a server with `/ask`."
)
CHOOSE_SERVER = (
    "Which server's help channel should I post your question in? "
    "Nothing is posted until you say so on the next step."
)
NOT_A_SHARED_SERVER = (
    "I can't post it there: that server has no help channel, or I could not find you in it."
)


def dm_consent(server_name: str | None) -> str:
    """Consent for a DM question, naming the server it would go to."""
    where = f"**{plain(server_name, 100)}**" if server_name else "the server"
    return (
        f"Post your question in the help channel of {where}, where members can answer it? "
        "You asked me in a DM, so I only post it if you say so, and without your name "
        "unless you choose to show it."
    )


DONE_THANKS = "Glad it got answered! I marked the thread as answered."
NOT_YOUR_THREAD = "Only the member who asked can say their question was answered."


GAP_GONE = (
    "That question is no longer an open gap here: it fell out of the days `/kb gaps` "
    "looked at, or the members who asked it had their data deleted. Run `/kb gaps` again."
)
PICK_ENTRY = "Which entry answers it? (Not listed: `/kb phrasing` searches every entry.)"
GAP_ACTIONS = "Teach me this question: add it to an entry, or draft a new entry for it."


def gap_embed(row: GapRow, days: int) -> discord.Embed:
    """An open gap as asked (an embed never pings), with how often, in the footer."""
    embed = discord.Embed(
        title="Open question", description=truncate(row.example, QUESTION_MAX), colour=COLOUR
    )
    parts = [f"asked {row.asked}× in the last {days} day(s)"]
    if row.unanswered:
        parts.append(f"{row.unanswered} unanswered")
    if row.not_helpful:
        parts.append(f"{row.not_helpful} not helpful")
    embed.set_footer(text=truncate(", ".join(parts).capitalize(), 200))
    return embed


def slow_down(retry_after: float) -> str:
    minutes = max(1, round(retry_after / 60))
    every = round(HANDOFF_COOLDOWN_SECONDS / 60)
    return (
        f"You can hand a question to the community once every {every} minutes; "
        f"try again in about {minutes} minute(s)."
    )


def posted(jump_url: str) -> str:
    return f"I posted your question for the community: {jump_url}\nAnswers will appear there."


def already_posted(jump_url: str) -> str:
    return f"This question is already with the community: {jump_url}"


def opening_text(mentor_role_id: int | None) -> str:
    """The thread's first message; the mentor role is mentioned here and nowhere else."""
    ping = f"<@&{mentor_role_id}> " if mentor_role_id else ""
    return f"{ping}A member asked something I could not answer well. Can you help?"


def question_embed(
    text: str, asker: str | None, suggestions: Sequence[str], corpus: Corpus
) -> discord.Embed:
    """The question, exactly as asked (an embed never pings), and what I suggested."""
    embed = discord.Embed(title="Question", description=truncate(text, QUESTION_MAX), colour=COLOUR)
    titles = [corpus.title(s) for s in suggestions if s in corpus]
    if titles:
        embed.add_field(
            name="What I suggested",
            value=truncate("\n".join(f"• {plain(t, 200)}" for t in titles), 1024),
            inline=False,
        )
    footer = f"Asked by {asker}" if asker else "Asked privately; the member's name is not shown"
    embed.set_footer(text=truncate(footer, 200))
    return embed


def question_of(message: discord.Message | None) -> str | None:
    """The question a community message (or a moderator's picker) carries."""
    if message is None or not message.embeds:
        return None
    return message.embeds[0].description or None


def channel_gone(channel_id: int) -> str:
    return (
        f"🆘 I could not open a thread in the help channel <#{channel_id}> (deleted, or I "
        "lost permission to create threads there), so members' “Ask the community” "
        "does not work. Set one with `/config help-channel`."
    )


def role_gone(role_id: int) -> str:
    return (
        f"👥 The mentor role (id {role_id}) is gone, so I open community threads without "
        "mentioning anyone. Set one with `/config mentor-role`, or unset it."
    )


def outcome_text(outcome: WriteOutcome, root: Path) -> str:
    """A corpus change's outcome for the moderator who asked for it."""
    if outcome.status == "done":
        text = f"✅ {outcome.message[:1].upper()}{outcome.message[1:]}".rstrip(".") + "."
        text += f"\nWritten to `{outcome.file}`, checked like `careerbot kb check`, and reloaded."
        result = outcome.reload
        if result is not None and not result.ok:
            text += (
                "\n⚠️ The file is written, but the reload did not go through, so members "
                "do not have it yet:\n" + reload_text(result, root)
            )
    elif outcome.status == "invalid":
        shown = "\n".join(outcome.issues[:MAX_ISSUES])
        more = len(outcome.issues) - MAX_ISSUES
        text = f"❌ {outcome.message} Nothing was written.\n```\n{shown}\n```"
        if more > 0:
            text += f"\n…and {more} more."
    elif outcome.status == "read_only":
        text = "📋 " + outcome.message
        if outcome.paste:
            text += f"\n```yaml\n{outcome.paste}```"
    else:
        text = "❌ " + outcome.message
    return truncate(text, CONTENT_MAX)


def drafts_text(corpus: Corpus, shown: int) -> str:
    if not corpus.drafts:
        return (
            "No drafts waiting. Moderators draft entries from community threads (“Draft an entry”)."
        )
    lines = ["**Drafts waiting for a moderator** (not served until accepted)"]
    for draft in corpus.drafts:
        count = len(draft.phrasings)
        lines.append(f"• `{draft.id}`: {plain(draft.question, 150)} ({count} phrasing(s))")
    if len(corpus.drafts) > shown:
        lines.append(f"Buttons for the first {shown}; `/kb drafts` again after acting on them.")
    return truncate("\n".join(lines), CONTENT_MAX)
