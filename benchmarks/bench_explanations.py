"""Explanation quality over (user, item) pairs from ml-100k: templates only, or the local model + checker.

    python benchmarks/bench_explanations.py                     # templates, 200 pairs, en
    python benchmarks/bench_explanations.py --language zh
    python benchmarks/bench_explanations.py --llm --pairs 30    # the real local model (slow on 2 cores)

Metrics (per language):
- claim precision: verified claims / all claims (titles, features, numbers, names; the item's own
  title excluded) in the final texts; with --llm also in the model's first answers (before the checker);
- top named: share of texts that name the attribution's largest term;
- USR: distinct texts / texts;  FCR: distinct features named / features in the model;
- DIV: mean number of features two texts share (pairwise, lower is more diverse);
- fallback: share of texts that are the template; s/item: mean seconds per explanation;
- kept draft (with --llm): share of the model's accepted texts that are the draft it was given, unchanged;
- p50 s / p95 s: seconds per explanation; first word p50 s (--mode stream): seconds to the first streamed word.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.explaining.checker import ClaimChecker, check  # noqa: E402
from assistant.explaining.facts import facts_for  # noqa: E402
from assistant.explaining.template import template_explanation  # noqa: E402
from assistant.explaining.writer import explain_facts, title_mask  # noqa: E402
from scorer.attribution import explain  # noqa: E402


class Recording:
    """Wraps a chat model and keeps every raw answer, to measure precision before the checker."""

    def __init__(self, model: Any) -> None:
        self._model = model
        self.answers: list[str] = []

    def invoke(self, messages: Any, **kwargs: Any) -> Any:
        message = self._model.invoke(messages, **kwargs)
        self.answers.append(str(getattr(message, "content", "")))
        return message

    def stream(self, messages: Any, **kwargs: Any) -> Any:
        parts = []
        for chunk in self._model.stream(messages, **kwargs):
            content = getattr(chunk, "content", "")
            parts.append(content if isinstance(content, str) else "")
            yield chunk
        self.answers.append("".join(parts))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)


def load_recommender(home: Path | None):
    from scorer.pipeline import active_model_path, save_active, train_recommender
    from scorer.recommender import Recommender

    if home is not None and (home / "models" / "ACTIVE").exists():
        return Recommender.load(active_model_path(home))
    from catalogue import load_builtin

    print("training on ml-100k (about a minute)...", file=sys.stderr)
    rec = train_recommender(load_builtin("ml-100k"), progress=False)
    if home is not None:
        save_active(rec, home)
    return rec


def sample_pairs(rec, n: int, seed: int) -> list[tuple[str, str]]:
    """``n`` (user, item) pairs: distinct users, an item drawn from each user's top 10."""
    rng = np.random.default_rng(seed)
    users = rng.permutation(sorted(rec.histories))
    pairs = []
    for user in users[:n]:
        top = rec.recommend(str(user), k=10)
        pairs.append((str(user), top[int(rng.integers(len(top)))].item_id))
    return pairs


def _named(claims: list[dict[str, Any]], kinds: tuple[str, ...]) -> set[str]:
    return {c["ref"] for c in claims if c["ok"] and c["kind"] in kinds}


def _streamed(facts, language: str, llm, titles, labels, deadline: float | None):
    """The product's path: prose streamed, checked, retried once, else the template; and the time to its first word."""
    from assistant.explaining.stream import stream_explanation

    start, first, final = time.perf_counter(), None, None
    for event in stream_explanation(
        facts, language=language, llm=llm, checker=ClaimChecker.of(titles, labels), deadline=deadline
    ):
        if event.kind == "delta" and first is None:
            first = time.perf_counter() - start
        if event.kind == "final":
            final = event.item
    return final, first


def measure(
    rec, pairs, language: str, llm=None, timeout: float | None = None, show: int = 0, mode: str = "stream"
) -> dict[str, float]:
    titles, labels = rec.titles, rec.feature_labels
    texts, feature_sets, top_named, fallbacks, seconds, as_draft = [], [], 0, 0, [], 0
    first_words: list[float] = []
    n_claims = n_ok = 0
    raw_claims = raw_ok = 0
    recorder = Recording(llm) if llm is not None else None
    for user, item in pairs:
        facts = facts_for(explain(rec, user, item))
        start = time.perf_counter()
        if recorder is None:
            text = template_explanation(facts, language)
            res = check(text, facts, titles, labels, language)
            claims, fell_back = [c.to_dict() for c in res.claims], True
        else:
            before = len(recorder.answers)
            deadline = None if timeout is None else time.monotonic() + timeout
            if mode == "stream":
                out, first = _streamed(facts, language, recorder, titles, labels, deadline)
                if first is not None:
                    first_words.append(first)
            else:
                out = explain_facts(
                    facts, language=language, llm=recorder, checker=ClaimChecker.of(titles, labels), deadline=deadline
                )
            text, claims, fell_back = out.text, out.claims, out.fallback
            as_draft += (not fell_back) and " ".join(text.split()) == " ".join(
                template_explanation(facts, language).split()
            )
            if show and len(texts) < show:
                print(
                    f"--- {user}/{item} fallback={fell_back} answers={recorder.answers[before:]} "
                    f"problems={out.problems}\n{text}",
                    file=sys.stderr,
                )
            if len(recorder.answers) > before:
                first = _first_text(recorder.answers[before])
                first = title_mask(facts, language).restore(first)  # Chinese: the model wrote title tokens
                raw = [c for c in check(first, facts, titles, labels, language).claims if c.kind != "target"]
                raw_claims += len(raw)
                raw_ok += sum(c.ok for c in raw)
        seconds.append(time.perf_counter() - start)
        scored = [c for c in claims if c["kind"] != "target"]
        n_claims += len(scored)
        n_ok += sum(c["ok"] for c in scored)
        top_named += facts.top_key in _named(claims, ("history_item", "feature", "popularity"))
        feature_sets.append(_named(claims, ("feature",)))
        fallbacks += fell_back
        texts.append(text)
        if recorder is not None and len(texts) % 10 == 0:
            print(
                f"  {language} {len(texts)}/{len(pairs)}: fallback so far {fallbacks}, "
                f"median {np.median(seconds):.1f} s/item",
                file=sys.stderr,
                flush=True,
            )
    pairs_overlap = [len(a & b) for a, b in itertools.combinations(feature_sets, 2)]
    row = {
        "n": len(texts),
        "claim precision": n_ok / n_claims if n_claims else float("nan"),
        "top named": top_named / len(texts),
        "USR": len(set(texts)) / len(texts),
        "FCR": len(set().union(*feature_sets)) / len(labels),
        "DIV": float(np.mean(pairs_overlap)) if pairs_overlap else 0.0,
        "fallback": fallbacks / len(texts),
        "s/item": float(np.mean(seconds)),
        "p50 s": float(np.median(seconds)),
        "p95 s": float(np.percentile(seconds, 95)),
    }
    if recorder is not None:
        row["raw precision"] = raw_ok / raw_claims if raw_claims else float("nan")
        # the model is given the template as a draft to polish: how often it returned the draft unchanged
        model_texts = len(texts) - fallbacks
        row["kept draft"] = as_draft / model_texts if model_texts else float("nan")
        if first_words:
            row["first word p50 s"] = float(np.median(first_words))
    return row


def _first_text(answer: str) -> str:
    import json

    try:
        value = json.loads(answer)
        return str(value.get("text", "")) if isinstance(value, dict) else answer
    except ValueError:
        return answer


def table(rows: list[tuple[str, dict[str, float]]]) -> str:
    keys = list(rows[0][1])
    out = ["| mode | " + " | ".join(keys) + " |", "|---|" + "---:|" * len(keys)]
    for mode, row in rows:
        cells = [f"{row[k]:.0f}" if k == "n" else f"{row[k]:.3f}" for k in keys]
        out.append(f"| {mode} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--home", type=Path, help="home folder with a trained model (trained and saved there if missing)")
    p.add_argument("--pairs", type=int, default=200)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--language", choices=("en", "zh", "both"), default="both")
    p.add_argument(
        "--llm", action="store_true", help="use the local language model (embedded llama.cpp or OPENAI_BASE_URL)"
    )
    p.add_argument("--llm-home", type=Path, help="home folder holding llm/<model>.gguf (default: the settings home)")
    p.add_argument("--model", default=None, help="model name, e.g. qwen2.5-1.5b or qwen2.5-0.5b")
    p.add_argument("--timeout", type=float, default=None, help="seconds per item for the model")
    p.add_argument(
        "--mode",
        choices=("stream", "json"),
        default="stream",
        help="stream: the chat's path (streamed prose, checked, one retry); json: JSON answers with one retry",
    )
    p.add_argument("--show", type=int, default=0, help="print the first N model answers and final texts (stderr)")
    args = p.parse_args(argv)

    rec = load_recommender(args.home)
    pairs = sample_pairs(rec, args.pairs, args.seed)
    languages = ["en", "zh"] if args.language == "both" else [args.language]
    llm, name = None, "template"
    if args.llm:
        from assistant.llm import make_chat_model
        from because.offline import enforce
        from because.settings import Settings

        enforce()
        overrides = {"llm_model": args.model} if args.model else {}
        settings = Settings.from_env(home=args.llm_home, **overrides)
        llm, name = make_chat_model(settings, max_tokens=160), f"llm {settings.llm_model}"
    rows = []
    try:
        for language in languages:
            rows.append((f"{name} {language}", measure(rec, pairs, language, llm, args.timeout, args.show, args.mode)))
    finally:
        if args.llm:
            from assistant.llm import stop_embedded_servers

            stop_embedded_servers()
    print(f"{len(pairs)} (user, item) pairs from {rec.dataset}, seed {args.seed}; {len(rec.feature_labels)} features\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
