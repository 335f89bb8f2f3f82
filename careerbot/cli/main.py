"""The ``careerbot`` command line: ask offline, chat in the terminal, the moderators'
corpus tools (``kb check|explain|gaps|stats|new``), run the bot and sync its commands
(``run`` / ``sync``, whose work is in :mod:`careerbot.cli.run`), the admin's ``invite`` and
``backup``, and ``health`` for container health checks.

Output formats are a contract: ``ask --json`` prints exactly one JSON object per
question, other tools and tests parse it; ``kb check`` prints one problem per line
as ``file:line:column: message`` (what editors and CI annotate) and exits 1, and
house-rule warnings as ``file:line:column: warning: message``. A command that cannot
go on says why on standard error, as JSON under ``--log-format json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from careerbot.cli.terminal import result_text
from careerbot.runtime.logs import LogFormat, fatal_line
from knowledge import (
    DEFAULT_KNOWLEDGE_PATH,
    MAX_QUESTION_CHARS,
    CorpusInvalid,
    KnowledgeBase,
    MatchSettings,
    check_corpus,
)
from knowledge.checklist_progress import removed_with_progress, renames_waiting
from knowledge.explain_text import render_explanation

if TYPE_CHECKING:  # the Discord side is imported only by the commands that need it
    from careerbot.runtime.settings import Settings


def version() -> str:
    """The installed package's version (pyproject.toml), what bug reports should quote."""
    try:
        return metadata.version("careerbot")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def _add_knowledge_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--knowledge",
        type=Path,
        default=argparse.SUPPRESS,
        metavar="PATH",
        help="corpus folder to use (default: the bundled corpus)",
    )


def _add_question_log_options(parser: argparse.ArgumentParser) -> None:
    """--db and --days, for the commands that read the bot's question log offline."""
    parser.add_argument(
        "--db",
        default=None,
        metavar="PATH_OR_URL",
        help="the bot's database, a SQLite file or a postgresql:// URL (default: "
        "CAREERBOT_DATABASE_URL, else CAREERBOT_DATABASE_PATH or ./careerbot.sqlite3)",
    )
    parser.add_argument("--days", type=int, default=30, help="how far back to look (default 30)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="careerbot",
        description="careerbot: answers questions about becoming an ML engineer.",
    )
    parser.add_argument("--version", action="version", version=f"careerbot {version()}")
    _add_knowledge_option(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    ask = commands.add_parser(
        "ask",
        help="answer a question offline, as the bot would",
        description="Answer a question as the bot would. With '-' as the question, read "
        "one question per line from standard input (with --json: one object per line).",
    )
    ask.add_argument("question", help="the question, or '-' to read questions from stdin")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    ask.add_argument(
        "--threshold", type=float, default=None, help="confidence needed to answer (0-100)"
    )
    _add_knowledge_option(ask)
    ask.set_defaults(handler=cmd_ask)

    kb = commands.add_parser(
        "kb",
        help="moderators' tools for the corpus: check, explain, gaps, stats, new",
        description="Moderators' tools for the YAML corpus, all offline (no Discord): "
        "check it after an edit, see why a question gets the answer it gets, list the "
        "questions members asked that found no answer, and start a new entry from a "
        "template. Every subcommand takes the corpus folder as --knowledge PATH.",
    )
    _add_knowledge_option(kb)
    kb_commands = kb.add_subparsers(dest="kb_command", metavar="KB_COMMAND", required=True)
    check = kb_commands.add_parser(
        "check",
        help="validate the corpus; print every problem as file:line:column: message",
        description="Validate every file of the corpus and print each problem as "
        "file:line:column: message (exit 1), or one summary line when all is well. The "
        "same rules decide whether /kb reload accepts the files. Then the house rules "
        "the shipped corpus keeps (answers cite their sources and end with a source "
        "line; every YAML reader can read the files) are printed as warnings, which "
        "--strict (what CI runs) turns into a failure.",
    )
    check.add_argument("--strict", action="store_true", help="exit 1 on warnings too (CI does)")
    # The folder is given as --knowledge PATH, as to every other command; a bare folder
    # is caught only to say so (argparse would call it an unrecognised argument).
    check.add_argument("path", nargs="?", type=Path, default=None, help=argparse.SUPPRESS)
    check.add_argument(
        "--db",
        default=None,
        metavar="PATH_OR_URL",
        help="also check members' progress in this database, a SQLite file or a "
        "postgresql:// URL (read only): items removed with progress, and progress that "
        "renamed_from will carry over",
    )
    _add_knowledge_option(check)
    check.set_defaults(handler=cmd_kb_check)
    explain = kb_commands.add_parser(
        "explain",
        help="which entries a question finds, and why, in plain words",
        description="Show the entries a question finds, best first: whether the bot "
        "would answer, which of the member's words matched which phrasing, and what to "
        "add to an entry so it is found. --verbose adds every score behind the ranking.",
    )
    explain.add_argument("question", help="the question, as a member would type it")
    explain.add_argument("--top", type=int, default=5, help="how many entries (default 5)")
    explain.add_argument(
        "--verbose", "-v", action="store_true", help="also show every score behind the ranking"
    )
    _add_knowledge_option(explain)
    explain.set_defaults(handler=cmd_kb_explain)
    gaps = kb_commands.add_parser(
        "gaps",
        help="the questions members asked that got no answer or a 'not helpful' vote",
        description="What /kb gaps shows, read offline from the bot's database (read "
        "only: it never changes the file, even while the bot runs): the most asked "
        "questions that found no answer or were voted not helpful, in every server. "
        "Only questions whose text was kept show up: public /ask ones, and private and "
        "DM ones of members who opted in with /privacy questions.",
    )
    _add_question_log_options(gaps)
    gaps.add_argument("--limit", type=int, default=20, help="at most this many (default 20)")
    gaps.set_defaults(handler=cmd_kb_gaps)
    stats = kb_commands.add_parser(
        "stats",
        help="what /kb stats shows: answer rates per week, entries, votes, gaps (--csv)",
        description="What /kb stats shows, read offline from the bot's database (read "
        "only: no migration, nothing written, even while the bot runs): questions asked, "
        "answer and abstention rates per week (weeks start Monday, UTC), the entries "
        "members were answered with most, the entries voted not helpful most, and the "
        "most asked open gaps. With --csv, one spreadsheet-friendly table on standard "
        "output, a 'section' column saying which list each row belongs to.",
    )
    _add_question_log_options(stats)
    stats.add_argument(
        "--guild", type=int, default=None, metavar="ID", help="one server only (default: all)"
    )
    stats.add_argument("--csv", action="store_true", help="a CSV table instead of text")
    stats.set_defaults(handler=cmd_kb_stats)
    new = kb_commands.add_parser(
        "new",
        help="start a new entry from a template",
        description="Print a new FAQ entry (or, with --skill, a skill) in the corpus "
        "format, every field in place with a comment saying what goes there. With "
        "--write it is saved as faq/<id>.yaml (or skills/<id>.yaml) in the corpus "
        "folder. kb check lists what is still to fill in.",
    )
    new.add_argument("title", help="the question (or, with --skill, the skill's name)")
    new.add_argument("--skill", action="store_true", help="a skill instead of a FAQ entry")
    new.add_argument("--id", default=None, help="the entry id (default: made from the title)")
    new.add_argument("--write", action="store_true", help="save it in the corpus folder")
    _add_knowledge_option(new)
    new.set_defaults(handler=cmd_kb_new)

    run = commands.add_parser(
        "run",
        help="run the Discord bot",
        description="Connect to Discord and answer members until stopped with Ctrl+C. "
        "Settings come from CAREERBOT_* environment variables or a .env file: copy "
        ".env.example to .env, where every setting is explained, and set "
        "CAREERBOT_DISCORD_TOKEN (DISCORD_TOKEN also works).",
    )
    _add_log_format_option(run)
    run.add_argument(
        "--sync",
        action="store_true",
        help="sync the slash commands first (only after they changed: Discord rate-limits syncing)",
    )
    run.add_argument(
        "--shards",
        default=None,
        metavar="IDS",
        help="the shards this process connects, such as 0-1 or 0,2 (CAREERBOT_SHARDS)",
    )
    run.add_argument(
        "--shard-count",
        type=int,
        default=None,
        metavar="N",
        help="the bot's total shards over all its processes (CAREERBOT_SHARD_COUNT)",
    )
    _add_guild_options(run)
    _add_knowledge_option(run)
    run.set_defaults(handler=cmd_run)

    sync = commands.add_parser(
        "sync",
        help="push the slash commands to Discord",
        description="Register the slash commands with Discord: globally, or in one guild "
        "for development, where they appear at once. Run it after commands change, not "
        "on every start: Discord rate-limits syncing.",
    )
    _add_guild_options(sync)
    _add_knowledge_option(sync)
    _add_log_format_option(sync)
    sync.set_defaults(handler=cmd_sync)

    chat = commands.add_parser(
        "chat",
        help="talk to the bot in the terminal, as in a DM (no Discord needed)",
        description="A DM conversation with careerbot on standard input and output: the "
        "same replies as Discord, and the member commands that work offline (/skills, "
        "/skill, /progress, /learned, /undo, /timezone, /privacy; /help lists them); quit "
        "to leave. Progress is stored in CAREERBOT_DATABASE_PATH (default "
        "./careerbot.sqlite3).",
    )
    chat.add_argument(
        "--member", type=int, default=None, metavar="ID", help="member id to store progress as"
    )
    _add_knowledge_option(chat)
    chat.set_defaults(handler=cmd_chat)

    invite = commands.add_parser(
        "invite",
        help="print the link that adds the bot to a server",
        description="Print the OAuth2 link that adds careerbot, with its slash commands "
        "and the permissions it needs, to a server. The application id is read from "
        "the token (CAREERBOT_DISCORD_TOKEN, as in .env) or given with --app-id; "
        "nothing is sent to Discord.",
    )
    invite.add_argument("--app-id", type=int, default=None, metavar="ID", help="the application id")
    invite.set_defaults(handler=cmd_invite)

    backup = commands.add_parser(
        "backup",
        help="copy the database safely, also while the bot runs",
        description="Copy the database with SQLite's online backup (consistent even "
        "while the bot writes; the live file is opened read-only), check the copy, "
        "and print how to restore it.",
    )
    backup.add_argument(
        "destination",
        nargs="?",
        type=Path,
        default=None,
        help="the backup file (default: careerbot.backup-<time>.sqlite3 beside the database)",
    )
    backup.set_defaults(handler=cmd_backup)

    health = commands.add_parser(
        "health",
        help="exit 0 when the database opens and the corpus loads (container health checks)",
        description="Open (and migrate) the database and load the corpus, without "
        "talking to Discord; exit 0 if both work, else 1 with the problems.",
    )
    _add_knowledge_option(health)
    health.set_defaults(handler=cmd_health)

    db = commands.add_parser("db", help="database tools")
    db_commands = db.add_subparsers(dest="db_command", metavar="DB_COMMAND", required=True)
    copy = db_commands.add_parser(
        "copy",
        help="copy a SQLite database into an empty PostgreSQL one",
        description="Copy every table of a careerbot SQLite file into an empty PostgreSQL "
        "database, in one transaction, and check the row counts. Both are migrated to "
        "this careerbot's schema first. Stop the bot before copying.",
    )
    copy.add_argument("sqlite_path", type=Path, metavar="SQLITE_PATH")
    copy.add_argument(
        "postgres_url",
        nargs="?",
        metavar="POSTGRES_URL",
        help="postgresql://... (default: CAREERBOT_DATABASE_URL, which keeps the password "
        "out of the process list)",
    )
    copy.set_defaults(handler=cmd_db_copy)
    return parser


def _add_log_format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--log-format",
        choices=("plain", "json"),
        default=None,
        help="one line per event (plain, the default) or one JSON object per line "
        "(for log shippers); also CAREERBOT_LOG_FORMAT",
    )


def _add_guild_options(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--guild", type=int, default=None, metavar="ID", help="sync to this guild only"
    )
    where.add_argument("--dev", action="store_true", help="sync to CAREERBOT_DEV_GUILD_ID only")


def _knowledge_path(args: argparse.Namespace) -> Path:
    return getattr(args, "knowledge", None) or DEFAULT_KNOWLEDGE_PATH


def _load(args: argparse.Namespace, err: TextIO) -> KnowledgeBase | None:
    try:
        return KnowledgeBase.load(_knowledge_path(args), MatchSettings())
    except CorpusInvalid as exc:
        print(f"careerbot: the corpus at {_knowledge_path(args)} has problems:", file=err)
        for issue in exc.issues:
            print(f"  {issue}", file=err)
        print("Run 'careerbot kb check' after fixing them.", file=err)
        return None


def cmd_ask(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    kb = _load(args, err)
    if kb is None:
        return 2
    questions = _stdin_questions() if args.question == "-" else [args.question]
    for number, question in enumerate(questions):
        result = kb.ask(question, args.threshold)
        if args.json:
            out.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
        else:
            # Several answers in a row: a rule between them, so each is found again.
            text = result_text(
                result, question, kb.corpus, max_chars=MAX_QUESTION_CHARS, show_match=True
            )
            out.write(("\n" + "-" * 40 + "\n\n" if number else "") + text + "\n")
        out.flush()
    return 0


def _stdin_questions() -> Iterator[str]:
    """One question per non-blank line of standard input, read as it arrives."""
    for line in sys.stdin:
        question = line.rstrip("\r\n")
        if question.strip():
            yield question


def cmd_kb_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.path is not None:
        print(
            f"careerbot: give the corpus folder as --knowledge {args.path} "
            "(the same option every command takes)",
            file=err,
        )
        return 2
    path = _knowledge_path(args)
    corpus, issues = check_corpus(path)
    if issues or corpus is None:
        for issue in issues:
            out.write(f"{issue}\n")
        print(f"{len(issues)} problem(s) found in {path}", file=err)
        return 1
    items = sum(len(s.checklist) for s in corpus.skills)
    out.write(
        f"{path}: OK: {len(corpus.faq)} FAQ entries, {len(corpus.skills)} skills "
        f"({items} checklist items), {len(corpus.synonyms)} synonyms\n"
    )
    from knowledge.style import style_warnings

    warnings = style_warnings(corpus)
    for warning in warnings:
        out.write(f"{warning}\n")
    if warnings and args.strict:
        print(f"{len(warnings)} warning(s) in {path}, and --strict", file=err)
        return 1
    if args.db is not None:
        from storage import StorageError, read_progress_item_counts

        try:
            counts = read_progress_item_counts(args.db)
        except StorageError as exc:
            print(f"cannot check progress: {exc}", file=err)
            return 2
        for removed in removed_with_progress(corpus, counts):
            out.write(f"warning: {removed.describe()}\n")
        for waiting in renames_waiting(corpus, counts):
            out.write(f"note: {waiting.describe()}\n")
    return 0


def cmd_kb_explain(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    kb = _load(args, err)
    if kb is None:
        return 2
    explanation = kb.matcher.explain(args.question, top=max(1, args.top))
    text = render_explanation(
        explanation, kb.corpus, kb.matcher.settings.threshold, verbose=args.verbose
    )
    out.write(text + "\n")
    return 0


def _database_location(args: argparse.Namespace, err: TextIO) -> str | None:
    """``--db``, else the database the bot's settings name (a URL or a SQLite path);
    ``None`` once the settings' problem is printed."""
    if args.db is not None:
        return str(args.db)
    settings = _bot_settings(args, err, require_token=False)
    return None if settings is None else str(settings.database)


def cmd_kb_gaps(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import asyncio

    from careerbot.cli.kb_stats import read_gaps
    from storage import StorageError

    location = _database_location(args, err)
    if location is None:
        return 2
    if not 1 <= args.days <= 3650 or not 1 <= args.limit <= 1000:
        print("careerbot: --days must be 1-3650 and --limit 1-1000", file=err)
        return 2
    try:
        rows = asyncio.run(read_gaps(location, days=args.days, limit=args.limit))
    except StorageError as exc:
        print(f"careerbot: {exc}", file=err)
        return 2
    if not rows:
        out.write(
            f"No unanswered or unhelpful questions in the last {args.days} day(s). "
            "(Private and DM questions show up only for members who opted in with "
            "/privacy questions.)\n"
        )
        return 0
    out.write(f"Questions that need an answer (last {args.days} day(s)), most asked first:\n")
    for row in rows:
        why = [f"{row.unanswered} unanswered"] if row.unanswered else []
        why += [f"{row.not_helpful} not helpful"] if row.not_helpful else []
        out.write(f"{row.asked:>4}x  {row.example}  ({', '.join(why)})\n")
    out.write(
        '\nFor each: `careerbot kb explain "<question>"` says which entry it nearly found '
        'and what to add; `careerbot kb new "<question>"` starts a new entry.\n'
    )
    return 0


def cmd_kb_stats(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import asyncio

    from careerbot.cli.kb_stats import StorageError, read_stats, stats_csv, stats_text

    location = _database_location(args, err)
    if location is None:
        return 2
    if not 1 <= args.days <= 3650:
        print("careerbot: --days must be 1-3650", file=err)
        return 2
    if args.guild is not None and not 0 < args.guild < 2**63:
        print("careerbot: --guild must be a server id (a positive number)", file=err)
        return 2
    try:
        report = asyncio.run(read_stats(location, days=args.days, guild_id=args.guild))
    except StorageError as exc:
        print(f"careerbot: {exc}", file=err)
        return 2
    out.write(stats_csv(report) if args.csv else stats_text(report, args.days))
    return 0


def cmd_kb_new(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from knowledge.models import ID_PATTERN
    from knowledge.template import entry_id, faq_template, skill_template

    new_id = args.id or entry_id(args.title)
    if not re.fullmatch(ID_PATTERN, new_id):
        print(f"careerbot: {new_id!r} is not an id: lowercase words joined by hyphens", file=err)
        return 2
    text = (skill_template if args.skill else faq_template)(args.title, new_id)
    if not args.write:
        out.write(text)
        return 0
    root = _knowledge_path(args)
    corpus, _ = check_corpus(root)
    if corpus is not None and new_id in corpus:
        print(f"careerbot: {root} already has an entry {new_id}; pass another --id", file=err)
        return 2
    target = root / ("skills" if args.skill else "faq") / f"{new_id}.yaml"
    if target.exists():
        print(f"careerbot: {target} already exists; pass another --id", file=err)
        return 2
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    out.write(f"wrote {target}: fill in its TODOs, then run `careerbot kb check`\n")
    return 0


def cmd_invite(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from careerbot.cli.invite import application_id_from_token, invite_url

    app_id = args.app_id
    if app_id is None:
        settings = _bot_settings(args, err, require_token=False)
        if settings is None:
            return 2
        if settings.discord_token is not None:
            app_id = application_id_from_token(settings.token)
    if app_id is None or app_id <= 0:
        print(
            "careerbot: no application id: set CAREERBOT_DISCORD_TOKEN (in .env) or pass "
            "--app-id with the id from the developer portal's General Information page",
            file=err,
        )
        return 2
    out.write(invite_url(app_id) + "\n")
    return 0


def cmd_backup(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from careerbot.cli.backup import RESTORE_STEPS, BackupError, backup, default_destination

    settings = _bot_settings(args, err, require_token=False)
    if settings is None:
        return 2
    database = settings.database_path
    destination = args.destination or default_destination(database)
    try:
        made = backup(database, destination)
    except BackupError as exc:
        print(f"careerbot: {exc}", file=err)
        return 1
    out.write(
        f"backed up {database} to {made.path} ({made.size:,} bytes, schema version "
        f"{made.schema_version}, integrity checked)\n\n"
    )
    out.write(RESTORE_STEPS.format(database=database, backup=made.path) + "\n")
    return 0


def _bot_settings(
    args: argparse.Namespace, err: TextIO, *, require_token: bool = True
) -> Settings | None:
    from careerbot.runtime.settings import SettingsError, load_settings

    overrides = {"knowledge_path": args.knowledge} if getattr(args, "knowledge", None) else {}
    if getattr(args, "log_format", None):
        overrides["log_format"] = args.log_format
    for name in ("shards", "shard_count"):
        if getattr(args, name, None) is not None:
            overrides[name] = getattr(args, name)
    try:
        return load_settings(require_token=require_token, **overrides)
    except SettingsError as exc:
        print(fatal_line(str(exc), _log_format(args)), file=err)
        return None


def _log_format(args: argparse.Namespace) -> LogFormat:
    """The log format asked for, before the settings are known to be valid: a fatal
    line must be JSON when the log shipper expects JSON (see ``fatal_line``)."""
    asked = getattr(args, "log_format", None) or os.environ.get("CAREERBOT_LOG_FORMAT", "")
    return "json" if asked.strip().lower() == "json" else "plain"


def _sync_guild(args: argparse.Namespace, settings: Settings) -> int | None:
    """The guild to sync to (None: globally); ValueError says what is missing."""
    if args.dev:
        if settings.dev_guild_id is None:
            raise ValueError("--dev needs CAREERBOT_DEV_GUILD_ID to be set")
        return settings.dev_guild_id
    return args.guild


def cmd_run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    settings = _bot_settings(args, err)
    if settings is None:
        return 2
    if (args.guild or args.dev) and not args.sync:
        print(
            fatal_line("--guild and --dev only make sense with --sync", settings.log_format),
            file=err,
        )
        return 2
    try:
        guild = _sync_guild(args, settings)
    except ValueError as exc:
        print(fatal_line(str(exc), settings.log_format), file=err)
        return 2
    from careerbot.cli.run import cli_run

    return cli_run(settings, sync=args.sync, guild_id=guild, out=out, err=err)


def cmd_sync(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    settings = _bot_settings(args, err)
    if settings is None:
        return 2
    try:
        guild = _sync_guild(args, settings)
    except ValueError as exc:
        print(fatal_line(str(exc), settings.log_format), file=err)
        return 2
    from careerbot.cli.run import cli_sync

    return cli_sync(settings, guild_id=guild, out=out, err=err)


def cmd_chat(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import asyncio

    from careerbot.cli.chat import LOCAL_MEMBER_ID, run_chat
    from storage import StorageError

    settings = _bot_settings(args, err, require_token=False)
    if settings is None:
        return 2
    try:
        asyncio.run(run_chat(settings, member_id=args.member or LOCAL_MEMBER_ID, out=out))
    except CorpusInvalid as exc:
        print(f"careerbot: the corpus at {settings.knowledge_path} has problems:", file=err)
        for issue in exc.issues:
            print(f"  {issue}", file=err)
        return 2
    except StorageError as exc:
        print(f"careerbot: storage: {exc}", file=err)
        return 2
    return 0


def cmd_health(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import asyncio

    from careerbot.runtime.health import check

    settings = _bot_settings(args, err, require_token=False)
    if settings is None:
        return 1
    report = asyncio.run(check(settings.database, settings.knowledge_path))
    if not report.ok:
        print("careerbot: unhealthy:", file=err)
        for problem in report.problems:
            print(f"  {problem}", file=err)
        return 1
    out.write("healthy: " + "; ".join(report.facts) + "\n")
    return 0


def cmd_db_copy(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import asyncio
    import os

    from storage import StorageError
    from storage.copy import copy_sqlite_to_postgres

    url = args.postgres_url or os.environ.get("CAREERBOT_DATABASE_URL", "")
    if not url:
        print("careerbot: give POSTGRES_URL or set CAREERBOT_DATABASE_URL", file=err)
        return 2
    try:
        copied = asyncio.run(copy_sqlite_to_postgres(args.sqlite_path, url))
    except StorageError as exc:
        print(f"careerbot: db copy: {exc}", file=err)
        return 1
    for table, count in copied.items():
        out.write(f"{table:<24} {count:>10,}\n")
    out.write(f"copied {sum(copied.values()):,} rows; every table's count matches\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    # Answers contain emoji and accents; never die on a terminal with a narrow encoding.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args, sys.stdout, sys.stderr))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
