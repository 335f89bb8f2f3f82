"""Moderators teaching the corpus from Discord: phrasings, drafts, accept, reject, undo.

The YAML files stay the one source of truth: every change is written to a file under
``community/`` in the corpus folder (:mod:`.files`), checked with the whole corpus
exactly as ``careerbot kb check`` checks it, written atomically and served by the same
reload as ``/kb reload`` (:mod:`.writer`); each change is logged with the bytes it
replaced, so it can be undone byte for byte (:mod:`.changes`).
"""

from careerbot.core.community.changes import Change
from careerbot.core.community.files import DRAFTS_KEY, ENTRIES_FILE, PHRASINGS_FILE, Draft
from careerbot.core.community.writer import CorpusWriter, Moderator, WriteOutcome

__all__ = [
    "DRAFTS_KEY",
    "ENTRIES_FILE",
    "PHRASINGS_FILE",
    "Change",
    "CorpusWriter",
    "Draft",
    "Moderator",
    "WriteOutcome",
]
