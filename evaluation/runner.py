"""Fit and score several rankers on one split; one row per model."""

from __future__ import annotations

import time
from collections.abc import Sequence

import pandas as pd

from evaluation.metrics import Ranker, evaluate_ranker
from evaluation.splits import Split


def evaluate(rankers: Sequence[Ranker], split: Split, k: int = 10, fit: bool = True) -> pd.DataFrame:
    """Fit each ranker on ``split.train`` (timed) and rank all unseen items for every test user.

    Returns a frame indexed by model name with columns NDCG@k, Recall@k, RecallRaw@k, fit_s, eval_s.
    With ``fit=False`` the rankers must already be fitted on ``split.train`` and fit_s is NaN.
    """
    rows = []
    for ranker in rankers:
        fit_s = float("nan")
        if fit:
            start = time.perf_counter()
            ranker.fit(split.train)
            fit_s = time.perf_counter() - start
        start = time.perf_counter()
        values = evaluate_ranker(ranker, split.train, split.test, k)
        eval_s = time.perf_counter() - start
        rows.append(
            {
                "model": ranker.name,
                f"NDCG@{k}": values["ndcg"],
                f"Recall@{k}": values["recall"],
                f"RecallRaw@{k}": values["recall_raw"],
                "fit_s": fit_s,
                "eval_s": eval_s,
            }
        )
    return pd.DataFrame(rows).set_index("model")


def format_table(results: pd.DataFrame, title: str = "") -> str:
    """Plain-text table: metrics to 4 decimals, seconds to 2."""
    formats = {c: (lambda v: f"{v:.2f}") if c.endswith("_s") else (lambda v: f"{v:.4f}") for c in results.columns}
    body = results.to_string(formatters=formats)
    return f"{title}\n{body}" if title else body


def print_table(results: pd.DataFrame, title: str = "") -> None:
    print(format_table(results, title))
