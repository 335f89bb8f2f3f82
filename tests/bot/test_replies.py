"""Replies: message arguments never ping, views are stateless, and the 2 s budget decides
between answering and deferring (the end-to-end side is in tests/bot/exts/ask)."""

from __future__ import annotations

import discord

from bot.exts.ask._components import FeedbackButton, ShowEntryButton
from bot.replies import NO_MENTIONS, Reply, stateless_view


def test_message_and_edit_arguments() -> None:
    embed = discord.Embed(title="t")
    assert Reply("hi").message_kwargs() == {"allowed_mentions": NO_MENTIONS, "content": "hi"}
    assert Reply(embed=embed).message_kwargs() == {"allowed_mentions": NO_MENTIONS, "embed": embed}
    # An edit replaces the message: what the reply lacks is removed.
    assert Reply("x").edit_kwargs() == {
        "content": "x",
        "embed": None,
        "view": None,
        "allowed_mentions": NO_MENTIONS,
    }
    assert NO_MENTIONS.to_dict() == {"parse": []}


async def test_stateless_views_serialise_but_are_not_tracked() -> None:
    assert stateless_view() is None
    view = stateless_view(FeedbackButton(7, "up"), FeedbackButton(7, "down"))
    assert view is not None and view.is_finished()  # discord.py will not store it
    rows = view.to_components()
    assert [c["custom_id"] for c in rows[0]["components"]] == [
        "careerbot:fb:7:up",
        "careerbot:fb:7:down",
    ]
    assert view.timeout is None


async def test_long_titles_make_valid_button_labels() -> None:
    button = ShowEntryButton("do-i-need-a-phd", "x" * 200)
    assert len(button.item.label or "") == 80
