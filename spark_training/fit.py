"""Fitting the sparse scorer from an engine's Gram matrices: lambda, side terms, shrink, final B.

The engine (``engine.SparkEngine``, or ``LocalEngine`` for tests and small data) owns the data and the
heavy stages; this module owns the decisions, the same ones ``scorer.train`` makes on one machine:
lambda by validation NDCG@10 (and, here, the neighbourhood size k, scored with the side terms), side terms
learned on half the sampled users and their shrink scored on the other half (both ways round), B refitted
on all data with the chosen lambda and k.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Protocol

import numpy as np
import scipy.sparse as sp

from scorer.model import ScorerParams
from scorer.train import TrainConfig
from spark_training.side_terms import SideTerms, chunked_ndcg, fit_side_terms, params_with


class Engine(Protocol):
    n_items: int

    def validation(self) -> tuple[sp.csr_matrix, sp.csr_matrix]: ...  # sampled users' (kept, held-out) rows

    def item_counts(self, kept_only: bool) -> np.ndarray: ...  # (n,) interactions per item

    def gram(self, kept_only: bool) -> sp.csr_matrix: ...  # symmetric X^T X, float32 CSR

    def solve(self, g: sp.csr_matrix, lambdas: tuple[float, ...], k: int) -> dict[float, sp.csr_matrix]: ...


@dataclass(frozen=True)
class SparseConfig:
    # k: each item's column of B has at most k entries; several: lambda per k by the item-item term's validation
    # NDCG@10, then k by validation NDCG@10 with the side terms fitted for it
    neighbours: int | tuple[int, ...] = (100, 200, 400)
    val_users: int = 5000  # users sampled for lambda, side terms and shrink (20% of their items held out)
    lambdas: tuple[float, ...] | None = None  # None: TrainConfig.lambdas


@dataclass
class SparseReport:
    lam: float
    neighbours: int
    shrink: float
    val_ndcg_item_item: float
    val_ndcg: float
    val_users: int
    stage_seconds: dict[str, float] = field(default_factory=dict)
    lambda_scores: dict[float, float] = field(default_factory=dict)


def log_popularity(counts: np.ndarray) -> np.ndarray:
    """log(1 + count) scaled to [0, 1], as ``scorer.train.log_popularity``."""
    lp = np.log1p(counts.astype(np.float32))
    return (lp / max(float(lp.max()), 1.0)).astype(np.float32)


def fit_sparse(
    engine: Engine,
    features: np.ndarray,
    cfg: TrainConfig = TrainConfig(),
    scfg: SparseConfig = SparseConfig(),
    log: Callable[[str], None] = lambda _m: None,
) -> tuple[ScorerParams, SparseReport]:
    stages: dict[str, float] = {}
    f = features.astype(np.float32)
    nf = f.shape[1]
    zero = SideTerms(1.0, np.zeros(nf, np.float32), np.zeros(nf, np.float32), 0.0)

    t = time.perf_counter()
    x_in, x_out = engine.validation()
    pop_in = log_popularity(engine.item_counts(kept_only=True))
    g_in = engine.gram(kept_only=True)
    stages["gram (validation)"] = time.perf_counter() - t
    log(f"validation: {x_in.shape[0]} users; Gram matrix {g_in.nnz} entries")

    t = time.perf_counter()
    lambdas = tuple(scfg.lambdas or cfg.lambdas)
    ks = sorted({min(k, engine.n_items - 1) for k in _as_tuple(scfg.neighbours)}) or [1]
    scores: dict[float, float] = {}
    side_seconds = 0.0
    best: _Choice | None = None
    for k in ks:
        # lambda for this k on the item-item term alone (cheap); then the side terms, which decide k
        solved = engine.solve(g_in, lambdas, k)
        values = {
            lam_j: chunked_ndcg(params_with(b_j, f, pop_in, zero, 0.0), x_in, x_out)[0] for lam_j, b_j in solved.items()
        }
        for lam_j, value in values.items():
            scores[lam_j] = max(value, scores.get(lam_j, 0.0))
            log(f"  k={k} lambda={lam_j:g}: validation NDCG@10 {value:.4f} (item-item term)")
        lam_k = max(values, key=values.__getitem__)
        t_side = time.perf_counter()
        choice = _cross_fit_side_terms(k, lam_k, solved[lam_k], f, x_in, x_out, pop_in, cfg, zero)
        side_seconds += time.perf_counter() - t_side
        log(
            f"  k={k} lambda={lam_k:g}: with side terms (shrink {choice.shrink:g}) validation NDCG@10 "
            f"{choice.value:.4f}"
        )
        if best is None or choice.value > best.value:
            best = choice
    del g_in
    assert best is not None
    k_best, lam, side, shrink, shrink_scores = best.k, best.lam, best.side, best.shrink, best.shrink_scores
    stages["neighbours + lambda"] = time.perf_counter() - t - side_seconds
    stages["side terms"] = side_seconds
    log(
        f"k={k_best}, lambda={lam:g}; side terms kept at {shrink:g} "
        f"(NDCG@10 {shrink_scores[shrink]:.4f} vs item-item {shrink_scores[0.0]:.4f})"
    )

    t = time.perf_counter()
    g_all = engine.gram(kept_only=False)
    b = engine.solve(g_all, (lam,), k_best)[lam]
    del g_all
    stages["final B"] = time.perf_counter() - t
    params = params_with(b, f, log_popularity(engine.item_counts(kept_only=False)), side, shrink)
    report = SparseReport(
        lam=lam,
        neighbours=k_best,
        shrink=shrink,
        val_ndcg_item_item=shrink_scores[0.0],
        val_ndcg=shrink_scores[shrink],
        val_users=int(x_in.shape[0]),
        stage_seconds=stages,
        lambda_scores=scores,
    )
    return params, report


@dataclass
class _Choice:
    k: int
    lam: float
    side: SideTerms
    shrink: float
    shrink_scores: dict[float, float]

    @property
    def value(self) -> float:
        return self.shrink_scores[self.shrink]


def _cross_fit_side_terms(
    k: int,
    lam: float,
    b_fit: sp.csr_matrix,
    f: np.ndarray,
    x_in: sp.csr_matrix,
    x_out: sp.csr_matrix,
    pop_in: np.ndarray,
    cfg: TrainConfig,
    zero: SideTerms,
) -> _Choice:
    """Side terms learned on one half of the validation users and scored on the other, both ways round."""
    rng = np.random.default_rng(cfg.seed + 1)
    half = rng.random(x_in.shape[0]) < 0.5
    grid = sorted({0.0, *cfg.shrinks})
    pooled = np.zeros(len(grid))
    counted = 0
    fits = []
    for train_mask in (half, ~half):
        held = np.flatnonzero(~train_mask)
        side = fit_side_terms(
            b_fit, f, x_in[np.flatnonzero(train_mask)], x_out[np.flatnonzero(train_mask)], pop_in, cfg
        )
        fits.append(side)
        for g_, shrink in enumerate(grid):
            value, users = chunked_ndcg(params_with(b_fit, f, pop_in, side, shrink), x_in[held], x_out[held])
            pooled[g_] += value * users
        counted += chunked_ndcg(params_with(b_fit, f, pop_in, zero, 0.0), x_in[held], x_out[held])[1]
    shrink_scores = {s: float(v / max(counted, 1)) for s, v in zip(grid, pooled)}
    shrink = max(cfg.shrinks, key=lambda s_: (shrink_scores[s_], s_))
    side = SideTerms(
        alpha=float(np.exp(np.mean([np.log(s.alpha) for s in fits]))),
        w=np.mean([s.w for s in fits], axis=0),
        c=np.mean([s.c for s in fits], axis=0),
        beta=float(np.mean([s.beta for s in fits])),
    )
    return _Choice(k, lam, side, shrink, shrink_scores)


def _as_tuple(k: int | tuple[int, ...]) -> tuple[int, ...]:
    return (k,) if isinstance(k, int) else tuple(k)
