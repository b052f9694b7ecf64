"""Serving a big catalogue from a model file with a sparse item-item term: load, memory, recommend + explain.

    python benchmarks/bench_big_serving.py --items 100000 [--neighbours 100] [--users 50] [--history 50]
    python benchmarks/bench_big_serving.py --model /tmp/bigshop/model.pt  # a model the Spark trainer wrote

Without --model, a synthetic model is written first (B: each item's k neighbours, random weights; 40 0/1
features; users with --history past items) through ``Recommender.save`` and read back with
``Recommender.load``, the path `because serve` takes. Timed per user: ``recommend(user, k=10)`` followed by
``explain(user, top item)`` (the exact attribution the chat shows), p50 / p90 over --users users, after one
warm-up call. Every explanation's parts are checked to sum to its score within 1e-5. Peak RSS from /proc.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from machine import loadavg, machine  # noqa: E402

from scorer import Recommender, explain  # noqa: E402
from scorer.model import ScorerParams  # noqa: E402


def synthetic(n: int, k: int, n_users: int, history: int, seed: int = 0) -> Recommender:
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, n, size=n * k)
    cols = np.repeat(np.arange(n), k)
    keep = rows != cols
    b = sp.csr_matrix((rng.normal(0, 0.05, keep.sum()).astype(np.float32), (rows[keep], cols[keep])), shape=(n, n))
    nf = 40
    f = (rng.random((n, nf)) < 0.05).astype(np.float32)
    params = ScorerParams(
        B=b,
        F=f,
        W=np.diag(rng.normal(0, 0.1, nf)).astype(np.float32),
        c=rng.normal(0, 0.1, nf).astype(np.float32),
        pop=rng.random(n).astype(np.float32),
        alpha=1.0,
        beta=0.2,
    )
    ids = [f"i{i}" for i in range(n)]
    histories = {
        f"u{u}": {ids[i]: float(rng.integers(1, 6)) for i in rng.choice(n, history, replace=False)}
        for u in range(n_users)
    }
    return Recommender(
        dataset="synthetic",
        item_ids=ids,
        titles=[f"Item {i}" for i in range(n)],
        feature_names=[f"f{j}" for j in range(nf)],
        feature_labels=[f"feature {j}" for j in range(nf)],
        feature_columns=["category"] * nf,
        params=params,
        popularity=rng.random(n).astype(np.float32) * 100,
        histories=histories,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--neighbours", type=int, default=100)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--history", type=int, default=50)
    ap.add_argument("--model", default="")
    ap.add_argument("--json", default="")
    a = ap.parse_args()
    out: dict = {"machine": machine(), "load_before": loadavg()}
    if a.model:
        path = Path(a.model)
    else:
        t = time.perf_counter()
        rec = synthetic(a.items, a.neighbours, a.users, a.history)
        path = Path(tempfile.mkdtemp()) / "model.pt"
        rec.save(path)
        out["build_and_save_s"] = round(time.perf_counter() - t, 1)
        del rec
    out["model_file_mb"] = round(path.stat().st_size / 2**20, 1)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    rec = Recommender.load(path)
    out["load_s"] = round(time.perf_counter() - t, 2)
    out["items"], out["b_entries"] = rec.n_items, int(rec.params.B.nnz) if sp.issparse(rec.params.B) else rec.n_items**2
    users = (
        sorted(rec.histories)[: a.users]
        if not a.model
        else list(rec.histories)[:: max(1, len(rec.histories) // a.users)][: a.users]
    )
    explain(rec, users[0], rec.recommend(users[0], k=10)[0].item_id)  # warm-up
    times, worst = [], 0.0
    for user in users:
        t = time.perf_counter()
        top = rec.recommend(user, k=10)
        e = explain(rec, user, top[0].item_id)
        times.append(time.perf_counter() - t)
        worst = max(worst, abs(sum(c.value for c in e.contributions) - e.score))
    q = statistics.quantiles(times, n=10)
    out.update(
        users=len(users),
        p50_ms=round(1000 * statistics.median(times), 2),
        p90_ms=round(1000 * q[8], 2),
        max_sum_error=float(worst),
        peak_rss_gib=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2),
        rss_before_load_gib=round(base / 2**20, 2),
        load_after=loadavg(),
    )
    print(json.dumps(out, indent=1))
    if a.json:
        Path(a.json).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
