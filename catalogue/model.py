"""The `Catalogue` value every other package consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from because.errors import UnknownIdError

KINDS: tuple[str, ...] = ("numeric", "multi", "category", "text")
"""Feature column kinds. "text" columns are kept for search but are not scorer features."""

RESERVED: tuple[str, ...] = ("item_id", "title", "description")


@dataclass(frozen=True, eq=False)
class Catalogue:
    """A shop's items, interactions and feature schema. Treat the frames as read-only.

    items: index "item_id" (str, unique); "title" (str), "description" (str, "" if none), then the
    feature columns named in `schema`: numeric -> float64 (NaN missing), multi -> tuple[str, ...]
    (() missing), category -> str or None, text -> str ("" missing).
    interactions: user_id (str), item_id (str), rating (float64, NaN absent), event (str or None),
    timestamp (datetime64[ns, UTC], NaT absent).
    users: optional frame indexed by user_id (str) with demographics, None when not known.
    """

    name: str
    items: pd.DataFrame
    interactions: pd.DataFrame
    schema: dict[str, str]
    users: pd.DataFrame | None = field(default=None)
    details: dict[str, dict[str, Any]] = field(default_factory=dict)  # column -> unit, label, label_zh, aliases

    @property
    def aliases(self) -> dict[str, dict[str, list[str]]]:
        """Label column -> value -> other names of it (schema file), e.g. {"category": {"tent": ["帐篷"]}}."""
        return {c: dict(d["aliases"]) for c, d in self.details.items() if d.get("aliases")}

    @property
    def units(self) -> dict[str, str]:
        """Numeric column -> unit ("USD", "g", "min", "pages", "year"): declared, else inferred from the name."""
        from .units import units_for

        return units_for(self.schema, {c: d["unit"] for c, d in self.details.items() if "unit" in d})

    def item_title(self, item_id: str) -> str:
        """The title of `item_id`; raises UnknownIdError for an id not in the catalogue."""
        try:
            return str(self.items.at[str(item_id), "title"])
        except KeyError:
            raise UnknownIdError(
                "item", str(item_id), "use an item_id from the catalogue (search by title first)."
            ) from None

    def features(self) -> list[str]:
        """Feature columns the scorer may use (every schema column except "text")."""
        return [col for col, kind in self.schema.items() if kind != "text"]

    def summary(self) -> dict[str, Any]:
        """Counts that describe the catalogue, for the CLI and logs."""
        inter = self.interactions
        n_users = int(inter["user_id"].nunique())
        n_items = len(self.items)
        return {
            "name": self.name,
            "items": n_items,
            "users": n_users,
            "interactions": len(inter),
            "items_with_interactions": int(inter["item_id"].nunique()),
            "rated": int(inter["rating"].notna().sum()),
            "timestamped": int(inter["timestamp"].notna().sum()),
            "density": len(inter) / (n_users * n_items) if n_users and n_items else 0.0,
            "features": dict(self.schema),
        }

    def __repr__(self) -> str:
        s = self.summary()
        return (
            f"Catalogue({self.name!r}: {s['items']} items, {s['users']} users, "
            f"{s['interactions']} interactions, features={list(self.schema)})"
        )
