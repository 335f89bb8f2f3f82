"""Picking the best few of many scores, which every stage after the word score does."""

from __future__ import annotations

import numpy as np


def top_k(values: np.ndarray, k: int) -> list[int]:
    """Indexes of the ``k`` largest values, best first, ties by index (stable, like argsort).

    ``argpartition`` keeps this linear in the corpus size; only the winners are sorted.
    """
    n = len(values)
    if n == 0 or k <= 0:
        return []
    if n <= 512:
        # A small corpus: one stable sort is cheaper than partitioning.
        return (-values).argsort(kind="stable")[:k].tolist()
    if k < n:
        part = np.argpartition(-values, k - 1)[:k]
        cutoff = values[part].min()
        above = np.flatnonzero(values > cutoff)
        ties = np.flatnonzero(values == cutoff)[: k - len(above)]
        part = np.concatenate((above, ties))
    else:
        part = np.arange(n)
    part = np.sort(part)  # lexsort is stable: equal values stay in index order
    return part[np.lexsort((-values[part],))][:k].tolist()
