"""``careerbot chat``: a DM conversation with the bot in a terminal, no Discord needed.

Each line is what a member would DM the bot. Questions go through the same
:mod:`careerbot.core.answering` as DMs (same matcher, same threshold setting,
logged with ``dm`` visibility, so storage keeps no text), and progress is stored in
the local database (``CAREERBOT_DATABASE_PATH``) under one local member id, so
``/progress`` remembers between sessions.

Lines starting with ``/`` are the member commands that make sense without Discord:
``/skills``, ``/skill NAME``, ``/progress``, ``/learned ITEM``, ``/undo``,
``/timezone ZONE``, ``/privacy export|forget``, ``/ask QUESTION`` and ``/help``; a
number picks one of the last "Did you mean" choices (Discord's buttons); ``quit`` (or
end of input) leaves. ``/remind`` is not offered: reminders are delivered on Discord,
and nothing would deliver them here.

Replies are the bot's own words (:mod:`careerbot.core.wording`, the cards Discord shows as
embeds), shown as terminal text by :mod:`careerbot.cli.terminal`; no discord.py is loaded.
"""

from __future__ import annotations

import asyncio
import json
import sys
import zoneinfo
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TextIO
from zoneinfo import ZoneInfo

from careerbot.cli.terminal import card_text, entry_text, plain_markdown, result_text
from careerbot.core import marking, wording
from careerbot.core.answering import ask_and_log
from careerbot.core.progress_carry import carry_over_progress
from careerbot.runtime.settings import Settings
from knowledge import Candidate, KnowledgeBase
from knowledge.lookup import resolve_skill
from storage import Storage, StorageError, open_storage

#: The member the console speaks as: any valid id works; 1 can never be a real user.
LOCAL_MEMBER_ID = 1

QUIT = frozenset({"quit", "exit", "/quit", "/exit", "bye!"})

HELP = """\
Ask anything about becoming a machine-learning engineer, in your own words.
Commands:
  /skills            the skill map
  /skill NAME        a skill's checklist and your progress in it (e.g. /skill statistics)
  /progress          your progress, streak and what to learn next
  /learned ITEM      mark a checklist item as done (e.g. /learned python basics)
  /undo              undo your last change (also: /learned undo)
  /timezone ZONE     your time zone, for streaks (e.g. /timezone Europe/Berlin)
  /privacy export    everything stored about you
  /privacy forget    delete it
  1, 2, 3            after "Did you mean": show that entry
  /help              this text
  quit               leave (progress is kept in the database)
Reminders (/remind) are sent on Discord only."""

INTRO = (
    "careerbot chat: a DM conversation with careerbot in your terminal.\n"
    "Type a question, /help for commands, quit to leave."
)

#: Typed after ``/privacy forget`` to confirm (Discord asks with a button).
FORGET_CONFIRM = "confirm"


class Chat:
    """One console conversation over an open knowledge base and store."""

    def __init__(
        self, settings: Settings, kb: KnowledgeBase, db: Storage, member_id: int = LOCAL_MEMBER_ID
    ) -> None:
        self.settings = settings
        self.kb = kb
        self.db = db
        self.member_id = member_id
        self.suggestions: tuple[Candidate, ...] = ()
        """The last "Did you mean" choices: typing their number shows one."""

    async def reply(self, line: str) -> str | None:
        """The bot's reply to one line; None means the conversation is over."""
        text = line.strip()
        if text.lower() in QUIT:
            return None
        command, _, rest = text.partition(" ")
        rest = rest.strip()
        if text.isdigit() and self.suggestions:
            return self.show_suggestion(int(text))
        handlers: dict[str, Callable[[], Awaitable[str]]] = {
            "/help": lambda: _done(HELP),
            "/skills": self.skills,
            "/skill": lambda: self.skill(rest),
            "/progress": self.progress,
            "/learned": lambda: self.learned(rest),
            "/undo": lambda: self.learned("undo"),
            "/timezone": lambda: self.timezone(rest),
            "/privacy": lambda: self.privacy(rest),
            "/ask": lambda: self.answer(rest),
            "/remind": lambda: _done(
                "Reminders are sent to you on Discord; nothing would deliver them here. "
                "Use /remind in a server or a DM with careerbot."
            ),
        }
        handler = handlers.get(command.lower())
        if handler is not None:
            return await handler()
        if command.startswith("/") and len(command) > 1:
            return f"There is no {command} here. {HELP}"
        return await self.answer(line.rstrip("\r\n"))

    async def answer(self, question: str) -> str:
        limit = self.settings.max_question_chars
        outcome = await ask_and_log(
            self.kb,
            self.db,
            question,
            member_id=self.member_id,
            guild_id=None,
            visibility="dm",
            threshold=self.settings.confidence_threshold,
            max_chars=limit,
        )
        result = outcome.result
        self.suggestions = result.suggestions if result and result.match is None else ()
        return result_text(result, question, outcome.snapshot.corpus, max_chars=limit)

    def show_suggestion(self, number: int) -> str:
        """A "Did you mean" choice, as its button shows it."""
        if not 1 <= number <= len(self.suggestions):
            return f"Pick a number from 1 to {len(self.suggestions)}, or ask again."
        corpus = self.kb.corpus
        entry = corpus.entry(self.suggestions[number - 1].id)
        if entry is None:  # the corpus was reloaded without it
            return "That entry is gone since; ask again."
        return entry_text(entry, corpus)

    async def skills(self) -> str:
        corpus = self.kb.corpus
        pages = wording.skills_page_count(corpus, per_page=len(corpus.skills) or 1)
        return "\n\n".join(
            card_text(wording.skills_card(corpus, page, per_page=len(corpus.skills) or 1))
            for page in range(pages)
        )

    async def skill(self, name: str) -> str:
        skill = resolve_skill(self.kb.corpus, name) if name else None
        if skill is None:
            shown = f"called {name!r}" if name else "by that name"
            return f"I don't know a skill {shown}. See /skills for the list."
        progress = await self.db.get_progress(self.member_id)
        statuses = {p.item_id: p.status for p in progress}
        text = card_text(wording.skill_card(skill, statuses))
        lines = [f"  /learned {item.id}    {item.title}" for item in skill.checklist]
        return text + "\n\nMark one done:\n" + "\n".join(lines)

    async def progress(self) -> str:
        corpus = self.kb.corpus
        summary = await self.db.summary(self.member_id, corpus.learning_path_items())
        streak = await self.db.get_streak(self.member_id)
        return card_text(wording.progress_card(summary, streak, corpus))

    async def learned(self, text: str) -> str:
        """``/learned``: the same resolution and answers as on Discord; a choice is
        listed as the exact ``/learned <item id>`` lines to type, there being no buttons."""
        marked = await marking.learned(self.db, self.kb.corpus, self.member_id, text, echo=repr)
        lines = [plain_markdown(marked.text)]
        for skill, item in marked.choices:
            lines.append(f"  /learned {item.id}    {item.title} ({skill.name})")
        if marked.marked is not None:
            lines.append("(/undo if that was the wrong one)")
        return "\n".join(lines)

    async def timezone(self, zone: str) -> str:
        found = _zone(zone)
        if found is None:
            return (
                f"I don't know the time zone {zone!r}. Use a name such as Europe/Berlin, "
                "America/New_York or Asia/Kolkata."
                if zone
                else "Which time zone? For example: /timezone Europe/Berlin"
            )
        await self.db.set_timezone(self.member_id, found)
        return plain_markdown(wording.timezone_text(found, datetime.now(ZoneInfo(found))))

    async def privacy(self, action: str) -> str:
        words = action.split()
        if words[:1] == ["export"]:
            data = await self.db.export_member(self.member_id)
            return json.dumps(data, indent=2, ensure_ascii=False, default=str)
        if words[:1] == ["forget"]:
            if words[1:] != [FORGET_CONFIRM]:
                return (
                    "This deletes your progress, streak, reminders and questions from this "
                    f"database. Type /privacy forget {FORGET_CONFIRM} to go ahead."
                )
            await self.db.forget_member(self.member_id)
            return "Done: everything stored about you is deleted."
        return "Use /privacy export (everything stored about you) or /privacy forget."


async def _done(text: str) -> str:
    return text


def _zone(name: str) -> str | None:
    """An IANA zone name, matched without regard to case ("europe/berlin")."""
    wanted = name.strip().replace(" ", "_").casefold()
    if not wanted:
        return None
    for zone in sorted(zoneinfo.available_timezones()):
        if zone.casefold() == wanted:
            return zone
    return None


def _read_line(stdin: TextIO, interactive: bool) -> str | None:
    if interactive:
        try:
            return input("you> ") + "\n"
        except EOFError:
            return None
    line = stdin.readline()
    return line or None


async def run_chat(
    settings: Settings,
    *,
    member_id: int = LOCAL_MEMBER_ID,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
) -> None:
    """Read lines until ``quit`` or end of input, printing one reply per line."""
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    interactive = stdin is sys.stdin and stdin.isatty()
    kb = await asyncio.to_thread(KnowledgeBase.load, settings.knowledge_path)
    async with await open_storage(settings.database) as db:
        await carry_over_progress(db, kb.corpus)  # as the bot does at start: renamed items
        chat = Chat(settings, kb, db, member_id)
        out.write(INTRO + "\n\n")
        out.flush()
        while True:
            line = await asyncio.to_thread(_read_line, stdin, interactive)
            if line is None:
                break
            if not line.strip():
                continue
            try:
                reply = await chat.reply(line)
            except StorageError as exc:
                reply = f"(could not use the database: {exc})"
            if reply is None:
                break
            out.write(reply + "\n\n")
            out.flush()
        out.write("Bye! Your progress is saved.\n")
        out.flush()
