"""``/privacy questions``: the opt-in that lets private and DM questions reach /kb gaps."""

from __future__ import annotations

from tests.bot.conftest import CareerHarness

PRIVATE = "how do quokkas grade homework in zxqv"
DM = "which wombat tool replaces qqzv pipelines"
BEFORE = "can a platypus review vvqz notebooks"


async def gaps(careerbot: CareerHarness) -> str:
    await careerbot.logged()
    fake = careerbot.fake
    ix = await fake.send_slash_command("kb gaps", {"days": 1}, user=fake.moderator)
    return str((await ix.wait_for_reply())["content"])


async def test_opted_in_private_and_dm_questions_reach_kb_gaps(careerbot: CareerHarness) -> None:
    fake, db = careerbot.fake, careerbot.db
    alice = fake.member
    other = fake.add_guild("Elsewhere", owner=fake.moderator)
    await careerbot.start()

    status = await fake.command_reply("privacy questions", {})
    assert "keep no text" in status["content"]
    await fake.command_reply("ask", {"question": BEFORE, "private": True})
    assert "zxqv" not in await gaps(careerbot)

    ix = await fake.send_slash_command("privacy questions", {"keep": True})
    assert "From now on I keep the text" in (await ix.wait_for_reply())["content"]
    assert ix.ephemeral
    member = await db.get_member(alice.id)
    assert member is not None and member.prefs.store_question_text
    await fake.command_reply("ask", {"question": PRIVATE, "private": True})
    dm = await fake.send_dm(alice, DM)
    await fake.wait_for_dm(alice, lambda m: m["id"] != dm["id"])

    listed = await gaps(careerbot)
    assert PRIVATE in listed and DM in listed
    assert BEFORE not in listed  # asked before the opt-in: its text was never kept

    # A guild where alice never asked anything sees none of her DM questions.
    ix = await fake.send_slash_command("kb gaps", {"days": 1}, user=fake.moderator, guild=other)
    assert DM not in (await ix.wait_for_reply())["content"]

    ix = await fake.send_slash_command("privacy questions", {"keep": False})
    assert "no longer keep" in (await ix.wait_for_reply())["content"]
    member = await db.get_member(alice.id)
    assert member is not None and not member.prefs.store_question_text
