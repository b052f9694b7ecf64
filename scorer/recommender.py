"""The served model: catalogue facts + trained scorer + user histories. What the CLI and the agent call."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

import numpy as np
import scipy.sparse as sp
import torch

from because.errors import InputError, UnknownIdError
from scorer.checkpoint import load_checkpoint, save_checkpoint
from scorer.model import ScorerParams, contributions, history_affinity, history_profile, score_history

History = dict[str, Union[float, None]]  # item_id -> rating (None when the data has no rating)
UserRef = Union[str, Mapping[str, Union[float, None]]]  # a known user id, or a history (folded-in user)


@dataclass(frozen=True)
class Recommendation:
    item_id: str
    title: str
    score: float
    rank: int


class Recommender:
    """Scores, ranks and decomposes. Build with ``pipeline.train_recommender`` or ``Recommender.load``."""

    def __init__(
        self,
        *,
        dataset: str,
        item_ids: list[str],
        titles: list[str],
        feature_names: list[str],
        feature_labels: list[str],
        feature_columns: list[str],
        params: ScorerParams,
        popularity: np.ndarray,
        histories: dict[str, History],
        meta: dict[str, Any] | None = None,
        history_arrays: "HistoryArrays | None" = None,
    ) -> None:
        self.dataset = dataset
        self.item_ids = item_ids
        self.titles = titles
        self.feature_names = feature_names
        self.feature_labels = feature_labels
        self.feature_columns = feature_columns
        self.params = params
        self.popularity = popularity
        self.histories = histories
        self.meta = meta or {}
        self.item_index = {item: i for i, item in enumerate(item_ids)}
        # a trainer that never built the per-user dicts (Spark) hands the histories over as arrays to save
        self._history_arrays = history_arrays

    # ---- ids ---------------------------------------------------------------------------------
    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    def index_of(self, item_id: str) -> int:
        try:
            return self.item_index[str(item_id)]
        except KeyError:
            raise UnknownIdError(
                "item",
                str(item_id),
                "list valid item ids with `because items` (or search by title with `because search`).",
            ) from None

    def title(self, item_id: str) -> str:
        return self.titles[self.index_of(item_id)]

    def history(self, user: UserRef) -> History:
        """The user's past items and ratings. A mapping is taken as a folded-in user's history."""
        if isinstance(user, Mapping):
            return self.fold_in(user)
        try:
            return dict(self.histories[str(user)])
        except KeyError:
            raise UnknownIdError(
                "user",
                str(user),
                "list valid user ids with `because users`, or start as a new user by rating a few items.",
            ) from None

    def fold_in(self, ratings: Mapping[str, float | None]) -> History:
        """A new user's history from a few ratings, checked against the catalogue. No retraining."""
        history: History = {}
        for item, rating in ratings.items():
            self.index_of(item)
            try:
                value = None if rating is None else float(rating)
            except (TypeError, ValueError):
                value = float("nan")
            if value is not None and not np.isfinite(value):
                raise InputError(f"rating for item '{item}' is not a number.", "give ratings as numbers, e.g. 4.5.")
            history[str(item)] = value
        return history

    def history_index(self, history: Mapping[str, float | None]) -> np.ndarray:
        """Sorted item indices of a history; UnknownIdError for an item not in the catalogue."""
        try:
            idx = np.fromiter((self.item_index[str(i)] for i in history), dtype=np.int64, count=len(history))
        except KeyError:
            for i in history:
                self.index_of(i)  # raises UnknownIdError naming the item
            raise
        idx.sort()
        return idx

    # ---- scoring -----------------------------------------------------------------------------
    def scores(self, user: UserRef) -> np.ndarray:
        """(n_items,) float32 scores in ``item_ids`` order."""
        return score_history(self.params, self.history_index(self.history(user)))

    def ranking(
        self, user: UserRef, exclude: set[str] | None = None, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(order of candidate item indices best first, scores). Seen and excluded items are not candidates."""
        history_idx = self.history_index(self.history(user))
        s = score_history(self.params, history_idx)
        mask = np.ones(self.n_items, bool) if allowed is None else allowed.astype(bool).copy()
        mask[history_idx] = False
        for item in exclude or ():
            mask[self.index_of(item)] = False
        candidates = np.flatnonzero(mask)
        order = candidates[np.argsort(-s[candidates], kind="stable")]
        return order, s

    def recommend(
        self, user: UserRef, k: int = 10, exclude: set[str] | None = None, allowed: np.ndarray | None = None
    ) -> list[Recommendation]:
        if k < 1:
            raise InputError(f"k must be at least 1, got {k}.", "ask for 1 or more recommendations.")
        order, s = self.ranking(user, exclude, allowed)
        return [Recommendation(self.item_ids[i], self.titles[i], float(s[i]), r + 1) for r, i in enumerate(order[:k])]

    def rank_of(self, user: UserRef, item_id: str) -> int | None:
        """1-based rank among the user's unseen items; None for an item the user already has."""
        idx = self.index_of(item_id)
        return self.rank_among_unseen(self.history_index(self.history(user)), idx)

    def rank_among_unseen(self, history_idx: np.ndarray, idx: int, scores: np.ndarray | None = None) -> int | None:
        """``rank_of`` from item indices: the position ``ranking`` gives item ``idx``, found by counting
        (unseen items scoring higher, or equal with a lower index: the stable sort's tie order), O(n)."""
        pos = np.searchsorted(history_idx, idx)
        if pos < len(history_idx) and history_idx[pos] == idx:
            return None
        s = score_history(self.params, history_idx) if scores is None else scores
        v = s[idx]
        ahead = s > v
        ahead[:idx] |= s[:idx] == v
        ahead[history_idx] = False
        return int(np.count_nonzero(ahead)) + 1

    def raw_contributions(self, user: UserRef, item_id: str):  # -> RawContributions
        return contributions(self.params, self.history_index(self.history(user)), self.index_of(item_id))

    def affinities(self, user: UserRef) -> tuple[np.ndarray, np.ndarray]:
        """(p_u share of history per feature, a_u learned affinity per feature)."""
        history_idx = self.history_index(self.history(user))
        return history_profile(self.params, history_idx), history_affinity(self.params, history_idx)

    # ---- persistence -------------------------------------------------------------------------
    def history_arrays(self) -> "HistoryArrays":
        """The histories as (users, indptr, item indices, ratings with NaN for none): the saved form."""
        if self._history_arrays is not None and not self.histories:
            return self._history_arrays
        users = sorted(self.histories)
        indptr, items, ratings = [0], [], []
        for u in users:
            for item, rating in self.histories[u].items():
                items.append(self.item_index[item])
                ratings.append(float("nan") if rating is None else rating)
            indptr.append(len(items))
        return HistoryArrays(
            users, np.asarray(indptr, np.int64), np.asarray(items, np.int64), np.asarray(ratings, np.float64)
        )

    def save(self, path: Path) -> None:
        h = self.history_arrays()
        p = self.params
        save_checkpoint(
            path,
            {
                "dataset": self.dataset,
                "meta": self.meta,
                "item_ids": self.item_ids,
                "titles": self.titles,
                "features": {
                    "names": self.feature_names,
                    "labels": self.feature_labels,
                    "columns": self.feature_columns,
                },
                "tensors": {
                    name: torch.from_numpy(np.ascontiguousarray(v))
                    for name, v in {
                        **_b_tensors(p.B),
                        "F": p.F,
                        "W": p.W,
                        "c": p.c,
                        "pop": p.pop,
                        "popularity": self.popularity,
                    }.items()
                },
                "alpha": p.alpha,
                "beta": p.beta,
                "cold_beta": p.cold_beta,
                "cold_n": p.cold_n,
                "users": h.users,
                "hist_indptr": torch.from_numpy(np.array(h.indptr, np.int64)),
                "hist_items": torch.from_numpy(np.array(h.items, np.int64)),
                "hist_ratings": torch.from_numpy(
                    np.array(h.ratings, np.float64)
                ),  # float64: float32 would turn 3.7 into 3.7000000477
            },
        )

    @classmethod
    def load(cls, path: Path) -> "Recommender":
        data = load_checkpoint(path)
        t = {k: v.numpy() for k, v in data["tensors"].items()}
        item_ids = list(data["item_ids"])
        indptr, items, ratings = (data[k].numpy() for k in ("hist_indptr", "hist_items", "hist_ratings"))
        histories: dict[str, History] = {}
        for n, u in enumerate(data["users"]):
            lo, hi = indptr[n], indptr[n + 1]
            histories[u] = {
                item_ids[i]: (None if np.isnan(r) else float(r)) for i, r in zip(items[lo:hi], ratings[lo:hi])
            }
        f = data["features"]
        return cls(
            dataset=data["dataset"],
            item_ids=item_ids,
            titles=list(data["titles"]),
            feature_names=list(f["names"]),
            feature_labels=list(f["labels"]),
            feature_columns=list(f["columns"]),
            params=ScorerParams(
                B=_b_from(t),
                F=t["F"],
                W=t["W"],
                c=t["c"],
                pop=t["pop"],
                alpha=float(data["alpha"]),
                beta=float(data["beta"]),
                cold_beta=float(data["cold_beta"]),
                cold_n=int(data["cold_n"]),
            ),
            popularity=t["popularity"],
            histories=histories,
            meta=dict(data["meta"]),
        )


@dataclass(frozen=True)
class HistoryArrays:
    """Every user's history in CSR form: user ``users[n]`` has items ``items[indptr[n]:indptr[n + 1]]``."""

    users: list[str]
    indptr: np.ndarray  # int64
    items: np.ndarray  # int64 item indices
    ratings: np.ndarray  # float64, NaN where the data has no rating


def _b_tensors(b: Any) -> dict[str, np.ndarray]:
    """B as saved: one dense (n, n) array, or a sparse top-k matrix as its three CSR arrays."""
    if not sp.issparse(b):
        return {"B": b}
    csr = sp.csr_matrix(b, dtype=np.float32)
    return {
        "B_data": csr.data,
        "B_indices": csr.indices.astype(np.int32),
        "B_indptr": csr.indptr.astype(np.int64),
    }


def _b_from(t: dict[str, np.ndarray]) -> Any:
    if "B" in t:
        return t["B"]
    n = len(t["B_indptr"]) - 1
    return sp.csr_matrix((t["B_data"], t["B_indices"], t["B_indptr"]), shape=(n, n))
