"""The outdoor gear shop (see the generative story in ``shops.py``): items, and view/cart/purchase/return events."""

from __future__ import annotations

import numpy as np
import pandas as pd
from shop_common import YEAR_SECONDS, iso, softmax

# category: (price lo, price hi, weight lo g, weight hi g, title word, items)
GEAR_CATEGORIES = {
    "tent": (90, 650, 800, 6000, "Tent", 66),
    "sleeping bag": (60, 550, 500, 2200, "Sleeping Bag", 62),
    "backpack": (50, 400, 700, 2800, "Backpack", 64),
    "jacket": (60, 550, 200, 950, "Jacket", 70),
    "boots": (80, 320, 700, 1900, "Boots", 60),
    "stove": (25, 200, 70, 1500, "Stove", 56),
    "headlamp": (15, 120, 30, 200, "Headlamp", 56),
    "trekking poles": (30, 200, 250, 650, "Trekking Poles", 54),
    "water filter": (20, 180, 50, 600, "Water Filter", 54),
    "sleeping pad": (30, 250, 300, 1500, "Sleeping Pad", 58),
}

# brand: price multiplier, weight multiplier, tag bias, categories not sold
GEAR_BRANDS = {
    "Kobold": (0.85, 1.05, {"family": 2.0, "budget": 1.2}, {"trekking poles"}),
    "Northpeak": (1.00, 1.00, {}, set()),
    "Fjellmark": (1.35, 1.05, {"4-season": 2.5, "insulated": 1.5}, {"headlamp"}),
    "Cinderline": (1.20, 0.78, {"ultralight": 2.5, "packable": 1.5}, {"boots"}),
    "Wayfarer": (0.70, 1.15, {"budget": 2.0}, {"water filter"}),
    "Saltmoss": (1.05, 0.98, {"recycled": 3.0}, {"stove", "headlamp"}),
    "Ironbark": (0.95, 1.12, {"waterproof": 1.4}, {"sleeping bag", "water filter"}),
    "Halcyon": (1.25, 0.95, {"women's": 2.5}, {"stove", "trekking poles"}),
}

# tag: probability per category (missing = never); exclusive groups handled in code
GEAR_TAG_P = {
    "tent": {"waterproof": 0.6, "ultralight": 0.25, "4-season": 0.2, "freestanding": 0.6, "recycled": 0.12},
    "sleeping bag": {"ultralight": 0.25, "4-season": 0.25, "women's": 0.25, "wide": 0.12, "recycled": 0.12},
    "backpack": {"waterproof": 0.2, "ultralight": 0.25, "women's": 0.3, "recycled": 0.18},
    "jacket": {"packable": 0.4, "women's": 0.4, "ultralight": 0.2, "recycled": 0.18},
    "boots": {"waterproof": 0.6, "insulated": 0.2, "women's": 0.4, "wide": 0.2, "ultralight": 0.15},
    "stove": {"ultralight": 0.35, "4-season": 0.15},
    "headlamp": {"rechargeable": 0.55, "waterproof": 0.45, "ultralight": 0.3},
    "trekking poles": {"carbon": 0.4, "women's": 0.25, "packable": 0.3},
    "water filter": {"ultralight": 0.4},
    "sleeping pad": {"insulated": 0.5, "ultralight": 0.3, "wide": 0.2, "women's": 0.15, "4-season": 0.2},
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
        base = {"Rain": 0.25, "Shell": 0.3, "Down": 0.35, "Insulated": 0.55, "Softshell": 0.6, "Fleece": 0.65}[
            facts["kind"]
        ]
        base += 0.15 * rng.random()
    if cat == "stove":
        base = {"": 0.15, "Micro": 0.02, "Duo": 0.6, "Trail": 0.2, "Basecamp": 0.75}[
            facts["kind"]
        ] + 0.15 * rng.random()
    if cat == "headlamp":
        base = 0.1 + facts["lumens"] / 1000 + 0.2 * rng.random()
    if cat == "water filter":
        base = {"Squeeze": 0.1, "Gravity": 0.6, "Pump": 0.65, "Straw": 0.02, "Bottle": 0.35}[
            facts["kind"]
        ] + 0.2 * rng.random()
    if cat == "sleeping pad":
        base = {"Air": 0.2, "Foam": 0.35, "SI": 0.6}[facts["kind"]] + 0.25 * rng.random()
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
            pos = 1 / (
                1
                + np.exp(
                    -(
                        1.5 * quality
                        + 0.6 * ("ultralight" in tags)
                        + 0.4 * ("4-season" in tags)
                        + 0.3 * ("down" in tags)
                        + 0.3 * ("carbon" in tags)
                        - 0.5
                    )
                )
            )
            price = plo + pos * (phi - plo) * GEAR_BRANDS[brand][0]
            if cat == "tent":
                price *= 0.75 + 0.1 * facts["cap"]
            price = float(np.clip(price, plo, phi))
            price = round(price) - 0.01 if price > 40 else round(price, 0) - 0.05
            weight = _gear_weight(cat, facts, tags, brand, rng)
            item_no += 1
            rows.append(
                dict(
                    item_id=f"G{item_no:04d}",
                    title=title,
                    category=cat,
                    brand=brand,
                    price=round(price, 2),
                    weight_g=weight,
                    tags=tags,
                    quality=quality,
                )
            )
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
        band = rng.choice([0.2, 0.5, 0.8], p=[0.35, 0.4, 0.25])  # budget / mid / premium
        brand_util = np.zeros(len(brands))
        fav = rng.choice(len(brands), size=rng.integers(1, 3), replace=False)
        brand_util[fav] = rng.uniform(0.8, 1.8, len(fav))
        tag_util = np.zeros(len(tag_vocab))
        liked = rng.choice(len(tag_vocab), size=rng.integers(0, 3), replace=False)
        tag_util[liked] = rng.uniform(0.6, 1.5, len(liked))
        if "budget" in tag_vocab and band == 0.2:
            tag_util[tag_vocab.index("budget")] += 0.8
        util = cat_util[cat_idx] + brand_util[brand_idx] - 6.0 * (price_q - band) ** 2 + tag_mat @ tag_util + popularity
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
            rows_u.append(u)
            rows_i.append(it)
            rows_e.append("view")
            rows_t.append(t)
            if rng.random() < pc:
                tc = t + int(rng.integers(30, 1800))
                rows_u.append(u)
                rows_i.append(it)
                rows_e.append("cart")
                rows_t.append(tc)
                if rng.random() < 0.45:
                    tp = tc + int(rng.choice([rng.integers(60, 3600), rng.integers(3600, 5 * 86400)]))
                    rows_u.append(u)
                    rows_i.append(it)
                    rows_e.append("purchase")
                    rows_t.append(tp)
                    if rng.random() < 0.06:
                        tr = tp + int(rng.integers(7 * 86400, 21 * 86400))
                        rows_u.append(u)
                        rows_i.append(it)
                        rows_e.append("return")
                        rows_t.append(tr)
        if rng.random() < 0.04:  # a re-order without a fresh view
            it = int(rng.choice(n_items, p=p))
            rows_u.append(u)
            rows_i.append(it)
            rows_e.append("purchase")
            rows_t.append(int(start + rng.uniform(0, span)))
    t = np.minimum(np.asarray(rows_t), YEAR_SECONDS - 1)
    inter = pd.DataFrame(
        {
            "user_id": [f"u{u + 1:04d}" for u in rows_u],
            "item_id": items["item_id"].to_numpy()[np.asarray(rows_i)],
            "event": rows_e,
            "timestamp": t,
        }
    ).sort_values(["timestamp", "user_id"], kind="stable")
    inter["timestamp"] = iso(inter["timestamp"].to_numpy())
    return inter.reset_index(drop=True)
