"""Train/test splits of implicit feedback as binary users x items CSR matrices.

Two protocols:
- ``random_split``: per user, a random ``frac`` of their items is test (users with < 2 items stay all-train).
- ``time_split``: one global cut; the last ``frac`` of interactions by timestamp is test. Test rows of
  users with no train history cannot be ranked from history, so they are dropped and counted.

Each split carries ``validation``: the same protocol applied again to the train part only, for tuning.
Repeated (user, item) pairs are collapsed to the earliest one, so an item is never in both train and test.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from because.errors import DataError


@dataclass(frozen=True)
class Split:
    """Binary users x items matrices sharing one index (all users, all items)."""

    train: sp.csr_matrix  # (n_users, n_items) float32, 1.0 = interaction
    test: sp.csr_matrix  # (n_users, n_items) float32, disjoint from train
    user_ids: list[str]
    item_ids: list[str]
    dropped_test_rows: int = 0  # time split: test rows of users with no train history
    dropped_test_users: int = 0
    validation: Split | None = None  # train carved into (train', validation) by the same protocol
    user_index: dict[str, int] = field(init=False, repr=False)
    item_index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "user_index", {u: i for i, u in enumerate(self.user_ids)})
        object.__setattr__(self, "item_index", {t: i for i, t in enumerate(self.item_ids)})

    @property
    def test_users(self) -> np.ndarray:
        """Indices of users with at least one test item (the users metrics average over)."""
        return np.flatnonzero(np.diff(self.test.indptr) > 0)

    def describe(self) -> str:
        n_users, n_items = self.train.shape
        text = (
            f"{n_users} users x {n_items} items; train {self.train.nnz}, test {self.test.nnz} "
            f"({len(self.test_users)} test users)"
        )
        if self.dropped_test_rows:
            text += f"; dropped {self.dropped_test_rows} test rows of {self.dropped_test_users} cold users"
        return text


@dataclass(frozen=True)
class _Indexed:
    """Interactions as integer arrays, one row per distinct (user, item), earliest first."""

    users: np.ndarray  # (n,) int64
    items: np.ndarray  # (n,) int64
    times: np.ndarray  # (n,) sortable numbers (ns since epoch for datetimes); zeros when absent
    has_time: bool
    user_ids: list[str]
    item_ids: list[str]


def index_interactions(interactions: pd.DataFrame, item_ids: Sequence[str] | None = None) -> _Indexed:
    """Map string ids to indices. ``item_ids`` fixes the item order (default: sorted ids seen)."""
    for column in ("user_id", "item_id"):
        if column not in interactions.columns:
            raise DataError("interactions have no such column.", "name it user_id / item_id.", column=column)
    frame = interactions.reset_index(drop=True)
    user_col = frame["user_id"].astype(str)
    item_col = frame["item_id"].astype(str)
    items = list(map(str, item_ids)) if item_ids is not None else sorted(item_col.unique())
    item_pos = pd.Index(items)
    if not item_pos.is_unique:
        raise DataError("item id list has duplicates.", "pass each item id once.", column="item_id")
    item_idx = item_pos.get_indexer(item_col)
    if (item_idx < 0).any():
        row = int(np.flatnonzero(item_idx < 0)[0])
        raise DataError(
            f"interaction item '{item_col.iloc[row]}' is not in the item list.",
            "add the item to the catalogue or drop the interaction.",
            row=row,
            column="item_id",
        )
    user_codes, users = pd.factorize(user_col, sort=True)
    times, has_time = _times(frame)
    # Rows ordered by (user id, item id string, time) so a seeded split ignores the item list's order.
    # Collapse repeated (user, item) pairs to the earliest (stable: ties keep file order).
    item_rank = np.argsort(np.argsort(np.array(items, dtype=object), kind="stable"), kind="stable")
    order = np.lexsort((np.arange(len(frame)), times, item_rank[item_idx], user_codes))
    u, i, t = user_codes[order], item_idx[order], times[order]
    first = np.ones(len(u), dtype=bool)
    first[1:] = (u[1:] != u[:-1]) | (i[1:] != i[:-1])
    return _Indexed(u[first].astype(np.int64), i[first].astype(np.int64), t[first], has_time, list(users), items)


def _times(frame: pd.DataFrame) -> tuple[np.ndarray, bool]:
    if "timestamp" not in frame.columns:
        return np.zeros(len(frame), dtype=np.int64), False
    col = frame["timestamp"]
    if col.isna().any():  # a random split does not need times; time_split refuses has_time=False
        return np.zeros(len(frame), dtype=np.int64), False
    if pd.api.types.is_datetime64_any_dtype(col):
        return col.astype("int64").to_numpy(), True  # ns since epoch
    return pd.to_numeric(col).to_numpy(), True  # int or float; only the order matters


def _matrix(users: np.ndarray, items: np.ndarray, shape: tuple[int, int]) -> sp.csr_matrix:
    data = np.ones(len(users), dtype=np.float32)
    m = sp.csr_matrix((data, (users, items)), shape=shape)
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


def _random_test_mask(users: np.ndarray, frac: float, rng: np.random.Generator) -> np.ndarray:
    """Per user: round(frac * n) random rows are test, at least 1 and at most n - 1; n < 2 -> none."""
    n = len(users)
    order = np.lexsort((rng.random(n), users))  # users grouped, random order within each user
    grouped = users[order]
    counts = np.bincount(users, minlength=int(users.max()) + 1 if n else 0)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.arange(n) - starts[grouped]  # position within the user's shuffled rows
    n_test = np.clip(np.rint(frac * counts), 1, np.maximum(counts - 1, 0)).astype(np.int64)
    n_test[counts < 2] = 0
    mask = np.zeros(n, dtype=bool)
    mask[order] = rank < n_test[grouped]
    return mask


def _time_test_mask(times: np.ndarray, frac: float) -> np.ndarray:
    """The last ceil(frac * n) rows by time (stable: equal times keep their order)."""
    n = len(times)
    n_test = int(np.ceil(frac * n))
    order = np.argsort(times, kind="stable")
    mask = np.zeros(n, dtype=bool)
    if n_test:
        mask[order[n - n_test :]] = True
    return mask


def _build(data: _Indexed, rows: np.ndarray, protocol: str, frac: float, rng: np.random.Generator, depth: int) -> Split:
    """Split ``rows`` (indices into ``data``) by ``protocol``; recurse once for validation."""
    users, items, times = data.users[rows], data.items[rows], data.times[rows]
    test = _random_test_mask(users, frac, rng) if protocol == "random" else _time_test_mask(times, frac)
    warm = np.zeros(len(data.user_ids), dtype=bool)
    warm[users[~test]] = True
    cold = test & ~warm[users]  # always empty for the random protocol
    dropped_rows, dropped_users = int(cold.sum()), len(np.unique(users[cold]))
    shape = (len(data.user_ids), len(data.item_ids))
    kept_test = test & ~cold
    validation = _build(data, rows[~test], protocol, frac, rng, depth + 1) if depth == 0 else None
    return Split(
        train=_matrix(users[~test], items[~test], shape),
        test=_matrix(users[kept_test], items[kept_test], shape),
        user_ids=data.user_ids,
        item_ids=data.item_ids,
        dropped_test_rows=dropped_rows,
        dropped_test_users=dropped_users,
        validation=validation,
    )


def random_split(
    interactions: pd.DataFrame, item_ids: Sequence[str] | None = None, frac: float = 0.2, seed: int = 0
) -> Split:
    """Per-user random split; ``validation`` takes ``frac`` of each user's train items the same way."""
    _check_frac(frac)
    data = index_interactions(interactions, item_ids)
    rng = np.random.default_rng(seed)
    return _build(data, np.arange(len(data.users)), "random", frac, rng, 0)


def time_split(interactions: pd.DataFrame, item_ids: Sequence[str] | None = None, frac: float = 0.2) -> Split:
    """Global time split; ``validation`` is the last ``frac`` of the train part by time."""
    _check_frac(frac)
    data = index_interactions(interactions, item_ids)
    if not data.has_time:
        raise DataError(
            "a time split needs a timestamp on every interaction.",
            "fill or drop rows without one, or use random_split.",
            column="timestamp",
        )
    rng = np.random.default_rng(0)  # unused by the time protocol
    return _build(data, np.arange(len(data.users)), "time", frac, rng, 0)


def _check_frac(frac: float) -> None:
    if not 0.0 < frac < 1.0:
        raise ValueError(f"frac must be in (0, 1), got {frac}")
