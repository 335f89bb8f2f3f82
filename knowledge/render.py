"""Plain-text renderings of answers and explanations, for the terminal.

The Discord layer renders embeds from the same entries; these are what
``careerbot ask`` and ``careerbot kb explain`` print, so moderators can preview an
answer and see why it was chosen without running Discord.
"""

from __future__ import annotations

from knowledge.corpus import Corpus
from knowledge.match import MAX_QUESTION_CHARS, MatchResult
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
