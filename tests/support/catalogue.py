"""The catalogue contract DEVELOPERS.md promises, as one assertion the loader tests share."""

from __future__ import annotations

import numpy as np

from catalogue import Catalogue


def assert_contract(cat: Catalogue) -> None:
    """The dtypes DEVELOPERS.md promises."""
    items, inter = cat.items, cat.interactions
    assert items.index.name == "item_id" and items.index.is_unique
    assert all(isinstance(i, str) for i in items.index)
    assert list(items.columns[:2]) == ["title", "description"]
    assert all(isinstance(t, str) for t in items["title"]) and all(isinstance(d, str) for d in items["description"])
    assert list(items.columns[2:]) == list(cat.schema)
    for col, kind in cat.schema.items():
        values = items[col].tolist()
        if kind == "numeric":
            assert items[col].dtype == np.float64
        elif kind == "multi":
            assert all(isinstance(v, tuple) and all(isinstance(p, str) for p in v) for v in values)
        elif kind == "category":
            assert all(v is None or isinstance(v, str) for v in values)
        else:
            assert kind == "text" and all(isinstance(v, str) for v in values)
    assert list(inter.columns) == ["user_id", "item_id", "rating", "event", "timestamp"]
    assert all(isinstance(u, str) for u in inter["user_id"]) and all(isinstance(i, str) for i in inter["item_id"])
    assert inter["rating"].dtype == np.float64
    assert all(e is None or isinstance(e, str) for e in inter["event"])
    assert str(inter["timestamp"].dtype) == "datetime64[ns, UTC]"
    assert inter["item_id"].isin(items.index).all()
