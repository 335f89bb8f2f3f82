"""Discord markdown shown in a terminal: the marks go, the words (and the maths) stay."""

from __future__ import annotations

import pytest

from bot.render import plain
from careerbot.cli.terminal import card_text, plain_markdown
from careerbot.core.wording import Card


@pytest.mark.parametrize(
    ("markdown", "shown"),
    [
        ("**No, a PhD is not required.**", "No, a PhD is not required."),
        ('*Source: "How to become an ML Engineer?"*', 'Source: "How to become an ML Engineer?"'),
        ("use `/skills` or `/skill`", "use /skills or /skill"),
        ("**Bold** and *italic* in one **line**", "Bold and italic in one line"),
        ("2*3*4 = 24 and a * b", "2*3*4 = 24 and a * b"),  # not emphasis
        ("• a bullet\n- a dash", "• a bullet\n- a dash"),
        ("~~gone~~ here", "gone here"),
    ],
)
def test_plain_markdown(markdown: str, shown: str) -> None:
    assert plain_markdown(markdown) == shown


def test_member_text_escaped_for_discord_reads_as_typed() -> None:
    typed = "is *this* **bold** or `code`?"
    assert plain_markdown(plain(typed, 100)) == typed


def test_a_card_reads_as_an_embed_does() -> None:
    card = Card("Title", "**Body**", (("Field", "• *one*"),), "Footer")
    assert card_text(card) == "Title\n\nBody\n\nField\n• one\n\nFooter"
