"""Blend semantic similarity with the user's scorer score (see README_BLEND.md)."""

from __future__ import annotations

import numpy as np

from because.errors import InputError

DEFAULT_ALPHA = 0.6


def zscore(values: np.ndarray) -> np.ndarray:
    """(x - mean) / std within the array; NaN entries become 0 (the mean); constant input -> zeros."""
    x = np.asarray(values, dtype=np.float64)
    known = ~np.isnan(x)
    out = np.zeros_like(x)
    if known.sum() < 2:
        return out
    mean, std = x[known].mean(), x[known].std()
    if std > 1e-12:
        out[known] = (x[known] - mean) / std
    return out


def blend(similarity: np.ndarray, scorer_score: np.ndarray, alpha: float = DEFAULT_ALPHA) -> np.ndarray:
    """final = alpha * z(similarity) + (1 - alpha) * z(scorer_score), z within the candidate set.

    similarity, scorer_score: (n_candidates,); NaN scorer scores (items the scorer does not know)
    count as average for this user.
    """
    if not 0.0 <= alpha <= 1.0:
        raise InputError(f"alpha must be between 0 and 1, got {alpha}.", "use 1 for pure text match, 0 for pure taste.")
    return alpha * zscore(similarity) + (1.0 - alpha) * zscore(scorer_score)


def candidate_count(k: int) -> int:
    """How many semantic hits to re-rank for a top-k answer: max(50, 5k)."""
    return max(50, 5 * k)
