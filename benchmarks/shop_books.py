"""The bookshop (see the generative story in ``shops.py``): items, and 1-5 star ratings."""

from __future__ import annotations

import numpy as np
import pandas as pd
from shop_common import YEAR_SECONDS, iso, softmax

GENRES = [
    "Mystery",
    "Thriller",
    "Science Fiction",
    "Fantasy",
    "Romance",
    "Literary Fiction",
    "Horror",
    "History",
    "Biography",
    "Cookbook",
    "Self-help",
    "Poetry",
    "Children",
]
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
PLACE = [
    "Lisbon",
    "Marrakesh",
    "the Fens",
    "Kyoto",
    "Trieste",
    "Patagonia",
    "the Hebrides",
    "Samarkand",
    "Valparaíso",
    "Tallinn",
    "the Delta",
    "Alexandria",
    "the Steppe",
    "Galway",
    "Hanoi",
]
FOOD = """Noodles Bread Soups Dumplings Salads Baking Curries Pickles Breakfasts Tarts Rice Vegetables""".split()
HELP = """Habit Pause Enough Morning Focus Calm Courage Attention Rest Kindness""".split()
CHILD_NAMES = """Pip Moss Juniper Bo Tilly Oona Rufus Wren Milo Dot""".split()
CHILD_THINGS = [
    "Moon Kite",
    "Lost Button",
    "Giant Pear",
    "Night Train",
    "Cloud Whale",
    "Paper Boat",
    "Snow Bear",
    "Singing Stone",
]

ZH_TITLES_A = (
    "山海 长夜 归途 故园 雾港 星河 旧信 南方 雪线 孤岛 灯塔 春水 远山 深巷 白夜 江湖 青石 月台 风筝 铁轨".split()
)
ZH_TITLES_B = "之间 纪事 往事 的秘密 十年 手记 来信 之歌 笔记 以北 人家 旅人 谜案 夜话 的孩子".split()
FR_A = [
    "La Maison",
    "L'Heure",
    "Le Jardin",
    "La Nuit",
    "Le Silence",
    "L'Été",
    "La Mémoire",
    "Le Voyage",
    "La Lettre",
    "Le Phare",
    "Le Secret",
    "La Rivière",
]
FR_B = [
    "des Brumes",
    "bleue",
    "d'Hiver",
    "du Nord",
    "perdue",
    "des Oiseaux",
    "de Sel",
    "sans Nom",
    "d'Ambre",
    "des Autres",
]
ES_A = [
    "El Jardín",
    "La Casa",
    "El Último",
    "La Noche",
    "El Mar",
    "La Sombra",
    "El Viaje",
    "La Memoria",
    "El Faro",
    "La Ciudad",
]
ES_B = [
    "de Sal",
    "del Norte",
    "de los Espejos",
    "sin Nombre",
    "de Ceniza",
    "dormida",
    "de Invierno",
    "de las Abejas",
    "del Olvido",
    "de Ámbar",
]


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
        return str(
            c(
                [
                    f"The {c(ADJ)} Kitchen",
                    f"A Year of {c(FOOD)}",
                    f"Weeknight {c(FOOD)}",
                    f"{c(FOOD)} from {c(PLACE)}",
                    f"The {c(FOOD)} Book",
                ]
            )
        )
    if genre == "Self-help":
        return str(
            c(
                [
                    f"The {c(HELP)} Habit",
                    f"The Art of {c(HELP)}",
                    f"Small Steps to {c(HELP)}",
                    f"A Little Book of {c(HELP)}",
                    f"{c(HELP)} Is a Practice",
                ]
            )
        )
    if genre == "Children":
        return str(
            c(
                [
                    f"{c(CHILD_NAMES)} and the {c(CHILD_THINGS)}",
                    f"{c(CHILD_NAMES)} Goes to {c(PLACE)}",
                    f"The {c(ADJ)} {c(NOUN)} for Little Ones",
                ]
            )
        )
    if genre == "Poetry":
        return str(c([f"{c(ADJ)} Songs", f"Poems from the {c(NOUN)}", f"{c(NOUN)} Psalms", f"Elegies for a {c(NOUN)}"]))
    if genre in ("History", "Biography"):
        return str(
            c(
                [
                    f"The {c(NOUN)} of {c(PLACE)}",
                    f"A History of the {c(ADJ)} {c(NOUN)}",
                    f"{c(PLACE)}: A Life",
                    f"The {c(ADJ)} Years",
                    f"Empire of {c(NOUN)}s",
                ]
            )
        )
    return str(
        c(
            [
                f"The {c(ADJ)} {c(NOUN)}",
                f"The {c(NOUN)} of {c(PLACE)}",
                f"A {c(NOUN)} in {c(PLACE)}",
                f"{c(ADJ)} {c(NOUN)}",
                f"The {c(NOUN)}'s {c(NOUN)}",
                f"Where the {c(NOUN)} Ends",
            ]
        )
    )


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
        authors.append(
            dict(
                name=name,
                lang=lang,
                genres=home,
                start=start,
                end=end,
                length=rng.normal(1.0, 0.15),
                quality=rng.normal(0, 0.5),
                weight=rng.lognormal(0, 0.5),
            )
        )
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
        rows.append(
            dict(
                item_id=f"B{b + 1:04d}",
                title=title,
                author=a["name"],
                genre=genres,
                year=year,
                pages=pages,
                price=round(price, 2),
                language=a["lang"],
                quality=quality,
            )
        )
    items = pd.DataFrame(rows)
    items["description"] = [
        _book_description(r.genre, r.author, r.year, r.pages, r.language) for r in items.itertuples()
    ]
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
        reads = (
            {"English"}
            if r < 0.8
            else (
                {"English", str(rng.choice(["Chinese", "French", "Spanish"]))}
                if r < 0.93
                else {str(rng.choice(["Chinese", "French", "Spanish"]))}
            )
        )
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
        rows_u += [u] * k
        rows_i += chosen.tolist()
        rows_r += ratings.tolist()
        rows_t += times.astype(int).tolist()
    inter = pd.DataFrame(
        {
            "user_id": [f"r{u + 1:04d}" for u in rows_u],
            "item_id": items["item_id"].to_numpy()[np.asarray(rows_i)],
            "rating": rows_r,
            "timestamp": rows_t,
        }
    ).sort_values(["timestamp", "user_id"], kind="stable")
    inter["timestamp"] = iso(inter["timestamp"].to_numpy())
    return inter.reset_index(drop=True)
