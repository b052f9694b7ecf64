"""`because train --engine spark`: files (or a built-in set) -> Spark stages -> the same model file format."""

from __future__ import annotations

import time
from typing import Any, Callable

import numpy as np
import pandas as pd

from catalogue import Catalogue
from scorer.features import build_features
from scorer.recommender import Recommender
from scorer.train import TrainConfig
from spark_training.fit import SparseConfig, fit_sparse
from spark_training.read import NO_TIME, OUT_SCHEMA, read_interactions, read_items


def checked_from_pandas(spark: Any, interactions: pd.DataFrame) -> Any:
    """An already-checked interactions frame (a built-in catalogue, an evaluation split) in ``read``'s shape."""
    stamp = interactions["timestamp"] if "timestamp" in interactions else pd.Series(pd.NaT, index=interactions.index)
    frame = pd.DataFrame(
        {
            "line": np.arange(2, len(interactions) + 2, dtype=np.int64),
            "user_id": interactions["user_id"].astype(str).to_numpy(),
            "item_id": interactions["item_id"].astype(str).to_numpy(),
            "rating": interactions["rating"].astype("float64").to_numpy() if "rating" in interactions else np.nan,
            "event": interactions["event"].astype(object).to_numpy() if "event" in interactions else None,
            "ts": pd.to_datetime(stamp, utc=True).to_numpy("datetime64[ns]").astype(np.int64),
            "error": None,
        }
    )
    frame.loc[frame["ts"] == np.iinfo(np.int64).min, "ts"] = NO_TIME
    return spark.createDataFrame(frame, OUT_SCHEMA).drop("error")


def train_with_spark(
    spark: Any,
    *,
    items_path: str | None = None,
    interactions_path: str | None = None,
    schema_path: str | None = None,
    catalogue: Catalogue | None = None,
    cfg: TrainConfig = TrainConfig(),
    scfg: SparseConfig = SparseConfig(),
    log: Callable[[str], None] = lambda _m: None,
) -> Recommender:
    """Train on Spark from the shop's files (or ``catalogue``, a built-in set) and return the model to save."""
    from spark_training.engine import SparkEngine

    start = time.perf_counter()
    stages: dict[str, float] = {}
    if catalogue is not None:
        items, schema, name = catalogue.items, catalogue.schema, catalogue.name
        checked = checked_from_pandas(spark, catalogue.interactions)
    else:
        assert items_path and interactions_path
        items, schema, _details = read_items(spark, items_path, schema_path)
        checked = read_interactions(spark, interactions_path, items.index, str(items_path))
        from pathlib import Path

        from catalogue.files import _default_name

        name = _default_name(Path(items_path))
    stages["read + check"] = time.perf_counter() - start
    t = time.perf_counter()
    space = build_features(items, schema, min_count=cfg.min_feature_count, n_bins=cfg.n_bins)
    item_ids = [str(i) for i in items.index]
    engine = SparkEngine(spark, checked, item_ids, val_users=scfg.val_users, seed=cfg.seed, val_frac=cfg.val_frac)
    stages["index + hold-out"] = time.perf_counter() - t
    log(f"{name}: {len(engine.users)} users, {len(item_ids)} items, {len(space)} features (Spark)")
    params, report = fit_sparse(engine, space.matrix, cfg, scfg, log=log)
    stages.update(report.stage_seconds)
    t = time.perf_counter()
    hist = engine.histories()
    stages["histories"] = time.perf_counter() - t
    popularity = np.bincount(hist.items, minlength=len(item_ids)).astype(np.float32)
    meta = {
        "config": cfg.to_dict(),
        "engine": "spark",
        "spark_master": spark.sparkContext.master,
        "neighbours": report.neighbours,
        "lambda": report.lam,
        "side_term_shrink": report.shrink,
        "validation_ndcg_at_10": report.val_ndcg,
        "validation_ndcg_at_10_item_item": report.val_ndcg_item_item,
        "validation_users": report.val_users,
        "stage_seconds": {k: round(v, 2) for k, v in stages.items()},
        "train_seconds": time.perf_counter() - start,
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    engine.close()
    return Recommender(
        dataset=name,
        item_ids=item_ids,
        titles=[str(t) for t in items["title"]],
        feature_names=space.names,
        feature_labels=space.labels,
        feature_columns=space.columns,
        params=params,
        popularity=popularity,
        histories={},
        meta=meta,
        history_arrays=hist,
    )
