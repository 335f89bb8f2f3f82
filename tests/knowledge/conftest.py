"""Small real corpora on disk, written the way a moderator would write them."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

MINIMAL_FAQ = """\
faq:
  - id: do-i-need-a-phd
    question: Do I need a PhD to become an ML engineer?
    phrasings:
      - is a doctorate required for machine learning jobs
      - phd needed for mle?
      - can I get hired without a PhD
      - do machine learning engineers need a doctoral degree
    answer: No. Most roles ask for engineering experience, not a doctorate.
  - id: which-programming-language
    question: Which programming language should I learn first?
    phrasings:
      - python or r for machine learning
      - best language to learn for ml
      - should I learn java or python
      - what coding language do ML engineers use
    answer: Python first; it has the libraries the field uses.
    related: [do-i-need-a-phd]
"""


@pytest.fixture
def write_corpus(tmp_path: Path) -> Callable[..., Path]:
    """Write ``{relative path: yaml text}`` under a fresh folder and return the folder."""

    def write(files: dict[str, str] | None = None, folder: str = "corpus") -> Path:
        root = tmp_path / folder
        root.mkdir(parents=True, exist_ok=True)
        for name, text in (files or {"faq.yaml": MINIMAL_FAQ}).items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return write
