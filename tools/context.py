"""What every tool works on: the model, the catalogue facts, the session (which binds the user)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from catalogue.units import units_for
from scorer.recommender import History, Recommender, UserRef
from tools.session import FeedbackStore, Session, SessionFeedback, likes_any, turned_down, with_liked


@dataclass
class ToolResult:
    text: str  # the compact JSON observation the language model reads
    data: dict[str, Any] = field(default_factory=dict)  # the structured result the answer is built from


def catalogue_view(rec: Recommender, catalogue: Any | None = None) -> tuple[pd.DataFrame, dict[str, str]]:
    """Catalogue facts in ``rec.item_ids`` order (``title`` at least) and the column kinds.

    ``catalogue`` is a ``catalogue.Catalogue`` (or anything with ``.items`` and ``.schema``);
    without one only titles are known, so constraints on features cannot be applied.
    """
    if catalogue is None:
        return pd.DataFrame({"title": rec.titles}, index=pd.Index(rec.item_ids, name="item_id")), {}
    items = catalogue.items.copy()
    items.index = items.index.astype(str)
    items = items.reindex(rec.item_ids)
    items["title"] = rec.titles
    return items, dict(catalogue.schema)


@dataclass
class ToolContext:
    """Bound to one session. Tools take the user from here, never from their arguments."""

    rec: Recommender
    session: Session
    items: pd.DataFrame
    schema: dict[str, str]
    store: Any | None = None  # vectorstore.VectorStore, optional
    units: dict[str, str] = field(default_factory=dict)  # numeric column -> unit ("USD", "g", "min", "year")
    aliases: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # column -> value -> other names
    feedback: FeedbackStore = None  # type: ignore[assignment]  # set in __post_init__: the session's own
    calls: list[dict[str, Any]] = field(default_factory=list)  # every tool call made through this context
    on_result: Callable[[str, ToolResult], None] | None = (
        None  # called with (tool name, ToolResult) as each tool returns
    )

    def __post_init__(self) -> None:
        if self.feedback is None:
            self.feedback = SessionFeedback(self.session)
        if not self.units:  # no units given: as the column names say ("price", "weight_g", "runtime", "year")
            self.units = units_for(self.schema)

    @classmethod
    def build(
        cls, rec: Recommender, session: Session, catalogue: Any | None = None, store: Any | None = None
    ) -> "ToolContext":
        items, schema = catalogue_view(rec, catalogue)
        units = getattr(catalogue, "units", None)
        return cls(
            rec,
            session,
            items,
            schema,
            store,
            units=dict(units or {}),
            aliases=dict(getattr(catalogue, "aliases", None) or {}),
        )

    def label_values(self, max_values: int = 2000) -> dict[str, list[str]]:
        """Label column -> its values, for the columns a shopper may name values of (not genres: see Lexicon)."""
        from tools.constraints import vocabulary

        out = {}
        for column, kind in self.schema.items():
            if kind in ("multi", "category") and column != "genres":
                values = vocabulary(self.items, self.schema, column)
                if len(values) <= max_values:
                    out[column] = values
        return out

    def base_history(self) -> History:
        s = self.session
        return self.rec.history(s.user) if s.user is not None else self.rec.fold_in(s.history or {})

    def user_ref(self) -> UserRef:
        """The bound user as the scorer sees them: their id, or their history plus items liked here."""
        feedback = self.feedback.all()
        if self.session.user is not None and not likes_any(feedback):
            return self.session.user
        return with_liked(self.base_history(), feedback)

    def excluded(self) -> set[str]:
        """Items the user turned down in this session: never recommended again here."""
        return turned_down(self.feedback.all())
