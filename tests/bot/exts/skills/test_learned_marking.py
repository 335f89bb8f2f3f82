"""``/learned`` never guesses: a confident item, a choice of buttons, or nothing; and
every mark can be undone. End to end through the fake Discord, over the real corpus."""

from __future__ import annotations

import pytest

from bot import custom_ids as ids
from tests.bot.conftest import CareerHarness
from tests.bot.e2e import component, custom_ids
from tests.fakediscord import payloads


async def statuses(careerbot: CareerHarness) -> dict[str, str]:
    progress = await careerbot.db.get_progress(careerbot.fake.member.id)
    return {p.item_id: p.status for p in progress}


@pytest.mark.parametrize("typed", ["foo bar baz", "asdf qwer"])
async def test_words_no_item_has_mark_nothing(careerbot: CareerHarness, typed: str) -> None:
    await careerbot.start()
    ix = await careerbot.fake.send_slash_command("learned", {"item": typed})
    reply = await ix.wait_for_reply()
    assert ix.ephemeral
    assert reply["content"].startswith("I don't know a checklist item like")
    assert custom_ids(reply) == []
    assert await statuses(careerbot) == {}


async def test_git_commit_marks_the_git_basics_item_with_an_undo(
    careerbot: CareerHarness,
) -> None:
    fake = careerbot.fake
    await careerbot.start()
    ix = await fake.send_slash_command("learned", {"item": "git commit"})
    reply = await ix.wait_for_reply()
    assert reply["content"].startswith("✅ Marked **Create a repository and commit changes")
    assert await statuses(careerbot) == {"version-control/git-basics": "done"}
    assert custom_ids(reply) == [ids.undo("version-control/git-basics")]

    click = await fake.click_button(reply, ids.undo("version-control/git-basics"))
    assert (await click.wait_for_response())["type"] == payloads.UPDATE_MESSAGE
    undone = await click.wait_for_reply()
    assert undone["id"] == reply["id"]
    assert undone["content"].startswith("↩️ Undone: **Create a repository")
    assert "is not started" in undone["content"] and custom_ids(undone) == []
    assert await statuses(careerbot) == {}


async def test_an_ambiguous_item_is_a_choice_and_the_pick_is_marked(
    careerbot: CareerHarness,
) -> None:
    fake = careerbot.fake
    await careerbot.start()
    ix = await fake.send_slash_command("learned", {"item": "bayes"})
    reply = await ix.wait_for_reply()
    assert reply["content"].startswith("Which item did you mean by bayes?")
    rule, nets = "probability-statistics/bayes-rule", "probability-statistics/bayes-nets"
    assert {ids.learned(rule), ids.learned(nets)} <= set(custom_ids(reply))
    assert component(reply, ids.learned(rule))["label"].startswith("Update a probability")
    assert await statuses(careerbot) == {}  # nothing marked until the member picks

    pick = await fake.click_button(reply, ids.learned(nets))
    marked = await pick.wait_for_reply()
    assert marked["id"] == reply["id"]
    assert marked["content"].startswith("✅ Marked **Read and build a simple Bayesian network")
    assert custom_ids(marked) == [ids.undo(nets)]
    assert await statuses(careerbot) == {nets: "done"}


async def test_learned_undo_and_already_done(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    await careerbot.start()
    await careerbot.db.set_progress(
        fake.member.id, "mathematics", "mathematics/tensors", "learning"
    )
    first = await fake.command_reply("learned", {"item": "mathematics/tensors"})
    assert first["content"].startswith("✅ Marked")
    again = await fake.command_reply("learned", {"item": "mathematics/tensors"})
    assert "already marked done" in again["content"] and custom_ids(again) == []

    undone = await fake.command_reply("learned", {"item": "undo"})
    assert undone["content"].startswith("↩️ Undone: **Describe batches of data as tensors")
    assert "back to learning" in undone["content"]
    assert await statuses(careerbot) == {"mathematics/tensors": "learning"}
    nothing = await fake.command_reply("learned", {"item": "undo"})
    assert nothing["content"].startswith("Nothing to undo")
    assert await statuses(careerbot) == {"mathematics/tensors": "learning"}


async def test_undo_button_survives_a_restart(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    bot = await careerbot.start()
    reply = await fake.command_reply("learned", {"item": "eigenvectors"})
    assert await statuses(careerbot) == {"mathematics/eigenvectors": "done"}
    await careerbot.stop(bot)
    await careerbot.start(sync=False)
    click = await fake.click_button(reply, ids.undo("mathematics/eigenvectors"))
    assert (await click.wait_for_reply())["content"].startswith("↩️ Undone")
    assert await statuses(careerbot) == {}


async def test_autocomplete_offers_undo_when_it_is_typed(careerbot: CareerHarness) -> None:
    fake = careerbot.fake
    await careerbot.start()
    await fake.command_reply("learned", {"item": "docker"})
    choices = await fake.autocomplete("learned", "item", "und")
    assert choices[0] == {"name": "↩️ Undo my last change", "value": "undo"}
    assert all(c["value"] != "undo" for c in await fake.autocomplete("learned", "item", "d"))
    undone = await fake.command_reply("learned", {"item": choices[0]["value"]})
    assert undone["content"].startswith("↩️ Undone: **Package a model service in a Docker")
    assert await statuses(careerbot) == {}
