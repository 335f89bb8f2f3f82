"""/kb and /config, end to end: who may use them, reload safety, gaps, stats, settings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.client import CareerBot
from bot.replies import Refusal
from careerbot.runtime.broadcast import PostgresBroadcast
from knowledge import DEFAULT_KNOWLEDGE_PATH, KnowledgeBase
from tests.bot.conftest import CareerHarness
from tests.bot.e2e import PHD, custom_ids, embed
from tests.fakediscord import CommandNotAvailable, payloads


def copy_corpus(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(
        DEFAULT_KNOWLEDGE_PATH,
        target,
        ignore=shutil.ignore_patterns("*.py", "*.json", "*.md", "__pycache__"),
    )
    return target


async def test_moderator_commands_are_hidden_from_members_and_dms(
    careerbot: CareerHarness,
) -> None:
    fake = careerbot.fake
    await careerbot.start()
    for name in ("kb", "config"):
        registered = fake.find_command(name)
        assert registered is not None
        assert registered["default_member_permissions"] == str(payloads.MANAGE_GUILD)
        assert registered["dm_permission"] is False  # guild only
    with pytest.raises(CommandNotAvailable):
        await fake.send_slash_command("kb stats", user=fake.member)
    with pytest.raises(CommandNotAvailable):
        await fake.send_slash_command("config show", user=fake.member)
    with pytest.raises(CommandNotAvailable):
        await fake.send_slash_command("kb stats", user=fake.moderator, guild=None)
    ix = await fake.send_slash_command("kb stats", user=fake.moderator)
    assert embed(await ix.wait_for_reply())["title"].startswith("careerbot: the last 30")


async def test_runtime_check_allows_configured_moderator_roles_only(
    careerbot: CareerHarness,
) -> None:
    """A server admin can let everyone see the commands (Discord's integration
    settings); the bot still refuses members without Manage Server or a moderator role."""
    fake = careerbot.fake
    mentors = fake.add_role(fake.guild, "Mentors", 0)
    fake.member_of(fake.guild, fake.member).role_ids.append(mentors.id)
    await careerbot.start()
    careerbot.errors.expect(exc_type=Refusal)  # refusals pass through tree.on_error

    ix = await fake.send_slash_command("kb stats", user=fake.member, enforce_permissions=False)
    refused = await ix.wait_for_reply()
    assert ix.ephemeral and refused["content"].startswith("This command is for moderators")

    ix = await fake.send_slash_command(
        "config moderator-role", {"role": mentors}, user=fake.moderator
    )
    assert f"<@&{mentors.id}>" in (await ix.wait_for_reply())["content"]
    ix = await fake.send_slash_command("kb stats", user=fake.member, enforce_permissions=False)
    assert embed(await ix.wait_for_reply())["title"].startswith("careerbot:")

    ix = await fake.send_slash_command(
        "config moderator-role", {"role": mentors, "action": "remove"}, user=fake.moderator
    )
    assert "Moderator roles: none" in (await ix.wait_for_reply())["content"]
    ix = await fake.send_slash_command("kb stats", user=fake.member, enforce_permissions=False)
    assert (await ix.wait_for_reply())["content"].startswith("This command is for moderators")
    assert len(careerbot.errors.matching(exc_type=Refusal)) == 2


async def test_reload_with_a_broken_file_keeps_the_old_corpus(
    careerbot: CareerHarness, tmp_path: Path
) -> None:
    fake = careerbot.fake
    root = copy_corpus(tmp_path)
    kb = KnowledgeBase.load(root)
    await careerbot.start(kb=kb)
    phd = root / "faq" / "do-i-need-a-phd.yaml"
    original = phd.read_text()

    # A good edit is served after a reload.
    phd.write_text(original.replace("**No, a PhD is not required", "**Edited: no PhD needed"))
    ix = await fake.send_slash_command("kb reload", user=fake.moderator)
    assert (await ix.wait_for_response())["type"] == payloads.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE
    done = await ix.wait_for_reply()
    assert ix.ephemeral and done["content"].startswith("✅ Reloaded the corpus")
    assert (
        "Edited: no PhD needed"
        in embed(await fake.command_reply("ask", {"question": PHD}))["description"]
    )

    # A broken edit is refused with file:line:column: message, and answers go on.
    phd.write_text(original.replace("question:", "questoin:", 1))
    ix = await fake.send_slash_command("kb reload", user=fake.moderator)
    failed = await ix.wait_for_reply()
    assert failed["content"].startswith("❌ The corpus has 2 problem(s)")
    assert "faq/do-i-need-a-phd.yaml:2:5: missing required field 'question'" in failed["content"]
    assert "faq/do-i-need-a-phd.yaml:3:5: unknown field 'questoin'" in failed["content"]
    assert str(tmp_path) not in failed["content"]
    answer = embed(await fake.command_reply("ask", {"question": PHD}))
    assert answer["title"] == PHD and "Edited: no PhD needed" in answer["description"]
    assert len(kb.corpus) == len(careerbot.kb.corpus)


async def test_reload_that_would_cut_an_answer_is_held_until_forced(
    careerbot: CareerHarness, tmp_path: Path
) -> None:
    fake = careerbot.fake
    root = copy_corpus(tmp_path)
    kb = KnowledgeBase.load(root)
    await careerbot.start(kb=kb)
    phd = root / "faq" / "do-i-need-a-phd.yaml"
    full = phd.read_text()
    phd.write_text(full[: full.index("    answer: |") + len("    answer: |\n") + 200])

    held = await (await fake.send_slash_command("kb reload", user=fake.moderator)).wait_for_reply()
    assert held["content"].startswith("⚠️ I kept serving the previous version")
    assert (
        "faq/do-i-need-a-phd.yaml: 'answer' of 'do-i-need-a-phd' would shrink from "
        in held["content"]
    )
    assert "(cut short: a half-saved file?)" in held["content"]
    assert "`/kb reload force:true`" in held["content"] and str(tmp_path) not in held["content"]
    answer = embed(await fake.command_reply("ask", {"question": PHD}))["description"]
    assert "Sources:" in answer
    stats = embed(await fake.command_reply("kb stats", user=fake.moderator))
    warning = {f["name"]: f["value"] for f in stats["fields"]}["⚠️ Corpus on disk"]
    assert warning.startswith("A change on disk is held back: it would lose 3 thing(s).")

    ix = await fake.send_slash_command("kb reload", {"force": True}, user=fake.moderator)
    forced = await ix.wait_for_reply()
    assert forced["content"].startswith("✅ Reloaded the corpus")
    assert "Accepted on purpose (3 loss(es))" in forced["content"]  # answer, sources, related
    answer = embed(await fake.command_reply("ask", {"question": PHD}))["description"]
    assert "Sources:" not in answer
    stats = embed(await fake.command_reply("kb stats", user=fake.moderator))
    assert "⚠️ Corpus on disk" not in {f["name"] for f in stats["fields"]}


async def test_reload_says_the_last_good_copy_is_served(
    careerbot: CareerHarness, tmp_path: Path
) -> None:
    fake = careerbot.fake
    root = copy_corpus(tmp_path)
    saved = tmp_path / "careerbot.sqlite3.last-good-corpus.json"
    KnowledgeBase.load(root, last_good=saved)
    (root / "synonyms.yaml").write_text("synonyms:\n  mle: [broken\n")
    kb = KnowledgeBase.load(root, last_good=saved)  # a restart with a broken file
    careerbot.errors.expect("serving the last good copy", logger="knowledge.service")
    await careerbot.start(kb=kb)
    assert "Sources:" in embed(await fake.command_reply("ask", {"question": PHD}))["description"]
    refused = await (
        await fake.send_slash_command("kb reload", user=fake.moderator)
    ).wait_for_reply()
    assert refused["content"].startswith("🚨 Since start-up I have been serving the last good")
    assert "synonyms.yaml:3:1: invalid YAML" in refused["content"]
    stats = embed(await fake.command_reply("kb stats", user=fake.moderator))
    warning = {f["name"]: f["value"] for f in stats["fields"]}["⚠️ Corpus on disk"]
    assert warning.startswith("Serving the last good copy (saved ")


async def test_gaps_and_stats_reflect_questions_and_votes(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    await careerbot.start()
    unanswered = "@everyone zxqv blorf wuggle"
    for _ in range(2):
        await fake.command_reply("ask", {"question": unanswered})
    await fake.command_reply("ask", {"question": "private zxqv", "private": True})
    answered = await fake.command_reply("ask", {"question": PHD})
    down = next(c for c in custom_ids(answered) if c.endswith(":down"))
    await (await fake.click_button(answered, down)).wait_for_reply()

    ix = await fake.send_slash_command("kb gaps", {"days": 7}, user=fake.moderator)
    gaps = await ix.wait_for_reply()
    assert ix.ephemeral and ix.response_data["allowed_mentions"] == {"parse": []}
    lines = gaps["content"].splitlines()
    assert lines[0] == "**Questions that need an answer (last 7 day(s))**"
    assert lines[1] == f"**2×** {unanswered} (2 unanswered)"
    assert "not helpful" in lines[2] and "master" in lines[2]
    assert "private zxqv" not in gaps["content"]  # private questions keep no text
    assert gaps["mention_everyone"] is False

    ix = await fake.send_slash_command("kb stats", user=fake.moderator)
    stats = embed(await ix.wait_for_reply())
    assert ix.ephemeral
    values = {f["name"]: f["value"] for f in stats["fields"]}
    assert values["Questions"] == "4 asked\n1 answered\nanswer rate 25%\nabstention rate 75%"
    assert values["Feedback"] == "1 votes\nhelpful rate 0%"
    assert values["Corpus"].startswith(f"{len(careerbot.kb.corpus.faq)} FAQ entries")
    week = values["Per week (from Monday, UTC; newest first)"].splitlines()[0]
    assert week.endswith("` 4 asked, 25% answered, 75% abstained")
    entry = careerbot.kb.ask(PHD).match
    assert entry is not None
    assert values["Most asked entries"] == f"**1×** `{entry.id}` (0 👍 1 👎)"
    assert values["Voted not helpful"] == f"**1** 👎 `{entry.id}` (of 1 answers)"
    open_gaps = values["Open gaps (`/kb gaps` lists them)"]
    assert open_gaps.startswith(f"**2×** {unanswered}\n**1×** ")
    assert "private zxqv" not in open_gaps  # private questions keep no text, here too


async def test_stats_are_per_server(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    other = fake.add_guild("Elsewhere", owner=fake.moderator)
    await careerbot.start()
    await fake.command_reply("ask", {"question": PHD})
    await fake.command_reply(
        "ask", {"question": "zxqv blorf wuggle"}, user=fake.moderator, guild=other
    )
    await careerbot.logged()

    here = embed(await fake.command_reply("kb stats", {"days": 1}, user=fake.moderator))
    values = {f["name"]: f["value"] for f in here["fields"]}
    assert values["Questions"].startswith("1 asked\n1 answered\n")
    assert values["Open gaps (`/kb gaps` lists them)"] == "none"
    there = embed(
        await fake.command_reply("kb stats", {"days": 1}, user=fake.moderator, guild=other)
    )
    values = {f["name"]: f["value"] for f in there["fields"]}
    assert values["Questions"].startswith("1 asked\n0 answered\n")
    assert values["Most asked entries"] == "none answered yet"
    assert values["Open gaps (`/kb gaps` lists them)"] == "**1×** zxqv blorf wuggle"


async def test_config_channels_and_threshold(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    await careerbot.start()
    shown = await fake.command_reply("config show", user=fake.moderator)
    assert "Reminder channel: not set" in shown["content"]
    assert f"{careerbot.kb.settings.threshold:g}% (default)" in shown["content"]

    reply = await fake.command_reply(
        "config reminder-channel", {"channel": fake.mod_channel}, user=fake.moderator
    )
    assert f"Reminder channel: <#{fake.mod_channel.id}>" in reply["content"]
    reply = await fake.command_reply(
        "config digest-channel", {"channel": fake.channel}, user=fake.moderator
    )
    assert f"Digest channel: <#{fake.channel.id}>" in reply["content"]
    saved = await careerbot.db.get_guild_settings(fake.guild.id)
    assert (saved.reminder_channel_id, saved.digest_channel_id) == (
        fake.mod_channel.id,
        fake.channel.id,
    )

    reply = await fake.command_reply("config threshold", {"percent": 99.5}, user=fake.moderator)
    assert "threshold: 99.5%" in reply["content"]
    assert (await careerbot.db.get_guild_settings(fake.guild.id)).confidence_threshold == 0.995
    abstained = await fake.command_reply("ask", {"question": "do I need a PhD?"})
    assert "Did you mean" in abstained["content"]
    # DMs are not in the guild: the bot's own default applies there.
    await fake.send_dm(fake.member, "do I need a PhD?")
    dm = await fake.wait_for_bot_message(fake.dm_channel(fake.member))
    assert embed(dm)["title"] == PHD

    reply = await fake.command_reply("config threshold", user=fake.moderator)
    assert "(default)" in reply["content"]
    answered = await fake.command_reply("ask", {"question": "do I need a PhD?"})
    assert embed(answered)["title"] == PHD
    reply = await fake.command_reply("config reminder-channel", user=fake.moderator)
    assert "Reminder channel: not set" in reply["content"]


async def test_reload_says_when_the_other_processes_could_not_be_told(
    careerbot: CareerHarness, tmp_path: Path
) -> None:
    """On PostgreSQL a reload is announced to the other processes; if that fails the
    moderator learns that members on other shards still get the old answers."""
    fake = careerbot.fake
    root = copy_corpus(tmp_path)
    kb = KnowledgeBase.load(root)
    away = PostgresBroadcast("postgresql://careerbot@127.0.0.1:9/none", timeout=0.2)
    await away.start()  # cannot connect: keeps trying, as when the database is away
    try:
        bot = CareerBot(careerbot.settings, kb, careerbot.db, sync_on_start=True, broadcast=away)
        await careerbot.runner.start(bot)
        reply = await fake.command_reply("kb reload", user=fake.moderator)
        assert reply["content"].startswith("✅ Reloaded the corpus")
        assert "could not tell the bot's other processes" in reply["content"]
    finally:
        await away.stop()
    # On one SQLite file there is nobody to tell, and nothing to say about it.
    await careerbot.runner.stop(bot)
    await careerbot.start(kb=kb)
    reply = await fake.command_reply("kb reload", user=fake.moderator)
    assert reply["content"].startswith("✅") and "other processes" not in reply["content"]
