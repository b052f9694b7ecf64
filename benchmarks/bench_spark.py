"""Spark training figures: accuracy against the single-machine trainer, and a catalogue one machine cannot train.

    python benchmarks/bench_spark.py accuracy [--data ml-100k ml-latest-small] [--neighbours 100 200 400]
                                             [--seed 0] [--time-frac 0.2]
    python benchmarks/bench_spark.py train --items F --interactions F [--master local[2]] [--neighbours 100]
                                          [--lambdas 200,500] [--val-users 2000] [--json out.json]
    python benchmarks/bench_spark.py single --items F --interactions F   # the single-machine path, for contrast

accuracy: NDCG@10 (all held-out items, and 4-5 star held-out items only) of the model `because train
--engine spark` fits (run here on each split's train rows, local[2]) and of the single-machine model
(``scorer.train``), on the random and the time split; the ratio Spark / single machine.
train: wall time and peak RSS (the driver, the JVM and the Python workers together, sampled every 0.2 s
from /proc) per stage.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from machine import loadavg, machine  # noqa: E402  (the helper beside this script)


def tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants."""
    parent: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            parent[int(entry)] = int(fields[1])
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
    keep, frontier = {root}, [root]
    while frontier:
        p = frontier.pop()
        for child, par in parent.items():
            if par == p and child not in keep:
                keep.add(child)
                frontier.append(child)
    return sum(rss.get(p, 0) for p in keep)


class Sampler(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[tuple[float, int]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.samples.append((time.perf_counter(), tree_rss(os.getpid())))
            time.sleep(0.2)


def run_train(a: argparse.Namespace) -> dict:
    from scorer.train import TrainConfig
    from spark_training.fit import SparseConfig
    from spark_training.session import spark_session
    from spark_training.train import train_with_spark

    sampler = Sampler()
    sampler.start()
    start = time.perf_counter()
    spark = spark_session(a.master, driver_memory=a.driver_memory)
    started = time.perf_counter() - start
    lambdas = tuple(float(x) for x in a.lambdas.split(",")) if a.lambdas else None
    t0 = time.perf_counter()
    rec = train_with_spark(
        spark,
        items_path=a.items,
        interactions_path=a.interactions,
        cfg=TrainConfig(),
        scfg=SparseConfig(neighbours=a.neighbours, val_users=a.val_users, lambdas=lambdas),
        log=lambda m: print(m, file=sys.stderr, flush=True),
    )
    spark.stop()
    sampler.stop.set()
    sampler.join()
    stages, edge, rows = rec.meta["stage_seconds"], t0, []
    for name, secs in stages.items():
        peak = max((r for t, r in sampler.samples if edge <= t <= edge + secs), default=0)
        rows.append({"stage": name, "seconds": secs, "peak_rss_gib": round(peak / 2**30, 2)})
        edge += secs
    out = {
        "master": a.master,
        "items": len(rec.item_ids),
        "users": len(rec.history_arrays().users),
        "interactions": int(len(rec.history_arrays().items)),
        "neighbours": a.neighbours,
        "b_entries": int(rec.params.B.nnz),
        "lambda": rec.meta["lambda"],
        "shrink": rec.meta["side_term_shrink"],
        "spark_start_s": round(started, 1),
        "total_s": round(time.perf_counter() - start, 1),
        "peak_rss_gib": round(max(r for _t, r in sampler.samples) / 2**30, 2),
        "stages": rows,
        "machine": machine(),
        "load_after": loadavg(),
    }
    if a.save:
        rec.save(Path(a.save))
    return out


class SparkRanker:
    """The Spark-trained model as an evaluation Ranker (fit on a split's train rows)."""

    def __init__(self, spark, features: np.ndarray, neighbours: int) -> None:
        self.name, self.spark, self.features, self.neighbours = "Because on Spark", spark, features, neighbours

    def fit(self, train):
        from spark_training.engine import SparkEngine
        from spark_training.fit import SparseConfig, fit_sparse
        from spark_training.train import checked_from_pandas

        coo = train.tocoo()
        frame = pd.DataFrame(
            {
                "user_id": [f"{u:07d}" for u in coo.row],
                "item_id": coo.col.astype(str),
                "rating": 1.0,
                "timestamp": pd.NaT,
            }
        )
        engine = SparkEngine(
            self.spark, checked_from_pandas(self.spark, frame), [str(i) for i in range(train.shape[1])]
        )
        self.params, self.report = fit_sparse(
            engine, self.features, scfg=SparseConfig(neighbours=tuple(self.neighbours))
        )
        engine.close()
        return self

    def score(self, users, train):
        from spark_training.side_terms import score_users

        return score_users(self.params, train[users].tocsr())


def run_accuracy(a: argparse.Namespace) -> list[dict]:
    import scipy.sparse as sp

    from catalogue import load_builtin
    from evaluation.because_ranker import BecauseRanker
    from evaluation.metrics import top_k
    from evaluation.splits import random_split, time_split
    from scorer.features import build_features
    from spark_training.session import spark_session

    spark = spark_session("local[2]")
    rows = []
    for name in a.data:
        cat = load_builtin(name)
        space = build_features(cat.items, cat.schema, min_count=5, n_bins=4)
        ids = list(cat.items.index)
        liked = cat.interactions[cat.interactions["rating"] >= 4]
        for split_name, split in (
            ("random", random_split(cat.interactions, ids, seed=a.seed)),
            ("time", time_split(cat.interactions, ids, frac=a.time_frac)),
        ):
            order = [split.item_index[i] for i in ids]
            feats = np.zeros((len(split.item_ids), space.matrix.shape[1]), np.float32)
            feats[order] = space.matrix
            good = sp.csr_matrix(
                (
                    np.ones(len(liked)),
                    ([split.user_index.get(u, 0) for u in liked.user_id], [split.item_index[i] for i in liked.item_id]),
                ),
                shape=split.test.shape,
            )
            good = split.test.multiply(good > 0).tocsr()
            result: dict = {"data": name, "split": split_name}
            for label, ranker in (("single", BecauseRanker(feats)), ("spark", SparkRanker(spark, feats, a.neighbours))):
                t = time.perf_counter()
                ranker.fit(split.train)
                result[f"{label}_fit_s"] = round(time.perf_counter() - t, 1)
                if label == "spark":
                    result["spark_k"], result["spark_lambda"] = ranker.report.neighbours, ranker.report.lam
                for target_name, target in (("all", split.test), ("4-5", good)):
                    users = np.flatnonzero(np.asarray(target.sum(1)).ravel() > 0)
                    total = 0.0
                    for lo in range(0, len(users), 256):
                        us = users[lo : lo + 256]
                        s = np.asarray(ranker.score(us, split.train), dtype=np.float64)
                        s[split.train[us].nonzero()] = -np.inf
                        top = top_k(s, 10)
                        rel = target[us].toarray() > 0
                        gains = np.take_along_axis(rel, top, 1) / np.log2(np.arange(2, 12))
                        ideal = np.array([(1 / np.log2(np.arange(2, min(n, 10) + 2))).sum() for n in rel.sum(1)])
                        total += float((gains.sum(1) / ideal).sum())
                    result[f"{label}_ndcg_{target_name}"] = round(total / len(users), 4)
            for t in ("all", "4-5"):
                result[f"ratio_{t}"] = round(result[f"spark_ndcg_{t}"] / result[f"single_ndcg_{t}"], 3)
            print(json.dumps(result), flush=True)
            rows.append(result)
    spark.stop()
    return rows


def run_single(a: argparse.Namespace) -> dict:
    """The single-machine trainer on the same files: what happens (it needs dense n x n matrices)."""
    start = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "because.cli",
            "--home",
            a.home,
            "train",
            "--items",
            a.items,
            "--interactions",
            a.interactions,
            "--no-index",
            "--quiet",
        ],
        capture_output=True,
        text=True,
    )
    tail = (proc.stderr.strip().splitlines() or [""])[-1]
    return {"returncode": proc.returncode, "seconds": round(time.perf_counter() - start, 1), "last_line": tail[:400]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    t.add_argument("--items", required=True)
    t.add_argument("--interactions", required=True)
    t.add_argument("--master", default="local[2]")
    t.add_argument("--driver-memory", default="8g")
    t.add_argument("--neighbours", type=int, default=100)
    t.add_argument("--lambdas", default="")
    t.add_argument("--val-users", type=int, default=2000)
    t.add_argument("--save", default="")
    t.add_argument("--json", default="")
    acc = sub.add_parser("accuracy")
    acc.add_argument("--data", nargs="+", default=["ml-100k", "ml-latest-small"])
    acc.add_argument("--neighbours", type=int, nargs="+", default=[100, 200, 400])
    acc.add_argument("--seed", type=int, default=0, help="the random split's seed")
    acc.add_argument("--time-frac", type=float, default=0.2, help="the time split's test share (last by time)")
    acc.add_argument("--json", default="")
    s = sub.add_parser("single")
    s.add_argument("--items", required=True)
    s.add_argument("--interactions", required=True)
    s.add_argument("--home", default="/tmp/because-single")
    s.add_argument("--json", default="")
    a = ap.parse_args()
    print(f"machine: {machine()}; load before: {loadavg()}", file=sys.stderr)
    out = {"train": run_train, "accuracy": run_accuracy, "single": run_single}[a.cmd](a)
    print(json.dumps(out, indent=1))
    if a.json:
        Path(a.json).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
