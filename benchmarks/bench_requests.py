"""Were the shopper's requests honoured? The frozen any-shop sets, scored on tool, arguments and outcome.

    python benchmarks/shops.py /tmp/shops
    python benchmarks/bench_requests.py --shops /tmp/shops --home /tmp/bhome [--model qwen2.5-1.5b]

For each set (gear and books: the generated shops; films: MovieLens 100k from --home) every single message
is asked of a fresh assistant (after one recommendation turn when its label says a list was shown), with
its placeholders filled from that list and the user's history; the conversations run turn by turn. Scores
per language (``request_scoring``): tool choice, argument accuracy (on the messages whose tool was right),
honoured. Without --model the rules and the intent model decide alone. Measure a set once: a change made
after reading its errors makes it a development set (tests/data/requests_README.md).
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

from request_scoring import (  # noqa: E402 - the scoring beside this script
    INTENT_TOOL,
    actual_conditions,
    conditions_match,
    count_ok,
    expected_conditions,
    feasible,
    meets,
)

SETS = ("gear", "books", "films")


def load_shop(name: str, shops: Path, home: Path) -> tuple[Any, Any]:
    from catalogue import load_builtin, load_files
    from scorer.pipeline import load_active, train_recommender
    from scorer.train import TrainConfig

    if name == "films":
        rec = load_active(home)
        return rec, load_builtin(rec.dataset)
    folder = shops / name
    cat = load_files(folder / "items.csv", folder / "interactions.csv", schema_path=folder / "schema.json")
    return train_recommender(cat, TrainConfig(), progress=False), cat


def pick_user(rec: Any) -> str:
    """A user with a middling history (the median length), the same every run."""
    users = sorted(rec.histories, key=lambda u: (len(rec.histories[u]), u))
    return users[len(users) // 2]


def fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


class Run:
    """One assistant, its placeholders and the facts to score against."""

    def __init__(self, rec: Any, cat: Any, llm: Any, user: str) -> None:
        from assistant import Assistant
        from tools import Session

        self.rec, self.cat, self.user = rec, cat, user
        self.a = Assistant(rec, Session.new(user=user), catalogue=cat, llm=llm, explain_llm=None)
        self.items, self.schema, self.units = self.a.ctx.items, self.a.ctx.schema, self.a.ctx.units
        history = rec.history(user)
        self.owned = max(history, key=lambda i: ((history[i] or 0), rec.popularity[rec.index_of(i)]))
        self.before: Any = None

    def values(self) -> dict[str, str]:
        from assistant.language import bare_title, display_title

        shown = [s.item for s in self.a.session.shown]
        skip = set(self.rec.history(self.user)) | set(shown)
        other = max(
            (i for i in self.rec.item_ids if i not in skip), key=lambda i: self.rec.popularity[self.rec.index_of(i)]
        )
        name = lambda i: bare_title(display_title(self.rec.title(i)))  # noqa: E731 - how a person writes it
        out = {f"shown{n}": name(i) for n, i in enumerate(shown, 1)}
        out.update(owned=name(self.owned), other=name(other))
        self._ids = {**{f"{{shown{n}}}": i for n, i in enumerate(shown, 1)}, "{owned}": self.owned, "{other}": other}
        self._ids.update({f"#{n}": i for n, i in enumerate(shown, 1)})
        return out

    def resolve(self, ref: Any) -> str | None:
        from tools.resolve import resolve_item

        try:
            return resolve_item(self.a.ctx, str(ref))
        except Exception:  # noqa: BLE001 - an unknown item is simply a wrong argument
            return None

    def ask(self, label: dict[str, Any], turn_of_conversation: bool = False) -> dict[str, Any]:
        values = self.values()
        message = fill(label["message"], values)
        shown_before = self.items.loc[[s.item for s in self.a.session.shown]] if self.a.session.shown else None
        t = time.perf_counter()
        answer = self.a.respond(message)
        seconds = time.perf_counter() - t
        calls = answer.tool_calls
        tool = calls[0]["name"] if calls else "answer"
        args = calls[0]["args"] if calls else {}
        want = INTENT_TOOL[label["intent"]]
        expected = expected_conditions(label)
        in_force = self.a.session.constraints if label["intent"] == "recommend" else list(args.get("filters") or [])
        if label["intent"] == "recommend" and not turn_of_conversation:
            in_force = list(args.get("constraints") or [])  # a single message: what it asked for
        args_ok = tool == want and self._args_ok(label, args, in_force, expected)
        honoured = args_ok
        if tool == want == "recommend":
            got = self.items.loc[[r["item"] for r in answer.recommendations]] if answer.recommendations else None
            if got is None or not len(got):
                honoured = not feasible(self.items, self.schema, expected)
            else:
                k = len(got)
                honoured = meets(got, self.schema, expected, shown_before) and count_ok(label, k)
        return {
            "message": message,
            "lang": label["lang"],
            "intent": label["intent"],
            "want": want,
            "tool": tool,
            "args": args,
            "in_force": in_force,
            "tool_ok": tool == want,
            "args_ok": args_ok,
            "honoured": honoured,
            "seconds": round(seconds, 3),
            "reply": answer.text[:200],
        }

    def _args_ok(self, label: dict[str, Any], args: dict[str, Any], in_force: list[str], expected: list[Any]) -> bool:
        if label["intent"] in ("recommend", "search"):
            if not conditions_match(expected, actual_conditions(in_force, self.schema, self.units)):
                return False
            return label["intent"] != "recommend" or count_ok(label, args.get("k"))
        if label.get("item") is not None and self.resolve(args.get("item")) != self._ids.get(label["item"]):
            return False
        if label.get("what_if"):
            for direction in ("remove", "add"):
                want = {self._ids.get(r) for r in label["what_if"].get(direction, [])}
                if {self.resolve(r) for r in args.get(direction, [])} != want:
                    return False
        if label.get("feedback") and args.get("feedback") != label["feedback"]:
            return False
        return True


def score(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for lang in ("en", "zh", "all"):
        sub = [r for r in rows if lang == "all" or r["lang"] == lang]
        right_tool = [r for r in sub if r["tool_ok"]]
        out[lang] = {
            "n": len(sub),
            "tool": _share(right_tool, sub),
            "args": _share([r for r in right_tool if r["args_ok"]], right_tool),
            "honoured": _share([r for r in sub if r["honoured"]], sub),
        }
    return out


def _share(part: list[Any], whole: list[Any]) -> float | None:
    return round(len(part) / len(whole), 3) if whole else None


def run_set(name: str, data: dict[str, Any], rec: Any, cat: Any, llm: Any) -> dict[str, Any]:
    user = pick_user(rec)
    singles = []
    for label in data["messages"]:
        run = Run(rec, cat, llm, user)
        if label.get("after_list"):
            run.a.respond("recommend me something")
        singles.append(run.ask(label))
    turns = []
    for conv in data["conversations"]:
        run = Run(rec, cat, llm, user)
        if conv["turns"] and conv["turns"][0].get("after_list"):
            run.a.respond("recommend me something")
        for label in conv["turns"]:
            turns.append({"conversation": conv["id"], **run.ask(label, turn_of_conversation=True)})
    by_intent = defaultdict(list)
    for r in singles:
        by_intent[r["intent"]].append(r)
    return {
        "user": user,
        "messages": score(singles),
        "conversation_turns": score(turns),
        "by_intent": {k: score(v)["all"] for k, v in sorted(by_intent.items())},
        "rows": singles,
        "turns": turns,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--shops", type=Path, default=Path("/tmp/shops"), help="where benchmarks/shops.py wrote the shops")
    p.add_argument("--home", type=Path, default=Path("/tmp/bhome"), help="a home with the film model trained")
    p.add_argument("--sets", nargs="*", default=list(SETS))
    p.add_argument("--model", default=None, help="route with this language model too (e.g. qwen2.5-1.5b)")
    p.add_argument("--prefix", default="requests_", help="which frozen sets: requests_ (first) or requests_v2_")
    p.add_argument("--file", type=Path, help="score this request file instead (a smoke test: the first --sets name)")
    p.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "requests.json")
    args = p.parse_args(argv)

    from because.offline import enforce

    enforce()
    llm = None
    if args.model:
        from assistant.llm import make_chat_model
        from because.settings import Settings

        llm = make_chat_model(Settings(home=args.home, llm_model=args.model, llm_timeout_s=120.0))
    results: dict[str, Any] = {}
    for name in args.sets:
        path = args.file or ROOT / "tests" / "data" / f"{args.prefix}{name}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        rec, cat = load_shop(name, args.shops, args.home)
        results[name] = run_set(name, data, rec, cat, llm)
        print(name, json.dumps({k: v for k, v in results[name].items() if k not in ("rows", "turns")}), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print("wrote", args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
