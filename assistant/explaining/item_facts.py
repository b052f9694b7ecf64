"""What a text may say about the recommended item itself: its own catalogue features (genre, decade, length
or price band, brand, tags), numbers inside its own bands, and whether it is popular.

These are descriptions, not reasons: "an 86-minute comedy" is true of Liar Liar whatever the feature
weighs in the score. A description is checked against the item (a wrong genre, a runtime outside its band,
"little-known" for a top-10% item are false); only a reason must also be a material part of the score.
"""

from __future__ import annotations

import re

from assistant.explaining.facts import ExplanationFacts

POPULAR_SHARE = 0.10  # "popular", "widely seen": among the 10% most chosen items
UNPOPULAR_SHARE = 0.50  # "little-known", "hidden gem": not among the most chosen half
_NUM = r"\d[\d,]*(?:\.\d+)?"
_RANGE = re.compile(rf"({_NUM})\s*-\s*({_NUM})")
_UNDER = re.compile(rf"\b(?:under|below|less than)\s*\$?({_NUM})", re.IGNORECASE)
_OVER = re.compile(rf"({_NUM})\s*\w*\s*(?:or more|and up|\+)", re.IGNORECASE)
REASON_CUES = re.compile(
    r"(?<![A-Za-z])(?:because|thanks to|reasons?|why|in its favou?r|boosts?|lifts?|helps?|pushes|raises?|"
    r"plus for you|works? for you|match(?:es)?|fits?|suits?|loves?|likes?|"
    r"your (?:love|taste|liking|fondness))(?![A-Za-z])"
    r"|因为|原因|加分|得益于|推荐它|所以|契合|符合|偏好|口味",
    re.IGNORECASE,
)


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def item_features(facts: ExplanationFacts) -> dict[str, str]:
    """label -> key of every catalogue feature the recommended item has (material or not)."""
    out = {label: key for label, key in facts.omitted_names.items() if key.startswith("feature:")}
    out.update({f.name: f.key for f in facts.all if f.kind == "feature"})
    return out


def column_of(key: str) -> str:
    """'feature:runtime#2' -> 'runtime'; 'feature:genres=Action' -> 'genres'."""
    name = key.split(":", 1)[-1]
    return re.split(r"[#=]", name, maxsplit=1)[0]


def item_columns(facts: ExplanationFacts) -> set[str]:
    return {column_of(key) for key in item_features(facts).values()}


def item_ranges(facts: ExplanationFacts) -> list[tuple[float, float]]:
    """The item's numeric bands from its feature labels: 'runtime 104-116 min' -> (104, 116)."""
    out = []
    for label in item_features(facts):
        if m := _RANGE.search(label):
            out.append((_number(m.group(1)), _number(m.group(2))))
        elif m := _UNDER.search(label):
            out.append((float("-inf"), _number(m.group(1))))
        elif m := _OVER.search(label):
            out.append((_number(m.group(1)), float("inf")))
    return out


def in_item_band(value: float, facts: ExplanationFacts, bound: bool = False) -> bool:
    """A number the text gives about the item (its runtime, price, weight...) lies in one of its bands;
    ``bound``: the text quotes a band ("116 minutes or more"), so the number must be one of its ends."""
    if bound:
        return any(abs(value - end) < 1e-9 for band in item_ranges(facts) for end in band)
    return any(lo - 1e-9 <= value <= hi + 1e-9 for lo, hi in item_ranges(facts))


def popular(facts: ExplanationFacts) -> bool | None:
    """Whether the item is among the most chosen (None: unknown)."""
    share = facts.popular_share
    return None if share is None else share <= POPULAR_SHARE


def little_known_ok(facts: ExplanationFacts) -> bool:
    share = facts.popular_share
    return share is not None and share > UNPOPULAR_SHARE


def gives_reason(text: str, start: int, end: int) -> bool:
    """The clause presents what it names as a reason (cue words), rather than describing the item."""
    return bool(REASON_CUES.search(text[start:end]))
