"""The engine's stages on one machine with scipy: the reference the Spark engine is tested against."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from scorer.train import holdout
from spark_training.neighbours import assemble, solve_columns


class LocalEngine:
    """``x``: users x items 0/1. The first ``val_users`` users of a seeded permutation get 20% held out."""

    def __init__(self, x: sp.csr_matrix, val_users: int = 5000, seed: int = 0, val_frac: float = 0.2) -> None:
        self.x = sp.csr_matrix(x, dtype=np.float32)
        self.x.data[:] = 1.0
        self.n_items = self.x.shape[1]
        rng = np.random.default_rng(seed)
        self.val_rows = np.sort(rng.permutation(self.x.shape[0])[: min(val_users, self.x.shape[0])])
        kept, held = holdout(self.x[self.val_rows], val_frac, seed)
        self.x_in_val, self.x_out_val = kept, held
        rest = self.x.tolil()
        for r, row in zip(self.val_rows, held.tolil().rows):
            for c in row:
                rest[r, c] = 0
        self.x_kept = sp.csr_matrix(rest, dtype=np.float32)
        self.x_kept.eliminate_zeros()

    def validation(self) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        return self.x_in_val, self.x_out_val

    def item_counts(self, kept_only: bool) -> np.ndarray:
        return np.asarray((self.x_kept if kept_only else self.x).sum(0)).ravel()

    def gram(self, kept_only: bool) -> sp.csr_matrix:
        x = self.x_kept if kept_only else self.x
        g = sp.csr_matrix(x.T @ x, dtype=np.float32)
        g.sort_indices()
        return g

    def solve(self, g: sp.csr_matrix, lambdas: tuple[float, ...], k: int) -> dict[float, sp.csr_matrix]:
        triples = solve_columns(g, range(g.shape[0]), k, lambdas)
        return {lam: assemble(g.shape[0], *t) for lam, t in triples.items()}
