"""The additive scorer. Every score is an exact sum of named parts.

    s(u, i) = alpha * sum_{j in H(u)} B[j, i]          past items ("you watched Alien")
            + sum_f F[i, f] * a_u[f]                   item features weighted by the user's affinity
            + b[i]                                     how widely liked item i is (popularity / bias)
    a_u     = p_u @ W + c,   p_u = (x_u @ F) / |H(u)|  share of the user's history with each feature

B is EASE's item-item matrix; alpha, W, c and b are trained with torch. A user is nothing but a
history, so a new user is folded in from a few ratings without retraining.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch


@dataclass
class ScorerParams:
    """Plain arrays; float32. Shapes: B (n, n), F (n, nf), W (nf, nf), c (nf,), b (n,)."""

    B: np.ndarray
    F: np.ndarray
    W: np.ndarray
    c: np.ndarray
    b: np.ndarray
    alpha: float

    @property
    def n_items(self) -> int:
        return int(self.b.shape[0])


def user_profile(params: ScorerParams, x: np.ndarray) -> np.ndarray:
    """p_u: share of the user's history carrying each feature. x: (n,) or (m, n) 0/1 -> (nf,) or (m, nf)."""
    count = np.maximum(x.sum(axis=-1, keepdims=True), 1.0)
    return (x @ params.F) / count


def affinity(params: ScorerParams, x: np.ndarray) -> np.ndarray:
    """a_u = p_u @ W + c: the user's learned weight on each feature. (nf,) or (m, nf)."""
    return user_profile(params, x) @ params.W + params.c


def score_matrix(params: ScorerParams, x: np.ndarray) -> np.ndarray:
    """Scores for many users at once. x: (m, n) 0/1 float32 -> (m, n) float32."""
    xt = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))
    hist = params.alpha * (xt @ torch.from_numpy(params.B))  # (m, n)
    feat = torch.from_numpy(affinity(params, x).astype(np.float32)) @ torch.from_numpy(params.F).T  # (m, n)
    return (hist + feat + torch.from_numpy(params.b)).numpy()


def score_history(params: ScorerParams, history_idx: np.ndarray) -> np.ndarray:
    """Scores for one user from the indices of their past items. Cost O(|H| n + nf n)."""
    x = np.zeros(params.n_items, np.float32)
    x[history_idx] = 1.0
    hist = params.alpha * params.B[history_idx].sum(axis=0) if len(history_idx) else np.zeros(params.n_items, np.float32)
    return (hist + params.F @ affinity(params, x).astype(np.float32) + params.b).astype(np.float32)


@dataclass(frozen=True)
class RawContributions:
    """Exact parts of one score, in float64. history[k] belongs to history_idx[k]; features[k] to feature_idx[k]."""

    history_idx: np.ndarray
    history: np.ndarray
    feature_idx: np.ndarray
    features: np.ndarray
    bias: float

    @property
    def total(self) -> float:
        return float(self.history.sum() + self.features.sum() + self.bias)


def contributions(params: ScorerParams, history_idx: np.ndarray, item: int) -> RawContributions:
    """Decompose s(u, item) into its parts; their sum equals ``score_history(...)[item]``."""
    x = np.zeros(params.n_items, np.float32)
    x[history_idx] = 1.0
    a = affinity(params, x).astype(np.float64)
    hist = params.alpha * params.B[history_idx, item].astype(np.float64)
    active = np.flatnonzero(params.F[item])
    feats = params.F[item, active].astype(np.float64) * a[active]
    return RawContributions(history_idx=np.asarray(history_idx), history=hist, feature_idx=active, features=feats, bias=float(params.b[item]))
