"""``careerbot chat``: a DM conversation with the bot in a terminal, no Discord needed.

Each line is what a member would DM the bot. Questions go through the same
:mod:`bot.conversation` as DMs (same matcher, same threshold setting,
logged with ``dm`` visibility, so storage keeps no text), and progress is stored in
the local database (``CAREERBOT_DATABASE_PATH``) under one local member id, so
``/progress`` remembers between sessions.

Lines starting with ``/`` are the few commands that make sense in a console:
``/progress``, ``/learned ITEM``, ``/undo``, ``/help``; ``quit`` (or end of input) leaves.
Answers are printed as ``careerbot ask`` prints them.
"""

from __future__ import annotations

import asyncio
import re
import sys
from typing import TextIO

import discord

from bot import marking, render
from bot.conversation import ask_and_log
from bot.progress_carry import carry_over_progress
from bot.settings import Settings
from knowledge import KnowledgeBase
from knowledge.render import render_result
from storage import Storage, StorageError, open_storage

#: The member the console speaks as: any valid id works; 1 can never be a real user.
LOCAL_MEMBER_ID = 1

QUIT = frozenset({"quit", "exit", "/quit", "/exit", "bye!"})

HELP = """\
Ask anything about becoming a machine-learning engineer, in your own words.
Commands:
  /progress       your progress, streak and what to learn next
  /learned ITEM   mark a checklist item as done (e.g. /learned python basics)
  /undo           undo your last change (also: /learned undo)
  /help           this text
  quit            leave (progress is kept in the database)"""

INTRO = (
    "careerbot chat: a DM conversation with careerbot in your terminal.\n"
    "Type a question, /help for commands, quit to leave."
)


def embed_text(embed: discord.Embed) -> str:
    """An embed as console text: title, description and fields, without bold marks."""
    parts = [embed.title or ""]
    if embed.description:
        parts.append(embed.description)
    for field in embed.fields:
        parts.append(f"{field.name}\n{field.value}")
    if embed.footer and embed.footer.text:
        parts.append(embed.footer.text)
    return _plain("\n\n".join(p for p in parts if p))


def _plain(text: str) -> str:
    return re.sub(r"\*\*(.+?)\*\*", r"\1", text).replace("`", "")


class Chat:
    """One console conversation over an open knowledge base and store."""

    def __init__(
        self, settings: Settings, kb: KnowledgeBase, db: Storage, member_id: int = LOCAL_MEMBER_ID
    ) -> None:
        self.settings = settings
        self.kb = kb
        self.db = db
        self.member_id = member_id

    async def reply(self, line: str) -> str | None:
        """The bot's reply to one line; None means the conversation is over."""
        text = line.strip()
        if text.lower() in QUIT:
            return None
        command, _, rest = text.partition(" ")
        if command == "/help":
            return HELP
        if command == "/progress":
            return await self.progress()
        if command == "/learned":
            return await self.learned(rest)
        if command == "/undo":
            return await self.learned("undo")
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
        if outcome.result is None:
            return render.refused_text("too_long", len(question), limit)
        return render_result(outcome.result, outcome.snapshot.corpus)

    async def progress(self) -> str:
        corpus = self.kb.corpus
        summary = await self.db.summary(self.member_id, corpus.learning_path_items())
        streak = await self.db.get_streak(self.member_id)
        return embed_text(render.progress_embed(summary, streak, corpus))

    async def learned(self, text: str) -> str:
        """``/learned``: the same resolution and answers as on Discord; a choice is
        listed as the exact ``/learned <item id>`` lines to type, there being no buttons."""
        marked = await marking.learned(self.db, self.kb.corpus, self.member_id, text, echo=repr)
        lines = [_plain(marked.text)]
        for skill, item in marked.choices:
            lines.append(f"  /learned {item.id}    {item.title} ({skill.name})")
        if marked.marked is not None:
            lines.append("(/undo if that was the wrong one)")
        return "\n".join(lines)


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
