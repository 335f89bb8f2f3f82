"""``careerbot kb explain`` in plain words, for moderators tuning the corpus.

The matcher's :class:`~knowledge.match.Explanation` speaks in stems ("leetcod") and
scores; a moderator needs three things from it: which entry the bot would answer
with, *why* (which of the member's words matched which phrasing of the entry), and
*what to add* so the right entry is found. This module only reads the explanation
(matching itself lives in :mod:`knowledge.match`), and shows the scores behind the
ranking only with ``verbose``.

Words are shown as the member typed them and as the phrasing has them: a stem is
turned back into the phrasing's own word with the same stemmer the matcher uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from knowledge.corpus import Corpus
from knowledge.match import CandidateExplanation, Explanation, TermMatch
from knowledge.text import STOPWORDS, stem, tokens

#: A word counts as telling when it weighs at least this much. Everyday words ("is",
#: "for", "machine" in an ML corpus) weigh far less and explain nothing.
TELLING_WEIGHT = 0.5
#: Below this share of the threshold, an abstention is "nothing is close", and adding
#: the question to the best guess would teach the bot a wrong answer.
FAR_OFF = 0.5
#: Shown phrasing texts are cut to this length (keywords lists can be long).
MAX_SHOWN = 100


def _q(word: str) -> str:
    return f'"{word}"'


def _cut(text: str) -> str:
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1].rstrip() + "…"


def _listing(words: Sequence[str]) -> str:
    quoted = [_q(w) for w in words]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _phrasing_word(term: TermMatch, phrasing: str) -> str | None:
    """The word of ``phrasing`` the member's word was matched to (same stem)."""
    if term.term is None:
        return None
    words = tokens(phrasing)
    if term.word in words:
        return term.word
    for word in words:
        if stem(word) == term.term:
            return word
    return None


def _shown_word(term: TermMatch, phrasing: str) -> str:
    """The member's word, and the phrasing's when it differs (a typo, another form)."""
    found = _phrasing_word(term, phrasing)
    if found is None or found == term.word:
        return _q(term.word)
    if term.similarity < 1.0:
        return f"{_q(term.word)} (a typo of {_q(found)})"
    return f"{_q(term.word)} ({_q(found)} there)"


def _unit_name(label: str) -> str:
    """The matcher's unit label in a moderator's words: "phrasing 4", "the question"."""
    if label == "question":
        return "its question"
    if label == "keywords":
        return "its keywords"
    if label in {"name", "summary"}:
        return f"its {label}"
    return label


def entry_location(corpus: Corpus, entry_id: str) -> str | None:
    """``file:line`` of the entry's ``id:`` line, relative to the corpus folder's parent
    (``knowledge/faq/x.yaml:2``), so a moderator knows where to add a phrasing."""
    path = corpus.files.get(entry_id)
    if path is None:
        return None
    pattern = re.compile(rf"^\s*(?:-\s*)?id:\s*['\"]?{re.escape(entry_id)}['\"]?\s*(?:#.*)?$")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    number = next((n for n, line in enumerate(lines, 1) if pattern.match(line)), 1)
    try:
        shown = path.resolve().relative_to(corpus.root.resolve().parent).as_posix()
    except ValueError:
        shown = path.as_posix()
    return f"{shown}:{number}"


def _reading(explanation: Explanation, synonyms: dict[str, str]) -> list[str]:
    """How the question's words were read: typos, synonyms, words nobody uses."""
    question = explanation.sentence or explanation.result.question
    notes: list[str] = []
    for word in dict.fromkeys(tokens(question)):
        if word in synonyms:
            notes.append(f"{_q(word)} as {_q(synonyms[word])}")
    unknown = [t.word for t in explanation.terms if t.term is None]
    typos = [t for t in explanation.terms if t.term is not None and t.similarity < 1.0]
    phrasings = [c.best_unit_text for c in explanation.candidates]
    for typo in typos:
        meant = next(filter(None, (_phrasing_word(typo, p) for p in phrasings)), None)
        notes.append(f"{_q(typo.word)} as a typo of {_q(meant) if meant else 'a word entries use'}")
    lines = []
    if notes:
        lines.append("Read " + "; ".join(notes) + ".")
    if unknown:
        lines.append(
            f"No entry has {_listing(unknown)}: those words count for nothing until a "
            "phrasing or keyword uses them (or synonyms.yaml maps them to one that does)."
        )
    return lines


def _decision(explanation: Explanation, corpus: Corpus, threshold: float) -> list[str]:
    result = explanation.result
    if result.refused == "empty":
        return ["The bot would not answer: there is no question in it."]
    if result.refused == "too_long":
        return [
            "The bot would not answer: the question is too long "
            f"({len(result.question):,} characters)."
        ]
    if result.smalltalk:
        return [
            f"The bot treats this as small talk ({result.smalltalk}) and replies in its "
            "own words, never with an entry. Nothing to add."
        ]
    if result.match is not None:
        return [
            f"The bot would answer with {result.match.id}: "
            f"{_q(corpus.title(result.match.id))} (confidence {result.match.score:.0f}; "
            f"it answers from {threshold:g})."
        ]
    if result.best is None:
        return ["The bot would not answer: no entry shares a word or a meaning with it."]
    lines = [
        f"The bot would not answer: its best guess, {result.best.id}, has confidence "
        f"{result.best.score:.0f}, and it answers from {threshold:g}."
    ]
    if result.suggestions:
        ids = ", ".join(c.id for c in result.suggestions)
        lines.append(f'The member would see "Did you mean" buttons for: {ids}.')
    return lines


def _candidate(
    rank: int, cand: CandidateExplanation, explanation: Explanation, corpus: Corpus
) -> list[str]:
    c = cand.candidate
    kind = "FAQ" if c.kind == "faq" else "skill"
    answer = explanation.result.match
    mark = "  <- the answer" if answer is not None and answer.id == c.id else ""
    lines = [f"{rank}. {c.id} ({kind}), confidence {c.score:.0f}{mark}"]
    lines.append(f"   {_q(_cut(corpus.title(c.id)))}")
    phrasing = cand.best_unit_text
    if cand.best_unit:
        lines.append(f"   Closest: {_unit_name(cand.best_unit)}, {_q(_cut(phrasing))}")
    telling = [t for t in cand.matched if _telling(t)]
    if telling:
        shown = [_shown_word(t, phrasing) for t in telling]
        listed = ", ".join(shown[:-1]) + " and " + shown[-1] if len(shown) > 1 else shown[0]
        verb = "is" if len(telling) == 1 else "are"
        lines.append(f"   Why: the member's {listed} {verb} in this entry.")
    elif cand.matched:
        lines.append(
            "   Why: only everyday words match; it ranks here for what the question means."
        )
    else:
        lines.append("   Why: no word matches; it ranks here for what the question means.")
    matched = {t.word for t in cand.matched}
    missing = _missing(explanation.terms, matched)
    if missing:
        lines.append(f"   Not in this entry: {_listing(missing)}.")
    return lines


def _telling(term: TermMatch) -> bool:
    """A word that says what the question is about, not how it is asked."""
    return term.weight >= TELLING_WEIGHT and term.word not in STOPWORDS


def _missing(terms: Iterable[TermMatch], matched: set[str]) -> list[str]:
    return list(dict.fromkeys(t.word for t in terms if _telling(t) and t.word not in matched))


def _advice(explanation: Explanation, corpus: Corpus, threshold: float) -> list[str]:
    result = explanation.result
    if result.refused or result.smalltalk:
        return []
    question = explanation.sentence or result.question

    def where(entry_id: str) -> str:
        found = entry_location(corpus, entry_id)
        return f" ({found}, under phrasings:)" if found else " (under phrasings:)"

    lines = ["", "What to do:"]
    if result.match is not None:
        lines.append(f"- If {result.match.id} is right, nothing: members get it.")
        lines.append(
            "- If another entry should answer, add the question as a phrasing of that "
            f"entry, in the member's words: - {question.strip()}"
        )
    elif result.best is not None and result.best.score < threshold * FAR_OFF:
        lines.append(
            f"- Nothing here is close (the best, {result.best.id}, is far below "
            f"{threshold:g}): if the question is off-topic, the bot is right not to "
            "answer. If members should get an answer, write a new entry "
            f'(`careerbot kb new "{question.strip()}"`).'
        )
    elif result.best is not None:
        best = result.best.id
        lines.append(
            f"- If {best} is right, add the question as one of its phrasings{where(best)}: "
            f"- {question.strip()}"
        )
        lines.append(
            "- If another entry is right, add it there instead; if none is, this is a gap "
            "for a new entry (`careerbot kb new`)."
        )
    else:
        lines.append(
            "- Nothing here answers it: if members should get an answer, write a new "
            "entry (`careerbot kb new`)."
        )
    lines.append("Then run `careerbot kb explain` again to see the change.")
    return lines


def _details(explanation: Explanation) -> list[str]:
    """The scores behind the ranking (``--verbose``)."""
    words = []
    for term in explanation.terms:
        if term.term is None:
            words.append(f"{term.word} (unknown, weight {term.weight:.2f})")
        elif term.similarity < 1.0:
            words.append(
                f"{term.word} ~ {term.term} (typo match {term.similarity:.0%}, "
                f"weight {term.weight:.2f})"
            )
        else:
            words.append(f"{term.word} -> {term.term} (weight {term.weight:.2f})")
    lines = [
        "",
        "Details (how the score is made):",
        "words (stem, weight): " + ("; ".join(words) if words else "(no content words)"),
        f"evidence: {explanation.evidence:.0%} of what a confident answer needs "
        "(less than 100% scales every confidence down)",
    ]
    for cand in _by_score(explanation.candidates):
        c = cand.candidate
        word = f"word score {cand.word_score:.1f}"
        if cand.context_word_score > cand.word_score:
            word += f" ({cand.context_word_score:.1f} as confidence for a long question)"
        lines.append(
            f"{c.id}: {c.score:.1f} = {word}, string similarity {cand.string_score:.1f}, "
            f"letters alike {cand.char_score:.1f} (character 4-grams), "
            f"meaning alike {cand.meaning_score:.1f} (word embeddings)"
        )
        if cand.matched:
            matched = ", ".join(f"{t.word} ({t.weight:.2f})" for t in cand.matched)
            lines.append(f"   matched words: {matched}")
    return lines


def _by_score(candidates: Iterable[CandidateExplanation]) -> list[CandidateExplanation]:
    return sorted(candidates, key=lambda cand: -cand.candidate.score)


def render_explanation(
    explanation: Explanation,
    corpus: Corpus,
    threshold: float,
    *,
    verbose: bool = False,
) -> str:
    """The explanation for a moderator: decision, candidates best first, what to add."""
    result = explanation.result
    lines = [f"Question: {_q(result.question)}"]
    lines += _reading(explanation, dict(corpus.synonyms))
    lines += _decision(explanation, corpus, threshold)
    if explanation.sentence is not None:
        lines.append(
            f"Only one sentence of the message decided: {_q(explanation.sentence)} (its "
            "confidence counts at a discount; the rest is about that sentence)."
        )
    candidates = _by_score(explanation.candidates)
    if candidates and not result.smalltalk and not result.refused:
        lines += ["", "Entries it finds, best first:"]
        for rank, cand in enumerate(candidates, 1):
            lines += _candidate(rank, cand, explanation, corpus)
    lines += _advice(explanation, corpus, threshold)
    if verbose:
        lines += _details(explanation)
    return "\n".join(lines)
