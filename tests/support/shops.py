"""Small non-film shops for the tests, from the seeded generators the benchmarks use (``benchmarks/shops.py``)."""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

import numpy as np

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def write_gear(folder: Path, n_users: int = 300, seed: int = 0) -> Path:
    """A gear shop (tents, jackets, ...; price in USD, weight in grams; view/cart/purchase events) in ``folder``."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from shop_common import write_shop
        from shop_gear import make_gear
        from shop_schemas import GEAR_SCHEMA
    finally:
        sys.path.remove(str(BENCHMARKS))
    items, inter = make_gear(np.random.default_rng(seed), n_users=n_users)
    write_shop(folder, "gear", items, inter, GEAR_SCHEMA)
    return folder / "gear"


@lru_cache(maxsize=1)
def gear_recommender(folder: str):
    """A recommender trained on the small gear shop in ``folder`` (once per test session), and its catalogue."""
    from catalogue import load_files
    from scorer.pipeline import train_recommender
    from scorer.train import TrainConfig

    shop = Path(folder)
    cat = load_files(shop / "items.csv", shop / "interactions.csv", schema_path=shop / "schema.json")
    rec = train_recommender(cat, TrainConfig(lambdas=(300.0,), epochs=20, shrinks=(1.0,)), progress=False)
    return rec, cat
