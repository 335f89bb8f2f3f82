"""Turning free text into comparable tokens.

Members type "Pyhton??", "MLE", "soooo confused", full-width letters from a phone
keyboard, or paste text with zero-width characters. Everything the matcher compares
goes through :func:`normalize` and :func:`content_terms` first, so the corpus and the
question are always reduced the same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from functools import lru_cache

import snowballstemmer

# Characters that carry meaning in technical terms we must keep together: c++, c#.
_TOKEN_RE = re.compile(r"[a-z0-9]+(?:[+#]+)?")
_REPEATS_RE = re.compile(r"(.)\1{2,}")
# Apostrophes are dropped rather than split on, so "what's" reads as "whats", not "s".
_APOSTROPHES = str.maketrans("", "", "'’‘`´")

# Function words and chat filler: they say nothing about which entry is meant, and a
# question made only of them ("how are you?") must not reach a corpus entry.
STOPWORDS: frozenset[str] = frozenset(
    """
    a about above after again against all also am an and any anyone anything are as
    at be because been before being below between both but by can cant could couldnt
    did didnt do does doesnt doing dont down during each else even ever every few for
    from further get gets getting go going gonna got had has have having he her here
    hers herself him himself his how i id ill im ive if in into is isnt it its itself
    just kinda lets like ll me might mine more most much must my myself need needs no
    nor not now of off often ok okay on once one only or other ought our ours
    ourselves out over own pls plz please quite rather re really s same shall she
    should shouldnt so some something such t than that thats the their theirs them
    themselves then there theres these they theyre this those through thx to too u
    under until up upon ur us ve very wanna want wants was wasnt way we were what
    whats when where which while who whom whose why will with within without wont
    would wouldnt y ya yall yeah yes yet you youre your yours yourself yourselves
    hi hey hello thanks thank
    lol lmao haha tbh ngl btw idk imo imho bro fr rn af tho though actually even
    honestly basically literally stuff guys thing things anyway anyways still maybe
    probably kind sort lot lots bit pretty super etc ppl someone somebody anybody
    shud shld wat wut cuz coz bc gotta thru abt smth sth
    """.split()
)

_STEMMER = snowballstemmer.stemmer("english")


def normalize(text: str) -> str:
    """Case-fold, NFKC, drop apostrophes, squeeze repeated letters, keep word characters.

    Letters repeated three or more times are squeezed to two ("sooo" -> "soo", "helllo"
    -> "hello" after fuzzy matching), which keeps real doubles such as "too" intact.
    """
    text = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    text = _REPEATS_RE.sub(r"\1\1", text)
    return " ".join(_TOKEN_RE.findall(text))


def tokens(text: str) -> list[str]:
    """The normalised words of ``text``."""
    return normalize(text).split()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball stem, cached: questions reuse a small vocabulary, stemming is slow-ish."""
    if not word.isalpha():
        return word
    return _STEMMER.stemWord(word)


def expand_synonyms(words: Sequence[str], synonyms: Mapping[str, str]) -> list[str]:
    """Replace each word that has a synonym entry by its expansion (possibly several words)."""
    out: list[str] = []
    for word in words:
        replacement = synonyms.get(word)
        if replacement is None:
            out.append(word)
        else:
            out.extend(replacement.split())
    return out


def content_terms(text: str, synonyms: Mapping[str, str]) -> list[str]:
    """The stemmed, synonym-expanded, stopword-free terms of ``text``, in order, with repeats."""
    words = expand_synonyms(tokens(text), synonyms)
    return [stem(w) for w in words if w not in STOPWORDS]


def normalize_synonyms(raw: Mapping[str, str]) -> dict[str, str]:
    """Synonym keys and values reduced the way question text is, so lookups line up."""
    out: dict[str, str] = {}
    for key, value in raw.items():
        nkey = normalize(key)
        nvalue = normalize(value)
        if nkey and nvalue and nkey != nvalue:
            out[nkey] = nvalue
    return out
