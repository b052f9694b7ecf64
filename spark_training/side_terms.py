"""The side terms (alpha, W, c, beta) on a sample of users, for a sparse item-item B: memory O(users x candidates).

The single-machine trainer (``scorer.train``) holds users x items dense arrays; at 200k items that is not
possible, so here each user's listwise likelihood runs over their top ``candidates`` items by the item-item
term only (the same loss: the single-machine trainer also masks everything else). Scoring for NDCG runs in
chunks of users.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import torch

from scorer.model import ScorerParams
from scorer.train import TrainConfig, ndcg_at_k

CHUNK = 256  # users scored at once: CHUNK x n float32 per chunk


@dataclass(frozen=True)
class SideTerms:
    alpha: float
    w: np.ndarray  # (nf,) diagonal affinity weights
    c: np.ndarray  # (nf,)
    beta: float


def item_term(b: sp.csr_matrix, x: sp.csr_matrix) -> np.ndarray:
    """x @ B for a chunk of users, dense (m, n) float32."""
    return np.asarray((x @ b).toarray(), dtype=np.float32)


def fit_side_terms(
    b: sp.csr_matrix,
    f: np.ndarray,
    x_in: sp.csr_matrix,
    x_out: sp.csr_matrix,
    log_pop: np.ndarray,
    cfg: TrainConfig,
) -> SideTerms:
    """Learn alpha, w, c, beta with B fixed, by the likelihood of held-out items among each user's candidates."""
    cand_rows, hist_rows, target_rows = [], [], []
    for lo in range(0, x_in.shape[0], CHUNK):
        xs = x_in[lo : lo + CHUNK]
        h = item_term(b, xs)
        h[xs.nonzero()] = -np.inf
        c = min(cfg.candidates or h.shape[1], h.shape[1])
        top = np.argpartition(-h, c - 1, axis=1)[:, :c]
        cand_rows.append(top)
        hist_rows.append(np.take_along_axis(h, top, 1))
        target_rows.append(np.take_along_axis(x_out[lo : lo + CHUNK].toarray() > 0, top, 1))
    cand = np.concatenate(cand_rows)
    hist = np.concatenate(hist_rows)
    target = np.concatenate(target_rows).astype(np.float32)
    valid = np.isfinite(hist)  # a user with fewer unseen items than candidates
    hist = np.where(valid, hist, 0.0).astype(np.float32)
    target *= valid
    users = target.sum(1) > 0
    if not users.any():
        nf = f.shape[1]
        return SideTerms(1.0, np.zeros(nf, np.float32), np.zeros(nf, np.float32), 0.0)
    count = np.maximum(np.asarray(x_in.sum(1)).ravel(), 1.0)[:, None]
    prof = np.asarray((x_in @ f) / count, dtype=np.float32)[users]
    cand, hist, target, valid = cand[users], hist[users], target[users], valid[users]
    torch.manual_seed(cfg.seed)
    ht, tt, mask = torch.from_numpy(hist), torch.from_numpy(target), torch.from_numpy(~valid)
    fc = torch.from_numpy(f[cand])  # (m, C, nf)
    pt, lp = torch.from_numpy(prof), torch.from_numpy(log_pop[cand])
    nf = f.shape[1]
    log_alpha = torch.zeros((), requires_grad=True)
    w = torch.zeros(nf, requires_grad=True)
    c_ = torch.zeros(nf, requires_grad=True)
    beta = torch.zeros((), requires_grad=cfg.popularity_term)
    opt = torch.optim.Adam([log_alpha, w, c_, beta] if cfg.popularity_term else [log_alpha, w, c_], lr=cfg.lr)
    for _ in range(cfg.epochs):
        opt.zero_grad()
        aff = pt * w + c_  # (m, nf)
        logits = log_alpha.exp() * ht + torch.einsum("mcf,mf->mc", fc, aff) + beta * lp
        logp = torch.log_softmax(logits.masked_fill(mask, -1e9), dim=1)
        loss = -(logp * tt).sum(1).div(tt.sum(1)).mean() + cfg.l2_w * (w**2).sum()
        loss.backward()
        opt.step()
    return SideTerms(float(log_alpha.detach().exp()), w.detach().numpy(), c_.detach().numpy(), float(beta.detach()))


def params_with(b: sp.csr_matrix, f: np.ndarray, pop: np.ndarray, side: SideTerms, shrink: float) -> ScorerParams:
    """The scorer with the side terms scaled by ``shrink`` (0 = the item-item term alone)."""
    return ScorerParams(
        B=b,
        F=f,
        W=(shrink * np.diag(side.w)).astype(np.float32),
        c=(shrink * side.c).astype(np.float32),
        pop=pop,
        alpha=side.alpha,
        beta=shrink * side.beta,
    )


def chunked_ndcg(params: ScorerParams, x_in: sp.csr_matrix, x_out: sp.csr_matrix, k: int = 10) -> tuple[float, int]:
    """(mean NDCG@k over users with held-out items, that many users), scoring CHUNK users at a time."""
    total, users = 0.0, 0
    for lo in range(0, x_in.shape[0], CHUNK):
        xs, xo = x_in[lo : lo + CHUNK], x_out[lo : lo + CHUNK]
        has = np.asarray(xo.sum(1)).ravel() > 0
        if not has.any():
            continue
        xs, xo = xs[has], xo[has]
        total += has.sum() * ndcg_at_k(score_users(params, xs), xs, xo, k)
        users += int(has.sum())
    return (total / users if users else 0.0), users


def score_users(params: ScorerParams, x: sp.csr_matrix) -> np.ndarray:
    """Scores (m, n) for a chunk of users given as sparse 0/1 rows; the same sum as ``scorer.model``."""
    n_hist = np.asarray(x.sum(1)).ravel()
    count = np.maximum(n_hist, 1.0)[:, None]
    prof = np.asarray((x @ params.F) / count, dtype=np.float32)
    warm = params.warmth(n_hist)[:, None].astype(np.float32)
    aff = prof @ params.W + warm * params.c
    out = params.alpha * item_term(params.B, x) + aff @ params.F.T
    out += params.beta_for(n_hist)[:, None].astype(np.float32) * params.pop[None, :]
    return out.astype(np.float32)
