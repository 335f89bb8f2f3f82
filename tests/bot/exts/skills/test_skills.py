"""/skills, /skill, /progress, /learned and /timezone, end to end."""

from __future__ import annotations

from bot import custom_ids as ids
from bot import render
from knowledge import SkillEntry
from tests.bot.conftest import CareerHarness
from tests.bot.e2e import component, custom_ids, embed, is_ephemeral
from tests.fakediscord import payloads


def skill(careerbot: CareerHarness, skill_id: str) -> SkillEntry:
    entry = careerbot.kb.corpus.entry(skill_id)
    assert isinstance(entry, SkillEntry)
    return entry


async def test_skill_map_pages_with_buttons(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    await careerbot.start()
    corpus = careerbot.kb.corpus
    pages = render.skills_page_count(corpus)
    ix = await fake.send_slash_command("skills")
    first = await ix.wait_for_reply()
    assert ix.ephemeral
    path = corpus.learning_path()
    assert path[0].summary in embed(first)["description"]
    assert custom_ids(first) == [ids.skills_page(0, "prev"), ids.skills_page(1, "next")]
    assert component(first, ids.skills_page(0, "prev"))["disabled"] is True

    click = await fake.click_button(first, ids.skills_page(1, "next"))
    assert (await click.wait_for_response())["type"] == payloads.UPDATE_MESSAGE
    second = await click.wait_for_reply()
    assert second["id"] == first["id"]
    assert path[render.SKILLS_PER_PAGE].name in embed(second)["description"]
    assert embed(second)["footer"]["text"].startswith(f"Page 2 of {pages}")
    back = await fake.click_button(second, ids.skills_page(0, "prev"))
    assert path[0].summary in embed(await back.wait_for_reply())["description"]


async def test_skill_autocomplete(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    await careerbot.start()
    everything = await fake.autocomplete("skill", "name", "")
    path = careerbot.kb.corpus.learning_path()
    assert [c["value"] for c in everything] == [s.id for s in path][:25]
    maths = await fake.autocomplete("skill", "name", "mathematcs")  # typo
    assert maths[0] == {"name": skill(careerbot, "mathematics").name, "value": "mathematics"}
    assert len(maths) <= 25


async def test_skill_card_marks_items_with_the_menus(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    await careerbot.start()
    maths = skill(careerbot, "mathematics")
    first, second, third = (item.id for item in maths.checklist[:3])
    ix = await fake.send_slash_command("skill", {"name": "mathematics"})
    card = await ix.wait_for_reply()
    assert ix.ephemeral and embed(card)["title"] == maths.name
    assert f"⬜ {maths.checklist[0].title}" in embed(card)["description"]
    done_menu, learning_menu = ids.mark("mathematics", "done"), ids.mark("mathematics", "learning")
    assert custom_ids(card) == [done_menu, learning_menu]
    assert [o["value"] for o in component(card, done_menu)["options"]] == [
        item.id for item in maths.checklist
    ]

    pick = await fake.select(card, done_menu, [first, second])
    assert (await pick.wait_for_response())["type"] == payloads.UPDATE_MESSAGE
    updated = await pick.wait_for_reply()
    assert f"✅ {maths.checklist[0].title}" in embed(updated)["description"]
    assert f"2/{len(maths.checklist)} done" in embed(updated)["description"]
    pick = await fake.select(updated, learning_menu, [third])
    updated = await pick.wait_for_reply()
    assert f"📖 {maths.checklist[2].title}" in embed(updated)["description"]

    progress = {p.item_id: p.status for p in await careerbot.db.get_progress(fake.member.id)}
    assert progress == {first: "done", second: "done", third: "learning"}
    # The card shows each member their own statuses.
    other = await fake.command_reply("skill", {"name": "Mathematics"}, user=fake.moderator)
    assert "✅" not in embed(other)["description"]


async def test_unknown_skill_is_answered_politely(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    await careerbot.start()
    ix = await fake.send_slash_command("skill", {"name": "underwater basket weaving @everyone"})
    reply = await ix.wait_for_reply()
    assert ix.ephemeral and reply["content"].startswith("I don't know a skill called")
    assert ix.response_data["allowed_mentions"] == {"parse": []}


async def test_progress_shows_bars_streak_and_next_item_buttons(
    careerbot: CareerHarness,
) -> None:
    fake = careerbot.fake
    await careerbot.start()
    corpus = careerbot.kb.corpus
    first_skill = corpus.learning_path()[0]
    first_item = first_skill.checklist[0]
    ix = await fake.send_slash_command("progress")
    shown = await ix.wait_for_reply()
    assert ix.ephemeral and embed(shown)["title"] == "Your progress"
    text = embed(shown)["description"]
    assert f"`░░░░░░░░░░` 0% {first_skill.name} (0/{len(first_skill.checklist)})" in text
    assert "🔥 0 days" in text and f"**Next up** {first_item.title}" in text
    learn, done = ids.item(first_item.id, "learning"), ids.item(first_item.id, "done")
    assert custom_ids(shown) == [learn, done]

    click = await fake.click_button(shown, learn)
    shown = await click.wait_for_reply()
    assert custom_ids(shown) == [done]  # already learning: only "Mark done" is left
    assert "🔥 1 day " in embed(shown)["description"]
    click = await fake.click_button(shown, done)
    shown = await click.wait_for_reply()
    assert f"(1/{len(first_skill.checklist)})" in embed(shown)["description"]
    assert f"**Next up** {first_skill.checklist[1].title}" in embed(shown)["description"]
    statuses = {p.item_id: p.status for p in await careerbot.db.get_progress(fake.member.id)}
    assert statuses == {first_item.id: "done"}


async def test_learned_with_autocomplete(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    await careerbot.start()
    corpus = careerbot.kb.corpus
    target_skill, target = corpus.checklist_items[10]
    choices = await fake.autocomplete("learned", "item", target.title[:25])
    assert target.id in [c["value"] for c in choices] and len(choices) <= 25
    assert all(len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in choices)

    ix = await fake.send_slash_command("learned", {"item": target.id})
    reply = await ix.wait_for_reply()
    assert ix.ephemeral
    assert reply["content"].startswith(f"✅ Marked **{target.title} ({target_skill.name})**")
    assert "Streak: 🔥 1 day." in reply["content"] and "Next up:" in reply["content"]
    [item] = await careerbot.db.get_progress(fake.member.id)
    assert (item.item_id, item.status) == (target.id, "done")
    # Before typing, the suggestions leave out what the member has already done.
    fresh = await fake.autocomplete("learned", "item", "")
    assert target.id not in [c["value"] for c in fresh] and len(fresh) == 25

    ix = await fake.send_slash_command("learned", {"item": "qqqq zzzz"})
    assert (await ix.wait_for_reply())["content"].startswith("I don't know a checklist item")


async def test_timezone_with_autocomplete(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    await careerbot.start()
    assert "Europe/Berlin" in [
        c["value"] for c in await fake.autocomplete("timezone", "zone", "berlin")
    ]
    new_york = await fake.autocomplete("timezone", "zone", "new york")
    assert new_york[0]["value"] == "America/New_York"
    assert len(await fake.autocomplete("timezone", "zone", "")) == 25
    ix = await fake.send_slash_command("timezone", {"zone": "Europe/Berlin"})
    reply = await ix.wait_for_reply()
    assert ix.ephemeral and "**Europe/Berlin**" in reply["content"]
    member = await careerbot.db.get_member(fake.member.id)
    assert member is not None and member.tz == "Europe/Berlin"

    ix = await fake.send_slash_command("timezone", {"zone": "Mars/Olympus_Mons"})
    reply = await ix.wait_for_reply()
    assert "unknown time zone" in reply["content"] and "Pick one from the list" in reply["content"]
    member = await careerbot.db.get_member(fake.member.id)
    assert member is not None and member.tz == "Europe/Berlin"


async def test_progress_buttons_work_after_a_restart_and_from_dms(
    careerbot: CareerHarness,
) -> None:
    fake = careerbot.fake
    bot = await careerbot.start()
    ix = await fake.send_slash_command("progress", guild=None)  # in the bot's DMs
    shown = await ix.wait_for_reply()
    await careerbot.stop(bot)
    await careerbot.start(sync=False)
    first_item = careerbot.kb.corpus.learning_path()[0].checklist[0]
    click = await fake.click_button(shown, ids.item(first_item.id, "done"))
    updated = await click.wait_for_reply()
    assert is_ephemeral(updated) == is_ephemeral(shown)
    assert "1/" in embed(updated)["description"]
