"""A scorer small enough to compute by hand: 3 items (x, y, z), 2 features (A, B), two users."""

from __future__ import annotations

import numpy as np

from scorer.model import ScorerParams
from scorer.recommender import Recommender


def hand_params() -> ScorerParams:
    """3 items (x, y, z), 2 features (A, B). Item x has A, y has A and B, z has B."""
    return ScorerParams(
        B=np.array([[0.0, 0.5, 0.25], [0.4, 0.0, -0.1], [0.3, 0.6, 0.0]], np.float32),
        F=np.array([[1, 0], [1, 1], [0, 1]], np.float32),
        W=np.array([[0.5, 0.1], [0.0, -1.0]], np.float32),
        c=np.array([0.1, 0.2], np.float32),
        pop=np.array([1.0, 0.5, 0.0], np.float32),
        alpha=2.0,
        beta=-0.5,
        cold_beta=1.0,
        cold_n=5,
    )


def hand_recommender(params: ScorerParams | None = None) -> Recommender:
    return Recommender(
        dataset="hand",
        item_ids=["x", "y", "z"],
        titles=["Xanadu", "Yojimbo", "Zardoz"],
        feature_names=["genres=A", "genres=B"],
        feature_labels=["A", "B"],
        feature_columns=["genres", "genres"],
        params=params or hand_params(),
        popularity=np.array([10, 5, 1], np.float32),
        histories={"u": {"x": 4.0}, "v": {"x": 3.7, "z": None}},
        meta={"note": "hand-made"},
    )
