"""Search benchmark on a built-in catalogue: precision@10, query latency, index build and re-index time.

    python benchmarks/bench_search.py [--data ml-100k] [--repeat 5] [--backend auto] [--json out.json]

Builds a fresh Chroma folder in a temporary directory (PersistentClient), so it never touches
your real index. The labelled queries are in tests/data/search_queries.json.
Latencies are uncached (the query cache is off); the query embedding is timed on the fast (ONNX) path
and on the torch path in the same process, interleaved query by query, so their ratio is fair even
when the machine's load changes. A repeated (cached) query is timed separately.
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
    parser.add_argument(
        "--backend",
        default="auto",
        choices=["auto", "onnx", "torch"],
        help="embedding backend for search and indexing (the torch path is always timed too)",
    )
    parser.add_argument("--doc-sample", type=int, default=256, help="item texts for the indexing throughput test")
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
    queries = [spec["query"] for spec in labelled["queries"]]
    cat = load_builtin(args.data)
    # The query cache is off: every latency below is an uncached query (the cache is timed on its own).
    embedder = MiniLMEmbedding(backend=args.backend, query_cache_size=0)
    t0 = time.perf_counter()
    embedder.encode(["warm up"])
    fast_load_s = time.perf_counter() - t0
    backend = embedder.active_backend
    runner = embedder.onnx
    rebuilt = runner.rebuilt if runner is not None else None
    t0 = time.perf_counter()
    embedder.encode_torch(["warm up"])
    torch_load_s = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as home:
        store = open_store(Settings(home=Path(home)), cat.name, embedder)
        t0 = time.perf_counter()
        counts = store.index_catalogue(cat, progress=False)
        build_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        store.index_catalogue(cat, progress=False)
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

        # Interleaved per query, so both embedding paths see the same machine load.
        latencies, fast_ms, torch_ms, cosines = [], [], [], []
        for _ in range(args.repeat):
            for query in queries:
                t0 = time.perf_counter()
                store.search(query, k=args.k)
                latencies.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                fast = embedder.encode([query])[0]
                fast_ms.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                ref = embedder.encode_torch([query])[0]
                torch_ms.append((time.perf_counter() - t0) * 1000)
                cosines.append(float(fast @ ref))
        filtered = []
        for query in queries:
            t0 = time.perf_counter()
            store.search(query, k=args.k, filters=["year>=1990", "runtime<120"])
            filtered.append((time.perf_counter() - t0) * 1000)

        # Document (indexing) throughput, both paths on the same texts, interleaved; best of 2 rounds each.
        from vectorstore.documents import build_docs, noun_for

        docs = [d.text for d in build_docs(cat.items, cat.schema, "m", noun_for(cat.name))][: args.doc_sample]
        doc_s: dict[str, float] = {backend: float("inf"), "torch": float("inf")}
        for _ in range(2):
            for name, run in ((backend, embedder.encode), ("torch", embedder.encode_torch)):
                t0 = time.perf_counter()
                run(docs)
                doc_s[name] = min(doc_s[name], time.perf_counter() - t0)

        cached = MiniLMEmbedding(backend=args.backend)  # same loaded model, with the query cache on
        for query in queries:
            cached.query_vector(query)
        hit_ms = []
        for query in queries * args.repeat:
            t0 = time.perf_counter()
            cached.query_vector(query)
            hit_ms.append((time.perf_counter() - t0) * 1000)

    mean_p = statistics.mean(p for _, p, _ in rows)
    fast_p50, torch_p50 = percentile(fast_ms, 50), percentile(torch_ms, 50)
    result = {
        "data": cat.name,
        "items": len(cat.items),
        "machine": machine(),
        "k": args.k,
        "backend": backend,
        "onnx_rebuilt": rebuilt,
        "precision_at_k_mean": mean_p,
        "precision_at_k": {q: p for q, p, _ in rows},
        "latency_ms_p50": percentile(latencies, 50),
        "latency_ms_p95": percentile(latencies, 95),
        "query_embedding_ms_p50": fast_p50,
        "query_embedding_ms_p95": percentile(fast_ms, 95),
        "query_embedding_torch_ms_p50": torch_p50,
        "query_embedding_torch_ms_p95": percentile(torch_ms, 95),
        "query_embedding_speedup": torch_p50 / fast_p50,
        "query_embedding_min_cosine": min(cosines),
        "cached_query_embedding_ms_p50": percentile(hit_ms, 50),
        "doc_embedding_texts_per_s": {name: len(docs) / sec for name, sec in doc_s.items()},
        "filtered_latency_ms_p50": percentile(filtered, 50),
        "model_load_s": fast_load_s,
        "torch_model_load_s": torch_load_s,
        "index_build_s": build_s,
        "index_counts": counts.as_dict(),
        "reindex_noop_s": noop_s,
        "reindex_one_item_s": reindex_s,
        "reindex_one_counts": one.as_dict(),
    }
    print(f"## Search benchmark: {cat.name}, {len(cat.items)} items\n\nMachine: {result['machine']}\n")
    print("| query | precision@10 | top 3 |\n|---|---|---|")
    for query, p, top in rows:
        print(f"| {query} | {p:.1f} | {'; '.join(top)} |")
    print(f"| **mean** | **{mean_p:.2f}** (goal >= 0.8) | |\n")
    n = len(latencies)
    print(
        f"Embedding backend for search and indexing: {backend}"
        + (f" (ONNX file built in this run: {rebuilt})" if rebuilt else "")
        + "\n"
    )
    print("| measure | value | goal |\n|---|---|---|")
    print(
        f"| query latency p50 / p95 ({n} uncached queries, {backend}) | {result['latency_ms_p50']:.1f} / "
        f"{result['latency_ms_p95']:.1f} ms | p50 < 30 ms |"
    )
    print(f"| query embedding p50 / p95, {backend} | {fast_p50:.1f} / {result['query_embedding_ms_p95']:.1f} ms | |")
    print(
        f"| query embedding p50 / p95, torch (same process, interleaved) | {torch_p50:.1f} / "
        f"{result['query_embedding_torch_ms_p95']:.1f} ms | |"
    )
    print(f"| speed-up of query embedding (torch p50 / {backend} p50) | {result['query_embedding_speedup']:.1f}x | |")
    print(f"| lowest cosine {backend} vs torch over the {n} queries | {min(cosines):.7f} | >= 0.9999 |")
    print(f"| cached query embedding p50 (repeated query) | {result['cached_query_embedding_ms_p50']:.3f} ms | |")
    for name, sec in doc_s.items():
        print(
            f"| document embedding, {name} ({len(docs)} item texts, batches of 64, best of 2) | "
            f"{len(docs) / sec:.0f} texts/s | |"
        )
    print(f"| filtered search p50 (year>=1990, runtime<120) | {result['filtered_latency_ms_p50']:.1f} ms | |")
    print(f"| model load, {backend} (first encode) | {fast_load_s:.1f} s | |")
    print(f"| model load, torch | {torch_load_s:.1f} s | |")
    print(f"| full index build ({counts.added} items, {backend}) | {build_s:.1f} s | |")
    print(f"| re-index, nothing changed | {noop_s:.2f} s | |")
    print(f"| re-index after one item changed ({one.as_dict()}) | {reindex_s:.2f} s | |")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
