"""`because index` and `because search`: argument setup and handlers for the CLI to register.

    sub = subparsers.add_parser("search", help="find items by description")
    add_search_arguments(sub); sub.set_defaults(handler=run_search)   # handler(settings, args) -> exit code

Errors are raised (InputError, VectorStoreError, ...); the CLI's main prints them and picks the exit code.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any, TextIO

from .filters import SYNTAX_HELP
from .rerank import DEFAULT_ALPHA

if TYPE_CHECKING:
    from because.settings import Settings

    from .store import SearchHit


def add_index_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--items", help="your items file (CSV/Parquet) instead of the built-in data")
    parser.add_argument("--interactions", help="your interactions file (with --items)")
    parser.add_argument("--schema", help="your schema file (with --items)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")


def run_index(settings: "Settings", args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Embed new/changed items into Chroma, delete removed ones; print the counts."""
    out = out or sys.stdout  # read when called: a default bound at import keeps a stream that may be closed
    from catalogue import load_catalogue

    from .store import open_store

    items = getattr(args, "items", None)
    if items is None and getattr(args, "data", None) is None and _trained_here(settings):
        from scorer.pipeline import load_active, training_catalogue

        cat = training_catalogue(load_active(settings.home))  # the catalogue trained in this home
    else:
        cat = load_catalogue(
            data=None if items else settings.data,
            items=items,
            interactions=getattr(args, "interactions", None),
            schema=getattr(args, "schema", None),
        )
    store = open_store(settings, cat.name)
    counts = store.index_catalogue(cat, progress=not getattr(args, "quiet", False))
    if getattr(args, "json", False):
        print(json.dumps({"data": cat.name, "store": store.location, **counts.as_dict()}), file=out)
    else:
        c = counts
        print(
            f"Indexed {cat.name} in {store.location}: {c.added} added, {c.updated} updated, "
            f"{c.deleted} deleted, {c.unchanged} unchanged.",
            file=out,
        )
    return 0


def _trained_here(settings: "Settings") -> bool:
    from scorer.pipeline import active_dataset

    return active_dataset(settings.home) is not None


def add_search_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", help="what you are looking for, e.g. 'a funny western'")
    parser.add_argument("--user", help="re-rank by this user's taste (the trained scorer) and skip items they rated")
    parser.add_argument("--k", type=int, default=10, help="how many results (default 10)")
    parser.add_argument("--filter", action="append", default=[], metavar="COND", help=SYNTAX_HELP)
    parser.add_argument(
        "--alpha",
        type=float,
        default=DEFAULT_ALPHA,
        help=f"with --user: weight of the text match vs taste, 0..1 (default {DEFAULT_ALPHA})",
    )
    parser.add_argument("--include-seen", action="store_true", help="with --user: keep items the user already rated")
    parser.add_argument("--json", action="store_true", help="print a JSON list of {item, title, distance, score}")


def _load_recommender(settings: "Settings") -> Any:
    from scorer.pipeline import active_model_path
    from scorer.recommender import Recommender

    return Recommender.load(active_model_path(settings.home))


def run_search(
    settings: "Settings", args: argparse.Namespace, out: TextIO | None = None, recommender: Any = None
) -> int:
    """Search the index (optionally re-ranked for --user) and print the hits."""
    out = out or sys.stdout
    from .store import open_store

    if args.user:
        rec = recommender or _load_recommender(settings)
        history = rec.history(args.user)  # UnknownIdError for an unknown user
        store = open_store(settings, getattr(rec, "dataset", None) or settings.data)
        hits = store.personal_search(
            args.query,
            rec.scores(args.user),
            rec.item_index,
            k=args.k,
            filters=args.filter,
            exclude=set() if args.include_seen else set(history),
            alpha=args.alpha,
        )
    else:
        from scorer.pipeline import active_dataset

        # the catalogue trained in this home, not the built-in default
        hits = open_store(settings, active_dataset(settings.home) or settings.data).search(
            args.query, k=args.k, filters=args.filter
        )
    print_hits(hits, as_json=args.json, personal=bool(args.user), out=out)
    return 0


def print_hits(hits: list["SearchHit"], as_json: bool, personal: bool = False, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    rows = [
        {
            "item": h.item,
            "title": h.title,
            "distance": round(h.distance, 6),
            "score": round(h.score, 6),
            **({"scorer_score": h.scorer_score} if personal else {}),
        }
        for h in hits
    ]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False), file=out)
        return
    if not rows:
        print("No items match.", file=out)
    for rank, row in enumerate(rows, 1):
        print(
            f"{rank:>3}. {row['title']}  [item {row['item']}]  score {row['score']:.3f}  "
            f"distance {row['distance']:.3f}",
            file=out,
        )
