"""Seeded generator of two synthetic, non-film shop catalogues for "Because".

    python shops.py OUTDIR [--seed 0]

writes OUTDIR/gear/{items.csv, interactions.csv, schema.json} and OUTDIR/books/{...}.
Everything is drawn from one numpy Generator (``np.random.default_rng(seed)``), so the same seed
gives byte-identical files.  All brands, models, authors and titles are invented.

Generative story
================

gear (outdoor gear shop, ~600 items)
------------------------------------
* Ten categories (tent, sleeping bag, backpack, jacket, boots, stove, headlamp, trekking poles,
  water filter, sleeping pad), each with its own realistic price band (USD) and weight band (grams),
  its own way of naming models ("Ridge 2" tent = 2 persons, "Glen 45" backpack = 45 litres,
  "Drift 20" sleeping bag = rated to 20 F, "Beacon 400" headlamp = 400 lumens, ...) and its own
  set of possible tags.
* Eight invented brands with a character: a price multiplier (Wayfarer is cheap, Fjellmark and
  Halcyon are premium), a weight multiplier (Cinderline builds ultralight, Ironbark builds heavy and
  tough), a tag bias (Saltmoss uses recycled fabrics, Halcyon makes many women's fits, Fjellmark
  makes 4-season gear, Kobold makes family gear) and a subset of categories it sells.
* An item = category + brand + model.  Its quality (latent, not written) pushes the price up;
  "ultralight" items are lighter and dearer, "family" items (4+ person tents, gravity filters,
  two-burner stoves) heavier; "budget" is given to the cheapest ~30 % of a category.
  Title = "<brand> <model> <category word>", unique within the shop.  The description is one or
  two sentences rendered only from the columns (brand, category, weight, tags) - no other facts.
* Users (~2,000) have latent tastes: two or three favourite categories (Dirichlet weights), a
  price position (budget / mid / premium, the preferred price quantile within a category), one or
  two favourite brands, and a liking for some tags (e.g. ultralight, women's, family).  Each user
  has a lognormal number of product views; the viewed item is drawn by a softmax over
  utility = category weight + brand affinity + price fit + tag fit + item popularity.  A view turns
  into a cart with a probability rising with utility (~14 % on average), a cart into a purchase
  (~45 %), and ~6 % of purchases are returned.  A handful of purchases (re-orders) have no view.
  Timestamps: each user is active over a random part of 2025; cart follows its view by minutes,
  purchase follows by minutes to days, returns by one to three weeks (ISO 8601 UTC).
  interactions.csv: user_id,item_id,event,timestamp (event in view/cart/purchase/return).

books (bookshop, ~800 items)
----------------------------
* ~150 invented authors.  Each has a language (mostly English; some Chinese, French, Spanish), one
  or two home genres, a career span within 1950-2025, a typical book length and a quality.
* A book takes its author's language, one or two genres (from the author's genres, sometimes one
  extra, e.g. Mystery|Thriller), a year inside the career, pages around the genre's and author's
  typical length (80-900), and a price (5-60 USD) that grows with pages, recency and genre
  (cookbooks and history dearer, poetry and children's cheaper).  Titles are invented in the
  book's language and unique.  Description: one or two sentences from the columns only.
* Users (~1,500) have genre weights (Dirichlet, 2-3 strong genres), one to three favourite
  authors, a preferred length (short / medium / long), a reading language set (English for most;
  some users also or only read Chinese, French or Spanish) and a harshness bias.  Each user rates
  a lognormal number of books chosen by softmax over utility; the rating (1-5) is
  round(3.4 + 0.8 * utility z-score + book quality + user bias + noise), clipped.
  interactions.csv: user_id,item_id,rating,timestamp (ratings only, no events).

schema.json
-----------
Declares every feature column as {"type": numeric|multi|category|text, "unit": ...} where a unit
exists (USD, g, year, pages).  Note: the loader in catalogue/schema.py (read at the
time of writing) accepts only the flat form {"columns": {"price": "numeric"}}; the flat form is
written beside it as schema_flat.json so either can be used.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

YEAR_START = pd.Timestamp("2025-01-01T00:00:00Z")
YEAR_SECONDS = 365 * 24 * 3600


# ---------------------------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------------------------

def softmax(x: np.ndarray) -> np.ndarray:
    z = np.exp(x - x.max())
    return z / z.sum()


def iso(seconds: np.ndarray) -> list[str]:
    """Seconds after 2025-01-01 UTC -> ISO 8601 strings with a Z."""
    stamps = YEAR_START + pd.to_timedelta(np.asarray(seconds, dtype="int64"), unit="s")
    return [s.strftime("%Y-%m-%dT%H:%M:%SZ") for s in stamps]


def write_shop(outdir: Path, name: str, items: pd.DataFrame, inter: pd.DataFrame, schema: dict) -> None:
    folder = outdir / name
    folder.mkdir(parents=True, exist_ok=True)
    items.to_csv(folder / "items.csv", index=False)
    inter.to_csv(folder / "interactions.csv", index=False)
    (folder / "schema.json").write_text(json.dumps({"columns": schema}, indent=2) + "\n", "utf-8")
    flat = {col: spec["type"] for col, spec in schema.items()}
    (folder / "schema_flat.json").write_text(json.dumps({"columns": flat}, indent=2) + "\n", "utf-8")


# ---------------------------------------------------------------------------------------------
# gear
# ---------------------------------------------------------------------------------------------

# category: (price lo, price hi, weight lo g, weight hi g, title word, items)
GEAR_CATEGORIES = {
    "tent":           (90, 650, 800, 6000, "Tent", 66),
    "sleeping bag":   (60, 550, 500, 2200, "Sleeping Bag", 62),
    "backpack":       (50, 400, 700, 2800, "Backpack", 64),
    "jacket":         (60, 550, 200, 950, "Jacket", 70),
    "boots":          (80, 320, 700, 1900, "Boots", 60),
    "stove":          (25, 200, 70, 1500, "Stove", 56),
    "headlamp":       (15, 120, 30, 200, "Headlamp", 56),
    "trekking poles": (30, 200, 250, 650, "Trekking Poles", 54),
    "water filter":   (20, 180, 50, 600, "Water Filter", 54),
    "sleeping pad":   (30, 250, 300, 1500, "Sleeping Pad", 58),
}

# brand: price multiplier, weight multiplier, tag bias, categories not sold
GEAR_BRANDS = {
    "Kobold":     (0.85, 1.05, {"family": 2.0, "budget": 1.2}, {"trekking poles"}),
    "Northpeak":  (1.00, 1.00, {}, set()),
    "Fjellmark":  (1.35, 1.05, {"4-season": 2.5, "insulated": 1.5}, {"headlamp"}),
    "Cinderline": (1.20, 0.78, {"ultralight": 2.5, "packable": 1.5}, {"boots"}),
    "Wayfarer":   (0.70, 1.15, {"budget": 2.0}, {"water filter"}),
    "Saltmoss":   (1.05, 0.98, {"recycled": 3.0}, {"stove", "headlamp"}),
    "Ironbark":   (0.95, 1.12, {"waterproof": 1.4}, {"sleeping bag", "water filter"}),
    "Halcyon":    (1.25, 0.95, {"women's": 2.5}, {"stove", "trekking poles"}),
}

# tag: probability per category (missing = never); exclusive groups handled in code
GEAR_TAG_P = {
    "tent":           {"waterproof": .6, "ultralight": .25, "4-season": .2, "freestanding": .6, "recycled": .12},
    "sleeping bag":   {"ultralight": .25, "4-season": .25, "women's": .25, "wide": .12, "recycled": .12},
    "backpack":       {"waterproof": .2, "ultralight": .25, "women's": .3, "recycled": .18},
    "jacket":         {"packable": .4, "women's": .4, "ultralight": .2, "recycled": .18},
    "boots":          {"waterproof": .6, "insulated": .2, "women's": .4, "wide": .2, "ultralight": .15},
    "stove":          {"ultralight": .35, "4-season": .15},
    "headlamp":       {"rechargeable": .55, "waterproof": .45, "ultralight": .3},
    "trekking poles": {"carbon": .4, "women's": .25, "packable": .3},
    "water filter":   {"ultralight": .4},
    "sleeping pad":   {"insulated": .5, "ultralight": .3, "wide": .2, "women's": .15, "4-season": .2},
}

MODEL_NAMES = """Ridge Summit Ember Cirrus Talus Drift Beacon Strider Aurora Basin Cairn Corrie Dune Fell
Fjord Glen Harrier Kestrel Larch Lynx Moraine Nimbus Pika Quarry Rill Scree Sierra Spruce Tarn Tor Vale
Wren Zephyr Alder Col Crag Heron Juniper Kite Meadow Nova Orbit Pinnacle Ranger Sable Tundra Vista Yarrow
Cedar Flint Gale Haven Ibex Jasper Loch Marten Nettle Puffin Rowan Solstice Thistle Bramble Cascade
Dipper Egret Falcon Gully Hollow Isle Knoll Lichen Mistral Notch Otter Ptarmigan Quill Rime Saddle
Torrent Umber Verglas Willow Aspen Birch Condor Delta Esker Fern""".split()


def _gear_model(cat: str, rng: np.random.Generator, name: str) -> tuple[str, dict]:
    """Model part of the title plus facts it implies (capacity, jacket type, filter type...)."""
    facts: dict = {}
    if cat == "tent":
        cap = int(rng.choice([1, 2, 2, 2, 3, 3, 4, 4, 6]))
        facts["cap"] = cap
        return f"{name} {cap}", facts
    if cat == "sleeping bag":
        temp = int(rng.choice([0, 10, 15, 20, 30, 40]))
        facts["temp"] = temp
        return f"{name} {temp}", facts
    if cat == "backpack":
        litres = int(rng.choice([18, 24, 30, 38, 45, 55, 65, 70]))
        facts["litres"] = litres
        return f"{name} {litres}", facts
    if cat == "jacket":
        kind = str(rng.choice(["Rain", "Shell", "Down", "Insulated", "Softshell", "Fleece"]))
        facts["kind"] = kind
        return f"{name} {kind}", facts
    if cat == "boots":
        cut = str(rng.choice(["Mid", "Low", "Hi", "Trail"]))
        facts["cut"] = cut
        return f"{name} {cut}", facts
    if cat == "stove":
        kind = str(rng.choice(["", "", "Micro", "Duo", "Trail", "Basecamp"]))
        facts["kind"] = kind
        return (f"{name} {kind}".strip()), facts
    if cat == "headlamp":
        lumens = int(rng.choice([150, 200, 250, 300, 400, 500, 700]))
        facts["lumens"] = lumens
        return f"{name} {lumens}", facts
    if cat == "trekking poles":
        kind = str(rng.choice(["Carbon", "Alu", "Trail", "Fold"]))
        facts["kind"] = kind
        return f"{name} {kind}", facts
    if cat == "water filter":
        kind = str(rng.choice(["Squeeze", "Squeeze", "Gravity", "Pump", "Straw", "Bottle"]))
        facts["kind"] = kind
        return f"{name} {kind}", facts
    kind = str(rng.choice(["Air", "Air", "Foam", "SI"]))
    facts["kind"] = kind
    return f"{name} {kind}", facts


def _gear_tags(cat: str, brand: str, facts: dict, rng: np.random.Generator) -> list[str]:
    bias = GEAR_BRANDS[brand][2]
    tags: list[str] = []
    for tag, p in GEAR_TAG_P[cat].items():
        if rng.random() < min(0.95, p * bias.get(tag, 1.0)):
            tags.append(tag)
    # facts implied by the model name
    if cat == "tent":
        if facts["cap"] >= 4:
            tags.append("family")
        if "4-season" not in tags:
            tags.append("3-season")
        if facts["cap"] >= 4 and "ultralight" in tags:
            tags.remove("ultralight")
    if cat == "sleeping bag":
        tags.append("down" if rng.random() < 0.5 else "synthetic")
        if facts["temp"] <= 10 and "4-season" not in tags:
            tags.append("4-season")
        if facts["temp"] >= 30 and "4-season" in tags:
            tags.remove("4-season")
        if "4-season" not in tags:
            tags.append("3-season")
    if cat == "jacket":
        kind = facts["kind"]
        if kind in ("Rain", "Shell"):
            tags.append("waterproof")
        if kind in ("Down", "Insulated"):
            tags.append("insulated")
            tags.append("down" if kind == "Down" else "synthetic")
        if kind == "Softshell" and rng.random() < 0.3:
            tags.append("waterproof")
        if kind == "Fleece" and "ultralight" in tags:
            tags.remove("ultralight")
    if cat == "stove" and facts["kind"] in ("Duo", "Basecamp"):
        tags.append("family")
        if "ultralight" in tags:
            tags.remove("ultralight")
    if cat == "stove" and facts["kind"] == "Micro" and "ultralight" not in tags:
        tags.append("ultralight")
    if cat == "trekking poles" and facts["kind"] == "Carbon" and "carbon" not in tags:
        tags.append("carbon")
    if cat == "trekking poles" and facts["kind"] == "Alu" and "carbon" in tags:
        tags.remove("carbon")
    if cat == "trekking poles" and facts["kind"] == "Fold" and "packable" not in tags:
        tags.append("packable")
    if cat == "water filter":
        if facts["kind"] in ("Gravity", "Pump"):
            if rng.random() < 0.6:
                tags.append("family")
            if "ultralight" in tags:
                tags.remove("ultralight")
        if facts["kind"] == "Straw" and "ultralight" not in tags:
            tags.append("ultralight")
    if cat == "sleeping pad" and facts["kind"] == "Foam" and "ultralight" in tags:
        tags.remove("ultralight")
    if cat == "headlamp" and rng.random() < 0.08:
        tags.append("kids")
    if "family" in bias and cat in ("tent", "stove") and "family" not in tags and rng.random() < 0.25:
        tags.append("family")
    return list(dict.fromkeys(tags))


def _gear_weight(cat: str, facts: dict, tags: list[str], brand: str, rng: np.random.Generator) -> int:
    lo, hi = GEAR_CATEGORIES[cat][2:4]
    base = rng.beta(2.2, 2.2)
    if cat == "tent":
        base = 0.03 + 0.14 * (facts["cap"] - 1) + 0.12 * rng.random()
    if cat == "sleeping bag":
        base = 0.25 + 0.015 * (40 - facts["temp"]) + 0.15 * rng.random() - (0.12 if "down" in tags else 0)
    if cat == "backpack":
        base = 0.05 + 0.012 * (facts["litres"] - 18) + 0.15 * rng.random()
    if cat == "jacket":
        base = {"Rain": .25, "Shell": .3, "Down": .35, "Insulated": .55, "Softshell": .6, "Fleece": .65}[facts["kind"]]
        base += 0.15 * rng.random()
    if cat == "stove":
        base = {"": .15, "Micro": .02, "Duo": .6, "Trail": .2, "Basecamp": .75}[facts["kind"]] + 0.15 * rng.random()
    if cat == "headlamp":
        base = 0.1 + facts["lumens"] / 1000 + 0.2 * rng.random()
    if cat == "water filter":
        base = {"Squeeze": .1, "Gravity": .6, "Pump": .65, "Straw": .02, "Bottle": .35}[facts["kind"]] + 0.2 * rng.random()
    if cat == "sleeping pad":
        base = {"Air": .2, "Foam": .35, "SI": .6}[facts["kind"]] + 0.25 * rng.random()
    if "ultralight" in tags:
        base *= 0.6
    if "insulated" in tags and cat == "boots":
        base += 0.15
    if "4-season" in tags and cat in ("tent", "sleeping pad"):
        base += 0.1
    base = float(np.clip(base * GEAR_BRANDS[brand][1], 0.0, 1.0))
    w = lo + base * (hi - lo)
    step = 5 if hi < 1000 else 10
    return int(max(lo, round(w / step) * step))


def _gear_description(title: str, cat: str, brand: str, weight: int, tags: list[str]) -> str:
    """One or two sentences from the columns only: tags, category, brand, weight, 'budget'."""
    shown = [t for t in tags if t != "budget"]
    w = f"{weight / 1000:.2f} kg".replace(".00 kg", " kg") if weight >= 1000 else f"{weight} g"
    words = ", ".join(shown[:-1]) + (" and " if len(shown) > 1 else "") + shown[-1] if shown else ""
    if cat in ("boots", "trekking poles"):
        text = f"{words} {cat} from {brand}".strip()
        text = text[0].upper() + text[1:] + f", weighing {w} a pair."
    else:
        text = f"A {words} {cat} from {brand}, weighing {w}.".replace("A  ", "A ")
        if text[2] in "aeiou":
            text = "An " + text[2:]
    return text + (" Priced for tight budgets." if "budget" in tags else "")


def make_gear(rng: np.random.Generator, n_users: int = 2000) -> tuple[pd.DataFrame, pd.DataFrame]:
    brands = list(GEAR_BRANDS)
    rows = []
    seen: set[str] = set()
    item_no = 0
    for cat, (plo, phi, _wlo, _whi, word, n) in GEAR_CATEGORIES.items():
        sellers = [b for b in brands if cat not in GEAR_BRANDS[b][3]]
        for _ in range(n):
            brand = str(rng.choice(sellers))
            for _attempt in range(50):
                model, facts = _gear_model(cat, rng, str(rng.choice(MODEL_NAMES)))
                title = f"{brand} {model} {word}"
                if title not in seen:
                    break
            else:  # pragma: no cover - 90 model names make this practically impossible
                title = f"{brand} {model} II {word}"
            seen.add(title)
            tags = _gear_tags(cat, brand, facts, rng)
            quality = rng.normal()
            pos = 1 / (1 + np.exp(-(1.5 * quality + 0.6 * ("ultralight" in tags) + 0.4 * ("4-season" in tags)
                                    + 0.3 * ("down" in tags) + 0.3 * ("carbon" in tags) - 0.5)))
            price = plo + pos * (phi - plo) * GEAR_BRANDS[brand][0]
            if cat == "tent":
                price *= 0.75 + 0.1 * facts["cap"]
            price = float(np.clip(price, plo, phi))
            price = round(price) - 0.01 if price > 40 else round(price, 0) - 0.05
            weight = _gear_weight(cat, facts, tags, brand, rng)
            item_no += 1
            rows.append(dict(item_id=f"G{item_no:04d}", title=title, category=cat, brand=brand,
                             price=round(price, 2), weight_g=weight, tags=tags, quality=quality))
    items = pd.DataFrame(rows)
    # "budget" = cheapest ~30 % of its category (with some noise)
    q30 = items.groupby("category")["price"].transform(lambda s: s.quantile(0.3))
    budget = (items["price"] <= q30) & (rng.random(len(items)) < 0.9)
    items["tags"] = [t + ["budget"] if b else t for t, b in zip(items["tags"], budget)]
    items["description"] = [
        _gear_description(r.title, r.category, r.brand, r.weight_g, r.tags) for r in items.itertuples()
    ]
    inter = _gear_interactions(items, rng, n_users)
    items["tags"] = ["|".join(t) for t in items["tags"]]
    items = items[["item_id", "title", "description", "category", "brand", "price", "weight_g", "tags"]]
    return items, inter


def _gear_interactions(items: pd.DataFrame, rng: np.random.Generator, n_users: int) -> pd.DataFrame:
    cats = list(GEAR_CATEGORIES)
    brands = list(GEAR_BRANDS)
    tag_vocab = sorted({t for ts in items["tags"] for t in ts})
    n_items = len(items)
    cat_idx = items["category"].map({c: i for i, c in enumerate(cats)}).to_numpy()
    brand_idx = items["brand"].map({b: i for i, b in enumerate(brands)}).to_numpy()
    price_q = items.groupby("category")["price"].rank(pct=True).to_numpy()
    tag_mat = np.array([[t in ts for t in tag_vocab] for ts in items["tags"]], dtype=float)
    popularity = 0.5 * items["quality"].to_numpy() + rng.normal(0, 0.5, n_items)

    rows_u, rows_i, rows_e, rows_t = [], [], [], []
    for u in range(n_users):
        alpha = np.full(len(cats), 0.35)
        cat_w = rng.dirichlet(alpha)
        cat_util = 2.2 * np.log(cat_w + 0.03)
        band = rng.choice([0.2, 0.5, 0.8], p=[0.35, 0.4, 0.25])           # budget / mid / premium
        brand_util = np.zeros(len(brands))
        fav = rng.choice(len(brands), size=rng.integers(1, 3), replace=False)
        brand_util[fav] = rng.uniform(0.8, 1.8, len(fav))
        tag_util = np.zeros(len(tag_vocab))
        liked = rng.choice(len(tag_vocab), size=rng.integers(0, 3), replace=False)
        tag_util[liked] = rng.uniform(0.6, 1.5, len(liked))
        if "budget" in tag_vocab and band == 0.2:
            tag_util[tag_vocab.index("budget")] += 0.8
        util = (cat_util[cat_idx] + brand_util[brand_idx] - 6.0 * (price_q - band) ** 2
                + tag_mat @ tag_util + popularity)
        p = softmax(util)
        n_views = int(np.clip(rng.lognormal(3.1, 0.6), 4, 180))
        viewed = rng.choice(n_items, size=n_views, p=p)
        start = rng.uniform(0, 0.8) * YEAR_SECONDS
        span = rng.uniform(0.1, 1.0) * (YEAR_SECONDS - start)
        times = np.sort(start + rng.uniform(0, span, n_views))
        z = (util[viewed] - util.mean()) / (util.std() + 1e-9)
        p_cart = 1 / (1 + np.exp(-(-2.75 + 0.5 * z)))
        for it, t, pc in zip(viewed, times, p_cart):
            t = int(t)
            rows_u.append(u); rows_i.append(it); rows_e.append("view"); rows_t.append(t)
            if rng.random() < pc:
                tc = t + int(rng.integers(30, 1800))
                rows_u.append(u); rows_i.append(it); rows_e.append("cart"); rows_t.append(tc)
                if rng.random() < 0.45:
                    tp = tc + int(rng.choice([rng.integers(60, 3600), rng.integers(3600, 5 * 86400)]))
                    rows_u.append(u); rows_i.append(it); rows_e.append("purchase"); rows_t.append(tp)
                    if rng.random() < 0.06:
                        tr = tp + int(rng.integers(7 * 86400, 21 * 86400))
                        rows_u.append(u); rows_i.append(it); rows_e.append("return"); rows_t.append(tr)
        if rng.random() < 0.04:  # a re-order without a fresh view
            it = int(rng.choice(n_items, p=p))
            rows_u.append(u); rows_i.append(it); rows_e.append("purchase")
            rows_t.append(int(start + rng.uniform(0, span)))
    t = np.minimum(np.asarray(rows_t), YEAR_SECONDS - 1)
    inter = pd.DataFrame({
        "user_id": [f"u{u + 1:04d}" for u in rows_u],
        "item_id": items["item_id"].to_numpy()[np.asarray(rows_i)],
        "event": rows_e,
        "timestamp": t,
    }).sort_values(["timestamp", "user_id"], kind="stable")
    inter["timestamp"] = iso(inter["timestamp"].to_numpy())
    return inter.reset_index(drop=True)


GEAR_SCHEMA = {
    "category": {"type": "category"},
    "brand": {"type": "category"},
    "price": {"type": "numeric", "unit": "USD"},
    "weight_g": {"type": "numeric", "unit": "g"},
    "tags": {"type": "multi"},
}


# ---------------------------------------------------------------------------------------------
# books
# ---------------------------------------------------------------------------------------------

GENRES = ["Mystery", "Thriller", "Science Fiction", "Fantasy", "Romance", "Literary Fiction", "Horror",
          "History", "Biography", "Cookbook", "Self-help", "Poetry", "Children"]
# genre: (typical pages, spread, price factor, usual companion genres)
GENRE_INFO = {
    "Mystery": (330, 70, 1.0, ["Thriller", "Literary Fiction"]),
    "Thriller": (380, 80, 1.0, ["Mystery", "Horror"]),
    "Science Fiction": (420, 120, 1.0, ["Fantasy", "Thriller"]),
    "Fantasy": (520, 170, 1.05, ["Science Fiction", "Romance", "Children"]),
    "Romance": (330, 70, 0.85, ["Literary Fiction", "Fantasy"]),
    "Literary Fiction": (310, 90, 1.0, ["Romance", "History"]),
    "Horror": (340, 80, 0.95, ["Thriller", "Fantasy"]),
    "History": (460, 140, 1.3, ["Biography"]),
    "Biography": (400, 110, 1.2, ["History"]),
    "Cookbook": (260, 70, 1.45, ["History"]),
    "Self-help": (230, 50, 0.95, ["Biography"]),
    "Poetry": (110, 30, 0.7, ["Literary Fiction"]),
    "Children": (110, 30, 0.6, ["Fantasy"]),
}

FIRST = {
    "English": """Nora Eliza Tobias Miriam Declan Harriet Owen Clara Felix Imogen Rupert Vera Silas Maud Ezra
Ada Jonah Priya Malcolm Ines Theo Rosalind Caleb Wilhelmina Gideon Bea Arthur Delphine Hugo Lena Ivan Sasha
Marcus June Rowan Tessa Nathaniel Odette Samir Greta""".split(),
    "French": "Camille Étienne Margaux Lucien Solène Baptiste Aurélie Gaspard Inès Mathis".split(),
    "Spanish": "Lucía Mateo Inés Rodrigo Carmen Álvaro Pilar Joaquín Elena Tomás".split(),
}
LAST = {
    "English": """Quill Ashdown Harrow Pemberton Vance Okafor Lindqvist Marlowe Sutter Crane Whitlock Fairbanks
Abernathy Holloway Reyes Castell Moorcroft Thorne Blackwood Ellery Kimura Sato Brennan Aldous Winslow
Greaves Hartley Nakamura Osei Penhaligon Ridley Sinclair Tamsin Underhill Voss Wexford Yardley Zeller
Calloway Dunmore Everly Finch""".split(),
    "French": "Delorme Marchand Fontaine Lefebvre Roussel Garnier Aubert Morel Chevalier Lacroix".split(),
    "Spanish": "Ferrer Salazar Montoya Ibarra Quintana Robles Villanueva Cordero Aranda Soler".split(),
}
CHINESE_AUTHORS = """Lin Wanqing|Chen Yuxi|Zhou Mingyuan|Xu Qiaoyun|Shen Moran|Gu Changfeng|Su Jinglan|Wen Shuyi|
He Zhaowei|Lu Xiaoman|Tang Ruoshui|Fang Yiming|Jiang Lan|Qin Haoran""".replace("\n", "").split("|")

ADJ = """Silent Hollow Crimson Last Winter Salt Paper Glass Iron Quiet Burning Drowned Forgotten Distant Little
Broken Golden Hidden Long Wild Northern Bitter Secret Midnight Lantern Amber Velvet Ashen Restless Gentle""".split()
NOUN = """Orchard Harbour Lighthouse Garden Archive Kingdom Station River Season Letters Map Mirror Ledger Tide
Cartographer Widow Clockmaker Orphan Island Signal Empire Country Voyage Fox House Bell Crown Winter Lake
Witness Apprentice Engine Comet Forest Meridian Chapel Inheritance Mountain Border Choir""".split()
PLACE = ["Lisbon", "Marrakesh", "the Fens", "Kyoto", "Trieste", "Patagonia", "the Hebrides", "Samarkand",
         "Valparaíso", "Tallinn", "the Delta", "Alexandria", "the Steppe", "Galway", "Hanoi"]
FOOD = """Noodles Bread Soups Dumplings Salads Baking Curries Pickles Breakfasts Tarts Rice Vegetables""".split()
HELP = """Habit Pause Enough Morning Focus Calm Courage Attention Rest Kindness""".split()
CHILD_NAMES = """Pip Moss Juniper Bo Tilly Oona Rufus Wren Milo Dot""".split()
CHILD_THINGS = ["Moon Kite", "Lost Button", "Giant Pear", "Night Train", "Cloud Whale", "Paper Boat", "Snow Bear",
                "Singing Stone"]

ZH_TITLES_A = "山海 长夜 归途 故园 雾港 星河 旧信 南方 雪线 孤岛 灯塔 春水 远山 深巷 白夜 江湖 青石 月台 风筝 铁轨".split()
ZH_TITLES_B = "之间 纪事 往事 的秘密 十年 手记 来信 之歌 笔记 以北 人家 旅人 谜案 夜话 的孩子".split()
FR_A = ["La Maison", "L'Heure", "Le Jardin", "La Nuit", "Le Silence", "L'Été", "La Mémoire", "Le Voyage",
        "La Lettre", "Le Phare", "Le Secret", "La Rivière"]
FR_B = ["des Brumes", "bleue", "d'Hiver", "du Nord", "perdue", "des Oiseaux", "de Sel", "sans Nom", "d'Ambre",
        "des Autres"]
ES_A = ["El Jardín", "La Casa", "El Último", "La Noche", "El Mar", "La Sombra", "El Viaje", "La Memoria",
        "El Faro", "La Ciudad"]
ES_B = ["de Sal", "del Norte", "de los Espejos", "sin Nombre", "de Ceniza", "dormida", "de Invierno",
        "de las Abejas", "del Olvido", "de Ámbar"]


def _book_title(lang: str, genre: str, rng: np.random.Generator) -> str:
    title = _raw_title(lang, genre, rng)
    if title.startswith("A ") and title[2] in "AEIOU":
        title = "An " + title[2:]
    return title.replace(" a A", " an A").replace(" a E", " an E").replace(" a I", " an I").replace(" a O", " an O")


def _raw_title(lang: str, genre: str, rng: np.random.Generator) -> str:
    c = rng.choice
    if lang == "Chinese":
        return f"{c(ZH_TITLES_A)}{c(ZH_TITLES_B)}"
    if lang == "French":
        return f"{c(FR_A)} {c(FR_B)}"
    if lang == "Spanish":
        return f"{c(ES_A)} {c(ES_B)}"
    if genre == "Cookbook":
        return str(c([f"The {c(ADJ)} Kitchen", f"A Year of {c(FOOD)}", f"Weeknight {c(FOOD)}",
                      f"{c(FOOD)} from {c(PLACE)}", f"The {c(FOOD)} Book"]))
    if genre == "Self-help":
        return str(c([f"The {c(HELP)} Habit", f"The Art of {c(HELP)}", f"Small Steps to {c(HELP)}",
                      f"A Little Book of {c(HELP)}", f"{c(HELP)} Is a Practice"]))
    if genre == "Children":
        return str(c([f"{c(CHILD_NAMES)} and the {c(CHILD_THINGS)}", f"{c(CHILD_NAMES)} Goes to {c(PLACE)}",
                      f"The {c(ADJ)} {c(NOUN)} for Little Ones"]))
    if genre == "Poetry":
        return str(c([f"{c(ADJ)} Songs", f"Poems from the {c(NOUN)}", f"{c(NOUN)} Psalms", f"Elegies for a {c(NOUN)}"]))
    if genre in ("History", "Biography"):
        return str(c([f"The {c(NOUN)} of {c(PLACE)}", f"A History of the {c(ADJ)} {c(NOUN)}",
                      f"{c(PLACE)}: A Life", f"The {c(ADJ)} Years", f"Empire of {c(NOUN)}s"]))
    return str(c([f"The {c(ADJ)} {c(NOUN)}", f"The {c(NOUN)} of {c(PLACE)}", f"A {c(NOUN)} in {c(PLACE)}",
                  f"{c(ADJ)} {c(NOUN)}", f"The {c(NOUN)}'s {c(NOUN)}", f"Where the {c(NOUN)} Ends"]))


def _book_description(genres: list[str], author: str, year: int, pages: int, lang: str) -> str:
    g = " and ".join(x.lower() if x not in ("Self-help",) else "self-help" for x in genres)
    g = g.replace("science fiction", "science-fiction").replace("children", "children's")
    kind = {"cookbook": "cookbook", "poetry": "poetry collection", "children's": "children's book"}.get(g, f"{g} book")
    if g in ("cookbook", "poetry", "children's"):
        first = f"A {kind} by {author}, published in {year}."
    else:
        art = "An" if g[0] in "aeiouh" and not g.startswith("hor") else "A"
        if g.startswith("history"):
            art = "A"
        first = f"{art} {kind} by {author}, published in {year}."
    second = f" {pages} pages, in {lang}." if lang != "English" else f" {pages} pages."
    return first + second


def make_books(rng: np.random.Generator, n_items: int = 800, n_users: int = 1500) -> tuple[pd.DataFrame, pd.DataFrame]:
    # authors
    authors = []
    names: set[str] = set()
    langs = ["English"] * 118 + ["Chinese"] * 14 + ["French"] * 10 + ["Spanish"] * 8
    zh = iter(CHINESE_AUTHORS)
    for lang in langs:
        if lang == "Chinese":
            name = next(zh)
        else:
            while True:
                name = f"{rng.choice(FIRST[lang])} {rng.choice(LAST[lang])}"
                if name not in names:
                    break
        names.add(name)
        home = [str(rng.choice(GENRES, p=_genre_prior()))]
        if rng.random() < 0.4:
            home.append(str(rng.choice(GENRE_INFO[home[0]][3])))
        start = int(rng.integers(1950, 2016))
        end = int(min(2025, start + rng.integers(8, 45)))
        authors.append(dict(name=name, lang=lang, genres=home, start=start, end=end,
                            length=rng.normal(1.0, 0.15), quality=rng.normal(0, 0.5),
                            weight=rng.lognormal(0, 0.5)))
    aw = np.array([a["weight"] for a in authors])
    rows = []
    seen: set[str] = set()
    for b in range(n_items):
        a = authors[int(rng.choice(len(authors), p=aw / aw.sum()))]
        genres = [a["genres"][0]] if len(a["genres"]) == 1 or rng.random() < 0.35 else list(a["genres"])
        if len(genres) == 1 and rng.random() < 0.2:
            extra = str(rng.choice(GENRE_INFO[genres[0]][3]))
            genres.append(extra)
        genres = list(dict.fromkeys(genres))
        main = genres[0]
        for _ in range(80):
            title = _book_title(a["lang"], main, rng)
            if title not in seen:
                break
        else:
            title = f"{title} II"
        seen.add(title)
        year = int(rng.integers(a["start"], a["end"] + 1))
        mu, sd, pf, _ = GENRE_INFO[main]
        pages = int(np.clip(rng.normal(mu * a["length"], sd), 80, 900))
        edition = rng.choice([1.0, 1.0, 1.0, 1.55])  # some books only exist in a dear edition
        price = (4 + 0.028 * pages + 0.16 * max(0, year - 1990)) * pf * edition * rng.lognormal(0, 0.15)
        price = float(np.clip(price, 5, 60))
        price = round(price) - 0.01 if price > 6 else 5.99
        quality = a["quality"] + rng.normal(0, 0.4)
        rows.append(dict(item_id=f"B{b + 1:04d}", title=title, author=a["name"], genre=genres, year=year,
                         pages=pages, price=round(price, 2), language=a["lang"], quality=quality))
    items = pd.DataFrame(rows)
    items["description"] = [_book_description(r.genre, r.author, r.year, r.pages, r.language)
                            for r in items.itertuples()]
    inter = _book_ratings(items, rng, n_users)
    items["genre"] = ["|".join(g) for g in items["genre"]]
    items = items[["item_id", "title", "description", "author", "genre", "year", "pages", "price", "language"]]
    return items, inter


def _genre_prior() -> np.ndarray:
    w = np.array([12, 9, 9, 10, 10, 12, 6, 7, 6, 4, 5, 5, 5], dtype=float)
    return w / w.sum()


def _book_ratings(items: pd.DataFrame, rng: np.random.Generator, n_users: int) -> pd.DataFrame:
    n = len(items)
    gmat = np.array([[g in gs for g in GENRES] for gs in items["genre"]], dtype=float)
    gmat /= gmat.sum(1, keepdims=True)
    author_codes, author_names = pd.factorize(items["author"])
    lang = items["language"].to_numpy()
    pages = items["pages"].to_numpy(dtype=float)
    quality = items["quality"].to_numpy()
    pop = 0.6 * quality + rng.normal(0, 0.5, n)
    rows_u, rows_i, rows_r, rows_t = [], [], [], []
    for u in range(n_users):
        gw = rng.dirichlet(np.full(len(GENRES), 0.3))
        g_util = 3.5 * np.log(gw + 0.02)
        fav_books = rng.choice(n, size=rng.integers(1, 4))  # favourite authors found through a book
        a_util = np.zeros(len(author_names))
        a_util[author_codes[fav_books]] = rng.uniform(1.0, 2.5, len(fav_books))
        length = rng.choice([200.0, 350.0, 550.0], p=[0.3, 0.45, 0.25])
        r = rng.random()
        reads = {"English"} if r < 0.8 else ({"English", str(rng.choice(["Chinese", "French", "Spanish"]))}
                                             if r < 0.93 else {str(rng.choice(["Chinese", "French", "Spanish"]))})
        l_util = np.where(np.isin(lang, list(reads)), 0.0, -6.0)
        util = gmat @ g_util + a_util[author_codes] - ((pages - length) / 250.0) ** 2 + l_util + pop
        p = softmax(util)
        k = int(np.clip(rng.lognormal(3.0, 0.75), 3, 250))
        k = min(k, int((p > 1e-6).sum()))
        chosen = rng.choice(n, size=k, replace=False, p=p)
        z = (util[chosen] - util.mean()) / (util.std() + 1e-9)
        bias = rng.normal(0, 0.4)
        score = 2.45 + 0.6 * z + 0.6 * quality[chosen] + bias + rng.normal(0, 0.9, k)
        ratings = np.clip(np.rint(score), 1, 5).astype(int)
        start = rng.uniform(0, 0.85) * YEAR_SECONDS
        span = rng.uniform(0.05, 1.0) * (YEAR_SECONDS - start)
        times = start + rng.uniform(0, span, k)
        rows_u += [u] * k; rows_i += chosen.tolist(); rows_r += ratings.tolist(); rows_t += times.astype(int).tolist()
    inter = pd.DataFrame({
        "user_id": [f"r{u + 1:04d}" for u in rows_u],
        "item_id": items["item_id"].to_numpy()[np.asarray(rows_i)],
        "rating": rows_r,
        "timestamp": rows_t,
    }).sort_values(["timestamp", "user_id"], kind="stable")
    inter["timestamp"] = iso(inter["timestamp"].to_numpy())
    return inter.reset_index(drop=True)


BOOK_SCHEMA = {
    "author": {"type": "category"},
    "genre": {"type": "multi"},
    "year": {"type": "numeric", "unit": "year"},
    "pages": {"type": "numeric", "unit": "pages"},
    "price": {"type": "numeric", "unit": "USD"},
    "language": {"type": "category"},
}


# ---------------------------------------------------------------------------------------------

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    gear_items, gear_inter = make_gear(rng)
    write_shop(args.outdir, "gear", gear_items, gear_inter, GEAR_SCHEMA)
    ev = gear_inter["event"].value_counts()
    print(f"gear: {len(gear_items)} items, {gear_inter['user_id'].nunique()} users, {len(gear_inter)} events "
          f"(view {ev.get('view', 0)}, cart {ev.get('cart', 0)}, purchase {ev.get('purchase', 0)}, "
          f"return {ev.get('return', 0)}) -> {args.outdir / 'gear'}")
    book_items, book_inter = make_books(rng)
    write_shop(args.outdir, "books", book_items, book_inter, BOOK_SCHEMA)
    print(f"books: {len(book_items)} items, {book_items['author'].nunique()} authors, "
          f"{book_inter['user_id'].nunique()} users, {len(book_inter)} ratings "
          f"(mean {book_inter['rating'].mean():.2f}) -> {args.outdir / 'books'}")


if __name__ == "__main__":
    main()
