"""Bar charts of the exact attribution (matplotlib, rendered server-side: works offline).

Green bars raise the score, red bars lower it; the bars sum to the score (small parts are
grouped into one "other" bar so the sum still holds).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scorer.attribution import Explanation

POSITIVE, NEGATIVE = "#2e7d32", "#c62828"
MAX_LABEL = 42


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _figure(height: float) -> Any:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    return Figure(figsize=(5.2, height), dpi=80, layout="constrained")


def bars(expl: Explanation, max_bars: int = 7) -> list[tuple[str, float]]:
    """(label, value) pairs, largest |value| first; the rest summed into one bar named by what it holds."""
    parts = [(c.label, c.value) for c in expl.contributions]
    if len(parts) <= max_bars:
        return parts
    rest = expl.contributions[max_bars - 1 :]
    n_items = sum(c.kind == "history_item" for c in rest)
    names = [
        f"{n_items} more past items" if n_items else "",
        f"{len(rest) - n_items} more features" if len(rest) > n_items else "",
    ]
    return parts[: max_bars - 1] + [(" + ".join(n for n in names if n), float(sum(c.value for c in rest)))]


def attribution_figure(expl: Explanation, max_bars: int = 7) -> Any:
    """Horizontal bars of one item's score parts, largest at the top."""
    parts = bars(expl, max_bars)
    fig = _figure(0.5 + 0.32 * max(len(parts), 1))
    ax = fig.add_subplot()
    labels = [_short(label) for label, _ in parts][::-1]
    values = np.array([v for _, v in parts][::-1], dtype=float)
    ax.barh(range(len(values)), values, color=[POSITIVE if v >= 0 else NEGATIVE for v in values])
    ax.set_yticks(range(len(values)), labels, fontsize=8)
    ax.axvline(0, color="#555", linewidth=0.8)
    ax.tick_params(axis="x", labelsize=7)
    ax.set_title(f"score {expl.score:+.3f} = sum of these parts", fontsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


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
    ax.barh(y - 0.2, w[order], height=0.4, color="#1565c0", label="diag W (your share)")
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


def attribution_html(expl: Explanation, max_bars: int = 7) -> str:
    alt = "; ".join(f"{label} {value:+.3f}" for label, value in bars(expl, max_bars))
    return figure_html(attribution_figure(expl, max_bars), f"score parts of {expl.title}: {alt}")
