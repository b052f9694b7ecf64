"""Scale benchmark: scoring a 1M-item synthetic catalogue for one user, against one plain matvec.

    python benchmarks/bench_scale.py [--items 1000000] [--history 50] [--features 40] [--neighbours 200]
                                     [--repeat 20] [--seed 0] [--json out.json]

The model is the served scorer, ``scorer.model.score_history``:

    s(u, i) = alpha * sum_{j in H} B[j, i] + F[i] @ a_u + beta_u * pop[i]

A dense 1M x 1M B (4 TB) is impossible, so B is synthetic in two honest ways:

* dense-rows: only the |H| rows of B the user's history selects are stored, each dense over all n items
  (``ScorerParams.B`` has shape (|H|, n) and the history is items 0..|H|-1). This is the worst case for
  the item-item term: |H| * n multiply-adds. Baseline: the same multiply-adds as ONE plain dense
  matrix-vector product, ``v @ M`` with M = [B_H; F^T] stacked once (outside the timing) into a
  C-contiguous (|H| + nf) x n float32 array and v a (|H| + nf,) float32 vector (numpy, OpenBLAS sgemv).
* sparse top-k: what a real large-catalogue deployment would store: B as a CSR matrix keeping each
  item's k strongest neighbours (k = --neighbours). Only the history rows are ever read, so only those
  rows are filled (the other rows are empty; this does not change the work done). The item-item term is
  then |H| * k additions and the cost is the feature term. Baseline: one plain dense matvec
  ``F @ a`` of the (n, nf) float32 F.

Both timings alternate inside one process, ``--repeat`` times each; the table gives the medians and their
ratio (load average printed, as other jobs may share the CPU). Each variant is also checked: for some
items the exact contributions (``scorer.model.contributions``) sum to the score within 1e-5.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from machine import loadavg, machine  # the helper beside this script

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scorer.model import ScorerParams, contributions, score_history  # noqa: E402


def alternate(base, cand, repeat: int) -> tuple[list[float], list[float]]:
    base(), cand()  # warm-up: page in the arrays, start BLAS threads
    tb, tc = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        base()
        t1 = time.perf_counter()
        cand()
        t2 = time.perf_counter()
        tb.append(t1 - t0)
        tc.append(t2 - t1)
    return tb, tc


def check_exact(p: ScorerParams, hidx: np.ndarray, items: np.ndarray) -> float:
    s = score_history(p, hidx)
    return max(abs(contributions(p, hidx, int(i)).total - float(s[i])) for i in items)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--items", type=int, default=1_000_000)
    ap.add_argument("--history", type=int, default=50)
    ap.add_argument("--features", type=int, default=40)
    ap.add_argument("--neighbours", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json")
    args = ap.parse_args(argv)
    n, h, nf, k = args.items, args.history, args.features, args.neighbours
    rng = np.random.default_rng(args.seed)

    # shared parts: F 0/1 with ~10% of features on per item, W diagonal, c, pop in [0, 1]
    F = (rng.random((n, nf), dtype=np.float32) < 0.1).astype(np.float32)
    W = np.diag(rng.standard_normal(nf).astype(np.float32) * 0.5)
    c = rng.standard_normal(nf).astype(np.float32) * 0.1
    pop = rng.random(n, dtype=np.float32)
    hidx = np.arange(h, dtype=np.int64)
    common = dict(F=F, W=W, c=c, pop=pop, alpha=1.3, beta=-0.2, cold_beta=1.0, cold_n=5)

    # dense-rows B: the |H| history rows, each dense over n items
    BH = rng.standard_normal((h, n), dtype=np.float32) * 0.01
    dense = ScorerParams(B=BH, **common)
    M = np.ascontiguousarray(np.concatenate([BH, F.T]))  # (h + nf, n), built once, outside the timing
    v = rng.standard_normal(h + nf).astype(np.float32)

    # sparse top-k B: CSR (n, n), k neighbours in each history row, other rows empty
    cols = np.concatenate([np.sort(rng.choice(n, size=k, replace=False)) for _ in range(h)])
    vals = rng.standard_normal(h * k).astype(np.float32) * 0.05
    indptr = np.concatenate([np.arange(0, h * k + 1, k), np.full(n - h, h * k)]).astype(np.int64)
    Bs = sp.csr_matrix((vals, cols, indptr), shape=(n, n))
    sparse = ScorerParams(B=Bs, **common)
    a = rng.standard_normal(nf).astype(np.float32)

    probe = np.concatenate([rng.choice(n, 20, replace=False), cols[:20]])
    err_dense, err_sparse = check_exact(dense, hidx, probe), check_exact(sparse, hidx, probe)

    out: dict = {"machine": machine(), "n": n, "history": h, "nf": nf, "k": k}
    load0 = loadavg()
    tb_d, tc_d = alternate(lambda: v @ M, lambda: score_history(dense, hidx), args.repeat)
    load1 = loadavg()
    tb_s, tc_s = alternate(lambda: F @ a, lambda: score_history(sparse, hidx), args.repeat)
    load2 = loadavg()
    med = {
        name: statistics.median(t) * 1e3
        for name, t in (("base_dense", tb_d), ("dense", tc_d), ("base_sparse", tb_s), ("sparse", tc_s))
    }
    out.update(
        ms=med,
        raw_s={"base_dense": tb_d, "dense": tc_d, "base_sparse": tb_s, "sparse": tc_s},
        exact_err={"dense": err_dense, "sparse": err_sparse},
        load=[load0, load1, load2],
    )

    print(f"machine: {out['machine']}")
    print(
        f"n = {n:,} items, |H| = {h}, nf = {nf}, top-k neighbours = {k}, {args.repeat} alternating repetitions, medians"
    )
    print(f"load average: before {load0}; between {load1}; after {load2}")
    print(f"exactness: max |sum(contributions) - score| = {err_dense:.1e} (dense rows), {err_sparse:.1e} (sparse)\n")
    print("| B stored as | baseline (one plain matvec) | baseline ms | score_history ms | ratio | goal |")
    print("|---|---|---|---|---|---|")
    print(
        f"| dense rows, {h} x {n:,} | `v @ M`, M = [B_H; F^T] ({h + nf} x {n:,}) | {med['base_dense']:.1f} | "
        f"{med['dense']:.1f} | {med['dense'] / med['base_dense']:.2f}x | <= 2x |"
    )
    print(
        f"| sparse CSR, top-{k} per item | `F @ a` ({n:,} x {nf}) | {med['base_sparse']:.1f} | "
        f"{med['sparse']:.1f} | {med['sparse'] / med['base_sparse']:.2f}x | <= 2x |"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
