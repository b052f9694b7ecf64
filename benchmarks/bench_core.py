"""Recommender-core benchmark: training wall time and recommend/explain latency for one user.

    python benchmarks/bench_core.py [--data ml-100k] [--train-runs 3] [--users 200] [--seed 0]
                                    [--home DIR] [--skip-train] [--json out.json]

1. Training: runs ``because train --data D --no-index --quiet --home <tmp>`` as a subprocess
   ``--train-runs`` times and reports the median wall time (process start to exit, so it includes
   imports and loading the data set).
2. Latency: loads the saved model once (``Recommender.load``), then for ``--users`` random users times
   ``rec.recommend(user, k=10)``, ``explain(rec, user, top1)`` and the two back to back; reports p50 and
   p95 in milliseconds. Each explanation is checked: its contributions sum to its score within 1e-5.

With ``--skip-train --home DIR`` it reuses a model already trained under DIR. Prints a markdown table
(and the machine line with the load average at start and end, since other jobs may share the CPU).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    mem = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024**2:.1f} GiB RAM"
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({cpu}), {mem}, Python {platform.python_version()}"


def loadavg() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def time_training(data: str, runs: int, home: Path) -> list[float]:
    exe = Path(sys.executable).with_name("because")
    cmd = [str(exe), "train", "--data", data, "--no-index", "--quiet", "--home", str(home)]
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=ROOT)
        out.append(time.perf_counter() - start)
    return out


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
    worst = 0.0
    for u in users:
        t0 = time.perf_counter()
        top = rec.recommend(u, k=10)
        t1 = time.perf_counter()
        ex = explain(rec, u, top[0].item_id)
        t2 = time.perf_counter()
        t["recommend"].append((t1 - t0) * 1e3)
        t["explain"].append((t2 - t1) * 1e3)
        t["recommend+explain"].append((t2 - t0) * 1e3)
        # exactness: shown parts (|v| > 1e-9) sum to the score; the score equals the ranked score
        worst = max(worst, abs(sum(c.value for c in ex.contributions) - ex.score), abs(ex.score - top[0].score))
    t["_n_items"] = [rec.n_items]
    t["_worst_sum_error"] = [worst]
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
        train = time_training(args.data, args.train_runs, home)
        result["train_s"] = train
        rows.append((f"`because train --data {args.data} --no-index --quiet` wall time (median of {len(train)})",
                     f"{statistics.median(train):.1f} s", f"runs: {', '.join(f'{x:.1f}' for x in train)} s", "< 60 s"))
    result["load_after_train"] = loadavg()
    lat = time_latency(home, args.users, args.seed)
    n_items, worst = lat.pop("_n_items")[0], lat.pop("_worst_sum_error")[0]
    result.update(latency_ms=lat, n_items=n_items, worst_sum_error=worst, load_end=loadavg())
    goals = {"recommend": "", "explain": "", "recommend+explain": "p50 < 10 ms"}
    for name, v in lat.items():
        rows.append((f"{name} for one user over {n_items} items ({len(v)} users)",
                     f"p50 {pct(v, 50):.2f} ms", f"p95 {pct(v, 95):.2f} ms", goals[name]))

    print(f"machine: {result['machine']}")
    print(f"load average: start {result['load_start']}; after training {result['load_after_train']}; end {result['load_end']}")
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
