"""/privacy export and /privacy forget, end to end."""

from __future__ import annotations

import discord

from bot import custom_ids as ids
from bot.exts.privacy import ForgetButton
from bot.replies import stateless_view
from tests.bot.conftest import CareerHarness
from tests.bot.e2e import PHD, custom_ids, is_ephemeral


async def test_export_sends_the_members_data_as_a_json_file(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    await careerbot.start()
    await fake.command_reply("ask", {"question": PHD})
    await fake.command_reply("learned", {"item": "mathematics/vectors-and-matrices"})
    ix = await fake.send_slash_command("privacy export")
    reply = await ix.wait_for_reply()
    assert ix.ephemeral and reply["content"] == "Here is everything I store about you."
    request = ix.callback_request
    assert request is not None and request.multipart
    [upload] = request.files
    assert upload.filename == f"careerbot-data-{fake.member.id}.json"
    data = upload.json()
    assert data["member_id"] == fake.member.id
    assert [q["question_text"] for q in data["tables"]["question_log"]] == [PHD]
    progress = data["tables"]["progress"]
    assert [p["item_id"] for p in progress] == ["mathematics/vectors-and-matrices"]


async def test_forget_needs_confirmation(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    await careerbot.start()
    await fake.command_reply("learned", {"item": "mathematics/vectors-and-matrices"})
    ix = await fake.send_slash_command("privacy forget")
    prompt = await ix.wait_for_reply()
    confirm = ids.forget(fake.member.id, "confirm")
    cancel = ids.forget(fake.member.id, "cancel")
    assert is_ephemeral(prompt) and custom_ids(prompt) == [confirm, cancel]
    assert "cannot be undone" in prompt["content"]

    click = await fake.click_button(prompt, cancel)
    cancelled = await click.wait_for_reply()
    assert cancelled["content"].startswith("Cancelled") and not cancelled["components"]
    assert await careerbot.db.get_progress(fake.member.id)

    prompt = await (await fake.send_slash_command("privacy forget")).wait_for_reply()
    click = await fake.click_button(prompt, confirm)
    done = await click.wait_for_reply()
    assert done["id"] == prompt["id"] and done["content"].startswith("Done: I deleted")
    assert not done["components"]
    assert await careerbot.db.get_progress(fake.member.id) == []
    assert await careerbot.db.get_member(fake.member.id) is None


async def test_forget_button_refuses_anyone_else(careerbot: CareerHarness) -> None:
    """Only the member sees the ephemeral prompt; the id in the custom id is a second
    lock, for a button that ends up where others can click it."""
    fake = careerbot.fake
    bot = await careerbot.start()
    await fake.command_reply("learned", {"item": "mathematics/vectors-and-matrices"})
    channel = bot.get_channel(fake.channel.id)
    assert isinstance(channel, discord.TextChannel)
    posted = await channel.send(
        "confirm?", view=stateless_view(ForgetButton(fake.member.id, "confirm"))
    )
    confirm = ids.forget(fake.member.id, "confirm")
    click = await fake.click_button(posted.id, confirm, user=fake.moderator)
    refused = await click.wait_for_reply()
    assert click.ephemeral and refused["content"] == "This button is for someone else."
    assert await careerbot.db.get_progress(fake.member.id)


async def test_feedback_on_a_forgotten_question_is_declined(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    await careerbot.start()
    answer = await fake.command_reply("ask", {"question": PHD})
    helpful = next(c for c in custom_ids(answer) if c.endswith(":up"))
    prompt = await (await fake.send_slash_command("privacy forget")).wait_for_reply()
    await (await fake.click_button(prompt, ids.forget(fake.member.id, "confirm"))).wait_for_reply()
    click = await fake.click_button(answer, helpful, user=fake.moderator)
    reply = await click.wait_for_reply()
    assert click.ephemeral and "no longer on record" in reply["content"]
