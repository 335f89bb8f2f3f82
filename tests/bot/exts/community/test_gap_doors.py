"""Issue 18 from ``/kb gaps``: a moderator picks an open gap and adds it as a phrasing
or drafts an entry from it, through the fake Discord; members are refused, and a gap
that is gone is refused politely."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.exts.community._render import GAP_GONE
from bot.moderators import NOT_FOR_YOU
from careerbot.core.community.gaps import gap_token
from knowledge import check_corpus
from tests.bot.conftest import CareerHarness
from tests.bot.e2e import component, custom_ids, embed, is_ephemeral
from tests.bot.exts.community.test_community import (
    DRAFT_QUESTION,
    UNANSWERED,
    World,
    answered_with,
    copy_corpus,
    crafted,
    entry_title,
    modal_inputs,
)

#: Longer than a select label (100 characters), shorter than a phrasing (300).
LONG_QUESTION = (
    UNANSWERED + ", given that I am thirty four, have two kids, a mortgage, "
    "and never finished any degree at all"
)
GAPS = "careerbot:gaps:7"


@pytest.fixture
def gap_world(careerbot: CareerHarness, tmp_path: Path) -> World:
    return World(careerbot, copy_corpus(tmp_path))


def token_of(text: str) -> str:
    return gap_token(" ".join(text.casefold().split()))


async def list_gaps(world: World) -> dict[str, Any]:
    ix = await world.fake.send_slash_command("kb gaps", {"days": 7}, user=world.fake.moderator)
    reply = await ix.wait_for_reply()
    assert ix.ephemeral
    return reply


async def choose(world: World, gaps: dict[str, Any], text: str) -> dict[str, Any]:
    """Pick the gap asked as ``text`` in the ``/kb gaps`` select: the gap's actions."""
    ix = await world.fake.select(gaps, GAPS, [token_of(text)], user=world.fake.moderator)
    chosen = await ix.wait_for_reply()
    assert ix.ephemeral and embed(chosen)["description"] == text
    return chosen


async def test_a_gap_added_as_a_phrasing_is_then_answered_with_that_entry(
    gap_world: World,
) -> None:
    world, fake = gap_world, gap_world.fake
    await world.start()
    assert len(LONG_QUESTION) > 100
    for question in (LONG_QUESTION, UNANSWERED):
        _, reply = await world.ask(question)
        assert answered_with(reply) is None  # the bot abstained

    gaps = await list_gaps(world)
    assert "now answered" not in gaps["content"]  # nothing taught yet
    select = component(gaps, GAPS)
    labels = {o["value"]: o["label"] for o in select["options"]}
    assert labels == {
        token_of(LONG_QUESTION): LONG_QUESTION[:99] + "…",
        token_of(UNANSWERED): UNANSWERED,
    }
    chosen = await choose(world, gaps, LONG_QUESTION)
    ids = custom_ids(chosen)
    token = token_of(LONG_QUESTION)
    assert ids == [f"careerbot:gap-phr:7:{token}", f"careerbot:gap-draft:7:{token}"]
    assert all(len(i) <= 100 for i in ids)

    picker_ix = await fake.click_button(chosen, ids[0], user=fake.moderator)
    picker = await picker_ix.wait_for_reply()
    assert picker_ix.ephemeral and embed(picker)["description"] == LONG_QUESTION
    pick_id = f"careerbot:gap-pick:7:{token}"
    offered = [o["value"] for o in component(picker, pick_id)["options"]]
    assert offered[0] == "is-it-too-late"  # the matcher's closest entry first
    pick = await fake.select(picker, pick_id, ["is-it-too-late"], user=fake.moderator)
    done = await pick.wait_for_reply()
    assert done["content"].startswith("✅"), done["content"]
    assert [c for c in custom_ids(done) if c.startswith("careerbot:kbundo:")]
    path = world.corpus / "community" / "phrasings.yaml"
    written = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert written["phrasings"]["is-it-too-late"] == [LONG_QUESTION]  # whole, not the label
    corpus, issues = check_corpus(world.corpus)
    assert issues == [] and corpus is not None

    _, again = await world.ask(LONG_QUESTION)
    assert answered_with(again) == entry_title(world.bot, "is-it-too-late")
    # Its old questions stay in the window, so /kb gaps lists it, marked as taught.
    listed = (await list_gaps(world))["content"].splitlines()
    [taught] = [line for line in listed if "two kids" in line]
    assert taught.endswith("now answered by `is-it-too-late`)"), taught


async def test_a_draft_from_a_gap_opens_the_prefilled_form_and_is_not_served(
    gap_world: World,
) -> None:
    world, fake = gap_world, gap_world.fake
    await world.start()
    await world.ask(DRAFT_QUESTION)
    chosen = await choose(world, await list_gaps(world), DRAFT_QUESTION)
    draft_id = f"careerbot:gap-draft:7:{token_of(DRAFT_QUESTION)}"
    opened = await fake.click_button(chosen, draft_id, user=fake.moderator)
    inputs = modal_inputs(await opened.wait_for_modal())
    assert [i.get("value") for i in inputs[:2]] == [
        "how-do-i-keep-motivated-when-studying-alone-at-night",
        DRAFT_QUESTION,
    ]
    values = [
        "staying-motivated",
        DRAFT_QUESTION,
        "motivation to study ml\nI keep giving up on courses",
        "Set small weekly goals, study with others, and build things.",
    ]
    submitted = await fake.submit_modal(
        opened, {i["custom_id"]: v for i, v in zip(inputs, values, strict=True)}
    )
    drafted = await submitted.wait_for_reply()
    assert drafted["content"].startswith("✅"), drafted["content"]
    assert [c for c in custom_ids(drafted) if c.startswith("careerbot:kbundo:")]
    assert [d.id for d in world.bot.kb.corpus.drafts] == ["staying-motivated"]
    assert "staying-motivated" in (world.corpus / "community" / "entries.yaml").read_text()
    _, after = await world.ask(DRAFT_QUESTION)
    assert answered_with(after) is None  # a draft is not served until accepted


async def test_members_replaying_the_gap_components_are_refused(gap_world: World) -> None:
    world, fake = gap_world, gap_world.fake
    await world.start()
    await world.ask(UNANSWERED)
    gaps = await list_gaps(world)
    chosen = await choose(world, gaps, UNANSWERED)
    token = token_of(UNANSWERED)
    picker_ix = await fake.click_button(chosen, f"careerbot:gap-phr:7:{token}", user=fake.moderator)
    picker = await picker_ix.wait_for_reply()
    folder = world.corpus / "community"
    files = {p: p.read_bytes() for p in folder.glob("*")}

    refusals = [
        await crafted(fake, fake.member, gaps, GAPS, values=[token]),
        await crafted(fake, fake.member, chosen, f"careerbot:gap-phr:7:{token}"),
        await crafted(fake, fake.member, chosen, f"careerbot:gap-draft:7:{token}"),
        await crafted(
            fake, fake.member, picker, f"careerbot:gap-pick:7:{token}", values=["is-it-too-late"]
        ),
    ]
    for ix in refusals:
        reply = await ix.wait_for_reply()
        assert ix.ephemeral and reply["content"] == NOT_FOR_YOU, reply["content"]
        assert ix.response_type != 9  # no form opened
    assert {p: p.read_bytes() for p in folder.glob("*")} == files
    _, still = await world.ask(UNANSWERED)
    assert answered_with(still) is None


async def test_a_gap_that_is_gone_is_refused_politely(gap_world: World) -> None:
    world, fake = gap_world, gap_world.fake
    await world.start()
    await world.ask(UNANSWERED)
    gaps = await list_gaps(world)
    chosen = await choose(world, gaps, UNANSWERED)
    token = token_of(UNANSWERED)
    picker = await (
        await fake.click_button(chosen, f"careerbot:gap-phr:7:{token}", user=fake.moderator)
    ).wait_for_reply()
    # The member who asked is forgotten: their question leaves the gaps.
    await world.harness.db.forget_member(fake.member.id)
    gone = [
        await crafted(fake, fake.moderator, gaps, GAPS, values=[token]),
        await crafted(fake, fake.moderator, chosen, f"careerbot:gap-phr:7:{token}"),
        await crafted(fake, fake.moderator, chosen, f"careerbot:gap-draft:7:{token}"),
        await crafted(
            fake,
            fake.moderator,
            picker,
            f"careerbot:gap-pick:7:{token}",
            values=["is-it-too-late"],
        ),
    ]
    for ix in gone:
        reply = await ix.wait_for_reply()
        assert is_ephemeral(reply) and reply["content"] == GAP_GONE, reply["content"]
    assert not (world.corpus / "community" / "phrasings.yaml").exists()
