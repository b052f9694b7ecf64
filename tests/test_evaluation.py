"""Evaluation package: splits, metrics (hand-computed), baselines, PN/PS, runner. All tiny and fast."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from because.errors import DataError
from evaluation import (
    EASE,
    ItemKNN,
    Popularity,
    evaluate,
    evaluate_ranker,
    fidelity,
    format_table,
    is_necessary,
    is_sufficient,
    random_split,
    rank_metrics,
    time_split,
    top_k,
    tune,
)


def frame(rows: list[tuple[str, str, int]]) -> pd.DataFrame:
    users, items, times = zip(*rows)
    return pd.DataFrame(
        {
            "user_id": list(users),
            "item_id": list(items),
            "rating": np.nan,
            "timestamp": pd.to_datetime(list(times), unit="s", utc=True),
        }
    )


def pairs(m: sp.csr_matrix) -> set[tuple[int, int]]:
    rows, cols = m.nonzero()
    return set(zip(rows.tolist(), cols.tolist()))


# --- splits -------------------------------------------------------------------------------------


def many_users() -> pd.DataFrame:
    # u0: 1 item, u1: 5 items, u2: 10 items; item ids i0..i9
    rows = [("u0", "i0", 0)]
    rows += [("u1", f"i{j}", j) for j in range(5)]
    rows += [("u2", f"i{j}", j) for j in range(10)]
    return frame(rows)


def test_random_split_per_user_counts_and_disjoint() -> None:
    split = random_split(many_users(), frac=0.2, seed=0)
    assert split.user_ids == ["u0", "u1", "u2"]
    assert split.train.shape == (3, 10)
    test_counts = np.diff(split.test.indptr).tolist()
    assert test_counts == [0, 1, 2]  # <2 items: all train; round(0.2 * 5) = 1; round(0.2 * 10) = 2
    assert not pairs(split.train) & pairs(split.test)
    assert len(pairs(split.train) | pairs(split.test)) == 16
    assert split.test_users.tolist() == [1, 2]
    assert split.item_index["i3"] == 3 and split.user_index["u2"] == 2


def test_random_split_validation_is_carved_from_train() -> None:
    split = random_split(many_users(), frac=0.2, seed=3)
    val = split.validation
    assert val is not None and val.validation is None
    assert pairs(val.train) | pairs(val.test) == pairs(split.train)
    assert not pairs(val.train) & pairs(val.test)
    # u1 has 4 train items -> 1 validation; u2 has 8 -> round(1.6) = 2
    assert np.diff(val.test.indptr).tolist() == [0, 1, 2]


def test_random_split_is_seeded_and_ignores_item_list_order() -> None:
    data = many_users()
    ids = [f"i{j}" for j in range(10)]
    a = random_split(data, ids, seed=7)
    b = random_split(data, list(reversed(ids)), seed=7)
    as_ids = lambda s: {(s.user_ids[u], s.item_ids[i]) for u, i in pairs(s.test)}  # noqa: E731
    assert as_ids(a) == as_ids(b)
    assert pairs(random_split(data, ids, seed=7).test) == pairs(a.test)


def test_duplicates_collapse_and_unknown_items_raise() -> None:
    data = frame([("u", "a", 1), ("u", "a", 2), ("u", "b", 3)])
    split = random_split(data, frac=0.5, seed=0)
    assert split.train.nnz + split.test.nnz == 2
    assert set(split.train.data.tolist()) == {1.0}
    with pytest.raises(DataError, match="not in the item list"):
        random_split(data, item_ids=["a"])


def test_time_split_last_share_and_cold_users_dropped() -> None:
    # 10 rows; the last 2 by time are test. u1's only row is late: dropped (no train history).
    rows = [("u0", f"i{j}", j) for j in range(8)] + [("u0", "i8", 9), ("u1", "i9", 8)]
    split = time_split(frame(rows), frac=0.2)
    assert pairs(split.test) == {(0, 8)}
    assert split.dropped_test_rows == 1 and split.dropped_test_users == 1
    assert split.train.nnz == 8
    val = split.validation  # last ceil(0.2 * 8) = 2 train rows by time: i6, i7
    assert pairs(val.test) == {(0, 6), (0, 7)} and val.train.nnz == 6


def test_time_split_needs_every_timestamp() -> None:
    data = many_users()
    data.loc[3, "timestamp"] = pd.NaT
    with pytest.raises(DataError, match="timestamp on every interaction"):
        time_split(data)
    assert random_split(data, seed=0).train.nnz == 13  # a random split does not need times


# --- metrics ------------------------------------------------------------------------------------


def test_metrics_hand_computed() -> None:
    scores = np.array(
        [
            [9, 5, 4, 3, 2, 1],  # item 0 seen -> ranking 1, 2, 3; test {2, 5}: one hit at rank 2
            [1, 2, 3, 4, 5, 6],  # nothing seen -> ranking 5, 4, 3; test {1, 3, 4, 5}: 3 hits
        ],
        dtype=np.float32,
    )
    seen = sp.csr_matrix(np.array([[1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]]))
    test = sp.csr_matrix(np.array([[0, 0, 1, 0, 0, 1], [0, 1, 0, 1, 1, 1]]))
    out = rank_metrics(scores, seen, test, k=3)
    l3 = math.log2(3)
    # user 0: DCG = 1/log2(3); IDCG (2 relevant) = 1 + 1/log2(3)
    assert out["ndcg"][0] == pytest.approx((1 / l3) / (1 + 1 / l3))  # 0.3869
    assert out["ndcg"][0] == pytest.approx(0.386853, abs=1e-6)
    assert out["ndcg"][1] == pytest.approx(1.0)
    assert out["recall"].tolist() == pytest.approx([0.5, 1.0])  # hits / min(k, |T|)
    assert out["recall_raw"].tolist() == pytest.approx([0.5, 0.75])  # hits / |T|


def test_top_k_is_sorted_and_rejects_nan() -> None:
    scores = np.array([[0.1, 0.9, 0.5, 0.7]], dtype=np.float32)
    assert top_k(scores, 3).tolist() == [[1, 3, 2]]
    with pytest.raises(ValueError, match="NaN"):
        rank_metrics(np.array([[np.nan, 1.0]]), sp.csr_matrix((1, 2)), sp.csr_matrix(np.array([[0, 1]])), k=1)


class Oracle:
    """Scores the test items 1, everything else 0."""

    name = "Oracle"

    def __init__(self, truth: sp.csr_matrix) -> None:
        self.truth = truth

    def fit(self, train: sp.csr_matrix) -> Oracle:
        return self

    def score(self, users: np.ndarray, train: sp.csr_matrix) -> np.ndarray:
        return self.truth[users].toarray().astype(np.float32)


def test_evaluate_ranker_batches_agree() -> None:
    rng = np.random.default_rng(0)
    x = sp.csr_matrix((rng.random((30, 12)) < 0.4).astype(np.float32))
    split = random_split(
        pd.DataFrame({"user_id": x.nonzero()[0].astype(str), "item_id": x.nonzero()[1].astype(str)}), seed=1
    )
    pop = Popularity().fit(split.train)
    one = evaluate_ranker(pop, split.train, split.test, k=5, batch_size=1)
    big = evaluate_ranker(pop, split.train, split.test, k=5, batch_size=1000)
    assert one == pytest.approx(big)
    assert evaluate_ranker(Oracle(split.test), split.train, split.test, k=5)["ndcg"] == pytest.approx(1.0)


# --- baselines ----------------------------------------------------------------------------------


def test_popularity_counts() -> None:
    x = sp.csr_matrix(np.array([[1, 1, 0], [1, 0, 0], [1, 1, 1]], dtype=np.float32))
    scores = Popularity().fit(x).score(np.array([0, 2]), x)
    assert scores.dtype == np.float32 and scores.tolist() == [[3, 2, 1], [3, 2, 1]]


def test_ease_two_items_hand_computed() -> None:
    # G = [[2, 1], [1, 2]], lambda = 1: P = (1/8)[[3, -1], [-1, 3]], B_01 = -P_01 / P_11 = 1/3.
    x = sp.csr_matrix(np.array([[1, 1], [1, 0], [0, 1]], dtype=np.float32))
    ease = EASE(lam=1.0).fit(x)
    np.testing.assert_allclose(ease.weights, [[0, 1 / 3], [1 / 3, 0]], atol=1e-7)
    np.testing.assert_allclose(ease.score(np.array([1]), x), [[0, 1 / 3]], atol=1e-7)


def test_ease_solves_the_constrained_ridge() -> None:
    # Optimality of min ||X - XB||^2 + lam ||B||^2 s.t. diag(B) = 0: (G + lam I) B - G is diagonal.
    rng = np.random.default_rng(0)
    x = (rng.random((40, 7)) < 0.3).astype(np.float64)
    lam = 5.0
    b = EASE(lam=lam).fit(sp.csr_matrix(x)).weights.astype(np.float64)
    gram = x.T @ x
    residual = (gram + lam * np.eye(7)) @ b - gram
    np.testing.assert_allclose(residual - np.diag(np.diag(residual)), 0, atol=1e-5)
    assert np.all(np.diag(b) == 0)


def test_item_knn_cosine_top1_hand_computed() -> None:
    # counts n = (3, 2, 1); co(0,1) = 2, co(0,2) = 1, co(1,2) = 0
    # cos(0,1) = 2/sqrt(6) = 0.8165, cos(0,2) = 1/sqrt(3) = 0.5774; k = 1 keeps one neighbour per column.
    x = sp.csr_matrix(np.array([[1, 1, 0], [1, 0, 1], [1, 1, 0]], dtype=np.float32))
    knn = ItemKNN(k=1, block=2).fit(x)  # block=2 exercises the column blocking
    expected = [[0, 2 / math.sqrt(6), 1 / math.sqrt(3)], [2 / math.sqrt(6), 0, 0], [0, 0, 0]]
    np.testing.assert_allclose(knn.sim.toarray(), expected, rtol=1e-6)
    history = sp.csr_matrix(np.array([[1, 0, 0]], dtype=np.float32))
    np.testing.assert_allclose(knn.score(np.array([0]), history), [[0, 0.816497, 0.577350]], rtol=1e-5)


def test_tune_picks_best_on_validation_and_refits_on_train() -> None:
    split = random_split(many_users(), frac=0.2, seed=0)
    fitted_on: list[int] = []

    class Pick:
        def __init__(self, good: bool) -> None:
            self.name, self.good = f"Pick({good})", good

        def fit(self, train: sp.csr_matrix) -> Pick:
            fitted_on.append(train.nnz)
            return self

        def score(self, users: np.ndarray, train: sp.csr_matrix) -> np.ndarray:
            truth = split.validation.test[users].toarray().astype(np.float32)
            return truth if self.good else -truth

    tuned = tune(Pick, [False, True], split)
    assert tuned.param is True and tuned.ranker.good
    assert tuned.validation_ndcg[True] == pytest.approx(1.0)
    assert tuned.validation_ndcg[False] < 0.5
    assert fitted_on == [split.validation.train.nnz] * 2 + [split.train.nnz]


# --- fidelity -----------------------------------------------------------------------------------

SCORES = np.array([10.0, 9.0, 8.0, 7.0, 6.0, 5.0, -np.inf])  # k = 3: top 3 are items 0, 1, 2


@pytest.mark.parametrize(
    ("item", "contributions", "necessary", "sufficient"),
    [
        # explanation 4+3+2 = 9: 10-9 = 1 drops out; 9 alone ties item 1 (ties favour the item): stays
        (0, [4.0, 3.0, 2.0, 1.0], True, True),
        # only one positive (10): 9-10 = -1 drops out; 10 alone is first
        (1, [10.0, -1.0], True, True),
        # 6.5+0.5+0.5 = 7.5: 0.5 drops out; 7.5 alone beaten only by 10 and 9: stays
        (2, [0.5, 0.5, 0.5, 6.5], True, True),
        # ten 1s: 10-3 = 7 beaten by 9 and 8 only: stays (not necessary); 3 alone: out (not sufficient)
        (0, [1.0] * 10, False, False),
        # 2+2+2 = 6: 9-6 = 3 out; 6 alone beaten by 10, 8, 7: out
        (1, [2.0, 2.0, 2.0, 2.0, 1.0], True, False),
    ],
)
def test_pn_ps_hand_cases(item: int, contributions: list[float], necessary: bool, sufficient: bool) -> None:
    c = np.array(contributions)
    assert is_necessary(SCORES, item, c, k=3) is necessary
    assert is_sufficient(SCORES, item, c, k=3) is sufficient


def test_fidelity_pools_pairs_and_checks_sums() -> None:
    user = (SCORES, [0, 1], [np.array([4.0, 3.0, 2.0, 1.0]), np.array([2.0, 2.0, 2.0, 2.0, 1.0])])
    other = (SCORES, [0], [np.array([1.0] * 10)])
    result = fidelity([user, other], k=3)
    assert result.n == 3
    assert result.pn == pytest.approx(2 / 3) and result.ps == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="sum to"):
        fidelity([(SCORES, [0], [np.array([1.0, 2.0])])], k=3)


# --- runner -------------------------------------------------------------------------------------


def test_evaluate_table() -> None:
    split = random_split(many_users(), frac=0.2, seed=0)
    results = evaluate([Popularity(), Oracle(split.test)], split, k=3)
    assert list(results.columns) == ["NDCG@3", "Recall@3", "RecallRaw@3", "fit_s", "eval_s"]
    assert list(results.index) == ["Popularity", "Oracle"]
    assert results.loc["Oracle", "NDCG@3"] == pytest.approx(1.0)
    assert (results["fit_s"] >= 0).all()
    assert "Popularity" in format_table(results, "tiny")
