"""The any-shop benchmark's scoring (benchmarks/request_scoring.py) on hand-made labels: it can fail."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from request_scoring import actual_conditions, conditions_match, count_ok, expected_conditions, meets  # noqa: E402

SCHEMA = {"category": "category", "brand": "category", "price": "numeric", "weight_g": "numeric", "tags": "multi"}
UNITS = {"price": "USD", "weight_g": "g"}
ITEMS = pd.DataFrame(
    {
        "category": ["tent", "tent", "jacket"],
        "brand": ["Kobold", "Wayfarer", "Kobold"],
        "price": [150.0, 250.0, 90.0],
        "weight_g": [1800.0, 2600.0, 400.0],
        "tags": [("waterproof",), ("budget", "waterproof"), ()],
    },
    index=["a", "b", "c"],
)


def test_conditions_are_compared_as_outcomes_not_strings() -> None:
    label = {"include": {"category": ["tent"]}, "exclude": {"brand": ["Kobold"]}, "range": {"price": {"max": 200}}}
    want = expected_conditions(label)
    assert conditions_match(want, actual_conditions(["category=tent", "brand!=Kobold", "price<200"], SCHEMA, UNITS))
    assert conditions_match(want, actual_conditions(["price<=200", "category=tent", "brand!=kobold"], SCHEMA, UNITS))
    # an exclusion turned into an inclusion, a missing condition, an extra one: all wrong
    assert not conditions_match(want, actual_conditions(["category=tent", "brand=Kobold", "price<200"], SCHEMA, UNITS))
    assert not conditions_match(want, actual_conditions(["category=tent", "price<200"], SCHEMA, UNITS))
    assert not conditions_match(
        want, actual_conditions(["category=tent", "brand!=Kobold", "price<200", "tags=budget"], SCHEMA, UNITS)
    )
    assert conditions_match(
        expected_conditions({"relative": {"price": "lower"}}), actual_conditions(["cheaper"], SCHEMA, UNITS)
    )


def test_honoured_means_every_item_meets_every_condition() -> None:
    want = expected_conditions({"include": {"category": ["tent"]}, "range": {"price": {"max": 200}}})
    assert meets(ITEMS.loc[["a"]], SCHEMA, want, None)
    assert not meets(ITEMS.loc[["a", "b"]], SCHEMA, want, None)
    lighter = expected_conditions({"relative": {"weight_g": "lower"}})
    assert meets(ITEMS.loc[["c"]], SCHEMA, lighter, ITEMS.loc[["a", "b"]])
    assert not meets(ITEMS.loc[["b"]], SCHEMA, lighter, ITEMS.loc[["a", "b"]])
    assert count_ok({"count": {"exact": 3}}, 3) and not count_ok({"count": {"min": 6}}, 5)
