"""The claim checker on its own labelled set: does it reject false explanations and accept true ones?

    .venv/bin/python benchmarks/bench_checker.py [--set tests/data/checker_set] [--json out.json] [--show KIND]

The set (``tests/data/checker_set/texts.json``, 390 texts for 65 real pairs of ml-100k and a generated gear
shop, half true paraphrases and half false ones of 14 kinds, EN and ZH) was written by a helper that saw
only the pairs' facts, never the checker, and committed before any checker change (see BENCHMARKS.md for
the commit it was frozen at). ``facts.json`` holds each pair's facts exactly as the chat's checker gets them
(from the model trained at that commit) and each shop's titles and feature labels, so the figures do not
move when the model is retrained.

Pairs are split in two by a fixed seed: "dev" is the half a checker change may be tuned on, "test" the
half it must not be; both are reported, and the test half is the figure that counts.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.explaining import ClaimChecker  # noqa: E402
from assistant.explaining.facts import ExplanationFacts, Fact  # noqa: E402

SPLIT_SEED = 2026


def load_facts(d: dict[str, Any]) -> ExplanationFacts:
    d = dict(d)
    d["supporting"] = [Fact(**f) for f in d["supporting"]]
    d["holding_back"] = [Fact(**f) for f in d["holding_back"]]
    return ExplanationFacts(**d)


def split_of(pairs: list[str]) -> dict[str, str]:
    order = sorted(pairs)
    random.Random(SPLIT_SEED).shuffle(order)
    return {p: ("dev" if n % 2 == 0 else "test") for n, p in enumerate(order)}


def run(folder: Path) -> list[dict[str, Any]]:
    texts = json.loads((folder / "texts.json").read_text(encoding="utf-8"))
    data = json.loads((folder / "facts.json").read_text(encoding="utf-8"))
    checkers = {
        s: ClaimChecker.of(v["titles"], v["feature_labels"], v.get("aliases")) for s, v in data["shops"].items()
    }
    facts = {p: load_facts(d) for p, d in data["pairs"].items()}
    split = split_of(list(facts))
    rows = []
    for t in texts:
        shop = t["pair"].split(":", 1)[0]
        result = checkers[shop](t["text"], facts[t["pair"]], t["language"])
        rows.append({**t, "split": split[t["pair"]], "accepted": result.ok, "problems": list(result.problems)})
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    """Per split and language: acceptance of true texts, recall on false ones; then recall per kind."""
    out = ["| split | language | true accepted | false rejected |", "|---|---|---|---|"]
    for split in ("dev", "test", "all"):
        for lang in ("en", "zh"):
            sel = [r for r in rows if (split == "all" or r["split"] == split) and r["language"] == lang]
            true = [r for r in sel if r["label"] == "true"]
            false = [r for r in sel if r["label"] == "false"]
            acc = sum(r["accepted"] for r in true)
            rej = sum(not r["accepted"] for r in false)
            out.append(
                f"| {split} | {lang} | {acc}/{len(true)} = {acc / max(len(true), 1):.3f} | "
                f"{rej}/{len(false)} = {rej / max(len(false), 1):.3f} |"
            )
    kinds: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for r in rows:
        if r["label"] == "false":
            kinds[(r["kind"], r["language"])].append(not r["accepted"])
    out += ["", "| false kind | EN rejected | ZH rejected |", "|---|---|---|"]
    for kind in sorted({k for k, _ in kinds}):
        cells = []
        for lang in ("en", "zh"):
            v = kinds.get((kind, lang), [])
            cells.append(f"{sum(v)}/{len(v)}" if v else "-")
        out.append(f"| {kind} | {cells[0]} | {cells[1]} |")
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", default=str(ROOT / "tests" / "data" / "checker_set"))
    ap.add_argument("--json", help="write every text's verdict here")
    ap.add_argument("--show", help="print the texts of this kind ('paraphrase' for wrongly rejected true ones)")
    ap.add_argument("--split", default="dev", help="which split --show prints (dev, test or all)")
    args = ap.parse_args()
    rows = run(Path(args.set))
    print(table(rows))
    if args.show:
        for r in rows:
            if r["kind"] == args.show and (args.split == "all" or r["split"] == args.split):
                wrong = r["accepted"] != (r["label"] == "true")
                if wrong:
                    print(f"- [{r['language']}] {r['text']}\n    note: {r['note']}\n    problems: {r['problems']}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
