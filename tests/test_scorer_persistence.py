"""The recommender core's checkpoints (save / load, format version, damaged files) and fold-in of new users."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from because.errors import InputError, ModelFileError, UnknownIdError
from scorer.attribution import explain
from scorer.checkpoint import FORMAT_VERSION
from scorer.pipeline import active_model_path, model_path, save_active
from scorer.recommender import Recommender
from support.hand import hand_recommender

TOL = 1e-5


# ---- save / load ---------------------------------------------------------------------------
def _same_explanations(a: Recommender, b: Recommender, user, items) -> None:
    for item in items:
        assert explain(a, user, item).to_dict() == explain(b, user, item).to_dict()


def test_round_trip_hand_model_keeps_scores_ratings_and_explanations(tmp_path):
    rec = hand_recommender()
    path = tmp_path / "models" / "hand" / "model.pt"
    rec.save(path)
    back = Recommender.load(path)
    assert back.histories == rec.histories  # 3.7 stays 3.7, None stays None
    assert (back.item_ids, back.titles, back.feature_labels, back.meta) == (
        rec.item_ids,
        rec.titles,
        rec.feature_labels,
        rec.meta,
    )
    for user in ("u", "v"):
        np.testing.assert_array_equal(back.scores(user), rec.scores(user))
        _same_explanations(rec, back, user, rec.item_ids)
    assert sorted(p.name for p in path.parent.iterdir()) == ["model.pt"]  # no temp file left behind


def test_round_trip_trained_model(ml100k_recommender, tmp_path):
    rec = ml100k_recommender
    path = save_active(rec, tmp_path)
    assert active_model_path(tmp_path) == path == model_path(tmp_path, rec.dataset)
    back = Recommender.load(path)
    for user in ("1", "42", "943"):
        np.testing.assert_array_equal(back.scores(user), rec.scores(user))
        assert back.recommend(user) == rec.recommend(user)
        _same_explanations(rec, back, user, [r.item_id for r in rec.recommend(user, k=3)] + [rec.item_ids[0]])
    assert back.params.alpha == rec.params.alpha and back.params.beta == rec.params.beta
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["ACTIVE", rec.dataset]


def test_other_format_version_raises_a_clear_error(tmp_path):
    path = tmp_path / "model.pt"
    hand_recommender().save(path)
    data = torch.load(path, weights_only=True)
    data["format_version"] = 99
    torch.save(data, path)
    with pytest.raises(ModelFileError, match=f"version 99.*reads version {FORMAT_VERSION}.*because train"):
        Recommender.load(path)


def test_corrupt_or_foreign_file_raises_model_file_error(tmp_path):
    path = tmp_path / "model.pt"
    hand_recommender().save(path)
    path.write_bytes(path.read_bytes()[:200])  # truncated
    with pytest.raises(ModelFileError, match="corrupt"):
        Recommender.load(path)
    path.write_bytes(b"definitely not a model")
    with pytest.raises(ModelFileError, match="corrupt"):
        Recommender.load(path)
    torch.save({"weights": torch.zeros(2)}, path)  # a valid torch file, but not ours
    with pytest.raises(ModelFileError, match="not a Because model"):
        Recommender.load(path)


def test_missing_model_tells_to_run_because_train(tmp_path):
    with pytest.raises(ModelFileError, match="because train"):
        Recommender.load(tmp_path / "nope" / "model.pt")
    with pytest.raises(ModelFileError, match="because train"):
        active_model_path(tmp_path)


def test_failing_save_keeps_the_old_file_and_leaves_no_temp_file(tmp_path):
    path = tmp_path / "model.pt"
    rec = hand_recommender()
    rec.save(path)
    before = path.read_bytes()
    broken = hand_recommender()
    broken.meta["callback"] = lambda: None  # cannot be serialised: torch.save fails half-way
    with pytest.raises(Exception):
        broken.save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.pt"]
    np.testing.assert_array_equal(Recommender.load(path).scores("u"), rec.scores("u"))


# ---- fold-in -------------------------------------------------------------------------------
STAR_WARS, EMPIRE, JEDI = "50", "172", "181"


def test_new_user_from_three_ratings_without_retraining(ml100k_recommender):
    rec = ml100k_recommender
    ratings = {STAR_WARS: 5, EMPIRE: 5, JEDI: 4.5}
    recs = rec.recommend(ratings, k=10)
    assert len(recs) == 10 and not {r.item_id for r in recs} & set(ratings)
    assert [r.rank for r in recs] == list(range(1, 11))
    assert all(a.score >= b.score for a, b in zip(recs, recs[1:]))
    e = explain(rec, ratings, recs[0].item_id)
    assert e.user == "new user"
    named = {c.evidence["item"] for c in e.contributions if c.kind == "history_item"}
    assert named and named <= set(ratings)
    labels = " ".join(c.label for c in e.contributions)
    assert any(rec.title(i) in labels for i in named)
    assert rec.history(ratings) == {STAR_WARS: 5.0, EMPIRE: 5.0, JEDI: 4.5}


def test_empty_history_is_led_by_popularity(ml100k_recommender):
    rec = ml100k_recommender
    recs = rec.recommend({}, k=5)
    assert len(recs) == 5
    for r in recs:
        e = explain(rec, {}, r.item_id)
        assert e.contributions[0].kind == "popularity"
        assert "no history yet" in e.contributions[0].label
        assert not any(c.kind == "history_item" for c in e.contributions)
    # |H| = 0: p_u = 0 and warmth 0 so a_u = 0, and beta_u = cold_beta: s = cold_beta * pop exactly
    p = rec.params
    np.testing.assert_allclose(rec.scores({}), p.cold_beta * p.pop, atol=TOL)


def test_fold_in_rejects_unknown_items_and_non_numbers(ml100k_recommender):
    rec = ml100k_recommender
    with pytest.raises(UnknownIdError, match="unknown item 'no-such-item'"):
        rec.fold_in({STAR_WARS: 5, "no-such-item": 4})
    with pytest.raises(UnknownIdError):
        rec.recommend({"no-such-item": 4.0})
    for bad in ("five", float("nan"), [5]):
        with pytest.raises(InputError, match="not a number"):
            rec.fold_in({STAR_WARS: bad})
    with pytest.raises(UnknownIdError, match="unknown user 'nobody'.*because users"):
        rec.history("nobody")
