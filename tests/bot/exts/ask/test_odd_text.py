"""Questions with characters storage refuses (NUL, a lone surrogate): answered AND
logged, with those characters replaced, and no error in the log."""

from __future__ import annotations

from tests.bot.conftest import CareerHarness
from tests.bot.e2e import PHD, embed


async def test_nul_and_lone_surrogate_questions_are_answered_and_logged(
    careerbot: CareerHarness,
) -> None:
    fake, db = careerbot.fake, careerbot.db
    await careerbot.start()
    asked = [PHD.replace("PhD", "PhD\x00"), PHD.replace("PhD", "PhD\ud800")]
    for question in asked:
        reply = await fake.command_reply("ask", {"question": question})
        assert embed(reply)["title"] == PHD
    dm = await fake.send_dm(fake.member, "do i need a phd?\x00\udfff")
    await fake.wait_for_dm(fake.member, lambda m: m["id"] != dm["id"])
    await careerbot.logged()
    logged = (await db.export_member(fake.member.id))["tables"]["question_log"]
    assert [q["question_text"] for q in logged] == [
        PHD.replace("PhD", "PhD\ufffd"),
        PHD.replace("PhD", "PhD\ufffd"),
        None,  # a DM keeps no text by default
    ]
    assert [q["visibility"] for q in logged] == ["public", "public", "dm"]
