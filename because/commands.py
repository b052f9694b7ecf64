"""Handlers of the recommender commands: train, recommend, explain, why-not, what-if, evaluate, users, items.

Each is ``handler(settings, args) -> exit code``; errors are raised and turned into messages by ``cli.main``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from because.errors import InputError
from because.settings import Settings


def _emit(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, default=_plain))


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def load_recommender(settings: Settings):  # -> Recommender
    from scorer.pipeline import active_model_path
    from scorer.recommender import Recommender

    return Recommender.load(active_model_path(settings.home))


def run_train(settings: Settings, args: argparse.Namespace) -> int:
    from catalogue import load_catalogue
    from scorer.pipeline import save_active, train_recommender
    from scorer.train import TrainConfig
    from webapp.feedback_store import with_feedback

    if getattr(args, "engine", "local") == "spark":
        return _train_spark(settings, args)
    cat = load_catalogue(
        data=None if args.items else (args.data or settings.data),
        items=args.items,
        interactions=args.interactions,
        schema=args.schema,
    )
    cat = with_feedback(cat, settings.home, settings.database_url)  # the web app's likes and ratings since the last run
    log = (lambda m: print(m, file=sys.stderr)) if not args.quiet else (lambda m: None)
    log(f"training on {cat!r}")
    rec = train_recommender(cat, TrainConfig(seed=args.seed), progress=not args.quiet, log=log)
    if args.items:  # the assistant, search and the web app read the shop's item facts back from these files
        rec.meta["files"] = {
            "items": str(Path(args.items).resolve()),
            "interactions": str(Path(args.interactions).resolve()),
            "schema": str(Path(args.schema).resolve()) if args.schema else None,
        }
    path = save_active(rec, settings.home)
    log(f"saved model to {path} ({rec.meta['train_seconds']:.1f} s)")
    if not args.no_index:
        from vectorstore.store import open_store

        counts = open_store(settings, cat.name).index_catalogue(cat, progress=not args.quiet)
        log(f"catalogue index: {counts.as_dict()}")
    if args.json:
        _emit({"model": str(path), **rec.meta})
    return 0


def _train_spark(settings: Settings, args: argparse.Namespace) -> int:
    """`because train --engine spark`: the same checks and model format, the heavy stages on Spark."""
    from catalogue import load_builtin
    from scorer.pipeline import save_active
    from scorer.train import TrainConfig
    from spark_training.fit import SparseConfig
    from spark_training.session import spark_session
    from spark_training.train import train_with_spark

    if min(args.neighbours) < 1:
        raise InputError(f"--neighbours must be at least 1, got {min(args.neighbours)}.", "pass e.g. --neighbours 200.")
    if bool(args.items) != bool(args.interactions) or (args.items and args.data):
        from catalogue import load_catalogue

        load_catalogue(data=args.data, items=args.items, interactions=args.interactions, schema=args.schema)  # raises
    log = (lambda m: print(m, file=sys.stderr)) if not args.quiet else (lambda m: None)
    spark = spark_session(args.spark_master)
    try:
        common = {
            "cfg": TrainConfig(seed=args.seed),
            "scfg": SparseConfig(neighbours=tuple(args.neighbours)),
            "log": log,
        }
        if args.items:
            rec = train_with_spark(
                spark, items_path=args.items, interactions_path=args.interactions, schema_path=args.schema, **common
            )
            rec.meta["files"] = {
                "items": str(Path(args.items).resolve()),
                "interactions": str(Path(args.interactions).resolve()),
                "schema": str(Path(args.schema).resolve()) if args.schema else None,
            }
        else:
            rec = train_with_spark(spark, catalogue=load_builtin(args.data or settings.data), **common)
    finally:
        spark.stop()
    path = save_active(rec, settings.home)
    log(f"saved model to {path} ({rec.meta['train_seconds']:.1f} s; stages {rec.meta['stage_seconds']})")
    if not args.no_index:
        from catalogue import load_catalogue
        from vectorstore.store import open_store

        cat = load_catalogue(
            data=None if args.items else (args.data or settings.data),
            items=args.items,
            interactions=args.interactions,
            schema=args.schema,
        )
        log(
            f"catalogue index: {open_store(settings, cat.name).index_catalogue(cat, progress=not args.quiet).as_dict()}"
        )
    if args.json:
        _emit({"model": str(path), **rec.meta})
    return 0


def run_recommend(settings: Settings, args: argparse.Namespace) -> int:
    rec = load_recommender(settings)
    if args.all_users:
        for user in sorted(rec.histories, key=lambda u: (len(u), u)):
            print(json.dumps({"user": user, "items": [r.item_id for r in rec.recommend(user, k=args.k)]}))
        return 0
    if not args.user:
        raise InputError("recommend needs --user U or --all-users.", "pass --user with an id from `because users`.")
    recs = rec.recommend(args.user, k=args.k)
    if args.json:
        _emit({"user": args.user, "items": [r.__dict__ for r in recs]})
    else:
        print(f"Top {args.k} for user {args.user}:")
        for r in recs:
            print(f"{r.rank:>3}. {r.title}  [item {r.item_id}]  score {r.score:.4f}")
    return 0


def print_contributions(contributions: list, total: float) -> None:
    for c in contributions:
        print(f"  {c.value:+.4f}  {c.kind:<12}  {c.label}")
    print(f"  {'=' * 7}\n  {total:+.4f}  score (the parts above sum to it exactly)")


def run_why_not(settings: Settings, args: argparse.Namespace) -> int:
    from scorer.attribution import why_not

    w = why_not(load_recommender(settings), args.user, args.item, k=args.k)
    if args.json:
        _emit(w.to_dict())
        return 0
    if w.in_history:
        print(f"{w.title} is already in user {w.user}'s history, so it is not recommended again.")
        return 0
    if w.gap <= 0:
        print(f"{w.title} is already recommended (rank {w.rank} of the top {w.k}).")
        return 0
    print(
        f"{w.title} ranks {w.rank}; it scores {w.score:.4f}, {w.gap:.4f} below "
        f"#{w.k} {w.kth_title} ({w.kth_score:.4f})."
    )
    print("What holds it back, compared with that item:")
    for d in w.holding_back:
        print(
            f"  {d.difference:+.4f}  {d.kind:<12}  {d.label}  "
            f"(this item {d.item_value:+.4f}, #{w.k} {d.kth_value:+.4f})"
        )
    return 0


def _parse_add(values: list[str]) -> dict[str, float | None]:
    add: dict[str, float | None] = {}
    for value in values:
        item, _, rating = value.partition("=")
        try:
            add[item.strip()] = float(rating) if rating else None
        except ValueError:
            raise InputError(
                f"--add '{value}' has a rating that is not a number.", "write --add ITEM=RATING, e.g. --add 50=5."
            ) from None
    return add


def run_what_if(settings: Settings, args: argparse.Namespace) -> int:
    from scorer.attribution import what_if

    rec = load_recommender(settings)
    w = what_if(rec, args.user, remove=args.remove, add=_parse_add(args.add), k=args.k)
    if args.json:
        _emit(w.to_dict())
        return 0
    print(
        f"Removed: {', '.join(rec.title(i) for i in w.removed) or '-'}; "
        f"added: {', '.join(rec.title(i) for i in w.added) or '-'}"
    )
    for label, recs in (("before", w.before), ("after", w.after)):
        print(f"{label}: " + "; ".join(r.title for r in recs))
    print(f"entered: {', '.join(rec.title(i) for i in w.entered) or '-'}")
    print(f"left:    {', '.join(rec.title(i) for i in w.left) or '-'}")
    return 0


def run_evaluate(settings: Settings, args: argparse.Namespace) -> int:
    from catalogue import load_catalogue
    from evaluation.compare import compare, format_markdown

    cat = load_catalogue(
        data=None if args.items else (args.data or settings.data),
        items=args.items,
        interactions=args.interactions,
        schema=args.schema,
    )
    table, split = compare(cat, args.split, args.seed, log=lambda m: print(m, file=sys.stderr))
    if args.json:
        _emit(
            {
                "data": cat.name,
                "split": args.split,
                "seed": args.seed,
                "rows": table.reset_index().to_dict(orient="records"),
            }
        )
    else:
        print(f"{cat.name}, {args.split} split (seed {args.seed}): {split.describe()}")
        print(format_markdown(table))
    return 0


def run_users(settings: Settings, args: argparse.Namespace) -> int:
    rec = load_recommender(settings)
    users = sorted(rec.histories, key=lambda u: (len(u), u))
    for user in users[: args.limit]:
        print(f"{user}\t{len(rec.histories[user])} items")
    if len(users) > args.limit:
        print(f"... {len(users) - args.limit} more (use --limit)")
    return 0


def run_items(settings: Settings, args: argparse.Namespace) -> int:
    rec = load_recommender(settings)
    needle = (args.query or "").lower()
    shown = [(i, t) for i, t in zip(rec.item_ids, rec.titles) if needle in t.lower()]
    for item, title in shown[: args.limit]:
        print(f"{item}\t{title}")
    if len(shown) > args.limit:
        print(f"... {len(shown) - args.limit} more (use --limit or a query)")
    return 0
