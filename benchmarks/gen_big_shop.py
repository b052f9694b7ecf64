"""A generated shop far too large for the single-machine trainer: items + interactions as Parquet files.

    python benchmarks/gen_big_shop.py --items 200000 --users 250000 --out /tmp/bigshop [--seed 0]

Items fall into latent clusters (100 items each, 50 categories, a price); each user shops in two or three
clusters, mostly their popular items, plus a few items from anywhere: so an item's neighbours are real.
History lengths are lognormal (median ~16). Written: items.parquet, interactions.parquet.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd


def generate(n_items: int, n_users: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    cluster_size = 100
    n_clusters = max(1, n_items // cluster_size)
    cluster = np.arange(n_items) % n_clusters
    rank_in_cluster = np.arange(n_items) // n_clusters
    weight = 1.0 / (1.0 + rank_in_cluster) ** 0.8  # popular items inside each cluster
    items = pd.DataFrame(
        {
            "item_id": [f"i{i}" for i in range(n_items)],
            "title": [f"Item {i}" for i in range(n_items)],
            "category": [f"cat{c % 50}" for c in cluster],
            "price": np.round(rng.lognormal(3.0, 0.6, n_items), 2),
        }
    )
    members = [np.flatnonzero(cluster == c) for c in range(n_clusters)]
    probs = [weight[m] / weight[m].sum() for m in members]
    lengths = np.clip(rng.lognormal(np.log(16), 0.7, n_users).astype(int), 2, 400)
    cluster_pop = rng.zipf(1.3, n_clusters).astype(float)
    cluster_p = cluster_pop / cluster_pop.sum()
    users, picked = [], []
    for u in range(n_users):
        homes = rng.choice(n_clusters, size=rng.integers(2, 4), p=cluster_p, replace=False)
        n = lengths[u]
        own = int(n * 0.85)
        chosen = [
            rng.choice(members[c], size=min(len(members[c]), own // len(homes) + 1), p=probs[c], replace=False)
            for c in homes
        ]
        chosen.append(rng.integers(0, n_items, size=n - own))
        got = np.unique(np.concatenate(chosen))[: n + 2]
        users.append(np.full(len(got), u))
        picked.append(got)
    u = np.concatenate(users)
    i = np.concatenate(picked)
    inter = pd.DataFrame(
        {
            "user_id": pd.Series(u).map(lambda x: f"u{x}"),
            "item_id": pd.Series(i).map(lambda x: f"i{x}"),
            "rating": rng.integers(1, 6, len(u)).astype(float),
            "timestamp": pd.to_datetime(1_600_000_000 + rng.integers(0, 10_000_000, len(u)), unit="s", utc=True),
        }
    )
    return items, inter


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=200_000)
    ap.add_argument("--users", type=int, default=250_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    items, inter = generate(a.items, a.users, a.seed)
    items.to_parquet(out / "items.parquet", index=False)
    inter.to_parquet(out / "interactions.parquet", index=False)
    print(f"{len(items)} items, {inter.user_id.nunique()} users, {len(inter)} interactions -> {out}")


if __name__ == "__main__":
    main()
