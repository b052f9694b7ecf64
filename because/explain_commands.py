"""`because explain` and `because check`: an item's exact score parts, its explanation, and the claim checker
the chat uses, on any text (the roof: nothing imports this)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from because.errors import InputError
from because.settings import Settings


def _explained(settings: Settings, user: str, item: str) -> tuple[Any, Any, Any]:
    from assistant.explaining import ClaimChecker, facts_for
    from scorer import explain
    from scorer.pipeline import load_active

    rec = load_active(settings.home)
    expl = explain(rec, user, item)  # UnknownIdError (exit 2) for an unknown user or item
    return expl, facts_for(expl), ClaimChecker.of(rec.titles, rec.feature_labels)


def _named(result: Any) -> list[str]:
    """The keys of the contributions a checked text names."""
    kinds = ("history_item", "feature", "popularity")
    return sorted({c.ref for c in result.claims if c.ok and c.kind in kinds})


def run_explain(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.explaining import template_explanation

    language = getattr(args, "language", "en")
    expl, facts, checker = _explained(settings, args.user, args.item)
    if args.json:
        # "text" is what the chat shows without a language model: the checked template
        text = template_explanation(facts, language)
        result = checker(text, facts, language)
        out = {**expl.to_dict(), "text": text, "checked": result.ok, "named": _named(result)}
        out["contributions"] = [
            {"key": c.key, "kind": c.kind, "label": c.label, "value": c.value, "evidence": c.evidence}
            for c in expl.contributions
        ]
        print(json.dumps(out, ensure_ascii=False, default=str))
        return 0
    from because.commands import print_contributions

    rank = f"rank {expl.rank}" if expl.rank else "already in the user's history"
    print(f"{expl.title} [item {expl.item}] for user {expl.user}: score {expl.score:.4f}, {rank}")
    print_contributions(expl.contributions, expl.score)
    return 0


def run_check(settings: Settings, args: argparse.Namespace) -> int:
    """The chat's claim checker on TEXT for (user, item): {"ok", "problems", "named"}; exit 0 either way."""
    text = args.text if args.text != "-" else sys.stdin.read()
    if not text.strip():
        raise InputError("the text to check is empty.", "pass the explanation text, or - to read it from stdin.")
    _, facts, checker = _explained(settings, args.user, args.item)
    result = checker(text, facts, args.language)
    if args.json:
        print(
            json.dumps(
                {"ok": result.ok, "problems": list(result.problems), "named": _named(result)}, ensure_ascii=False
            )
        )
    else:
        print("ok" if result.ok else "\n".join(f"- {p}" for p in result.problems))
    return 0


def add_check_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("text", help="the explanation text to check (- reads it from stdin)")
    p.add_argument("--user", required=True)
    p.add_argument("--item", required=True)
    p.add_argument("--language", choices=["en", "zh"], default="en")
    p.add_argument("--json", action="store_true", help='print {"ok": bool, "problems": [...], "named": [...]}')
