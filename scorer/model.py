"""The additive scorer. Every score is an exact sum of named parts.

    s(u, i) = alpha * sum_{j in H(u)} B[j, i]          past items ("you watched Alien")
            + sum_f F[i, f] * a_u[f]                   item features weighted by the user's affinity
            + beta_u * pop[i]                          how widely chosen item i is (pop = log-count in [0, 1])
    a_u     = p_u @ W + w_u c,  p_u = (x_u @ F) / |H(u)|  share of the user's history with each feature
    beta_u  = w_u beta + (1 - w_u) cold_beta
    w_u     = min(1, |H(u)| / cold_n): how "warm" the user is. beta and c are learned on warm users to
              reorder strong item-item candidates (beta may be negative there: the less obvious picks);
              a new user instead starts from what is popular (cold_beta > 0) and their own features.

B is EASE's item-item matrix; alpha, W, c and b are trained with torch. A user is nothing but a
history, so a new user is folded in from a few ratings without retraining.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import torch


@dataclass
class ScorerParams:
    """Plain arrays; float32. Shapes: B (n, n), F (n, nf), W (nf, nf), c (nf,), pop (n,).

    B may also be a scipy CSR matrix: a sparse top-k neighbour B (what ``because train --engine spark``
    writes, and what a catalogue far too large for a dense n x n B needs); scoring, contributions,
    checkpoints and the tools accept either.
    """

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

    def warmth(self, n_history: np.ndarray | int) -> np.ndarray:
        """w_u = min(1, |H| / cold_n) for users with ``n_history`` past items."""
        return np.clip(np.asarray(n_history, dtype=np.float64) / self.cold_n, 0.0, 1.0)

    def beta_for(self, n_history: np.ndarray | int) -> np.ndarray:
        """Popularity weight for users with ``n_history`` past items."""
        warm = self.warmth(n_history)
        return warm * self.beta + (1.0 - warm) * self.cold_beta


def user_profile(params: ScorerParams, x: np.ndarray) -> np.ndarray:
    """p_u: share of the user's history carrying each feature. x: (n,) or (m, n) 0/1 -> (nf,) or (m, nf)."""
    count = np.maximum(x.sum(axis=-1, keepdims=True), 1.0)
    return (x @ params.F) / count


def affinity(params: ScorerParams, x: np.ndarray) -> np.ndarray:
    """a_u = p_u @ W + w_u c: the user's learned weight on each feature. (nf,) or (m, nf)."""
    warm = params.warmth(x.sum(axis=-1, keepdims=True)).astype(np.float32)
    return user_profile(params, x) @ params.W + warm * params.c


def score_matrix(params: ScorerParams, x: np.ndarray) -> np.ndarray:
    """Scores for many users at once. x: (m, n) 0/1 float32 -> (m, n) float32."""
    xt = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))
    hist = params.alpha * (xt @ torch.from_numpy(params.B))  # (m, n)
    feat = torch.from_numpy(affinity(params, x).astype(np.float32)) @ torch.from_numpy(params.F).T  # (m, n)
    beta = torch.from_numpy(params.beta_for(x.sum(axis=1)).astype(np.float32))[:, None]  # (m, 1)
    return (hist + feat + beta * torch.from_numpy(params.pop)).numpy()


def history_profile(params: ScorerParams, history_idx: np.ndarray) -> np.ndarray:
    """p_u for one user from the indices of their (distinct) past items: (nf,) float32."""
    idx = np.asarray(history_idx, dtype=np.int64)
    if len(idx) == 0:
        return np.zeros(params.F.shape[1], np.float32)
    return params.F[idx].sum(axis=0, dtype=np.float32) / np.float32(len(idx))


def history_affinity(params: ScorerParams, history_idx: np.ndarray) -> np.ndarray:
    """a_u for one user from the indices of their (distinct) past items: (nf,) float32.

    p_u = F[H].sum / |H| gathers |H| rows of F instead of a pass over all n; ``score_history`` and
    ``contributions`` both use it, so a score and its parts see the same a_u.
    """
    warm = np.float32(params.warmth(len(history_idx)))
    return (history_profile(params, history_idx) @ params.W + warm * params.c).astype(np.float32)


def score_history(params: ScorerParams, history_idx: np.ndarray) -> np.ndarray:
    """Scores for one user from the indices of their (distinct) past items: (n,) float32.

    Cost O(|H| n + nf n), float32 throughout. The item-item term is a 1 x n_B sparse selector (alpha on
    the history rows) times B, so B's |H| rows are read once, in place, by one C loop: no (|H|, n) copy
    of B[H] (which cost more than the arithmetic at a million items). A sparse (CSR) B works the same way.
    """
    idx = np.asarray(history_idx, dtype=np.int64)
    B, F = params.B, params.F
    out = F @ history_affinity(params, idx)  # (n,) float32
    if len(idx):
        select = sp.csr_matrix(
            (np.full(len(idx), np.float32(params.alpha), np.float32), idx, np.array([0, len(idx)])),
            shape=(1, B.shape[0]),
        )
        hist = select @ B
        out += (hist.toarray() if sp.issparse(hist) else hist).ravel()
    out += np.float32(params.beta_for(len(idx))) * params.pop
    return out


def item_row(params: ScorerParams, idx: int) -> np.ndarray:
    """B[idx, :] as a dense (n,) float32 row: how much having item ``idx`` adds to each item's score."""
    row = params.B[idx]
    return (row.toarray().ravel() if sp.issparse(row) else np.asarray(row)).astype(np.float32)


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
    history_idx = np.asarray(history_idx, dtype=np.int64)
    a = history_affinity(params, history_idx).astype(np.float64)
    if sp.issparse(params.B):
        column = np.asarray(params.B[history_idx][:, [item]].todense(), dtype=np.float64).ravel()
    else:
        column = params.B[history_idx, item].astype(np.float64)
    hist = float(np.float32(params.alpha)) * column
    active = np.flatnonzero(params.F[item])
    feats = params.F[item, active].astype(np.float64) * a[active]
    return RawContributions(
        history_idx=history_idx,
        history=hist,
        feature_idx=active,
        features=feats,
        bias=float(np.float32(params.beta_for(len(history_idx))) * params.pop[item]),
    )
