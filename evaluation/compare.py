"""`because evaluate`: the Because scorer and the baselines on one split, side by side, with PN/PS."""

from __future__ import annotations

import time

import pandas as pd

from catalogue import Catalogue
from evaluation.baselines import EASE, EASE_GRID, KNN_GRID, ItemKNN, Popularity, tune
from evaluation.because_ranker import BecauseRanker, ease_contributions, explanation_fidelity
from evaluation.runner import evaluate
from evaluation.splits import Split, random_split, time_split
from scorer.features import build_features
from scorer.train import TrainConfig


def make_split(cat: Catalogue, kind: str, seed: int = 0) -> Split:
    item_ids = [str(i) for i in cat.items.index]
    if kind == "random":
        return random_split(cat.interactions, item_ids, frac=0.2, seed=seed)
    if kind == "time":
        return time_split(cat.interactions, item_ids, frac=0.2)
    raise ValueError(f"unknown split '{kind}'; use random or time")


def compare(
    cat: Catalogue, split_kind: str = "random", seed: int = 0, k: int = 10, log=print
) -> tuple[pd.DataFrame, Split]:
    """One row per model: NDCG@k, Recall@k, PN, PS (PN/PS where the score decomposes), fit seconds."""
    split = make_split(cat, split_kind, seed)
    log(f"split: {split.describe()}")
    space = build_features(cat.items, cat.schema)
    ours = BecauseRanker(space.matrix, TrainConfig(lambdas=tuple(EASE_GRID), seed=seed))
    start = time.perf_counter()
    ease = tune(EASE, EASE_GRID, split, k)
    ease_s = time.perf_counter() - start
    log(f"EASE lambda {ease.param:g} by validation NDCG@{k}")
    knn = tune(ItemKNN, KNN_GRID, split, k)
    table = evaluate([ours], split, k)
    table = pd.concat([table, evaluate([ease.ranker, knn.ranker, Popularity().fit(split.train)], split, k, fit=False)])
    table.loc[ease.ranker.name, "fit_s"] = ease_s
    users = split.test_users
    for name, ranker, contrib in (
        (ours.name, ours, ours.contributions),
        (ease.ranker.name, ease.ranker, ease_contributions(ease.ranker.weights)),
    ):
        fid = explanation_fidelity(ranker, contrib, split.train, users, k)
        table.loc[name, "PN"], table.loc[name, "PS"] = fid.pn, fid.ps
    table = table.drop(columns=[c for c in ("RecallRaw@10", "eval_s") if c in table.columns])
    return table[[f"NDCG@{k}", f"Recall@{k}", "PN", "PS", "fit_s"]], split


def format_markdown(table: pd.DataFrame) -> str:
    head = "| model | " + " | ".join(table.columns) + " |"
    sep = "|---" * (len(table.columns) + 1) + "|"
    rows = []
    for name, row in table.iterrows():
        cells = ["-" if pd.isna(v) else (f"{v:.1f}" if col == "fit_s" else f"{v:.4f}") for col, v in row.items()]
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join([head, sep, *rows])
