"""Recommender-core benchmark: training wall time and recommend/explain latency for one user.

    python benchmarks/bench_core.py [--data ml-100k] [--train-runs 3] [--users 200] [--seed 0]
                                    [--home DIR] [--skip-train] [--json out.json]

1. Training: runs ``because --home <tmp> train --data D --no-index --quiet`` as a subprocess
   ``--train-runs`` times and reports the median wall time (process start to exit, so it includes
   imports and loading the data set), and its CPU time (user + sys), which a busy machine inflates less.
2. Latency: loads the saved model once (``Recommender.load``), then for ``--users`` random users times
   ``rec.recommend(user, k=10)``, ``explain(rec, user, top1)`` and the two back to back; reports p50 and
   p95 in milliseconds, by wall clock and by the thread's CPU time (on a shared machine a
   few-ms call is often pre-empted, which only the wall clock sees). Each explanation is checked: its
   contributions sum to its score within 1e-5.

With ``--skip-train --home DIR`` it reuses a model already trained under DIR. Prints a markdown table
(and the machine line with the load average at start and end, since other jobs may share the CPU).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from machine import loadavg, machine  # the helper beside this script

ROOT = Path(__file__).resolve().parents[1]


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def time_training(data: str, runs: int, home: Path) -> tuple[list[float], list[float]]:
    """Wall seconds and CPU seconds (user + sys of the child) per run."""
    exe = Path(sys.executable).with_name("because")
    cmd = [str(exe), "--home", str(home), "train", "--data", data, "--no-index", "--quiet"]  # --home is global
    wall, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=ROOT)
        wall.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall, cpu


def time_latency(home: Path, n_users: int, seed: int) -> dict[str, list[float]]:
    from scorer.attribution import explain
    from scorer.pipeline import active_model_path
    from scorer.recommender import Recommender

    rec = Recommender.load(active_model_path(home))
    rng = np.random.default_rng(seed)
    users = list(rng.choice(sorted(rec.histories), size=min(n_users, len(rec.histories)), replace=False))
    # warm-up (first-call allocations, BLAS thread start)
    for u in users[:5]:
        explain(rec, u, rec.recommend(u, k=10)[0].item_id)
    t = {"recommend": [], "explain": [], "recommend+explain": []}
    cpu = {name: [] for name in t}
    worst = 0.0
    for u in users:
        t0, c0 = time.perf_counter(), time.thread_time()
        top = rec.recommend(u, k=10)
        t1, c1 = time.perf_counter(), time.thread_time()
        ex = explain(rec, u, top[0].item_id)
        t2, c2 = time.perf_counter(), time.thread_time()
        t["recommend"].append((t1 - t0) * 1e3)
        t["explain"].append((t2 - t1) * 1e3)
        t["recommend+explain"].append((t2 - t0) * 1e3)
        cpu["recommend"].append((c1 - c0) * 1e3)
        cpu["explain"].append((c2 - c1) * 1e3)
        cpu["recommend+explain"].append((c2 - c0) * 1e3)
        # exactness: shown parts (|v| > 1e-9) sum to the score; the score equals the ranked score
        worst = max(worst, abs(sum(c.value for c in ex.contributions) - ex.score), abs(ex.score - top[0].score))
    t["_n_items"] = [rec.n_items]
    t["_worst_sum_error"] = [worst]
    t.update({f"{name} (CPU)": v for name, v in cpu.items()})
    return t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="ml-100k")
    ap.add_argument("--train-runs", type=int, default=3)
    ap.add_argument("--users", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--home", help="model home; default a fresh temporary folder")
    ap.add_argument("--skip-train", action="store_true", help="reuse the model already under --home")
    ap.add_argument("--json", help="also write the raw figures here")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    tmp = None
    if args.home:
        home = Path(args.home)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="because-bench-")
        home = Path(tmp.name)
    result: dict = {"machine": machine(), "load_start": loadavg()}
    rows = []
    if not args.skip_train:
        train, cpu = time_training(args.data, args.train_runs, home)
        result["train_s"], result["train_cpu_s"] = train, cpu
        rows.append(
            (
                f"`because --home TMP train --data {args.data} --no-index --quiet` wall time (median of {len(train)})",
                f"{statistics.median(train):.1f} s",
                f"runs: {', '.join(f'{x:.1f}' for x in train)} s",
                "< 60 s",
            )
        )
        rows.append(
            (
                "same, CPU time (user + sys) of the process",
                f"{statistics.median(cpu):.1f} s",
                f"runs: {', '.join(f'{x:.1f}' for x in cpu)} s",
                "",
            )
        )
    result["load_after_train"] = loadavg()
    lat = time_latency(home, args.users, args.seed)
    n_items, worst = lat.pop("_n_items")[0], lat.pop("_worst_sum_error")[0]
    result.update(latency_ms=lat, n_items=n_items, worst_sum_error=worst, load_end=loadavg())
    goals = {"recommend+explain": "p50 < 10 ms"}
    for name, v in lat.items():
        clock = "thread CPU time" if name.endswith("(CPU)") else "wall time"
        rows.append(
            (
                f"{name.replace(' (CPU)', '')} for one user over {n_items} items ({len(v)} users), {clock}",
                f"p50 {pct(v, 50):.2f} ms",
                f"p95 {pct(v, 95):.2f} ms",
                goals.get(name, ""),
            )
        )

    print(f"machine: {result['machine']}")
    print(
        f"load average: start {result['load_start']}; after training {result['load_after_train']}; "
        f"end {result['load_end']}"
    )
    print(f"worst |sum(contributions) - score| over the explained items: {worst:.2e}\n")
    print("| measure | median / p50 | spread / p95 | goal |")
    print("|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
