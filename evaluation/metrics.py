"""Top-k ranking metrics over all unseen items.

Protocol: for each test user, every item is ranked except the user's train items (masked to -inf);
there is no negative sampling. Only users with at least one test item count.

- NDCG@k = DCG@k / IDCG@k with binary gains, DCG@k = sum_{r<k} hit_r / log2(r + 2) (r 0-based) and
  IDCG@k the DCG of a perfect list of min(k, |T|) hits.
- Recall@k = hits@k / min(k, |T|): the share of what could be hit in k slots, so a perfect list scores
  1.0 even when |T| > k (the "truncated" recall of Liang et al. 2018, used by the EASE paper).
- recall_raw@k = hits@k / |T|: plain recall, capped below 1 whenever |T| > k.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import scipy.sparse as sp


class Ranker(Protocol):
    """What the evaluation needs from a model: fit on binary train rows, score every item."""

    name: str

    def fit(self, train: sp.csr_matrix) -> Ranker: ...

    def score(self, users: np.ndarray, train: sp.csr_matrix) -> np.ndarray:
        """(len(users), n_items) float32; higher ranks first. ``train`` holds the users' histories."""
        ...


METRICS = ("ndcg", "recall", "recall_raw")


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """(n_rows, k) item indices of the k highest scores per row, best first."""
    k = min(k, scores.shape[1])
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]  # unordered top k
    part_scores = np.take_along_axis(scores, part, axis=1)
    order = np.argsort(-part_scores, axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def rank_metrics(
    scores: np.ndarray, seen: sp.csr_matrix, relevant: sp.csr_matrix, k: int = 10
) -> dict[str, np.ndarray]:
    """Per-row NDCG@k, Recall@k, recall_raw@k for one batch of users.

    Args:
        scores: (B, n_items) model scores; modified in place (seen items set to -inf).
        seen: (B, n_items) train items, excluded from the ranking.
        relevant: (B, n_items) test items; every row must have at least one.
    """
    if np.isnan(scores).any():
        raise ValueError("the ranker returned NaN scores")
    rows, cols = seen.nonzero()
    scores[rows, cols] = -np.inf
    top = top_k(scores, k)  # (B, k)
    rel = relevant.toarray() > 0  # (B, n_items)
    hits = np.take_along_axis(rel, top, axis=1)  # (B, k) bool
    n_rel = rel.sum(axis=1)  # (B,)
    if (n_rel == 0).any():
        raise ValueError("every evaluated user needs at least one test item")
    discount = 1.0 / np.log2(np.arange(2, top.shape[1] + 2))  # (k,)
    ideal = np.concatenate([[0.0], np.cumsum(discount)])  # ideal[m] = IDCG with m hits
    n_hits = hits.sum(axis=1)
    capped = np.minimum(n_rel, top.shape[1])
    return {
        "ndcg": (hits @ discount) / ideal[capped],
        "recall": n_hits / capped,
        "recall_raw": n_hits / n_rel,
    }


def evaluate_ranker(
    ranker: Ranker,
    train: sp.csr_matrix,
    test: sp.csr_matrix,
    k: int = 10,
    batch_size: int = 1024,
) -> dict[str, float]:
    """Mean NDCG@k, Recall@k, recall_raw@k of a fitted ranker over users with test items."""
    per_user = evaluate_per_user(ranker, train, test, k, batch_size)
    return {name: float(values.mean()) if len(values) else float("nan") for name, values in per_user.items()}


def evaluate_per_user(
    ranker: Ranker,
    train: sp.csr_matrix,
    test: sp.csr_matrix,
    k: int = 10,
    batch_size: int = 1024,
) -> dict[str, np.ndarray]:
    """Per-user metric arrays (for paired comparisons), users in index order."""
    users = np.flatnonzero(np.diff(test.indptr) > 0)
    parts: dict[str, list[np.ndarray]] = {name: [] for name in METRICS}
    for start in range(0, len(users), batch_size):
        batch = users[start : start + batch_size]
        scores = np.array(ranker.score(batch, train), dtype=np.float32, copy=True)
        if scores.shape != (len(batch), train.shape[1]):
            raise ValueError(f"{ranker.name}.score returned shape {scores.shape}, want {(len(batch), train.shape[1])}")
        for name, values in rank_metrics(scores, train[batch], test[batch], k).items():
            parts[name].append(values)
    return {name: np.concatenate(chunks) if chunks else np.zeros(0) for name, chunks in parts.items()}
