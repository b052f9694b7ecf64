"""The additive scorer. Every score is an exact sum of named parts.

    s(u, i) = alpha * sum_{j in H(u)} B[j, i]          past items ("you watched Alien")
            + sum_f F[i, f] * a_u[f]                   item features weighted by the user's affinity
            + beta_u * pop[i]                          how widely chosen item i is (pop = log-count in [0, 1])
    a_u     = p_u @ W + c,   p_u = (x_u @ F) / |H(u)|  share of the user's history with each feature
    beta_u  = beta for users with >= cold_n items; for fewer it moves linearly to cold_beta > 0 at
              |H| = 0, so a new user starts from what is popular (the trained beta may be negative:
              among strong item-item candidates the model prefers the less obvious ones)

B is EASE's item-item matrix; alpha, W, c and b are trained with torch. A user is nothing but a
history, so a new user is folded in from a few ratings without retraining.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch


@dataclass
class ScorerParams:
    """Plain arrays; float32. Shapes: B (n, n), F (n, nf), W (nf, nf), c (nf,), pop (n,)."""

    B: np.ndarray
    F: np.ndarray
    W: np.ndarray
    c: np.ndarray
    pop: np.ndarray
    alpha: float
    beta: float
    cold_beta: float = 1.0
    cold_n: int = 5

    @property
    def n_items(self) -> int:
        return int(self.pop.shape[0])

    def beta_for(self, n_history: np.ndarray | int) -> np.ndarray:
        """Popularity weight for users with ``n_history`` past items."""
        cold = np.clip(1.0 - np.asarray(n_history, dtype=np.float64) / self.cold_n, 0.0, 1.0)
        return (1.0 - cold) * self.beta + cold * self.cold_beta


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
    beta = torch.from_numpy(params.beta_for(x.sum(axis=1)).astype(np.float32))[:, None]  # (m, 1)
    return (hist + feat + beta * torch.from_numpy(params.pop)).numpy()


def score_history(params: ScorerParams, history_idx: np.ndarray) -> np.ndarray:
    """Scores for one user from the indices of their past items. Cost O(|H| n + nf n)."""
    x = np.zeros(params.n_items, np.float32)
    x[history_idx] = 1.0
    hist = params.alpha * params.B[history_idx].sum(axis=0) if len(history_idx) else np.zeros(params.n_items, np.float32)
    beta = np.float32(params.beta_for(len(history_idx)))
    return (hist + params.F @ affinity(params, x).astype(np.float32) + beta * params.pop).astype(np.float32)


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
    return RawContributions(history_idx=np.asarray(history_idx), history=hist, feature_idx=active, features=feats, bias=float(np.float32(params.beta_for(len(history_idx))) * params.pop[item]))
