"""Keeping garbage-collector pauses out of answer times.

Python's cyclic collector now and then walks every container object the process
holds. For the bot that is ~85,000 objects at start-up (discord.py, pydantic, numpy,
the corpus and its index), and on this kind of machine one such full pass takes
40-60 ms: under load (``bench/interaction_load.py`` at 200 /ask per second) every
interaction arriving meanwhile waits, and those pauses were most of the p99.

None of those start-up objects ever becomes garbage while the bot runs, so after
start-up they are moved to the collector's permanent generation (:func:`gc.freeze`),
which it never walks; later passes only look at what the bot created since. Objects
frozen are still freed by reference counting as usual (an old corpus after a reload
is), only reference cycles among them wait until :func:`gc.unfreeze` at shutdown.
"""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import Iterator

log = logging.getLogger(__name__)


@contextlib.contextmanager
def frozen_heap() -> Iterator[int]:
    """Collect once, freeze what survives, and thaw it on the way out.

    Yields how many objects were frozen (for the log). Used around the bot's serving
    phase, after the corpus is loaded and the extensions are set up.
    """
    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    log.debug("froze %d start-up objects out of the garbage collector's passes", frozen)
    try:
        yield frozen
    finally:
        gc.unfreeze()
