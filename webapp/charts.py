"""The transparency tab's global weights chart (matplotlib, rendered server-side: works offline).

One item's score parts are drawn by ``webapp.score_chart`` (HTML bars a person can read, in the chat).
"""

from __future__ import annotations

from typing import Any

import numpy as np

POSITIVE, NEGATIVE, SELF = "#0072b2", "#d55e00", "#009e73"  # Okabe-Ito: readable with colour blindness
MAX_LABEL = 42


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _figure(height: float) -> Any:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    return Figure(figsize=(5.2, height), dpi=80, layout="constrained")


def weights_figure(rec: Any, n: int = 12) -> Any:
    """The global feature weights: base affinity c[f] and self-weight diag(W)[f], largest |c| first."""
    c = np.asarray(rec.params.c, dtype=float)
    w = (
        np.diag(np.asarray(rec.params.W, dtype=float))
        if np.ndim(rec.params.W) == 2
        else np.asarray(rec.params.W, dtype=float)
    )
    order = np.argsort(-np.abs(c))[:n][::-1]
    fig = _figure(0.6 + 0.3 * len(order))
    ax = fig.add_subplot()
    y = np.arange(len(order))
    ax.barh(
        y + 0.2, c[order], height=0.4, color=[POSITIVE if v >= 0 else NEGATIVE for v in c[order]], label="c (everyone)"
    )
    ax.barh(y - 0.2, w[order], height=0.4, color=SELF, label="diag W (your share)")
    ax.set_yticks(y, [_short(rec.feature_labels[f]) for f in order], fontsize=8)
    ax.axvline(0, color="#555", linewidth=0.8)
    ax.tick_params(axis="x", labelsize=7)
    ax.legend(fontsize=7, loc="lower right")
    ax.set_title("feature weights", fontsize=9)
    return fig


def weights_rows(rec: Any) -> list[list[Any]]:
    """[feature, c, diag W] for every feature, largest |c| first."""
    c = np.asarray(rec.params.c, dtype=float)
    w = (
        np.diag(np.asarray(rec.params.W, dtype=float))
        if np.ndim(rec.params.W) == 2
        else np.asarray(rec.params.W, dtype=float)
    )
    order = np.argsort(-np.abs(c))
    return [[rec.feature_labels[f], round(float(c[f]), 4), round(float(w[f]), 4)] for f in order]


def figure_html(fig: Any, alt: str) -> str:
    """A figure as an inline PNG (no file, no network), with a text alternative."""
    import base64
    import html
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (
        f'<img class="because-chart" style="max-width:100%" alt="{html.escape(alt, quote=True)}" '
        f'src="data:image/png;base64,{data}">'
    )
