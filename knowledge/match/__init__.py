"""Finding the entry that answers a question, or honestly abstaining.

A question goes through these stages, one module each; every stage returns a named
result that the next stage, and the explanation, read:

====  ==============  ==========================================  ==================
step  module          what it does                                result
====  ==============  ==========================================  ==================
0     ``index``       once per corpus: units, vocabulary, term    ``Index``
                      weights (``term_weights``: IDF over
                      entries), postings, char-gram and meaning
                      indexes
1     ``query``       the question's words, synonyms, typo and    ``Query``
                      truncation look-ups, compound splits,
                      sentences
2     ``words``       word score: soft TF-IDF coverage of each    ``WordScores``
                      unit in both directions, blended per
                      entry; the ``context_cap`` confidence
3     ``rerank``      whole-text string similarity of the best    ``StringScores``
                      ``rerank`` entries
4     ``decide``      evidence: common words alone damp the       (arrays)
                      score
5     ``rerank``      second opinions on the best                 ``Opinions``
                      ``char_candidates``: letters (character
                      4-grams, a factor) and meaning (word
                      embeddings, averaged in)
6     ``decide``      rank, merge the question sentence of a      ``Ranking``,
                      longer message, answer above the            ``MatchResult``
                      threshold or suggest
7     ``explain``     the explanation, from the results above     ``Explanation``
====  ==============  ==========================================  ==================

:class:`Matcher` (``matcher``) runs them in order. Each module's docstring says why its
stage works the way it does, with the measurements that chose it; the settings
(``settings``, :class:`MatchSettings`) were calibrated on the development questions and
the CLINC150 validation split, never on a test set (see ``bench/``). What matching
hands back is in ``results``.
"""

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
