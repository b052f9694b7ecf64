"""EASE item-item weights (Steck, 2019), computed with torch. Shared by the scorer and the baseline."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import torch


def ease_weights(train: sp.csr_matrix, lam: float) -> np.ndarray:
    """B = I - P / diag(P) with P = (X^T X + lam I)^-1 and diag(B) = 0. Returns (n_items, n_items) float32."""
    x = torch.from_numpy(train.astype(np.float64).toarray())  # (users, items)
    gram = x.T @ x  # (items, items)
    gram.diagonal().add_(lam)
    p = torch.linalg.inv(gram)
    b = -p / torch.diagonal(p)  # column j divided by P_jj
    b.fill_diagonal_(0.0)
    return b.to(torch.float32).numpy()
