"""The Because scorer as an evaluation Ranker, and PN/PS of its explanations."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import scipy.sparse as sp

from evaluation.fidelity import Fidelity, fidelity
from evaluation.metrics import Ranker, top_k
from scorer.model import ScorerParams, contributions, score_matrix
from scorer.train import TrainConfig, train_scorer


class BecauseRanker:
    """Trains the additive scorer on the split's train rows; ``features`` is (n_items, nf) in split order."""

    def __init__(self, features: np.ndarray, cfg: TrainConfig = TrainConfig()) -> None:
        self.name = "Because (ours)"
        self.features = features
        self.cfg = cfg
        self.params: ScorerParams | None = None

    def fit(self, train: sp.csr_matrix) -> "BecauseRanker":
        self.params, self.report = train_scorer(train, self.features, self.cfg, progress=False)
        return self

    def score(self, users: np.ndarray, train: sp.csr_matrix) -> np.ndarray:
        assert self.params is not None, "fit first"
        return score_matrix(self.params, train[users].toarray())

    def contributions(self, history_idx: np.ndarray, item: int) -> np.ndarray:
        assert self.params is not None, "fit first"
        raw = contributions(self.params, history_idx, item)
        return np.concatenate([raw.history, raw.features, [raw.bias]])


Contrib = Callable[[np.ndarray, int], np.ndarray]  # (history indices, item) -> parts summing to the score


def ease_contributions(weights: np.ndarray) -> Contrib:
    """EASE's score is also a sum over the user's past items: s(u, i) = sum_j B[j, i]."""
    return lambda history_idx, item: weights[history_idx, item].astype(np.float64)


def explanation_fidelity(
    ranker: Ranker, contrib: Contrib, train: sp.csr_matrix, users: Sequence[int], k: int = 10, n_top: int = 3
) -> Fidelity:
    """PN/PS over each user's top-k, explaining each item by its 3 largest positive contributions."""
    per_user = []
    for u in users:
        hist = train[u].indices
        scores = np.asarray(ranker.score(np.array([u]), train), dtype=np.float64)[0]
        scores[hist] = -np.inf
        items = top_k(scores[None, :], k)[0]
        per_user.append((scores, items, [contrib(hist, int(i)) for i in items]))
    return fidelity(per_user, k=k, n_top=n_top)
