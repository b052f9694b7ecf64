"""Reference tests for the recommender core: a hand-computed case, the attribution invariant on
ml-100k, features, why-not, what-if and training (checkpoints and fold-in: test_scorer_persistence.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from because.errors import InputError, UnknownIdError
from scorer.attribution import explain, what_if, why_not
from scorer.features import build_features
from scorer.model import contributions, score_history, score_matrix
from scorer.pipeline import interaction_matrix, save_active, train_recommender
from scorer.recommender import Recommender
from scorer.train import TrainConfig, TrainReport, train_scorer
from support.hand import hand_params, hand_recommender

TOL = 1e-5


# ---- a tiny case computed by hand (tests/support/hand.py) -----------------------------------
def test_beta_for_moves_from_cold_beta_to_beta_over_the_first_cold_n_items():
    p = hand_params()
    # cold = clip(1 - |H|/5, 0, 1); beta_u = (1 - cold) * beta + cold * cold_beta, beta = -0.5, cold_beta = 1
    assert p.beta_for(0) == pytest.approx(1.0)  # cold = 1
    assert p.beta_for(2) == pytest.approx(0.4 * -0.5 + 0.6 * 1.0)  # cold = 0.6 -> 0.4
    assert p.beta_for(5) == pytest.approx(-0.5)  # cold = 0
    assert p.beta_for(9) == pytest.approx(-0.5)  # clipped at 0
    np.testing.assert_allclose(p.beta_for(np.array([0, 1, 5])), [1.0, 0.7, -0.5])


def test_scores_by_hand_with_one_past_item():
    p = hand_params()
    # H = {x}: warmth w_u = 1/5 = 0.2; p_u = F[x] / 1 = [1, 0]
    # a_u = p_u @ W + w_u c = [0.5, 0.1] + 0.2 * [0.1, 0.2] = [0.52, 0.14]
    # beta_u = beta_for(1) = 0.2 * -0.5 + 0.8 * 1 = 0.7
    # s(x) = 2 * B[x,x] + F[x].a + 0.7 * 1.0 = 0   + 0.52        + 0.7  = 1.22
    # s(y) = 2 * B[x,y] + F[y].a + 0.7 * 0.5 = 1.0 + 0.52 + 0.14 + 0.35 = 2.01
    # s(z) = 2 * B[x,z] + F[z].a + 0.7 * 0.0 = 0.5 + 0.14        + 0    = 0.64
    np.testing.assert_allclose(score_history(p, np.array([0])), [1.22, 2.01, 0.64], atol=1e-6)
    raw = contributions(p, np.array([0]), 1)
    np.testing.assert_allclose(raw.history, [1.0], atol=1e-6)  # alpha * B[x, y]
    assert list(raw.feature_idx) == [0, 1]
    np.testing.assert_allclose(raw.features, [0.52, 0.14], atol=1e-6)  # F[y, f] * a_u[f]
    assert raw.bias == pytest.approx(0.35, abs=1e-6)
    assert raw.total == pytest.approx(2.01, abs=1e-6)


def test_scores_by_hand_with_two_past_items():
    p = hand_params()
    # H = {x, z}: p_u = ([1, 0] + [0, 1]) / 2 = [0.5, 0.5]
    # p_u @ W = [0.5*0.5 + 0.5*0, 0.5*0.1 + 0.5*-1] = [0.25, -0.45]; w_u = 0.4
    # a_u = [0.25, -0.45] + 0.4 * [0.1, 0.2] = [0.29, -0.37]
    # beta_u = beta_for(2) = 0.4
    # s(x) = 2 * (B[x,x] + B[z,x]) + 0.29        + 0.4 * 1.0 = 0.6 + 0.29  + 0.4 = 1.29
    # s(y) = 2 * (B[x,y] + B[z,y]) + 0.29 - 0.37 + 0.4 * 0.5 = 2.2 - 0.08  + 0.2 = 2.32
    # s(z) = 2 * (B[x,z] + B[z,z]) - 0.37        + 0         = 0.5 - 0.37       = 0.13
    np.testing.assert_allclose(score_history(p, np.array([0, 2])), [1.29, 2.32, 0.13], atol=1e-6)
    raw = contributions(p, np.array([0, 2]), 1)
    np.testing.assert_allclose(raw.history, [1.0, 1.2], atol=1e-6)  # one part per past item
    np.testing.assert_allclose(raw.features, [0.29, -0.37], atol=1e-6)
    assert raw.bias == pytest.approx(0.2, abs=1e-6)


def test_scores_by_hand_with_no_history_are_full_popularity():
    p = hand_params()
    # H = {}: p_u = 0 and w_u = 0, so a_u = 0; beta_u = cold_beta = 1
    # s = 1 * pop = [1.0, 0.5, 0.0]: c was learned on warm users and is not applied to a new one
    np.testing.assert_allclose(score_history(p, np.array([], np.int64)), [1.0, 0.5, 0.0], atol=1e-6)
    raw = contributions(p, np.array([], np.int64), 0)
    assert (
        raw.history.size == 0
        and raw.features.sum() == 0
        and raw.bias == pytest.approx(1.0)
        and raw.total == pytest.approx(1.0)
    )


def test_score_matrix_agrees_with_score_history():
    p = hand_params()
    x = np.array([[0, 0, 0], [1, 0, 0], [1, 0, 1], [1, 1, 1]], np.float32)
    many = score_matrix(p, x)
    for row, xu in zip(many, x):
        np.testing.assert_allclose(row, score_history(p, np.flatnonzero(xu)), atol=1e-6)


def test_explain_by_hand_names_each_part_and_sums_to_the_score():
    rec = hand_recommender()
    e = explain(rec, "u", "y")
    assert (e.user, e.item, e.title, e.rank) == ("u", "y", "Yojimbo", 1)  # y 2.01 beats z 0.64
    assert e.score == pytest.approx(2.01, abs=1e-6)
    # sorted by |value|: past item x 1.0, feature A 0.52, popularity 0.35, feature B 0.14
    assert [(c.kind, c.label) for c in e.contributions] == [
        ("history_item", "you rated Xanadu 4★"),
        ("feature", "A"),
        ("popularity", "popular with many people (5 chose it)"),
        ("feature", "B"),
    ]
    np.testing.assert_allclose([c.value for c in e.contributions], [1.0, 0.52, 0.35, 0.14], atol=1e-6)
    assert e.contributions[0].evidence == {"item": "x", "title": "Xanadu", "rating": 4.0}
    assert e.contributions[1].evidence["share_of_your_history"] == 1.0
    assert explain(rec, "u", "x").rank is None  # already in the history


def test_why_not_by_hand():
    rec = hand_recommender()
    w = why_not(rec, "u", "z", k=1)
    # the top 1 is y (2.01); z scores 0.64: gap 1.37
    assert (w.kth_item, w.rank, w.in_history) == ("y", 2, False)
    assert w.gap == pytest.approx(1.37, abs=1e-6)
    # part by part, z minus y: feature A 0 - 0.52, past item x 0.5 - 1.0, popularity 0 - 0.35, feature B 0.14 - 0.14
    assert [d.key for d in w.holding_back] == ["feature:genres=A", "item:x", "popularity"]
    np.testing.assert_allclose([d.difference for d in w.holding_back], [-0.52, -0.5, -0.35], atol=1e-6)
    assert sum(d.difference for d in w.holding_back) == pytest.approx(-w.gap, abs=1e-6)  # B's part is equal
    with pytest.raises(InputError, match="already has every item"):
        why_not(rec, {"x": 5.0, "y": 4.0, "z": None}, "z")


# ---- the invariant on the trained model --------------------------------------------------------
def test_contributions_sum_to_the_score_on_10000_pairs(ml100k_recommender):
    rec = ml100k_recommender
    rng = np.random.default_rng(20240601)
    users = sorted(rec.histories)
    pairs = pd.DataFrame({"user": rng.choice(users, 10_000), "item": rng.choice(rec.item_ids, 10_000)})
    worst = 0.0
    for user, group in pairs.groupby("user"):
        scores = rec.scores(user)
        for item in group["item"]:
            raw = rec.raw_contributions(user, item)
            worst = max(worst, abs(raw.total - float(scores[rec.index_of(item)])))
    assert worst < TOL
    # explain() (what the CLI and the agent call) on a subset: it also ranks all items per call
    for user, item in pairs.iloc[:300].itertuples(index=False):
        e = explain(rec, user, item)
        assert abs(sum(c.value for c in e.contributions) - e.score) < TOL
        assert abs(e.score - float(rec.scores(user)[rec.index_of(item)])) < TOL
        assert all(c.kind in {"history_item", "feature", "popularity"} for c in e.contributions)


# ---- features ------------------------------------------------------------------------------
def test_features_are_readable_buckets_and_missing_values_activate_nothing():
    items = pd.DataFrame(
        {
            "genres": [("Sci-Fi", "Action"), ("Sci-Fi",), (), ("Comedy",), ("Rare",), ("Comedy", "Sci-Fi")],
            "year": [1939.0, 1955.0, 1994.0, 1999.0, np.nan, 1962.0],
            "runtime": [80.0, 95.0, np.nan, 120.0, 150.0, 100.0],
            "mpaa": ["R", None, "PG", "R", "", "R"],
            "plot": ["a", "b", "c", "d", "e", "f"],
        },
        index=pd.Index(list("abcdef"), name="item_id"),
    )
    schema = {"genres": "multi", "year": "numeric", "runtime": "numeric", "mpaa": "category", "plot": "text"}
    fs = build_features(items, schema, min_count=2, n_bins=2)
    label = dict(zip(fs.names, fs.labels))
    m = pd.DataFrame(fs.matrix, index=items.index, columns=fs.names)
    assert fs.matrix.shape == (6, len(fs)) and fs.matrix.dtype == np.float32
    # multi: values seen >= min_count times, labelled by the value itself
    assert [n for n in fs.names if n.startswith("genres=")] == ["genres=Comedy", "genres=Sci-Fi"]
    assert label["genres=Sci-Fi"] == "Sci-Fi"
    # year -> decades, with everything before 1950 in one bucket
    assert [label[n] for n in fs.names if n.startswith("year")] == [
        "released before 1950",
        "the 1950s",
        "the 1960s",
        "the 1990s",
    ]
    assert m.loc["d", "year=1990s"] == 1 and m.loc["a", "year=before 1950"] == 1
    # numbers -> ranges with units; every known value in exactly one bucket
    runtime = [n for n in fs.names if n.startswith("runtime")]
    assert [label[n] for n in runtime] == ["runtime under 100 min", "runtime 100 min or more"]
    assert m.loc[["a", "b", "d", "e", "f"], runtime].sum(axis=1).tolist() == [1, 1, 1, 1, 1]
    # category labels; "" and None are missing
    assert label["mpaa=R"] == "rated R" and "mpaa=" not in fs.names
    # missing value -> no feature of that column is on
    assert m.loc["c", [n for n in fs.names if n.startswith("genres")]].sum() == 0
    assert m.loc["e", [n for n in fs.names if n.startswith("year")]].sum() == 0
    assert m.loc["c", runtime].sum() == 0
    assert m.loc["b", [n for n in fs.names if n.startswith("mpaa")]].sum() == 0
    assert "plot" not in fs.columns  # text columns are for search only
    assert fs.columns == [n.split("=")[0].split("#")[0] for n in fs.names]


# ---- why not -------------------------------------------------------------------------------
def test_why_not_an_item_far_down_the_list(ml100k_recommender):
    rec = ml100k_recommender
    order, scores = rec.ranking("1")
    item = rec.item_ids[order[49]]  # rank 50
    w = why_not(rec, "1", item, k=10)
    kth = rec.item_ids[order[9]]
    assert (w.rank, w.k, w.kth_item, w.in_history) == (50, 10, kth, False)
    assert w.gap > 0
    assert w.gap == pytest.approx(w.kth_score - w.score, abs=1e-9)
    assert w.gap == pytest.approx(float(scores[rec.index_of(kth)] - scores[rec.index_of(item)]), abs=TOL)
    diffs = [d.difference for d in w.holding_back]
    assert diffs and all(d < 0 for d in diffs) and diffs == sorted(diffs)
    assert all(d.difference == pytest.approx(d.item_value - d.kth_value) for d in w.holding_back)
    assert w.to_dict()["holding_back"][0]["difference"] == diffs[0]


def test_why_not_an_item_already_recommended_or_already_had(ml100k_recommender):
    rec = ml100k_recommender
    third = rec.recommend("1", k=10)[2]
    w = why_not(rec, "1", third.item_id, k=10)
    assert w.gap <= 0 and w.rank == 3 and not w.in_history
    past = next(iter(rec.history("1")))
    w = why_not(rec, "1", past, k=10)
    assert w.in_history and w.rank is None
    with pytest.raises(UnknownIdError):
        why_not(rec, "1", "no-such-item")


# ---- what if -------------------------------------------------------------------------------
def test_what_if_removing_a_past_item_matches_recomputing_from_the_edited_history(ml100k_recommender):
    rec = ml100k_recommender
    history = rec.history("1")
    top = explain(rec, "1", rec.recommend("1", k=1)[0].item_id)
    strongest = next(c.evidence["item"] for c in top.contributions if c.kind == "history_item")
    w = what_if(rec, "1", remove=[strongest], k=10)
    edited = {i: r for i, r in history.items() if i != strongest}
    assert w.before == rec.recommend("1", k=10)
    assert w.after == rec.recommend(edited, k=10, exclude={strongest})
    assert strongest not in {r.item_id for r in w.after}
    before, after = [r.item_id for r in w.before], [r.item_id for r in w.after]
    assert w.entered == [i for i in after if i not in before]
    assert w.left == [i for i in before if i not in after]
    assert len(w.entered) == len(w.left)
    assert set(before) - set(w.left) == set(after) - set(w.entered)
    assert w.removed == [strongest] and w.added == {}


def test_what_if_errors_and_adding(ml100k_recommender):
    rec = ml100k_recommender
    not_had = next(i for i in rec.item_ids if i not in rec.history("1"))
    with pytest.raises(InputError, match="not in this user's history") as err:
        what_if(rec, "1", remove=[not_had])
    assert not isinstance(err.value, UnknownIdError)
    with pytest.raises(UnknownIdError):
        what_if(rec, "1", remove=["no-such-item"])
    with pytest.raises(InputError, match="at least one item"):
        what_if(rec, "1")
    top = rec.recommend("1", k=10)[0].item_id
    w = what_if(rec, "1", add={top: 5.0}, k=10)
    assert top in [r.item_id for r in w.before] and top not in [r.item_id for r in w.after]
    assert top in w.left and w.added == {top: 5.0}
    assert w.after == rec.recommend({**rec.history("1"), top: 5.0}, k=10)


# ---- training ------------------------------------------------------------------------------
def test_training_learns_obvious_co_occurrence_blocks():
    # 3 blocks of 8 items; each user picks 5 items inside one block. A user with 3 items of block 0
    # must get the rest of block 0 first.
    rng = np.random.default_rng(0)
    n_users, n_items, size = 90, 24, 8
    x = np.zeros((n_users, n_items), np.float32)
    for u in range(n_users):
        block = u % 3
        x[u, block * size + rng.choice(size, 5, replace=False)] = 1.0
    features = np.repeat(np.eye(2, dtype=np.float32), [12, 12], axis=0)  # (24, 2): half/half, not the blocks
    cfg = TrainConfig(lambdas=(1.0, 10.0), epochs=10, candidates=10, shrinks=(0.5, 1.0))
    params, report = train_scorer(sp.csr_matrix(x), features, cfg, progress=False)
    s = score_history(params, np.array([0, 1, 2]))
    s[[0, 1, 2]] = -np.inf
    assert set(np.argsort(-s)[:5]) == {3, 4, 5, 6, 7}
    assert isinstance(report, TrainReport)
    assert report.lam in cfg.lambdas and set(report.lambda_scores) == set(cfg.lambdas)
    assert report.shrink in cfg.shrinks
    assert 0.5 < report.val_ndcg_ease <= 1.0 and 0.0 <= report.val_ndcg <= 1.0
    assert report.seconds > 0
    assert params.B.shape == (24, 24) and params.W.shape == (2, 2) and np.isfinite(params.alpha)
    assert np.all(np.diag(params.B) == 0)


def test_train_recommender_on_a_tiny_catalogue(tiny_catalogue, tmp_path):
    # fewer items than the top-10 that validation ranks, and than the 50 training candidates
    cfg = TrainConfig(lambdas=(1.0,), epochs=5, shrinks=(1.0,))
    rec = train_recommender(tiny_catalogue, cfg, progress=False)
    assert rec.item_ids == list("abcdef") and rec.dataset == "tiny"
    assert rec.history("u4") == {"c": 4.0, "d": 5.0, "f": 3.7}
    assert np.isfinite(rec.params.alpha) and np.all(np.isfinite(rec.scores("u1")))
    np.testing.assert_array_equal(rec.popularity, [3, 2, 2, 2, 2, 2])
    recs = rec.recommend("u1", k=10)
    assert len(recs) == 4 and not {"a", "b"} & {r.item_id for r in recs}
    x, users, _ = interaction_matrix(tiny_catalogue)
    assert users == ["u1", "u2", "u3", "u4", "u5"] and x.nnz == 13
    back = Recommender.load(save_active(rec, tmp_path))
    assert back.history("u4") == rec.history("u4")
    np.testing.assert_array_equal(back.scores("u4"), rec.scores("u4"))
