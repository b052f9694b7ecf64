"""`because train --engine spark` on local[2]: the same checks, the same model format, the math it claims.

Skipped without pyspark or Java, except where BECAUSE_REQUIRE_SPARK=1 (.ci/run sets it): there they must run.
"""

from __future__ import annotations

import csv
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from scorer.ease import ease_weights
from spark_training.local_engine import LocalEngine
from spark_training.neighbours import neighbourhood_ease, solve_columns

HAVE_SPARK = shutil.which("java") is not None and __import__("importlib").util.find_spec("pyspark") is not None
if not HAVE_SPARK and os.environ.get("BECAUSE_REQUIRE_SPARK") == "1":
    raise RuntimeError("BECAUSE_REQUIRE_SPARK=1 but pyspark or java is missing: run `bash scripts/install.sh --test`.")
needs_spark = pytest.mark.skipif(not HAVE_SPARK, reason="pyspark or a Java runtime is not installed")


def _matrix(seed: int = 0, users: int = 80, items: int = 30) -> sp.csr_matrix:
    rng = np.random.default_rng(seed)
    x = (rng.random((users, items)) < 0.25).astype(np.float32)
    x[:, :3] = np.maximum(x[:, :3], rng.random((users, 3)) < 0.5)
    return sp.csr_matrix(x)


def test_neighbourhood_regression_on_every_other_item_is_ease() -> None:
    x = _matrix(users=300)  # every pair of items co-occurs, so every other item is a neighbour
    assert (x.T @ x).toarray().min() > 0
    b = neighbourhood_ease(x, lam=5.0, k=x.shape[1]).toarray()
    assert np.abs(b - ease_weights(x, 5.0)).max() < 1e-4


def test_each_column_keeps_at_most_k_neighbours_and_never_itself() -> None:
    b = neighbourhood_ease(_matrix(), lam=5.0, k=4).tocsc()
    assert max(np.diff(b.indptr)) <= 4
    assert not b.diagonal().any()


def test_solve_returns_every_lambda_from_one_gather() -> None:
    x = _matrix()
    g = sp.csr_matrix(x.T @ x, dtype=np.float32)
    g.sort_indices()
    both = solve_columns(g, range(x.shape[1]), 6, [2.0, 50.0])
    one = solve_columns(g, range(x.shape[1]), 6, [50.0])
    assert np.allclose(both[50.0][2], one[50.0][2])
    assert not np.allclose(both[2.0][2], both[50.0][2])


# ---- on Spark ------------------------------------------------------------------------------------
def _write_shop(folder: Path, *, bad_row: tuple | None = None, extra: list[tuple] | None = None) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    items = folder / "items.csv"
    with open(items, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["item_id", "title", "category", "price"])
        w.writerows((f"g{i}", f"Gear {i}", ["tent", "stove", "pack"][i % 3], 20 + i) for i in range(40))
    rnd = random.Random(0)
    rows = [
        (f"u{u}", f"g{i}", rnd.choice([3, 4, 5]), 1_700_000_000 + u * 100 + n)
        for u in range(90)
        for n, i in enumerate(rnd.sample(range(40), 7))
    ]
    rows += extra or []
    if bad_row is not None:
        rows[30] = bad_row
    inter = folder / "interactions.csv"
    with open(inter, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["user_id", "item_id", "rating", "timestamp"])
        w.writerows(rows)
    return items, inter


def _because(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "because.cli", "--home", str(home), *args], capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def spark():
    if not HAVE_SPARK:
        pytest.skip("pyspark or a Java runtime is not installed")
    from spark_training.session import spark_session

    session = spark_session("local[2]")
    yield session
    session.stop()


@needs_spark
def test_spark_gram_and_solves_equal_the_local_computation(spark) -> None:
    import pandas as pd

    from spark_training.engine import SparkEngine
    from spark_training.train import checked_from_pandas

    x = _matrix(seed=3)
    coo = x.tocoo()
    frame = pd.DataFrame({"user_id": [f"{u:03d}" for u in coo.row], "item_id": coo.col.astype(str), "rating": 4.0})
    engine = SparkEngine(spark, checked_from_pandas(spark, frame), [str(i) for i in range(x.shape[1])], val_users=20)
    g = engine.gram(kept_only=False)
    assert np.array_equal(g.toarray(), (x.T @ x).toarray())
    x_in, x_out = engine.validation()
    assert x_in.shape[0] == 20 and x_out.nnz > 0 and x_in.multiply(x_out).nnz == 0
    kept = engine.gram(kept_only=True)
    k_u, o_u = np.asarray(x_in.sum(1)).ravel(), np.asarray(x_out.sum(1)).ravel()
    assert kept.sum() == g.sum() - (2 * k_u * o_u + o_u**2).sum()  # each sampled user's |H|^2 - |kept|^2
    b = engine.solve(g, (5.0,), 6)[5.0]
    local = LocalEngine(x).solve(sp.csr_matrix(x.T @ x, dtype=np.float32), (5.0,), 6)[5.0]
    assert np.abs((b - local).toarray()).max() < 1e-5
    engine.close()


@needs_spark
def test_because_train_engine_spark_writes_a_model_that_serves_and_explains_exactly(tmp_path: Path) -> None:
    items, inter = _write_shop(
        tmp_path / "shop", extra=[("u1", "g5", 2, 1_700_000_050), ("u1", "g5", 5, 1_800_000_000)]
    )
    home = tmp_path / "home"
    done = _because(
        home,
        "train",
        "--engine",
        "spark",
        "--items",
        str(items),
        "--interactions",
        str(inter),
        "--no-index",
        "--neighbours",
        "8",
        "--quiet",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    from scorer import Recommender, explain
    from scorer.pipeline import active_model_path

    rec = Recommender.load(active_model_path(home))
    assert sp.issparse(rec.params.B) and max(np.diff(rec.params.B.tocsc().indptr)) <= 8
    assert rec.meta["engine"] == "spark" and set(rec.meta["stage_seconds"]) >= {"read + check", "final B"}
    # histories as the single-machine reader keeps them: a repeated pair keeps its first place, its last rating
    single = _because(
        tmp_path / "single", "train", "--items", str(items), "--interactions", str(inter), "--no-index", "--quiet"
    )
    assert single.returncode == 0, single.stderr[-2000:]
    ref = Recommender.load(active_model_path(tmp_path / "single"))
    assert rec.histories == ref.histories and list(rec.histories["u1"]) == list(ref.histories["u1"])
    assert rec.histories["u1"]["g5"] == 5.0
    for user in ("u1", "u7", "u42"):
        top = rec.recommend(user, k=3)
        assert len(top) == 3
        for r in top:
            e = explain(rec, user, r.item_id)
            assert abs(sum(c.value for c in e.contributions) - e.score) < 1e-5
            assert abs(e.score - r.score) < 1e-5
    shown = _because(home, "recommend", "--user", "u7", "--k", "3", "--json")
    assert shown.returncode == 0 and '"items"' in shown.stdout


@needs_spark
@pytest.mark.parametrize(
    "bad",
    [
        ("u5", "nope", 4, 1_700_000_000),
        ("u5", "g1", "four", 1_700_000_000),
        ("", "g1", 4, 1_700_000_000),
        ("u5", "g1", 4),
    ],
    ids=["unknown-item", "rating-not-a-number", "empty-user", "ragged-row"],
)
def test_a_bad_file_gets_the_single_machine_message(tmp_path: Path, bad: tuple) -> None:
    items, inter = _write_shop(tmp_path / "shop", bad_row=bad)
    spark_run = _because(
        tmp_path / "a", "train", "--engine", "spark", "--items", str(items), "--interactions", str(inter), "--no-index"
    )
    local_run = _because(tmp_path / "b", "train", "--items", str(items), "--interactions", str(inter), "--no-index")
    assert spark_run.returncode == local_run.returncode == 2
    message = local_run.stderr.strip().splitlines()[-1]
    assert message.startswith("because: file ") and "row 32" in message
    assert spark_run.stderr.strip().splitlines()[-1] == message
    assert not (tmp_path / "a" / "models").exists()  # nothing half-written


def test_the_single_machine_trainer_refuses_a_catalogue_too_large_for_memory_and_names_spark() -> None:
    from because.errors import InputError
    from scorer.pipeline import check_fits_in_memory

    check_fits_in_memory(943, 1682, available=8 * 2**30)  # ML-100k fits
    with pytest.raises(InputError, match="--engine spark") as err:
        check_fits_in_memory(300_000, 200_000, available=24 * 2**30)
    assert "GiB" in str(err.value) and "200000 items" in str(err.value)
