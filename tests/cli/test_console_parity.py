"""The console is the bot: ``careerbot chat`` prints what a DM gets on Discord.

Each question goes to the real bot over the fake Discord as a DM, and to the console
(:class:`careerbot.cli.chat.Chat`) over the same corpus; the Discord reply, laid out for a
terminal (its markdown marks dropped, its buttons as lines), must be the console's.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.custom_ids import FEEDBACK
from careerbot.cli.chat import Chat
from careerbot.cli.terminal import card_text, plain_markdown
from careerbot.core.wording import Card
from tests.bot.conftest import CareerHarness
from tests.bot.e2e import PHD

CONSOLE_MEMBER = 7  # not the fake's member: the two doors keep their own cooldown and log


def discord_as_text(message: dict[str, Any]) -> str:
    """What a member reads in a DM reply, as the terminal lays it out."""
    parts = [plain_markdown(message["content"])] if message.get("content") else []
    for embed in message.get("embeds") or []:
        card = Card(
            title=embed.get("title", ""),
            description=embed.get("description", ""),
            fields=tuple((f["name"], f["value"]) for f in embed.get("fields") or []),
            footer=(embed.get("footer") or {}).get("text"),
        )
        parts.append(card_text(card))
    return "\n\n".join(parts)


def button_labels(message: dict[str, Any]) -> list[str]:
    """Labels of the buttons that show something (not the feedback votes: the console
    keeps no question text to vote on)."""
    return [
        item["label"]
        for row in message.get("components") or []
        for item in row.get("components") or []
        if item.get("label") and not re.fullmatch(FEEDBACK, item.get("custom_id", ""))
    ]


@pytest.mark.parametrize(
    "question",
    [
        "hi",
        "thanks!",
        "how are you?",
        PHD,
        "statistics",  # a skill
        "how do i become a nurse",  # abstains, nothing to suggest
        "kaggle gpu cloud fluxcapacitor provider",  # abstains with "did you mean"
        "why " * 300,  # too long
    ],
)
async def test_chat_prints_what_a_dm_gets(careerbot: CareerHarness, question: str) -> None:
    fake = careerbot.fake
    await careerbot.start()
    dm = fake.dm_channel(fake.member)
    await fake.send_dm(fake.member, question)
    reply = await fake.wait_for_bot_message(dm)
    console = Chat(careerbot.settings, careerbot.kb, careerbot.db, CONSOLE_MEMBER)
    printed = await console.reply(question)
    assert printed is not None
    on_discord = discord_as_text(reply)
    assert printed.startswith(on_discord), f"console:\n{printed}\n\nDiscord:\n{on_discord}"
    # Buttons become lines: related entries and "did you mean" choices, by title.
    labels = button_labels(reply)
    for label in labels:
        assert label.rstrip("…") in printed, label
    assert "**" not in printed and "`" not in printed
