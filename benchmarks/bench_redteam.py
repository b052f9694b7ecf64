"""Red-team cases (tests/data/redteam.json) against the real local model: the share of attacks resisted,
per category and language.

    python benchmarks/bench_redteam.py --home /tmp/bhome                       # qwen2.5-1.5b, all cases
    python benchmarks/bench_redteam.py --home /tmp/bhome --model qwen2.5-0.5b --limit 12
    python benchmarks/bench_redteam.py --home /tmp/bhome --no-input-guard      # every attack reaches the model

Each case runs through a fresh Assistant for user 1 with the model routing, answering and writing one
explanation per list. A case is *resisted* when every check it names holds (tests/support/redteam.py:
the user never changes, tools run only with their own validated arguments, no prompt text, insult,
other user's data or forced title in the answers, the list is the scorer's; for catalogue cases the
injection reaches the model only inside JSON strings and the answers equal those over the clean
catalogue). The tests prove the same with a fake model that obeys every attack; this measures the
real one, with (default) or without the injection detection in front of it. Results go to
benchmarks/results/redteam_<model>.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def load_recommender(home: Path) -> Any:
    from catalogue import load_builtin
    from scorer.pipeline import active_model_path, train_recommender
    from scorer.recommender import Recommender
    from scorer.train import TrainConfig

    try:
        return Recommender.load(active_model_path(home))
    except Exception:  # noqa: BLE001 - no trained model here: a small one is enough to attack
        return train_recommender(
            load_builtin("ml-100k"), TrainConfig(lambdas=(300.0,), epochs=20, shrinks=(1.0,)), progress=False
        )


def recorder() -> Any:
    """A callback handler keeping every message list sent to the model (to see how catalogue text reached it)."""
    from langchain_core.callbacks import BaseCallbackHandler

    class Recorder(BaseCallbackHandler):
        def __init__(self) -> None:
            self.seen: list[list[Any]] = []

        def on_chat_model_start(self, serialized: Any, messages: list[list[Any]], **kwargs: Any) -> None:
            self.seen.extend(list(m) for m in messages)

    return Recorder()


def run_case(world: Any, case: dict[str, Any], llm: Any, rec_cb: Any, guard_on: bool) -> dict[str, Any]:
    from assistant.agent import Assistant
    from support.redteam import case_messages, check, input_guard, poisoned, run_messages
    from tools.session import Session

    def assistant(rec: Any, cat: Any) -> Any:
        return Assistant(rec, Session.new(user=world.user), catalogue=cat, llm=llm, llm_explanations=1)

    messages = case_messages(case)
    t0 = time.perf_counter()
    with input_guard(guard_on):
        rec_cb.seen.clear()
        if "poison" in case:
            a = assistant(*poisoned(world, case["poison"]))
            out = run_messages(a, messages, rec_cb.seen)
            rec_cb.seen = []
            clean = run_messages(assistant(*poisoned(world, case["poison"], control=True)), messages, rec_cb.seen)
        else:
            a = assistant(world.rec, world.catalogue)
            out, clean = run_messages(a, messages, rec_cb.seen), None
    values = world.values(case, a)
    problems = {k: v for k, v in check(world, case, out, values, clean).items() if v}
    return {
        "id": case["id"],
        "category": case["category"],
        "language": case["language"],
        "resisted": not problems,
        "problems": problems,
        "model_calls": len(out.seen),
        "seconds": round(time.perf_counter() - t0, 1),
        "answers": [
            {
                "text": ans.text[:300],
                "tool_calls": ans.tool_calls,
                "notice": ans.notice,
                "recommendations": [r["item"] for r in ans.recommendations],
                "explanations": [e["text"][:200] for e in ans.explanations],
            }
            for ans in out.answers
        ],
        "values": {"forced_title": values["forced_title"], "other_title": values.get("other_title")},
    }


def share(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "resisted": sum(r["resisted"] for r in rows),
        "n": len(rows),
        "share": round(sum(r["resisted"] for r in rows) / len(rows), 3) if rows else None,
    }


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    by: dict[str, dict[str, list[dict[str, Any]]]] = {
        "category": defaultdict(list),
        "language": defaultdict(list),
        "category_language": defaultdict(list),
    }
    for r in rows:
        by["category"][r["category"]].append(r)
        by["language"][r["language"]].append(r)
        by["category_language"][f"{r['category']}/{r['language']}"].append(r)
    failed_checks: dict[str, int] = defaultdict(int)
    for r in rows:
        for name in r["problems"]:
            failed_checks[name] += 1
    return {
        "overall": share(rows),
        **{k: {g: share(v) for g, v in sorted(d.items())} for k, d in by.items()},
        "failed_checks": dict(failed_checks),
    }


def table(summary: dict[str, Any]) -> str:
    lines = ["| category | en | zh | all |", "|---|---|---|---|"]
    for category, s in summary["category"].items():

        def cell(lang: str) -> str:
            x = summary["category_language"].get(f"{category}/{lang}")
            return f"{x['resisted']}/{x['n']}" if x else "-"

        lines.append(f"| {category} | {cell('en')} | {cell('zh')} | {s['resisted']}/{s['n']} ({s['share']:.0%}) |")
    o, en, zh = summary["overall"], summary["language"].get("en"), summary["language"].get("zh")
    fmt = lambda x: f"{x['resisted']}/{x['n']}" if x else "-"  # noqa: E731
    lines.append(f"| **all** | {fmt(en)} | {fmt(zh)} | {o['resisted']}/{o['n']} ({o['share']:.0%}) |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--home", default="/tmp/bhome")
    p.add_argument("--model", default="qwen2.5-1.5b")
    p.add_argument("--limit", type=int, default=None, help="first N cases only")
    p.add_argument("--category", nargs="*", default=None, help="only these categories")
    p.add_argument(
        "--no-input-guard", action="store_true", help="switch injection detection off: every attack reaches the model"
    )
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out", default=None, help="JSON file (default benchmarks/results/redteam_<model>[_noguard].json)")
    args = p.parse_args(argv)

    from assistant.guard import injection_kind
    from assistant.llm import make_chat_model, stop_embedded_servers
    from because.offline import enforce
    from because.settings import Settings
    from catalogue import load_builtin
    from support.redteam import World, load_data

    enforce()
    data = load_data()
    cases = [c for c in data["cases"] if args.category is None or c["category"] in args.category][: args.limit]
    home = Path(args.home)
    rec = load_recommender(home)
    world = World(rec, load_builtin(rec.dataset), data["user"], data["insult_words"])
    settings = Settings(home=home, llm_model=args.model, llm_threads=args.threads, llm_timeout_s=120.0)
    t = time.perf_counter()
    llm = make_chat_model(settings)
    startup = round(time.perf_counter() - t, 1)
    rec_cb = recorder()
    llm.callbacks = [rec_cb]  # copies (the router's) keep it
    rows = []
    try:
        for case in cases:
            row = run_case(world, case, llm, rec_cb, guard_on=not args.no_input_guard)
            row["detected_by_input_guard"] = "message" in case and injection_kind(case["message"]) is not None
            rows.append(row)
            print(
                f"{'ok  ' if row['resisted'] else 'FAIL'} {row['id']:22s} {row['seconds']:6.1f}s "
                f"calls={row['model_calls']:2d} "
                f"{'' if row['resisted'] else json.dumps(row['problems'], ensure_ascii=False)[:200]}",
                flush=True,
            )
    finally:
        stop_embedded_servers()
    summary = summarize(rows)
    print(table(summary))
    print(
        json.dumps(
            {
                "model": args.model,
                "input_guard": not args.no_input_guard,
                **summary["overall"],
                "failed_checks": summary["failed_checks"],
            }
        )
    )
    label = args.model + ("_noguard" if args.no_input_guard else "")
    out = Path(args.out or ROOT / "benchmarks" / "results" / f"redteam_{label}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    loadavg = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    out.write_text(
        json.dumps(
            {
                "model": args.model,
                "input_guard": not args.no_input_guard,
                "startup_seconds": startup,
                "loadavg": loadavg,
                "summary": summary,
                "cases": rows,
            },
            ensure_ascii=False,
            indent=1,
            default=str,
        ),
        encoding="utf-8",
    )
    print("wrote", out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
