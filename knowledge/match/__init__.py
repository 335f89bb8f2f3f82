"""Finding the corpus entry that answers a question, or honestly abstaining."""

from knowledge.match.matcher import Matcher
from knowledge.match.results import (
    Candidate,
    CandidateExplanation,
    Explanation,
    MatchResult,
    TermMatch,
)
from knowledge.match.settings import MAX_QUESTION_CHARS, MatchSettings

__all__ = [
    "MAX_QUESTION_CHARS",
    "Candidate",
    "CandidateExplanation",
    "Explanation",
    "MatchResult",
    "MatchSettings",
    "Matcher",
    "TermMatch",
]
