"""EASE item-item weights (Steck, 2019). Shared by the scorer and the EASE baseline.

numpy float64 rather than torch: torch's threaded Cholesky inverse is 2x faster on an idle machine
but slows down badly when the cores are busy; numpy degrades gracefully.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def ease_weights(train: sp.csr_matrix, lam: float) -> np.ndarray:
    """B = I - P / diag(P) with P = (X^T X + lam I)^-1 and diag(B) = 0. Returns (n_items, n_items) float32."""
    x = sp.csr_matrix(train, dtype=np.float64)
    gram = (x.T @ x).toarray()  # (items, items)
    gram[np.diag_indices_from(gram)] += lam
    p = np.linalg.inv(gram)
    b = -p / np.diag(p)[None, :]  # B_ij = -P_ij / P_jj
    b[np.diag_indices_from(b)] = 0.0
    return b.astype(np.float32)
