"""Plain-text renderings of answers and explanations, for the terminal.

The Discord layer renders embeds from the same entries; these are what
``careerbot ask`` and ``careerbot kb explain`` print, so moderators can preview an
answer and see why it was chosen without running Discord.
"""

from __future__ import annotations

from knowledge.corpus import Corpus
from knowledge.match import MAX_QUESTION_CHARS, Explanation, MatchResult
from knowledge.models import FaqEntry, SkillEntry

INTRO = (
    "Hi! I'm careerbot. Ask me anything about becoming a machine-learning engineer: "
    "degrees, maths, which language to learn, portfolio projects, salaries, switching "
    'careers, or any skill on the path (try: "do I need a PhD?" or "how much '
    'statistics do I need?").'
)
SMALLTALK_REPLIES = {
    "greeting": INTRO,
    "identity": INTRO,
    "thanks": "You're welcome! Good luck with your learning. Ask me anything else any time.",
    "goodbye": "See you! Keep learning a little every day.",
    "howareyou": "Doing well, thanks for asking! What would you like to know about ML careers?",
    "ack": "Anything else you'd like to know about becoming an ML engineer?",
}


def render_entry(entry: FaqEntry | SkillEntry, corpus: Corpus) -> str:
    lines: list[str] = []
    if isinstance(entry, FaqEntry):
        lines += [entry.question, "", entry.answer.strip()]
    else:
        lines += [f"{entry.name}: {entry.summary}", "", entry.why.strip(), "", "Checklist:"]
        lines += [f"  [ ] {item.title}  ({item.id})" for item in entry.checklist]
        lines += ["", "Ways to practise:"]
        lines += [f"  - {p}" for p in entry.practice]
    if entry.related:
        titles = [f"{corpus.title(r)} ({r})" for r in entry.related if r in corpus]
        lines += ["", "Related: " + "; ".join(titles)]
    return "\n".join(lines)


def render_result(result: MatchResult, corpus: Corpus) -> str:
    """What a member would read, as plain text."""
    if result.refused == "too_long":
        return (
            f"That question is too long for me ({len(result.question):,} characters; "
            f"the limit is {MAX_QUESTION_CHARS:,}). Could you ask it in a sentence or two?"
        )
    if result.refused == "empty":
        return "Ask me a question about becoming a machine-learning engineer."
    if result.smalltalk:
        return SMALLTALK_REPLIES[result.smalltalk]
    if result.match is not None:
        entry = corpus.entry(result.match.id)
        assert entry is not None
        head = f"[{result.match.kind}: {result.match.id}, confidence {result.match.score:.0f}]"
        return f"{render_entry(entry, corpus)}\n\n{head}"
    lines = ["I'm not sure I have a good answer to that."]
    if result.suggestions:
        lines.append("Did you mean:")
        lines += [f"  - {c.title} ({c.id})" for c in result.suggestions]
    else:
        lines.append(
            "I answer questions about becoming a machine-learning engineer: try asking "
            "about degrees, maths, programming, projects or a skill."
        )
    return "\n".join(lines)


def render_explanation(explanation: Explanation, threshold: float) -> str:
    """Why the matcher ranked what it ranked: for moderators tuning phrasings."""
    result = explanation.result
    lines = [f"question: {result.question!r}"]
    if result.refused:
        lines.append(f"refused: {result.refused}")
    if result.smalltalk:
        lines.append(f"small talk: {result.smalltalk} (never answered with an entry)")
    decision = (
        f"answers with {result.match.id} ({result.match.score:.1f})"
        if result.match
        else f"abstains (best {result.score:.1f} < threshold {threshold:.0f})"
        if result.best and not result.smalltalk
        else "abstains"
    )
    lines.append(f"decision: {decision}")
    if explanation.sentence is not None:
        lines.append(
            f"best match from one sentence (its confidence counts at a discount): "
            f"{explanation.sentence!r}"
        )
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
    lines.append("words: " + ("; ".join(words) if words else "(no content words)"))
    lines.append(f"evidence: {explanation.evidence:.0%} of what a confident answer needs")
    lines.append("")
    for rank, cand in enumerate(explanation.candidates, 1):
        c = cand.candidate
        lines.append(f"{rank}. {c.id} [{c.kind}] score {c.score:.1f}")
        word = f"word score {cand.word_score:.1f}"
        if cand.context_word_score > cand.word_score:
            word += (
                f" ({cand.context_word_score:.1f} as confidence: a long question counts"
                " at most twice the phrasing's own weight)"
            )
        lines.append(
            f"   {word}, string similarity {cand.string_score:.1f}, "
            f"letters alike {cand.char_score:.1f} (character 4-grams; scales the score)"
        )
        lines.append(
            f"   meaning alike {cand.meaning_score:.1f} (word embeddings; averaged into the score)"
        )
        if cand.best_unit:
            lines.append(f"   closest: {cand.best_unit}: {cand.best_unit_text!r}")
        if cand.matched:
            matched = ", ".join(f"{t.word} ({t.weight:.2f})" for t in cand.matched)
            lines.append(f"   matched words: {matched}")
    if not explanation.candidates:
        lines.append("no candidate shares a word with the question")
    return "\n".join(lines)
