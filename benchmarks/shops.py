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
from pathlib import Path

import numpy as np
from shop_books import make_books  # the generators beside this script (its folder is on sys.path)
from shop_common import write_shop
from shop_gear import make_gear
from shop_schemas import BOOK_SCHEMA, GEAR_SCHEMA


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    gear_items, gear_inter = make_gear(rng)
    write_shop(args.outdir, "gear", gear_items, gear_inter, GEAR_SCHEMA)
    ev = gear_inter["event"].value_counts()
    print(
        f"gear: {len(gear_items)} items, {gear_inter['user_id'].nunique()} users, {len(gear_inter)} events "
        f"(view {ev.get('view', 0)}, cart {ev.get('cart', 0)}, purchase {ev.get('purchase', 0)}, "
        f"return {ev.get('return', 0)}) -> {args.outdir / 'gear'}"
    )
    book_items, book_inter = make_books(rng)
    write_shop(args.outdir, "books", book_items, book_inter, BOOK_SCHEMA)
    print(
        f"books: {len(book_items)} items, {book_items['author'].nunique()} authors, "
        f"{book_inter['user_id'].nunique()} users, {len(book_inter)} ratings "
        f"(mean {book_inter['rating'].mean():.2f}) -> {args.outdir / 'books'}"
    )


if __name__ == "__main__":
    main()
