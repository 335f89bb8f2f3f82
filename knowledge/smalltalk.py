"""Recognising greetings, thanks and chit-chat so they never get a corpus answer.

"thanks!" answered with the salary FAQ is the fastest way to look broken. Small talk
is checked before matching: a message whose words are all greeting or thanks words,
or that closely matches a known chit-chat phrase, is small talk; a greeting in
front of a real question ("hi, do I need a PhD?") is not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from rapidfuzz import fuzz, process

from knowledge.text import STOPWORDS, normalize

SmallTalk = Literal["greeting", "thanks", "goodbye", "howareyou", "identity", "ack"]

PHRASES: dict[SmallTalk, tuple[str, ...]] = {
    "greeting": (
        "hi",
        "hello",
        "hey",
        "hey there",
        "hi there",
        "hiya",
        "yo",
        "sup",
        "whats up",
        "good morning",
        "good afternoon",
        "good evening",
        "howdy",
        "greetings",
        "hello bot",
        "hi bot",
        "gm",
        "heya",
        "hola",
    ),
    "thanks": (
        "thanks",
        "thank you",
        "thx",
        "ty",
        "thanks a lot",
        "thank you so much",
        "tysm",
        "much appreciated",
        "appreciate it",
        "cheers",
        "thanks bot",
        "many thanks",
        "that helps",
        "that helped",
        "great thanks",
        "perfect thanks",
    ),
    "goodbye": (
        "bye",
        "goodbye",
        "see you",
        "see ya",
        "cya",
        "good night",
        "gn",
        "later",
        "see you later",
        "bye bye",
        "take care",
        "ttyl",
    ),
    "howareyou": (
        "how are you",
        "how are you doing",
        "hows it going",
        "how r u",
        "how are u",
        "you ok",
        "whats new",
        "what is up",
        "how is your day",
        "how have you been",
        "wyd",
    ),
    "identity": (
        "who are you",
        "what are you",
        "who made you",
        "who created you",
        "who built you",
        "what can you do",
        "what can u do",
        "what do you do",
        "are you a bot",
        "are you human",
        "are you real",
        "are you an ai",
        "what is this bot",
        "help",
        "how do you work",
        "what are you for",
        "whats your name",
    ),
    "ack": (
        "ok",
        "okay",
        "k",
        "kk",
        "lol",
        "lmao",
        "haha",
        "cool",
        "nice",
        "great",
        "awesome",
        "wow",
        "hmm",
        "sure",
        "yes",
        "no",
        "yep",
        "nope",
        "got it",
        "ok cool",
        "lol ok",
        "makes sense",
        "i see",
        "nvm",
        "never mind",
        "ok thanks",
        "alright",
    ),
}

_SQUEEZE_RE = re.compile(r"(.)\1+")


def _squeeze(text: str) -> str:
    """Every run of a letter to one ("thank uuu" -> "thank u"): chat stretches words."""
    return _SQUEEZE_RE.sub(r"\1", text)


_BY_PHRASE: dict[str, SmallTalk] = {_squeeze(p): kind for kind, ps in PHRASES.items() for p in ps}
_CHOICES = list(_BY_PHRASE)
# Single words that may open or close a real question without changing its meaning.
_FRAME_WORDS = frozenset(
    "hi hello hey heya hiya yo sup gm thanks thank you thx ty tysm pls please plz bot "
    "guys everyone folks there again so ok okay um uh u".split()
)
_THANKS_PREFIXES = ("thank", "thx", "ty", "cheers", "apprec")
_MAX_WORDS = 7


def detect(
    text: str, known: Callable[[str], bool] = lambda word: False, normalized: str | None = None
) -> SmallTalk | None:
    """The kind of small talk ``text`` is, or None when it may be a real question.

    ``known`` tells whether a word means something in the corpus: a message holding
    one ("what is ml") is never taken for a fuzzy variant of chit-chat ("what is up").
    ``normalized``: ``normalize(text)`` when the caller has it already.
    """
    norm = _squeeze(normalize(text) if normalized is None else normalized)
    if not norm:
        return None
    if norm in _BY_PHRASE:
        return _BY_PHRASE[norm]
    words = norm.split()
    if len(words) > _MAX_WORDS:
        return None
    if all(w in _FRAME_WORDS or w in STOPWORDS for w in words):
        if any(w.startswith(_THANKS_PREFIXES) for w in words):
            return "thanks"
        if any(w in _FRAME_WORDS for w in words):
            return "greeting" if words[0] in _FRAME_WORDS else "ack"
        return None
    if any(known(w) for w in words):
        return None
    # Close variants and typos of a known phrase: "helo there", "good nite".
    best = process.extractOne(norm, _CHOICES, scorer=fuzz.ratio, score_cutoff=80)
    if best is not None:
        return _BY_PHRASE[best[0]]
    return None
