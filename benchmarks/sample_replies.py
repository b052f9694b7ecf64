"""Ten replies per catalogue from a bench_requests result, chosen by a fixed seed (not by hand), as markdown.

python benchmarks/sample_replies.py benchmarks/results/requests.json [--seed 0] [--n 10]
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("results", type=Path)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--n", type=int, default=10)
    args = p.parse_args(argv)
    results = json.loads(args.results.read_text(encoding="utf-8"))
    for name, res in results.items():
        rows = random.Random(args.seed).sample(res["rows"], min(args.n, len(res["rows"])))
        print(f"\n**{name}** (user {res['user']}):\n")
        print("| message | tool, arguments | reply | tool / args / honoured |")
        print("|---|---|---|---|")
        for r in rows:
            call = f"`{r['tool']}` {json.dumps(r['args'], ensure_ascii=False)}"
            marks = "/".join("ok" if r[k] else "no" for k in ("tool_ok", "args_ok", "honoured"))
            cells = [r["message"], call, r["reply"]]
            print("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + f" | {marks} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
