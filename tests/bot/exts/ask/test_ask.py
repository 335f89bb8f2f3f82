"""/ask, DM questions and their buttons, end to end against the fake Discord.

Questions are chosen so the tests do not depend on matcher tuning: an entry's own
canonical question always matches, a high threshold always abstains (with the entry as
a suggestion), and gibberish matches nothing.
"""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

from bot import custom_ids as ids
from bot import render
from tests.bot.conftest import CareerHarness
from tests.bot.e2e import PHD, custom_ids, embed, is_ephemeral
from tests.fakediscord import payloads

NO_PINGS = {"parse": []}


async def question_log(careerbot: CareerHarness, member_id: int) -> list[dict[str, Any]]:
    await careerbot.logged()
    return (await careerbot.db.export_member(member_id))["tables"]["question_log"]


async def test_public_answer_embed_buttons_and_log(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    await careerbot.start()
    ix = await fake.send_slash_command("ask", {"question": PHD})
    response = await ix.wait_for_response()
    assert response["type"] == payloads.CHANNEL_MESSAGE_WITH_SOURCE  # no defer needed
    assert not ix.ephemeral
    assert response["data"]["allowed_mentions"] == NO_PINGS
    reply = await ix.wait_for_reply()
    assert reply["content"] == f"> {PHD}"
    answer = embed(reply)
    assert answer["title"] == PHD
    assert "PhD" in answer["description"]
    [logged] = await question_log(careerbot, fake.member.id)
    assert logged["visibility"] == "public" and logged["question_text"] == PHD
    assert logged["matched_id"] == "do-i-need-a-phd" and logged["match_kind"] == "faq"
    log_id = logged["id"]
    buttons = custom_ids(reply)
    assert buttons[:2] == [ids.feedback(log_id, "up"), ids.feedback(log_id, "down")]
    related = careerbot.kb.corpus.entry("do-i-need-a-phd").related  # type: ignore[union-attr]
    assert buttons[2:] == [ids.show(r) for r in related]
    assert [m["id"] for m in fake.messages_in(fake.channel)] == [reply["id"]]


async def test_private_answer_is_ephemeral_and_keeps_no_text(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    await careerbot.start()
    ix = await fake.send_slash_command("ask", {"question": PHD, "private": True})
    reply = await ix.wait_for_reply()
    assert ix.ephemeral and is_ephemeral(reply)
    assert embed(reply)["title"] == PHD
    [logged] = await question_log(careerbot, fake.member.id)
    assert logged["visibility"] == "ephemeral" and logged["question_text"] is None


async def test_feedback_is_one_vote_per_member(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    await careerbot.start()
    reply = await fake.command_reply("ask", {"question": PHD})
    [logged] = await question_log(careerbot, fake.member.id)
    up, down = ids.feedback(logged["id"], "up"), ids.feedback(logged["id"], "down")

    click = await fake.click_button(reply, up)
    thanks = await click.wait_for_reply()
    assert click.ephemeral and "Glad it helped" in thanks["content"]
    click = await fake.click_button(reply, down)  # changes their vote
    assert "Thanks for telling me" in (await click.wait_for_reply())["content"]
    click = await fake.click_button(reply, up, user=fake.moderator)
    await click.wait_for_reply()

    votes = (await careerbot.db.export_member(fake.member.id))["tables"]["question_feedback"]
    assert [v["helpful"] for v in votes] == [False]
    mod_votes = await careerbot.db.export_member(fake.moderator.id)
    assert [v["helpful"] for v in mod_votes["tables"]["question_feedback"]] == [True]
    # The public answer itself is untouched by votes.
    assert fake.get_message(reply)["edited_timestamp"] is None


async def test_abstention_offers_did_you_mean_buttons_that_show_the_entry(
    careerbot: CareerHarness,
) -> None:
    fake = careerbot.fake
    await careerbot.start(confidence_threshold=100.0)
    ix = await fake.send_slash_command("ask", {"question": "do I need a PhD?"})
    reply = await ix.wait_for_reply()
    assert "I'd rather not guess" in reply["content"] and "Did you mean" in reply["content"]
    assert not reply["embeds"]
    buttons = custom_ids(reply)
    assert 1 <= len(buttons) <= 3 and ids.show("do-i-need-a-phd") in buttons
    [logged] = await question_log(careerbot, fake.member.id)
    assert logged["matched_id"] is None and logged["question_text"] == "do I need a PhD?"

    click = await fake.click_button(reply, ids.show("do-i-need-a-phd"))
    shown = await click.wait_for_reply()
    assert click.ephemeral  # for whoever clicked, not the whole channel
    assert embed(shown)["title"] == PHD
    assert custom_ids(shown)[0].startswith("careerbot:show:")  # its related entries


async def test_abstention_without_suggestions(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    await careerbot.start()
    reply = await fake.command_reply("ask", {"question": "zxqv blorf wuggle"})
    assert "Try rephrasing" in reply["content"] and not reply.get("components")


async def test_everyone_and_role_mentions_ping_nobody(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    bot = await careerbot.start()
    question = f"@everyone @here {fake.moderator_role.mention} {fake.moderator.mention} {PHD}"
    ix = await fake.send_slash_command("ask", {"question": question})
    reply = await ix.wait_for_reply()
    assert "@everyone" in reply["content"] and fake.moderator_role.mention in reply["content"]
    assert ix.response_data["allowed_mentions"] == NO_PINGS
    assert reply["mention_everyone"] is False
    assert reply["mentions"] == [] and reply["mention_roles"] == []
    # The abstention path echoes the question too.
    await careerbot.stop(bot)
    await careerbot.start(sync=False, confidence_threshold=100.0)
    ix = await fake.send_slash_command("ask", {"question": "@everyone zxqv blorf"})
    reply = await ix.wait_for_reply()
    assert ix.response_data["allowed_mentions"] == NO_PINGS
    assert reply["mention_everyone"] is False and reply["mentions"] == []


async def test_dm_question_is_answered_as_a_reply(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    await careerbot.start()
    sent = await fake.send_dm(fake.member, PHD)
    dm = fake.dm_channel(fake.member)
    reply = await fake.wait_for_bot_message(dm)
    assert str(reply["message_reference"]["message_id"]) == sent["id"]
    assert embed(reply)["title"] == PHD and not reply["content"]
    request = fake.requests_matching("POST", f"/channels/{dm.id}/messages")[0]
    assert request.json["allowed_mentions"]["parse"] == []
    assert request.json["allowed_mentions"]["replied_user"] is False
    [logged] = await question_log(careerbot, fake.member.id)
    assert logged["visibility"] == "dm" and logged["guild_id"] is None
    assert logged["question_text"] is None  # DMs keep no text by default

    click = await fake.click_button(reply, ids.feedback(logged["id"], "up"))
    assert "Glad it helped" in (await click.wait_for_reply())["content"]
    click = await fake.click_button(reply, custom_ids(reply)[2])  # a related entry
    shown = await click.wait_for_reply()
    assert not click.ephemeral  # in a DM there is nobody else to hide it from
    assert embed(shown)["title"]


async def test_dm_small_talk_and_the_bots_own_messages(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    bot = await careerbot.start()
    dm = fake.dm_channel(fake.member)
    await fake.send_dm(fake.member, "hi")
    intro = await fake.wait_for_bot_message(dm)
    assert "I'm **careerbot**" in intro["content"] and "/skills" in intro["content"]
    await fake.send_dm(fake.member, "thanks!")
    thanks = await fake.wait_for_bot_message(dm, lambda m: m["id"] != intro["id"])
    assert "welcome" in thanks["content"]
    assert await question_log(careerbot, fake.member.id) == []  # small talk is not logged
    # Discord echoed both replies back to the bot; it did not answer itself.
    assert len(fake.bot_messages(dm)) == 2
    assert not bot.intents.message_content


async def test_cooldown_on_ask_and_dms(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    now = [1000.0]
    await careerbot.start(ask_cooldown_seconds=30.0, clock=lambda: now[0])
    first = await fake.command_reply("ask", {"question": PHD})
    assert embed(first)["title"] == PHD

    dm = fake.dm_channel(fake.member)
    await fake.send_dm(fake.member, PHD)  # the same member: DMs share the cooldown
    warned = await fake.wait_for_bot_message(dm)
    assert warned["content"] == "Slow down a little, please: you can ask again in 30 seconds."
    await fake.send_dm(fake.member, PHD)  # still too soon: no second warning in DMs...
    ix = await fake.send_slash_command("ask", {"question": PHD})
    slow = await ix.wait_for_reply()  # ...but an interaction always gets an answer
    assert ix.ephemeral and slow["content"].startswith("Slow down a little")

    now[0] += 30.0
    await fake.send_dm(fake.member, PHD)
    answered = await fake.wait_for_bot_message(dm, lambda m: m["id"] != warned["id"])
    assert embed(answered)["title"] == PHD
    assert [bool(m["embeds"]) for m in fake.bot_messages(dm)] == [False, True]
    other = await fake.command_reply("ask", {"question": PHD}, user=fake.moderator)
    assert embed(other)["title"] == PHD  # cooldowns are per member


async def test_too_long_and_empty_questions_are_refused_politely(
    careerbot: CareerHarness,
) -> None:
    fake = careerbot.fake
    await careerbot.start(max_question_chars=100)
    ix = await fake.send_slash_command("ask", {"question": "why " * 40})
    reply = await ix.wait_for_reply()
    assert ix.ephemeral and "160 characters; I read up to 100" in reply["content"]
    await fake.send_dm(fake.member, "?!")
    refused = await fake.wait_for_bot_message(fake.dm_channel(fake.member))
    assert "Ask me a question" in refused["content"]
    assert await question_log(careerbot, fake.member.id) == []


async def test_slow_work_is_deferred_then_followed_up(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    bot = await careerbot.start()
    bot.response_budget = 0.0  # as if storage were slow: every answer misses the budget
    ix = await fake.send_slash_command("ask", {"question": PHD, "private": True})
    assert (await ix.wait_for_response()) == {
        "type": payloads.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE,
        "data": {"flags": payloads.FLAG_EPHEMERAL},
    }
    reply = await ix.wait_for_reply()
    assert reply["id"] == str(ix.original_message_id) and is_ephemeral(reply)
    assert embed(reply)["title"] == PHD and custom_ids(reply)[0].startswith("careerbot:fb:")


async def test_buttons_keep_working_after_a_restart(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    bot = await careerbot.start()
    reply = await fake.command_reply("ask", {"question": PHD})
    await careerbot.stop(bot)

    await careerbot.start(sync=False)  # a new process: nothing in memory
    [logged] = await question_log(careerbot, fake.member.id)
    click = await fake.click_button(reply, ids.feedback(logged["id"], "up"))
    assert "Glad it helped" in (await click.wait_for_reply())["content"]
    click = await fake.click_button(reply, ids.show("which-degree"))
    shown = await click.wait_for_reply()
    assert embed(shown)["title"] == careerbot.kb.corpus.title("which-degree")
    assert fake.identify_count == 2


async def test_storage_failure_still_answers(careerbot: CareerHarness) -> None:
    """Logging the question is best effort and comes after the answer: the member
    still gets it; a vote on it while the store is down gets the apology."""
    fake = careerbot.fake
    await careerbot.start()
    careerbot.errors.expect("could not (log a question|read guild)|feedback button failed")
    await careerbot.db.close()
    reply = await fake.command_reply("ask", {"question": PHD})
    assert embed(reply)["title"] == PHD
    await careerbot.logged()
    assert careerbot.errors.matching(match="could not log a question")
    click = await fake.click_button(reply, custom_ids(reply)[0])
    assert (await click.wait_for_reply())["content"] == render.APOLOGY


async def test_a_vote_on_an_answer_no_longer_logged_is_declined(careerbot: CareerHarness) -> None:
    """The member asked, then had their data forgotten, then clicked "Helpful"."""
    fake = careerbot.fake
    await careerbot.start()
    reply = await fake.command_reply("ask", {"question": PHD})
    await careerbot.logged()
    await careerbot.db.forget_member(fake.member.id)
    click = await fake.click_button(reply, custom_ids(reply)[0])
    assert "no longer on record" in (await click.wait_for_reply())["content"]


async def test_a_slow_disk_delays_neither_the_answer_nor_the_vote(
    careerbot: CareerHarness,
) -> None:
    """Another process holds the database's write lock: the answer still goes out at
    once (the log write comes after it), and a click on its feedback button in that
    gap waits for the row instead of being turned away."""
    fake = careerbot.fake
    await careerbot.start()
    blocker = sqlite3.connect(careerbot.settings.database_path, isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")  # holds the write lock
        reply = await fake.command_reply("ask", {"question": PHD})
        assert embed(reply)["title"] == PHD
        click = await fake.click_button(reply, custom_ids(reply)[0])
        await asyncio.sleep(0.2)
        assert click.callback is None  # the vote waits for the log row
        blocker.execute("COMMIT")
    finally:
        blocker.close()
    assert "Glad it helped" in (await click.wait_for_reply())["content"]
    [logged] = await question_log(careerbot, fake.member.id)
    assert logged["matched_id"] == "do-i-need-a-phd"
