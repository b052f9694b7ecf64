"""Reference rankers: Popularity, ItemKNN (cosine), EASE (Steck 2019), and a validation tuner."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
import scipy.sparse as sp

from evaluation.metrics import Ranker, evaluate_ranker
from evaluation.splits import Split
from scorer.ease import ease_weights

P = TypeVar("P")

EASE_GRID = (50.0, 100.0, 200.0, 300.0, 500.0, 800.0, 1000.0, 2000.0)
KNN_GRID = (10, 20, 50, 100, 200, 400)


def _fitted(value: np.ndarray | sp.spmatrix | None, name: str) -> np.ndarray | sp.spmatrix:
    if value is None:
        raise RuntimeError(f"{name} is not fitted; call fit(train) first")
    return value


def _join(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype)


class Popularity:
    """Scores every item by its number of train users, the same list for everyone."""

    def __init__(self) -> None:
        self.name = "Popularity"
        self.counts: np.ndarray | None = None  # (n_items,) float32

    def fit(self, train: sp.csr_matrix) -> Popularity:
        self.counts = np.asarray(train.sum(axis=0), dtype=np.float32).ravel()
        return self

    def score(self, users: np.ndarray, train: sp.csr_matrix) -> np.ndarray:
        counts = _fitted(self.counts, self.name)
        return np.broadcast_to(counts, (len(users), len(counts))).copy()


class ItemKNN:
    """Item-based kNN: score(u, j) = sum of cos(i, j) over the user's items i among j's k nearest.

    cos(i, j) = c_ij / (sqrt(n_i * n_j) + shrink), c = co-occurrence counts. Neighbours are pruned per
    target item j (column), in column blocks so memory stays O(n_items * block).
    """

    def __init__(self, k: int = 100, shrink: float = 0.0, block: int = 2048) -> None:
        self.name = f"ItemKNN(k={k})"
        self.k, self.shrink, self.block = k, shrink, block
        self.sim: sp.csr_matrix | None = None  # (n_items, n_items), column j = j's neighbours

    def fit(self, train: sp.csr_matrix) -> ItemKNN:
        x = sp.csc_matrix(train, dtype=np.float32)
        n_items = x.shape[1]
        norms = np.sqrt(np.asarray(x.sum(axis=0)).ravel())  # (n_items,)
        xt = x.T.tocsr()
        k = min(self.k, n_items - 1)
        rows_all, cols_all, vals_all = [], [], []
        for start in range(0, n_items, self.block):
            stop = min(start + self.block, n_items)
            co = (xt @ x[:, start:stop]).toarray()  # (n_items, b) co-occurrence
            sim = co / (np.outer(norms, norms[start:stop]) + self.shrink + 1e-12)
            sim[np.arange(start, stop), np.arange(stop - start)] = 0.0  # no self-similarity
            if k <= 0:
                continue
            top = np.argpartition(-sim, k - 1, axis=0)[:k]  # (k, b) neighbour rows per column
            vals = np.take_along_axis(sim, top, axis=0)
            keep = vals > 0
            rows_all.append(top[keep])
            cols_all.append(np.broadcast_to(np.arange(start, stop), top.shape)[keep])
            vals_all.append(vals[keep])
        self.sim = sp.csr_matrix(
            (_join(vals_all, np.float32), (_join(rows_all, np.int64), _join(cols_all, np.int64))),
            shape=(n_items, n_items),
        )
        return self

    def score(self, users: np.ndarray, train: sp.csr_matrix) -> np.ndarray:
        sim = _fitted(self.sim, self.name)
        return np.asarray((train[users] @ sim).toarray(), dtype=np.float32)


class EASE:
    """EASE (Steck 2019): B = I - P / diag(P), P = (X^T X + lambda I)^-1, so diag(B) = 0.

    The inverse runs in float64 numpy; B is stored as float32. Memory is O(n_items^2). (torch's
    Cholesky inverse is 2x faster on an idle machine but 10-20x slower when the cores are shared,
    because of OpenMP spin-waiting; numpy/OpenBLAS degrades gracefully.)
    """

    def __init__(self, lam: float = 500.0) -> None:
        self.name = f"EASE(lambda={lam:g})"
        self.lam = lam
        self.weights: np.ndarray | None = None  # (n_items, n_items) float32

    def fit(self, train: sp.csr_matrix) -> EASE:
        self.weights = ease_weights(train, self.lam)
        return self

    def score(self, users: np.ndarray, train: sp.csr_matrix) -> np.ndarray:
        weights = _fitted(self.weights, self.name)
        return np.asarray(train[users] @ weights, dtype=np.float32)


@dataclass(frozen=True)
class Tuned(Generic[P]):
    """Outcome of ``tune``: the best parameter, its ranker refitted on the full train, the search."""

    param: P
    ranker: Ranker
    validation_ndcg: dict[P, float]


def tune(ranker_factory: Callable[[P], Ranker], grid: Iterable[P], split: Split, k: int = 10) -> Tuned[P]:
    """Fit ``ranker_factory(p)`` on ``split.validation.train`` for each p, keep the best validation
    NDCG@k (first wins ties), then refit that one on ``split.train``."""
    if split.validation is None:
        raise ValueError("the split has no validation part; build it with random_split or time_split")
    val = split.validation
    results: dict[P, float] = {}
    for param in grid:
        ranker = ranker_factory(param).fit(val.train)
        results[param] = evaluate_ranker(ranker, val.train, val.test, k)["ndcg"]
    if not results:
        raise ValueError("empty grid")
    best = max(results, key=lambda p: results[p])
    return Tuned(best, ranker_factory(best).fit(split.train), results)
