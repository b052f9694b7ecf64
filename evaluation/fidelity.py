"""Counterfactual fidelity of explanations: PN and PS as defined by CountER (Tan et al. 2021).

For a user's top-k list, each recommended item i has a score s_i that is a sum of contributions. The
explanation is the ``n_top`` largest positive contributions (fewer if fewer are positive). Only item i's
score changes; every other item keeps its score.

- Necessary (PN): with the explanation removed, s_i' = s_i - sum(explanation), i leaves the top k.
- Sufficient (PS): with only the explanation kept, s_i' = sum(explanation), i stays in the top k.
PN / PS are the shares of explained (user, item) pairs that are necessary / sufficient.

Membership rule: i is in the top k iff fewer than k other items score strictly higher than s_i'
(ties favour i, matching a recommender that put i in the list). ``scores`` must be the vector the
recommender ranked, with excluded (already seen) items at -inf.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


def explanation_sum(contributions: np.ndarray, n_top: int = 3) -> float:
    """Sum of the ``n_top`` largest positive contributions (0.0 if none is positive)."""
    values = np.asarray(contributions, dtype=np.float64).ravel()
    positive = np.sort(values[values > 0])[::-1]
    return float(positive[:n_top].sum())


def in_top_k(scores: np.ndarray, item: int, new_score: float, k: int = 10) -> bool:
    """Whether ``item`` would be in the top k if its score were ``new_score`` (others unchanged)."""
    higher = int(np.count_nonzero(scores > new_score))
    if scores[item] > new_score:  # the item's own old score is not a competitor
        higher -= 1
    return higher < k


def _check(scores: np.ndarray, item: int, contributions: np.ndarray, atol: float) -> None:
    total = float(np.sum(contributions, dtype=np.float64))
    if not np.isclose(total, float(scores[item]), rtol=1e-5, atol=atol):
        raise ValueError(f"contributions of item {item} sum to {total:.6g}, its score is {float(scores[item]):.6g}")


def is_necessary(
    scores: np.ndarray, item: int, contributions: np.ndarray, k: int = 10, n_top: int = 3, atol: float = 1e-4
) -> bool:
    """True if subtracting the explanation from the item's score drops it out of the top k."""
    _check(scores, item, contributions, atol)
    return not in_top_k(scores, item, float(scores[item]) - explanation_sum(contributions, n_top), k)


def is_sufficient(
    scores: np.ndarray, item: int, contributions: np.ndarray, k: int = 10, n_top: int = 3, atol: float = 1e-4
) -> bool:
    """True if the item stays in the top k when its score is the explanation alone."""
    _check(scores, item, contributions, atol)
    return in_top_k(scores, item, explanation_sum(contributions, n_top), k)


@dataclass(frozen=True)
class Fidelity:
    pn: float  # share of explained items that are necessary
    ps: float  # share that are sufficient
    n: int  # explained (user, item) pairs


def user_fidelity(
    scores: np.ndarray,
    items: Sequence[int],
    contributions: Sequence[np.ndarray],
    k: int = 10,
    n_top: int = 3,
    atol: float = 1e-4,
) -> tuple[np.ndarray, np.ndarray]:
    """Per recommended item of one user: (necessary, sufficient) boolean arrays.

    Args:
        scores: (n_items,) the user's full score vector, seen items at -inf.
        items: indices of the recommended items (normally the top k).
        contributions: one array per item in ``items``, summing to that item's score.
    """
    if len(items) != len(contributions):
        raise ValueError(f"{len(items)} items but {len(contributions)} contribution arrays")
    scores = np.asarray(scores, dtype=np.float64)
    necessary = np.array([is_necessary(scores, i, c, k, n_top, atol) for i, c in zip(items, contributions)], bool)
    sufficient = np.array([is_sufficient(scores, i, c, k, n_top, atol) for i, c in zip(items, contributions)], bool)
    return necessary, sufficient


def fidelity(
    per_user: Sequence[tuple[np.ndarray, Sequence[int], Sequence[np.ndarray]]],
    k: int = 10,
    n_top: int = 3,
    atol: float = 1e-4,
) -> Fidelity:
    """PN and PS pooled over (user, item) pairs; ``per_user`` holds (scores, items, contributions)."""
    necessary, sufficient = [], []
    for scores, items, contributions in per_user:
        nec, suf = user_fidelity(scores, items, contributions, k, n_top, atol)
        necessary.append(nec)
        sufficient.append(suf)
    nec_all = np.concatenate(necessary) if necessary else np.zeros(0, bool)
    suf_all = np.concatenate(sufficient) if sufficient else np.zeros(0, bool)
    if len(nec_all) == 0:
        return Fidelity(float("nan"), float("nan"), 0)
    return Fidelity(float(nec_all.mean()), float(suf_all.mean()), len(nec_all))
