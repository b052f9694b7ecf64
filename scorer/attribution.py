"""Explanations read straight off the scorer: every number here is a term of the score itself.

``explain`` lists the exact parts of one score; ``why_not`` compares an item with the k-th
recommendation part by part; ``what_if`` recomputes the top-k for an edited history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from because.errors import InputError
from scorer.model import contributions, history_profile
from scorer.recommender import Recommendation, Recommender, UserRef

NEGLIGIBLE = 1e-9


@dataclass(frozen=True)
class Contribution:
    kind: str  # "history_item" | "feature" | "popularity"
    label: str  # what a person reads
    value: float  # the term's value in the score
    evidence: dict[str, Any]
    key: str  # stable identity: "item:50", "feature:genres=Sci-Fi", "popularity"


@dataclass(frozen=True)
class Explanation:
    user: str
    item: str
    title: str
    score: float
    rank: int | None  # None: the user already has this item
    contributions: list[Contribution]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for c in d["contributions"]:
            c.pop("key")
        return d


def _user_name(user: UserRef) -> str:
    return "new user" if isinstance(user, Mapping) else str(user)


def _stars(rating: float | None) -> str:
    return "" if rating is None else f" {rating:g}★"


def explain(rec: Recommender, user: UserRef, item_id: str) -> Explanation:
    """Score, rank and contributions of ``item_id`` for ``user``, sorted by |value|; they sum to the score."""
    history = rec.history(user)  # validated once; the rest works on item indices
    history_idx = rec.history_index(history)
    idx = rec.index_of(item_id)
    raw = contributions(rec.params, history_idx, idx)
    share = history_profile(rec.params, history_idx)
    parts: list[Contribution] = []
    for j, value in zip(raw.history_idx.tolist(), raw.history.tolist()):
        past = rec.item_ids[j]
        rating = history.get(past)
        verb = f"you rated {rec.titles[j]}{_stars(rating)}" if rating is not None else f"you chose {rec.titles[j]}"
        parts.append(
            Contribution(
                "history_item", verb, value, {"item": past, "title": rec.titles[j], "rating": rating}, f"item:{past}"
            )
        )
    for f, value in zip(raw.feature_idx.tolist(), raw.features.tolist()):
        parts.append(
            Contribution(
                "feature",
                rec.feature_labels[f],
                float(value),
                {
                    "feature": rec.feature_names[f],
                    "column": rec.feature_columns[f],
                    "share_of_your_history": round(float(share[f]), 3),
                },
                f"feature:{rec.feature_names[f]}",
            )
        )
    pop = int(rec.popularity[idx])
    if not history:
        pop_label = f"popular with many people ({pop} chose it); you have no history yet"
    elif raw.bias >= 0:
        pop_label = f"popular with many people ({pop} chose it)"
    else:
        pop_label = f"already widely seen ({pop} chose it): for you the model leans to less obvious picks"
    top_share = float(np.mean(rec.popularity >= rec.popularity[idx]))  # 0.01: among the 1% most chosen
    evidence = {"interactions": pop, "top_share": round(top_share, 4)}
    parts.append(Contribution("popularity", pop_label, raw.bias, evidence, "popularity"))
    parts = [p for p in parts if abs(p.value) > NEGLIGIBLE]
    parts.sort(key=lambda p: -abs(p.value))
    return Explanation(
        _user_name(user), str(item_id), rec.titles[idx], raw.total, rec.rank_among_unseen(history_idx, idx), parts
    )


@dataclass(frozen=True)
class Delta:
    key: str
    kind: str
    label: str
    item_value: float
    kth_value: float

    @property
    def difference(self) -> float:
        return self.item_value - self.kth_value


@dataclass(frozen=True)
class WhyNot:
    user: str
    item: str
    title: str
    rank: int | None
    k: int
    score: float
    kth_item: str
    kth_title: str
    kth_score: float
    gap: float  # kth_score - score; <= 0 means the item is already in the top k
    holding_back: list[Delta]  # parts where the item trails the k-th, largest shortfall first
    in_history: bool = False

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["holding_back"] = [{**asdict(x), "difference": x.difference} for x in self.holding_back]
        return d


def why_not(rec: Recommender, user: UserRef, item_id: str, k: int = 10, n_reasons: int = 5) -> WhyNot:
    """Why ``item_id`` is not in the top ``k``: its rank, gap to the k-th item, and the parts holding it back."""
    history = rec.history(user)
    top = rec.recommend(history, k=k)
    if not top:  # a small shop: the user already has every item
        raise InputError(
            f"{_user_name(user)} already has every item in the catalogue, so nothing is recommended.",
            "ask about a user with fewer items.",
        )
    kth = top[-1]
    mine = explain(rec, history, item_id)
    theirs = explain(rec, history, kth.item_id)
    a = {c.key: c for c in mine.contributions}
    b = {c.key: c for c in theirs.contributions}
    deltas = []
    for key in set(a) | set(b):
        ref = a.get(key) or b[key]
        deltas.append(
            Delta(key, ref.kind, ref.label, a[key].value if key in a else 0.0, b[key].value if key in b else 0.0)
        )
    deltas.sort(key=lambda d: d.difference)
    behind = [d for d in deltas if d.difference < -NEGLIGIBLE][:n_reasons]
    return WhyNot(
        _user_name(user),
        str(item_id),
        mine.title,
        mine.rank,
        k,
        mine.score,
        kth.item_id,
        kth.title,
        kth.score,
        kth.score - mine.score,
        behind,
        in_history=str(item_id) in history,
    )


@dataclass(frozen=True)
class WhatIf:
    removed: list[str]
    added: dict[str, float | None]
    before: list[Recommendation]
    after: list[Recommendation]
    entered: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def what_if(
    rec: Recommender,
    user: UserRef,
    remove: list[str] | None = None,
    add: Mapping[str, float | None] | None = None,
    k: int = 10,
) -> WhatIf:
    """Top-k before and after removing and/or adding past items (no retraining: the user is a history)."""
    history = rec.history(user)
    remove = [str(r) for r in (remove or [])]
    add = rec.fold_in(add or {})
    for item in remove:
        rec.index_of(item)
        if item not in history:
            raise InputError(
                f"item '{item}' ({rec.title(item)}) is not in this user's history, so it cannot be removed.",
                "name an item the user has rated (see `because explain` or the profile).",
            )
    if not remove and not add:
        raise InputError(
            "what-if needs at least one item to remove or add.", "pass --remove ITEM and/or --add ITEM=RATING."
        )
    edited = {i: r for i, r in history.items() if i not in remove}
    edited.update(add)
    before = rec.recommend(history, k=k)
    after = rec.recommend(edited, k=k, exclude=set(remove))
    b_ids, a_ids = [r.item_id for r in before], [r.item_id for r in after]
    return WhatIf(
        remove, dict(add), before, after, [i for i in a_ids if i not in b_ids], [i for i in b_ids if i not in a_ids]
    )


def profile(rec: Recommender, user: UserRef, n: int = 8) -> dict[str, Any]:
    """What the model knows and uses about a user: history size, strongest feature affinities, top past items."""
    history = rec.history(user)
    share, aff = rec.affinities(history)
    order = np.argsort(-aff)
    likes = [
        {
            "feature": rec.feature_labels[f],
            "affinity": round(float(aff[f]), 4),
            "share_of_history": round(float(share[f]), 3),
        }
        for f in order[:n]
    ]
    dislikes = [
        {
            "feature": rec.feature_labels[f],
            "affinity": round(float(aff[f]), 4),
            "share_of_history": round(float(share[f]), 3),
        }
        for f in order[::-1][:n]
        if aff[f] < 0
    ]
    rated = sorted(history.items(), key=lambda kv: -(kv[1] if kv[1] is not None else 0))
    return {
        "user": _user_name(user),
        "n_items": len(history),
        "top_rated": [{"item": i, "title": rec.title(i), "rating": r} for i, r in rated[:n]],
        "likes": likes,
        "dislikes": dislikes,
        "uses": "only the items in this history (and their ratings as evidence); no demographics",
    }
