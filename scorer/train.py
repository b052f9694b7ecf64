"""Training the additive scorer with torch.

1. Hold out 20% of each user's items as a validation target.
2. EASE's B on the rest, lambda chosen by validation NDCG@10 averaged over two hold-outs.
3. With B fixed, learn alpha, W (diagonal), c and a popularity weight by a listwise likelihood of half the
   users' held-out items among their top-50 item-item candidates (the head of the list top-k ranking measures).
4. On the other half of the users, choose how much of those side terms to keep (0 = pure EASE).
5. Refit B on all data with the chosen lambda.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Callable

import numpy as np
import scipy.sparse as sp
import torch
from tqdm.auto import tqdm

from scorer.ease import ease_weights
from scorer.model import ScorerParams, score_matrix


@dataclass(frozen=True)
class TrainConfig:
    lambdas: tuple[float, ...] = (100.0, 200.0, 300.0, 500.0, 800.0, 1200.0)
    val_frac: float = 0.2
    epochs: int = 80
    lr: float = 0.05
    l2_w: float = 1e-3
    popularity_term: bool = True
    candidates: int = 50  # 0: softmax over all unseen items
    diagonal_affinity: bool = True  # a_u[f] = w_f p_u[f] + c_f; a full matrix overfits the held-out targets
    shrinks: tuple[float, ...] = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0)
    seed: int = 0
    min_feature_count: int = 5
    n_bins: int = 4

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class TrainReport:
    lam: float
    val_ndcg_ease: float
    val_ndcg: float
    seconds: float
    shrink: float = 1.0
    lambda_scores: dict[float, float] = field(default_factory=dict)


def holdout(x: sp.csr_matrix, frac: float, seed: int) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Per-user random split of a binary matrix into (kept, held out); users with < 2 items keep all."""
    rng = np.random.default_rng(seed)
    x = x.tocsr()
    keep_rows, keep_cols, out_rows, out_cols = [], [], [], []
    for u in range(x.shape[0]):
        items = x.indices[x.indptr[u] : x.indptr[u + 1]]
        n_out = int(round(len(items) * frac)) if len(items) >= 2 else 0
        perm = rng.permutation(items)
        out_rows += [u] * n_out
        out_cols += list(perm[:n_out])
        keep_rows += [u] * (len(items) - n_out)
        keep_cols += list(perm[n_out:])

    def build(r: list[int], c: list[int]) -> sp.csr_matrix:
        return sp.csr_matrix((np.ones(len(r), np.float32), (r, c)), shape=x.shape)

    return build(keep_rows, keep_cols), build(out_rows, out_cols)


def ndcg_at_k(scores: np.ndarray, seen: sp.csr_matrix, target: sp.csr_matrix, k: int = 10) -> float:
    """Mean NDCG@k over users with targets; seen items are excluded from the ranking."""
    s = scores.copy()
    s[seen.nonzero()] = -np.inf
    k = min(k, s.shape[1])  # a catalogue may have fewer than k items
    top = np.argpartition(-s, k - 1, axis=1)[:, :k]
    order = np.take_along_axis(s, top, 1).argsort(axis=1)[:, ::-1]
    top = np.take_along_axis(top, order, 1)
    t = target.toarray() > 0
    gains = np.take_along_axis(t, top, 1) / np.log2(np.arange(2, k + 2))
    n_rel = t.sum(1)
    ideal = np.array([(1 / np.log2(np.arange(2, min(n, k) + 2))).sum() for n in n_rel])
    mask = n_rel > 0
    return float((gains.sum(1)[mask] / ideal[mask]).mean())


def _fit_residual(
    hist: torch.Tensor,
    f: np.ndarray,
    x_in: np.ndarray,
    x_out: np.ndarray,
    log_pop: np.ndarray,
    cfg: TrainConfig,
    progress: bool,
) -> tuple[float, np.ndarray, np.ndarray, float]:
    """Learn alpha, W, c and the popularity weight beta with the item-item term ``hist`` held fixed."""
    torch.manual_seed(cfg.seed)
    xi = torch.from_numpy(x_in)  # (users, items)
    xo = torch.from_numpy(x_out)
    ft = torch.from_numpy(f)  # (items, nf)
    prof = (xi @ ft) / xi.sum(1, keepdim=True).clamp(min=1.0)  # (users, nf)
    lp = torch.from_numpy(log_pop)  # (items,)
    nf = f.shape[1]
    log_alpha = torch.zeros((), requires_grad=True)
    w = torch.zeros(nf, requires_grad=True) if cfg.diagonal_affinity else torch.zeros((nf, nf), requires_grad=True)
    c = torch.zeros(nf, requires_grad=True)
    beta = torch.zeros((), requires_grad=cfg.popularity_term)
    opt = torch.optim.Adam([log_alpha, w, c, beta] if cfg.popularity_term else [log_alpha, w, c], lr=cfg.lr)
    # Listwise loss over each user's top candidates by the item-item term: the side terms learn to
    # reorder the head of the list, which is what top-k ranking measures.
    seen = xi > 0
    cand = torch.zeros_like(seen)
    if cfg.candidates:
        top = torch.topk(hist.masked_fill(seen, -1e9), min(cfg.candidates, hist.shape[1]), dim=1).indices
        cand.scatter_(1, top, True)
        cand &= ~seen  # with fewer unseen items than candidates, topk also picks seen ones
    else:
        cand = ~seen
    xo = xo * cand
    users = xo.sum(1) > 0
    xi, xo, hist, prof, cand = xi[users], xo[users], hist[users], prof[users], cand[users]
    seen = ~cand
    bar = tqdm(range(cfg.epochs), desc="training scorer", disable=not progress, leave=False)
    for _ in bar:
        opt.zero_grad()
        wm = torch.diag(w) if cfg.diagonal_affinity else w
        logits = log_alpha.exp() * hist + (prof @ wm + c) @ ft.T + beta * lp
        logp = torch.log_softmax(logits.masked_fill(seen, -1e9), dim=1)
        nll = -(logp * xo).sum(1).div(xo.sum(1)).mean()
        loss = nll + cfg.l2_w * (w**2).sum()
        loss.backward()
        opt.step()
        bar.set_postfix(loss=f"{loss.item():.4f}")
    wm = torch.diag(w) if cfg.diagonal_affinity else w
    return float(log_alpha.detach().exp()), wm.detach().numpy(), c.detach().numpy(), float(beta.detach())


def log_popularity(x: sp.csr_matrix) -> np.ndarray:
    """log(1 + count) scaled to [0, 1]: the popularity signal the bias term is built on."""
    lp = np.log1p(np.asarray(x.sum(axis=0)).ravel().astype(np.float32))
    return (lp / max(float(lp.max()), 1.0)).astype(np.float32)


def train_scorer(
    x: sp.csr_matrix,
    features: np.ndarray,
    cfg: TrainConfig = TrainConfig(),
    *,
    progress: bool = True,
    log: Callable[[str], None] = lambda _m: None,
) -> tuple[ScorerParams, TrainReport]:
    """Fit the scorer on a users x items 0/1 matrix and an (items, nf) 0/1 feature matrix."""
    start = time.perf_counter()
    x = x.tocsr().astype(np.float32)
    x.data[:] = 1.0
    x_in, x_out = holdout(x, cfg.val_frac, cfg.seed)
    xin_dense = x_in.toarray()
    # lambda by validation NDCG@10 averaged over two independent hold-outs: one hold-out's choice
    # swings between neighbouring lambdas by noise alone
    second = holdout(x, cfg.val_frac, cfg.seed + 100)
    lambda_scores: dict[float, float] = {}
    best: tuple[float, np.ndarray] | None = None  # (lambda, B fitted on x_in)
    for lam in tqdm(cfg.lambdas, desc="tuning EASE lambda", disable=not progress, leave=False):
        b_lam = ease_weights(x_in, lam)
        first_ndcg = ndcg_at_k(xin_dense @ b_lam, x_in, x_out)
        other = ease_weights(second[0], lam)
        lambda_scores[lam] = 0.5 * (first_ndcg + ndcg_at_k(second[0].toarray() @ other, second[0], second[1]))
        if best is None or lambda_scores[lam] > lambda_scores[best[0]]:
            best = (lam, b_lam)
    assert best is not None
    lam, b_fit = best
    ndcg_ease = lambda_scores[lam]
    log(f"EASE lambda={lam:g} (validation NDCG@10 {ndcg_ease:.4f})")
    # Cross-fitting: the residual is learned on one half of the users and the shrink (0 = pure EASE)
    # scored on the other half, both ways round; the shrink with the best pooled held-out NDCG@10
    # wins, so side terms are kept only as far as they help users they were not trained on.
    # (The likelihood loss favours broad popularity; top-10 ranking wants a sharper item-item term.)
    rng = np.random.default_rng(cfg.seed + 1)
    half = rng.random(x.shape[0]) < 0.5
    xout_dense = x_out.toarray()
    hist = torch.from_numpy(xin_dense @ b_fit)
    lp_in = log_popularity(x_in)
    f32 = features.astype(np.float32)
    grid = sorted({0.0, *cfg.shrinks})
    pooled = np.zeros(len(grid))
    fits = []
    for train_mask in (half, ~half):
        fit = _fit_residual(
            hist[torch.from_numpy(train_mask)], f32, xin_dense[train_mask], xout_dense[train_mask], lp_in, cfg, progress
        )
        fits.append(fit)
        alpha_f, w_f, c_f, beta_f = fit
        held = ~train_mask
        for g, shrink in enumerate(grid):
            p = ScorerParams(
                B=b_fit, F=f32, W=shrink * w_f, c=shrink * c_f, pop=lp_in, alpha=alpha_f, beta=shrink * beta_f
            )
            pooled[g] += held.sum() * ndcg_at_k(score_matrix(p, xin_dense[held]), x_in[held], x_out[held])
    shrink_scores = {shrink: float(v / x.shape[0]) for shrink, v in zip(grid, pooled)}
    shrink = max(cfg.shrinks, key=lambda s_: (shrink_scores[s_], s_))
    ndcg_full = shrink_scores[shrink]
    alpha = float(np.exp(np.mean([np.log(f[0]) for f in fits])))
    w, c, beta = (np.mean([f[i] for f in fits], axis=0) for i in (1, 2, 3))
    log(
        f"side terms kept at {shrink:g} (held-out NDCG@10 {ndcg_full:.4f} vs EASE {shrink_scores[0.0]:.4f}); "
        f"alpha={alpha:.3f}"
    )
    params = ScorerParams(
        B=ease_weights(x, lam),
        F=f32,
        W=(shrink * w).astype(np.float32),
        c=(shrink * c).astype(np.float32),
        pop=log_popularity(x),
        alpha=alpha,
        beta=shrink * float(beta),
    )
    report = TrainReport(
        lam=lam,
        val_ndcg_ease=shrink_scores[0.0],
        val_ndcg=ndcg_full,
        shrink=shrink,
        seconds=time.perf_counter() - start,
        lambda_scores=lambda_scores,
    )
    return params, report
