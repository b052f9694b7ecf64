"""Offline evaluation: splits, top-k metrics, baselines, explanation fidelity (PN/PS), the runner."""

from evaluation.baselines import EASE, EASE_GRID, KNN_GRID, ItemKNN, Popularity, Tuned, tune
from evaluation.fidelity import Fidelity, fidelity, is_necessary, is_sufficient, user_fidelity
from evaluation.metrics import Ranker, evaluate_per_user, evaluate_ranker, rank_metrics, top_k
from evaluation.runner import evaluate, format_table, print_table
from evaluation.splits import Split, index_interactions, random_split, time_split

__all__ = [
    "EASE",
    "EASE_GRID",
    "KNN_GRID",
    "Fidelity",
    "ItemKNN",
    "Popularity",
    "Ranker",
    "Split",
    "Tuned",
    "evaluate",
    "evaluate_per_user",
    "evaluate_ranker",
    "fidelity",
    "format_table",
    "index_interactions",
    "is_necessary",
    "is_sufficient",
    "print_table",
    "random_split",
    "rank_metrics",
    "time_split",
    "top_k",
    "tune",
    "user_fidelity",
]
