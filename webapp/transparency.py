"""The transparency page: what the model uses, its weights and accuracy, and what is kept about you."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from webapp.conversation import Conversation

FORMULA = """
```
score(you, item) = alpha * sum over your past items j of B[j, item]     "you rated Alien 5★"
                 + sum over features f of F[item, f] * a[f]             features, weighted by your taste
                 + beta * popularity[item]                              how widely chosen it is
a[f] = c[f] + W[f, f] * (share of your history with feature f)
```
Every bar in a recommendation's chart is one of these terms; together they are the score, exactly.
"""


def _num(value: Any, digits: int = 4) -> str:
    return f"{value:.{digits}f}" if isinstance(value, (int, float)) else "n/a"


def model_markdown(rec: Any) -> str:
    meta = rec.meta or {}
    n_inter = sum(len(h) for h in rec.histories.values())
    columns = sorted(set(rec.feature_columns))
    return "\n".join(
        [
            "### What the model uses",
            f"- **Data:** the `{rec.dataset}` catalogue: {rec.n_items:,} items, {len(rec.histories):,} people and "
            f"{n_inter:,} past choices and ratings. "
            f"Nothing else: no demographics, no browsing history, no data from other sites.",
            f"- **Item features:** {', '.join(columns) or 'none'} ({len(rec.feature_labels)} features in all).",
            '- **Your part:** only the items you chose or rated here, and your thumbs and "not interested" clicks.',
            "",
            "### How a score is made",
            FORMULA,
            "### The model",
            f"- version: trained {meta.get('trained_at', 'n/a')} on `{rec.dataset}`; "
            f"item-item lambda {meta.get('lambda', 'n/a')}, "
            f"side-term shrink {meta.get('side_term_shrink', 'n/a')}; "
            f"alpha {_num(rec.params.alpha)}, beta {_num(rec.params.beta)}.",
            f"- measured accuracy (held-out validation, NDCG@10): **{_num(meta.get('validation_ndcg_at_10'))}** "
            f"(pure item-item EASE: {_num(meta.get('validation_ndcg_at_10_ease'))}).",
            "- global feature weights (largest first) are in the chart and table below: `c` is what everyone starts "
            "with, `diag W` how much your own share of a feature moves you.",
        ]
    )


def user_markdown(conv: Conversation | None) -> str:
    if conv is None:
        return "### About you\nNot connected yet."
    ident, rows = conv.identity, conv.services.db.rows(conv.identity.key)
    rec = conv.services.rec
    lines = [
        "### About you",
        f"- **You are:** {ident.label}" + (" (signed in by the shop)" if ident.token_status == "valid" else ""),
    ]
    if ident.user is not None and rec is not None:
        lines.append(
            f"- **In the training data:** {len(rec.histories.get(ident.user, {}))} past choices, "
            f"part of the trained model."
        )
    lines.append(
        f"- **Stored by this app:** {len(rows)} row(s) of feedback/ratings in a local SQLite file"
        + (":" if rows else ".")
    )
    for r in rows[-12:]:
        title = rec.title(str(r["item"])) if rec is not None and str(r["item"]) in rec.item_index else r["item"]
        when = datetime.fromtimestamp(float(r["ts"]), timezone.utc).strftime("%Y-%m-%d %H:%M UTC")  # type: ignore[arg-type]
        extra = f" {r['rating']:g}★" if r["rating"] is not None else ""
        lines.append(f"  - {title}: {r['kind']}{extra} ({when})")
    lines += [
        "- **Kept only for this visit:** the conversation itself (in memory, gone when you close the page).",
        "- **How to delete:** press **Forget me** below (or `POST /api/forget` with your token). "
        "It deletes every stored "
        "row about you at once; the next training run no longer sees it. Past choices in the shop's own records "
        "leave the model when the shop removes them and retrains.",
    ]
    return "\n".join(lines)
