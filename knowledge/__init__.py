"""The careerbot corpus (YAML in this folder) and the code that loads, checks and searches it."""

from knowledge.corpus import Corpus, Entry, Kind
from knowledge.loader import CorpusInvalid, Issue, check_corpus, issue_line, load_corpus
from knowledge.lookup import find_items, find_skills
from knowledge.match import (
    MAX_QUESTION_CHARS,
    Candidate,
    Matcher,
    MatchResult,
    MatchSettings,
)
from knowledge.models import ChecklistItem, FaqEntry, SkillEntry
from knowledge.service import DEFAULT_KNOWLEDGE_PATH, KnowledgeBase, ReloadResult

__all__ = [
    "DEFAULT_KNOWLEDGE_PATH",
    "MAX_QUESTION_CHARS",
    "Candidate",
    "ChecklistItem",
    "Corpus",
    "CorpusInvalid",
    "Entry",
    "FaqEntry",
    "Issue",
    "Kind",
    "KnowledgeBase",
    "MatchResult",
    "MatchSettings",
    "Matcher",
    "ReloadResult",
    "SkillEntry",
    "check_corpus",
    "find_items",
    "find_skills",
    "issue_line",
    "load_corpus",
]
