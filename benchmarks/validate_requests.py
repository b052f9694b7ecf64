"""Validate the three frozen request sets (tests/data/requests_*.json) against the generated catalogues.

python benchmarks/shops.py /tmp/shops && python benchmarks/validate_requests.py /tmp/shops
"""

import collections
import json
import re
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = sys.argv[1] if len(sys.argv) > 1 else "/tmp/shops"
KEYS = [
    "message",
    "lang",
    "after_list",
    "intent",
    "item",
    "what_if",
    "feedback",
    "include",
    "exclude",
    "range",
    "relative",
    "count",
    "query",
]
INTENTS = {
    "recommend",
    "explain",
    "why_not",
    "what_if",
    "search",
    "similar",
    "profile",
    "feedback",
    "out_of_scope",
    "greeting",
}
PLACE = re.compile(r"\{(shown[1-5]|owned|other)\}")


def catalogue_values(name):
    if name == "films":
        from catalogue import load_builtin

        items = load_builtin("ml-100k").items
        multi = {"genres"}
    else:
        items = pd.read_csv(f"{OUT}/{name}/items.csv")
        multi = {"tags", "genre"}
    vals, numeric = {}, {}
    for col in items.columns:
        if col in ("item_id", "title", "description"):
            continue
        s = items[col]
        if col in multi:
            cells = s if name == "films" else s.dropna().str.split("|")
            vals[col] = {v for c in cells for v in c}
        elif pd.api.types.is_numeric_dtype(s):
            numeric[col] = (float(s.min()), float(s.max()))
        else:
            vals[col] = set(s.dropna().astype(str))
    return vals, numeric


def check_label(lab, vals, numeric, where, errors, earlier=()):
    if list(k for k in lab if k != "id") != KEYS:
        errors.append(f"{where}: keys {list(lab)}")
    if lab["intent"] not in INTENTS:
        errors.append(f"{where}: intent {lab['intent']}")
    has_cjk = bool(re.search(r"[\u4e00-\u9fff]", lab["message"]))
    if (lab["lang"] == "zh") != has_cjk:
        errors.append(f"{where}: lang {lab['lang']}")
    for key in ("include", "exclude"):
        for col, vs in lab[key].items():
            if col not in vals:
                errors.append(f"{where}: {key} column {col!r} not a category/multi column")
                continue
            for v in vs:
                if v not in vals[col]:
                    errors.append(f"{where}: {key} {col}={v!r} not in catalogue")
    for col, r in lab["range"].items():
        if col not in numeric:
            errors.append(f"{where}: range column {col!r} not numeric")
        if set(r) - {"min", "max"} or ("min" in r and "max" in r and r["min"] > r["max"]):
            errors.append(f"{where}: bad range {r}")
    for col, d in lab["relative"].items():
        if col not in numeric or d not in ("lower", "higher"):
            errors.append(f"{where}: bad relative {col}:{d}")
    if lab["count"] is not None and not (set(lab["count"]) <= {"exact", "min", "max"}):
        errors.append(f"{where}: bad count {lab['count']}")
    refs = PLACE.findall(lab["message"])
    if lab["intent"] in ("explain", "why_not", "similar", "feedback"):
        if lab["item"] is None:
            errors.append(f"{where}: {lab['intent']} without item")
        elif not lab["item"].startswith("#") and lab["item"].strip("{}") not in (*refs, *earlier):
            errors.append(f"{where}: item {lab['item']} not in message")
    if lab["intent"] == "what_if":
        wi = lab["what_if"]
        if not wi or set(wi) - {"add", "remove"}:
            errors.append(f"{where}: what_if {wi}")
        elif lab["what_if"].get("remove", ["{owned}"])[0] != "{owned}":
            errors.append(f"{where}: remove of non-owned item")
    if lab["intent"] == "feedback" and lab["feedback"] not in ("liked", "disliked", "not_interested"):
        errors.append(f"{where}: feedback {lab['feedback']}")
    if lab["intent"] == "search" and not lab["query"]:
        errors.append(f"{where}: search without query")
    if (lab["relative"] or any(r.startswith("shown") for r in refs)) and not lab["after_list"]:
        errors.append(f"{where}: relative/shown without after_list")


def main():
    ok = True
    for name in ("gear", "books", "films"):
        path = ROOT / "tests" / "data" / f"requests_{name}.json"
        doc = json.load(open(path, encoding="utf-8"))
        assert doc["catalogue"] == name and doc["written"] == "2026-12-02"
        vals, numeric = catalogue_values(name)
        errors = []
        msgs, convs = doc["messages"], doc["conversations"]
        for m in msgs:
            check_label(m, vals, numeric, m["id"], errors)
        for c in convs:
            if not 3 <= len(c["turns"]) <= 6:
                errors.append(f"{c['id']}: {len(c['turns'])} turns")
            seen = []
            for i, t in enumerate(c["turns"], 1):
                check_label(t, vals, numeric, f"{c['id']}.{i}", errors, seen)
                seen += PLACE.findall(t["message"])
        texts = [m["message"].lower().strip(" ?!.") for m in msgs]
        dup = [t for t, n in collections.Counter(texts).items() if n > 1]
        if dup:
            errors.append(f"duplicate messages: {dup}")
        lang = collections.Counter(m["lang"] for m in msgs)
        turns = [t for c in convs for t in c["turns"]]
        print(
            f"== {name}: {len(msgs)} messages ({dict(lang)}, en {lang['en'] / len(msgs):.0%}), "
            f"{len(convs)} conversations, {len(turns)} turns "
            f"(zh turns {sum(t['lang'] == 'zh' for t in turns)})"
        )
        print("   intents:", dict(collections.Counter(m["intent"] for m in msgs).most_common()))
        print(
            "   by lang x intent:",
            {
                f"{lang}/{i}": n
                for (lang, i), n in sorted(collections.Counter((m["lang"], m["intent"]) for m in msgs).items())
            },
        )
        feats = collections.Counter()
        for m in msgs:
            feats.update(k for k in ("include", "exclude", "range", "relative") if m[k])
            feats.update(["count"] if m["count"] else [])
            feats.update(["after_list"] if m["after_list"] else [])
        print("   labels with:", dict(feats))
        print("   numeric columns:", numeric)
        for e in errors:
            print("   ERROR", e)
        ok &= not errors
    print("OK" if ok else "ERRORS")


main()
