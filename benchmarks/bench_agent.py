"""Tool choice and latency of the agent.

    python benchmarks/bench_agent.py --home /tmp/bhome --models qwen2.5-1.5b qwen2.5-0.5b
    python benchmarks/bench_agent.py --rules-only          # rules and intent model, no language model

Single messages: the labelled sets the intent model learns from (assistant/routing/intent_data/) are each
scored with an intent model trained on the *other* sets (leave-one-set-out); tests/data/tool_choice_blind4.json
was never learned from nor looked at while tuning. For each model: accuracy of the whole router
(``Router.decide``: rules, intent model, language model), where each decision came from, and, with
--llm-alone, the model alone on every message. Conversations run end to end through the
agent (tools, explanations from explain_items with the same model) and give per-turn latency by
turn type: time to structured recommendations, to the first prose (reply or explanation), to the
full answer; p50 / p95 in seconds.
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

DATA = ROOT / "tests" / "data" / "tool_choice.json"  # the multi-turn conversations
INTENT_DATA = (
    ROOT / "assistant" / "routing" / "intent_data"
)  # what the intent model learns from: scored leave-one-set-out
DEV_PARTS = ("single", "heldout", "heldout2", "blind", "blind2", "blind3")
# written blind (no sight of rules, prompts or other sets) and never learned from: the honest test
TEST = {"blind4": ROOT / "tests" / "data" / "tool_choice_blind4.json"}
USER = "1"


def load_recommender(home: Path) -> Any:
    from catalogue import load_builtin
    from scorer.pipeline import active_model_path, train_recommender
    from scorer.recommender import Recommender
    from scorer.train import TrainConfig

    try:
        return Recommender.load(active_model_path(home))
    except Exception:  # noqa: BLE001 - no trained model here: a small one is enough to route against
        return train_recommender(
            load_builtin("ml-100k"), TrainConfig(lambdas=(300.0,), epochs=20, shrinks=(1.0,)), progress=False
        )


def placeholders(rec: Any) -> dict[str, str]:
    from assistant.language import bare_title, display_title

    shown = rec.recommend(USER, k=5)
    history = rec.history(USER)
    seen = sorted(history, key=lambda i: (-(history[i] or 0), -rec.popularity[rec.index_of(i)]))
    skip = set(history) | {r.item_id for r in shown}
    unseen = max((i for i in rec.item_ids if i not in skip), key=lambda i: rec.popularity[rec.index_of(i)])
    name = lambda i: bare_title(display_title(rec.title(i)))  # noqa: E731 - how a person writes it
    out = {f"shown{n}": name(r.item_id) for n, r in enumerate(shown, 1)}
    out.update(seen=name(seen[0]), seen2=name(seen[1]), unseen=name(unseen))
    return out


def fill(text: str, values: dict[str, str]) -> str:
    for k, v in values.items():
        text = text.replace("{" + k + "}", v)
    return text


def ok(tool: str, expected: str | list[str]) -> bool:
    return tool in ([expected] if isinstance(expected, str) else expected)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def new_assistant(rec: Any, cat: Any, llm: Any, explain: bool) -> Any:
    from assistant.agent import Assistant
    from tools.session import Session

    return Assistant(rec, Session.new(user=USER), catalogue=cat, llm=llm, explain_llm="same" if explain else None)


def intent_without(part: str) -> Any:
    """The intent model trained on every labelled set except ``part`` (leave-one-set-out)."""
    from assistant.routing.intent_model import IntentModel, load_examples

    return IntentModel([e for e in load_examples() if e.part != part])


def bench_single(
    rec: Any,
    cat: Any,
    llm: Any,
    entries: list[dict[str, Any]],
    values: dict[str, str],
    limit: int | None,
    part: str,
    llm_alone: bool = False,
    intent: bool = True,
) -> dict[str, Any]:
    from because.errors import LanguageModelError

    a = new_assistant(rec, cat, llm, explain=False)
    if not intent:
        a.router._intent = None
    elif part in DEV_PARTS:
        a.router._intent = intent_without(part)
    a.respond("recommend me something")  # every single message follows one recommendation turn
    rows = []
    for entry in entries[:limit]:
        msg = fill(entry["message"], values)
        fast = a.router.fast(a.session, msg)
        ranked = a.router.ranked(a.session, msg)
        errors: list[str] = []
        t = time.perf_counter()
        d = a.router.decide(
            a.session, msg, model_usable=llm is not None, on_model_error=lambda e: errors.append(str(e)[:120])
        )
        seconds = time.perf_counter() - t
        llm_tool = None
        if llm is not None and llm_alone:
            try:
                llm_tool = a.router.ask_model(a.session, msg).tool
            except LanguageModelError as err:
                errors.append(str(err)[:120])
        rows.append(
            {
                "message": msg,
                "lang": entry["lang"],
                "expected": entry["tool"],
                "rule": fast.tool if fast else None,
                "intent": ranked[0][0] if ranked else None,
                "intent_p": round(ranked[0][1], 3) if ranked else None,
                "llm": llm_tool,
                "system": d.tool,
                "source": d.source,
                "args": d.args,
                "seconds": seconds,
                "error": errors[0] if errors else None,
            }
        )
        print(
            f"  {'ok ' if ok(d.tool, entry['tool']) else 'BAD'} {msg[:50]:50s} {d.source:7s} rule={rows[-1]['rule']} "
            f"intent={rows[-1]['intent']}:{rows[-1]['intent_p']} sys={d.tool} want={entry['tool']} {seconds:.2f}s",
            flush=True,
        )
    return summarize_single(rows)


def summarize_single(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def acc(key: str, subset: list[dict[str, Any]]) -> float | None:
        scored = [r for r in subset if r[key] is not None]
        return round(sum(ok(r[key], r["expected"]) for r in scored) / len(scored), 3) if scored else None

    ruled = [r for r in rows if r["rule"] is not None]
    out: dict[str, Any] = {
        "n": len(rows),
        "system_accuracy": acc("system", rows),
        "llm_alone_accuracy": acc("llm", rows),
        "intent_alone_accuracy": acc("intent", rows),
        "llm_errors": sum(r["error"] is not None for r in rows),
        "rule_coverage": round(len(ruled) / len(rows), 3),
        "rule_accuracy": acc("rule", ruled),
    }
    for lang in ("en", "zh"):
        out[f"system_accuracy_{lang}"] = acc("system", [r for r in rows if r["lang"] == lang])
    for source in ("rule", "intent", "llm", "fallback"):
        sub = [r for r in rows if r["source"] == source]
        out[f"by_{source}"] = {"share": round(len(sub) / len(rows), 3), "accuracy": acc("system", sub)}
    secs = [r["seconds"] for r in rows if r["source"] == "llm"]
    out["llm_route_seconds_p50"] = round(pct(secs, 0.5), 2) if secs else None
    out["llm_route_seconds_p95"] = round(pct(secs, 0.95), 2) if secs else None
    out["rows"] = rows
    out["mistakes"] = [
        {k: r[k] for k in ("message", "expected", "rule", "intent", "intent_p", "source", "system")}
        for r in rows
        if not ok(r["system"], r["expected"])
    ]
    return out


def bench_conversations(
    rec: Any, cat: Any, llm: Any, data: dict[str, Any], values: dict[str, str], explain: bool
) -> dict[str, Any]:
    turns, by_type = [], defaultdict(lambda: defaultdict(list))
    for conv in data["conversations"]:
        a = new_assistant(rec, cat, llm, explain)
        for turn in conv["turns"]:
            shown = {f"shown{n}": s.title for n, s in enumerate(a.session.shown, 1)}
            msg = fill(turn["message"], {**values, **shown})
            answer = a.respond(msg)
            tools = [c["name"] for c in answer.tool_calls] or ["answer"]
            good = ok(tools[0], turn["tool"])
            kind = turn["tool"] if isinstance(turn["tool"], str) else turn["tool"][0]
            for key, value in answer.timings.items():
                by_type[kind][key].append(value)
            turns.append(
                {
                    "conversation": conv["id"],
                    "message": msg,
                    "expected": turn["tool"],
                    "got": tools,
                    "ok": good,
                    "timings": answer.timings,
                    "notice": answer.notice,
                    "fallback_explanations": sum(e["fallback"] for e in answer.explanations),
                    "explanations": len(answer.explanations),
                    "model_written": sum(e.get("attempts", 0) > 0 for e in answer.explanations),
                    "model_fell_back": sum(e.get("attempts", 0) > 0 and e["fallback"] for e in answer.explanations),
                }
            )
            print(
                f"  {conv['id']} {'ok ' if good else 'BAD'} {msg[:40]:40s} got={tools} want={turn['tool']} "
                f"t={answer.timings}",
                flush=True,
            )
    latency = {
        kind: {
            key: {"p50": round(pct(v, 0.5), 2), "p95": round(pct(v, 0.95), 2), "n": len(v)} for key, v in keys.items()
        }
        for kind, keys in by_type.items()
    }
    convs_ok = defaultdict(list)
    for t in turns:
        convs_ok[t["conversation"]].append(t["ok"])
    return {
        "turn_accuracy": round(sum(t["ok"] for t in turns) / len(turns), 3),
        "n_turns": len(turns),
        "conversations_all_correct": sum(all(v) for v in convs_ok.values()),
        "n_conversations": len(convs_ok),
        "explanations_template": sum(t["fallback_explanations"] for t in turns),
        "explanations": sum(t["explanations"] for t in turns),
        "model_written_explanations": sum(t["model_written"] for t in turns),
        "model_written_fell_back": sum(t["model_fell_back"] for t in turns),
        "latency_seconds": latency,
        "mistakes": [t for t in turns if not t["ok"]],
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--home", default="/tmp/bhome")
    p.add_argument("--models", nargs="*", default=["qwen2.5-1.5b", "qwen2.5-0.5b"])
    p.add_argument("--rules-only", action="store_true", help="no language model: the fast rules and the fallback")
    p.add_argument("--limit", type=int, default=None, help="first N single messages only")
    p.add_argument(
        "--sets",
        nargs="*",
        default=[*DEV_PARTS, *TEST],
        help=f"which single-message sets to score ({', '.join([*DEV_PARTS, *TEST])})",
    )
    p.add_argument("--no-conversations", action="store_true")
    p.add_argument(
        "--llm-alone", action="store_true", help="also ask the language model alone (all tools) on every message (slow)"
    )
    p.add_argument(
        "--no-intent", action="store_true", help="route without the intent model (rules, then the language model)"
    )
    p.add_argument("--no-explain-llm", action="store_true", help="template explanations in conversations")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "agent.json"))
    args = p.parse_args(argv)

    from because.offline import enforce
    from because.settings import Settings
    from catalogue import load_builtin

    enforce()
    from assistant.routing.intent_model import load_examples

    data = json.loads(DATA.read_text(encoding="utf-8"))
    for e in load_examples():
        data.setdefault(e.part, []).append(
            {"message": e.text, "lang": e.lang, "tool": list(e.accepted) if len(e.accepted) > 1 else e.tool}
        )
    for name, path in TEST.items():
        if path.exists():
            data[name] = json.loads(path.read_text(encoding="utf-8"))["messages"]
    home = Path(args.home)
    rec = load_recommender(home)
    cat = load_builtin(rec.dataset)
    values = placeholders(rec)
    print("placeholders:", values)
    results: dict[str, Any] = {"user": USER, "placeholders": values}
    for model in [None] if args.rules_only else args.models:
        llm = None
        label = model or "rules-only"
        if model is not None:
            from assistant.llm import make_chat_model, stop_embedded_servers

            settings = Settings(home=home, llm_model=model, llm_threads=args.threads, llm_timeout_s=120.0)
            t = time.perf_counter()
            llm = make_chat_model(settings)
            results.setdefault("startup_seconds", {})[label] = round(time.perf_counter() - t, 1)
        entry: dict[str, Any] = {}
        for part in [x for x in args.sets if x in data]:
            print(f"== {label}: {part} messages", flush=True)
            entry[part] = bench_single(
                rec, cat, llm, data[part], values, args.limit, part, args.llm_alone, not args.no_intent
            )
        if not args.no_conversations:
            print(f"== {label}: conversations", flush=True)
            entry["conversations"] = bench_conversations(rec, cat, llm, data, values, explain=not args.no_explain_llm)
        results[label] = entry
        for name in [x for x in args.sets if x in entry]:
            print(name, json.dumps({k: v for k, v in entry[name].items() if "mistakes" not in k and k != "rows"}))
        if "conversations" in entry:
            c = entry["conversations"]
            print(json.dumps({k: v for k, v in c.items() if k != "mistakes"}, indent=1))
        if model is not None:
            stop_embedded_servers()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print("wrote", out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
