"""Search benchmark on a built-in catalogue: precision@10, query latency, index build and re-index time.

    python benchmarks/bench_search.py [--data ml-100k] [--repeat 5] [--json out.json]

Builds a fresh Chroma folder in a temporary directory (PersistentClient), so it never touches
your real index. The labelled queries are in tests/data/search_queries.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "tests" / "data" / "search_queries.json"


def machine() -> str:
    """nproc, CPU model and load: latency numbers mean little without them."""
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, load average {load}"


def relevant(labels: tuple[str, ...], spec: dict) -> bool:
    have = set(labels)
    return set(spec.get("all", [])) <= have and (not spec.get("any") or bool(have & set(spec["any"])))


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="ml-100k")
    parser.add_argument("--repeat", type=int, default=5, help="passes over the query set for latency")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))  # run from a checkout without `pip install -e .`
    from because import offline

    offline.enforce()
    from because.settings import Settings
    from catalogue import load_builtin
    from vectorstore import MiniLMEmbedding, open_store

    labelled = json.loads(QUERIES.read_text())
    column = labelled["column"]
    cat = load_builtin(args.data)
    embedder = MiniLMEmbedding()
    t0 = time.perf_counter()
    embedder.encode(["warm up"])
    model_load_s = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as home:
        store = open_store(Settings(home=Path(home)), cat.name, embedder)
        t0 = time.perf_counter()
        counts = store.index_catalogue(cat, progress=False)
        build_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        noop = store.index_catalogue(cat, progress=False)
        noop_s = time.perf_counter() - t0

        items = cat.items.copy()
        first = items.index[0]
        items.loc[first, "description"] = "An edited description of one item, to time an incremental re-index."
        t0 = time.perf_counter()
        one = store.index(items, cat.schema, noun="film", progress=False)
        reindex_s = time.perf_counter() - t0
        store.index_catalogue(cat, progress=False)  # restore before measuring quality

        rows = []
        for spec in labelled["queries"]:
            hits = store.search(spec["query"], k=args.k)
            good = sum(relevant(cat.items.loc[h.item, column], spec) for h in hits)
            rows.append((spec["query"], good / args.k, [h.title for h in hits[:3]]))

        latencies, embed_ms = [], []
        for _ in range(args.repeat):
            for spec in labelled["queries"]:
                t0 = time.perf_counter()
                store.search(spec["query"], k=args.k)
                latencies.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                embedder.encode([spec["query"]])
                embed_ms.append((time.perf_counter() - t0) * 1000)
        filtered = []
        for spec in labelled["queries"]:
            t0 = time.perf_counter()
            store.search(spec["query"], k=args.k, filters=["year>=1990", "runtime<120"])
            filtered.append((time.perf_counter() - t0) * 1000)

    mean_p = statistics.mean(p for _, p, _ in rows)
    result = {
        "data": cat.name, "items": len(cat.items), "machine": machine(), "k": args.k,
        "precision_at_k_mean": mean_p, "precision_at_k": {q: p for q, p, _ in rows},
        "latency_ms_p50": percentile(latencies, 50), "latency_ms_p95": percentile(latencies, 95),
        "query_embedding_ms_p50": percentile(embed_ms, 50),
        "filtered_latency_ms_p50": percentile(filtered, 50),
        "model_load_s": model_load_s, "index_build_s": build_s, "index_counts": counts.as_dict(),
        "reindex_noop_s": noop_s, "reindex_one_item_s": reindex_s, "reindex_one_counts": one.as_dict(),
    }
    print(f"## Search benchmark: {cat.name}, {len(cat.items)} items\n\nMachine: {result['machine']}\n")
    print("| query | precision@10 | top 3 |\n|---|---|---|")
    for query, p, top in rows:
        print(f"| {query} | {p:.1f} | {'; '.join(top)} |")
    print(f"| **mean** | **{mean_p:.2f}** (goal >= 0.8) | |\n")
    print("| measure | value | goal |\n|---|---|---|")
    print(f"| query latency p50 / p95 ({len(latencies)} queries) | {result['latency_ms_p50']:.1f} / "
          f"{result['latency_ms_p95']:.1f} ms | p50 < 30 ms |")
    print(f"| of which query embedding p50 | {result['query_embedding_ms_p50']:.1f} ms | |")
    print(f"| filtered search p50 (year>=1990, runtime<120) | {result['filtered_latency_ms_p50']:.1f} ms | |")
    print(f"| model load | {model_load_s:.1f} s | |")
    print(f"| full index build ({counts.added} items) | {build_s:.1f} s | |")
    print(f"| re-index, nothing changed | {noop_s:.2f} s | |")
    print(f"| re-index after one item changed ({one.as_dict()}) | {reindex_s:.2f} s | |")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
