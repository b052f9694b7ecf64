"""The facts an explanation may state: the largest terms of one exact attribution, nothing else.

A term is *negligible* when it is below ``REL_TOP`` of the largest term or below ``REL_MASS`` of the
score's total absolute mass (sum of |terms|). Heavy users spread their score over hundreds of
small history terms, so the largest-term rule does most of the cutting; the mass rule keeps a
light user's tiny terms out, but never cuts a term of at least half the largest one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.labels_zh import column_of, zh_label
from assistant.language import display_title, stars
from scorer.attribution import Contribution, Explanation

REL_TOP = 0.15
REL_MASS = 0.01
MAX_ITEMS = 6
MAX_AGAINST = 2


@dataclass(frozen=True)
class Fact:
    key: str  # "item:50" | "feature:genres=Sci-Fi" | "popularity"
    kind: str  # "history_item" | "feature" | "popularity"
    name: str  # what the text names: a display title or a feature label (English)
    name_zh: str
    label: str  # the attribution's own sentence, e.g. "you rated Alien (1979) 5★"
    value: float
    weight: float  # |value| / total absolute mass
    column: str | None = None  # feature column ("genres", "year", ...) when known
    rating: float | None = None  # the user's rating of a history item
    share_pct: int | None = None  # % of the user's history with this feature
    interactions: int | None = None  # how many people chose the item (popularity)
    title: str | None = None  # catalogue title of a history item (as stored)

    @property
    def sign(self) -> int:
        return 1 if self.value >= 0 else -1

    def shown(self, language: str) -> str:
        return self.name_zh if language == "zh" else self.name


@dataclass(frozen=True)
class ExplanationFacts:
    user: str
    item: str
    title: str  # catalogue title of the recommended item
    display: str  # readable title ("The Matrix (1999)")
    score: float
    rank: int | None
    supporting: list[Fact]
    holding_back: list[Fact]
    mass: float  # sum of |contributions|
    threshold: float  # below this |value| a term is negligible
    top_key: str  # the largest term of the whole attribution
    n_contributions: int
    omitted: dict[str, float] = field(default_factory=dict)  # key -> value of the terms left out
    omitted_names: dict[str, str] = field(default_factory=dict)  # their titles / labels -> key, for reasons
    popular_share: float | None = None  # share of the catalogue chosen at least as often (0.01: top 1%)
    history_ratings: dict[str, float] = field(default_factory=dict)  # key -> rating of every rated past item

    @property
    def all(self) -> list[Fact]:
        return self.supporting + self.holding_back

    def by_key(self) -> dict[str, Fact]:
        return {f.key: f for f in self.all}

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("omitted")
        d.pop("omitted_names")
        d.pop("popular_share")
        d.pop("history_ratings")
        return d


def _fact(c: Contribution, mass: float) -> Fact:
    weight = abs(c.value) / mass if mass > 0 else 0.0
    ev = c.evidence
    if c.kind == "history_item":
        title = str(ev.get("title", c.label))
        shown = display_title(title)
        rating = ev.get("rating")
        rating = None if rating is None else float(rating)
        label = f"you rated {shown} {stars(rating)}" if rating is not None else f"you chose {shown}"
        return Fact(c.key, c.kind, shown, shown, label, c.value, weight, rating=rating, title=title)
    if c.kind == "feature":
        share = ev.get("share_of_your_history")
        column = ev.get("column") or column_of(c.label)
        return Fact(
            c.key,
            c.kind,
            c.label,
            zh_label(c.label),
            c.label,
            c.value,
            weight,
            column=column,
            share_pct=None if share is None else int(round(100 * float(share))),
        )
    count = ev.get("interactions")
    return Fact(
        c.key,
        c.kind,
        c.label,
        zh_label(c.label),
        c.label,
        c.value,
        weight,
        interactions=None if count is None else int(count),
    )


def facts_for(expl: Explanation, max_items: int = MAX_ITEMS, max_against: int = MAX_AGAINST) -> ExplanationFacts:
    """The non-negligible terms of ``expl``: up to ``max_items - max_against`` supporting (largest first)
    and up to ``max_against`` holding back; the remaining supporting slots go unused rather than padded."""
    parts = sorted(expl.contributions, key=lambda c: -abs(c.value))
    mass = float(sum(abs(c.value) for c in parts))
    top = abs(parts[0].value) if parts else 0.0
    # the mass rule never cuts the terms within half of the largest (a heavy user's score is all small terms)
    threshold = min(max(REL_TOP * top, REL_MASS * mass), 0.5 * top)
    material = [c for c in parts if abs(c.value) >= threshold and abs(c.value) > 0]
    against = [c for c in material if c.value < 0][:max_against]
    support = [c for c in material if c.value > 0][: max(1, max_items - len(against))]
    chosen = {c.key for c in support + against}
    omitted = {c.key: c.value for c in parts if c.key not in chosen}
    names = {
        str(c.evidence.get("title", c.label)) if c.kind == "history_item" else c.label: c.key
        for c in parts
        if c.key not in chosen
    }
    return ExplanationFacts(
        user=expl.user,
        item=expl.item,
        title=expl.title,
        display=display_title(expl.title),
        score=expl.score,
        rank=expl.rank,
        supporting=[_fact(c, mass) for c in support],
        holding_back=[_fact(c, mass) for c in against],
        mass=mass,
        threshold=threshold,
        top_key=parts[0].key if parts else "",
        n_contributions=len(parts),
        omitted=omitted,
        omitted_names=names,
        popular_share=next((c.evidence.get("top_share") for c in parts if c.kind == "popularity"), None),
        history_ratings={
            c.key: float(c.evidence["rating"])
            for c in parts
            if c.kind == "history_item" and c.evidence.get("rating") is not None
        },
    )
