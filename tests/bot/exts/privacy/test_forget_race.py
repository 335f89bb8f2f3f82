"""``/privacy forget`` confirmed while an answer to the same member is still in flight.

The bot logs a question just after its answer is sent; a forget confirmed in between
used to be undone by that write (a new member row, the full question text).
"""

from __future__ import annotations

import json

from bot import custom_ids as ids
from tests.bot.conftest import CareerHarness

QUESTION = "do i need a phd to become a zebra wrangler engineer?"


async def test_forget_confirmed_while_an_answer_is_in_flight_leaves_nothing(
    careerbot: CareerHarness,
) -> None:
    fake, db = careerbot.fake, careerbot.db
    alice = fake.member
    await careerbot.start()
    # Discord takes its time with the answer to this question (not with anything else).
    slow = fake.stall(
        "POST",
        "/interactions/{id}/{token}/callback",
        lambda r: "zebra wrangler" in json.dumps(r.json),
    )
    asked = await fake.send_slash_command("ask", {"question": QUESTION})
    await fake.wait_until(lambda: True if slow.waiting else None, what="the answer in flight")

    prompt = await (await fake.send_slash_command("privacy forget")).wait_for_reply()
    click = await fake.click_button(prompt, ids.forget(alice.id, "confirm"))
    assert (await click.wait_for_reply())["content"].startswith("Done: I deleted")

    slow.release()
    assert "zebra wrangler" in (await asked.wait_for_reply())["content"]
    await careerbot.logged()
    data = await db.export_member(alice.id)
    assert {table: rows for table, rows in data["tables"].items() if rows} == {}
    assert await db.get_member(alice.id) is None

    # Forgetting is not a ban: the next question is logged as usual.
    await fake.command_reply("ask", {"question": "do i need a phd?"})
    await careerbot.logged()
    logged = (await db.export_member(alice.id))["tables"]["question_log"]
    assert [q["question_text"] for q in logged] == ["do i need a phd?"]
