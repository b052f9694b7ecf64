"""Chinese labels and the surface forms (EN and ZH) by which a text may name a feature.

Feature labels come from ``scorer.features`` ("Sci-Fi", "the 1990s", "rated R", "runtime under 94 min",
"IMDb rating 7.3 or more"). A label with no known translation keeps its English text.
"""

from __future__ import annotations

import re

GENRES_ZH: dict[str, str] = {
    "Action": "动作",
    "Adventure": "冒险",
    "Animation": "动画",
    "Children's": "儿童",
    "Children": "儿童",
    "Comedy": "喜剧",
    "Crime": "犯罪",
    "Documentary": "纪录片",
    "Drama": "剧情",
    "Fantasy": "奇幻",
    "Film-Noir": "黑色电影",
    "Horror": "恐怖",
    "IMAX": "IMAX",
    "Musical": "歌舞",
    "Mystery": "悬疑",
    "Romance": "爱情",
    "Sci-Fi": "科幻",
    "Thriller": "惊悚",
    "War": "战争",
    "Western": "西部",
}
# other English words people use for a genre (matched on plural-stemmed words)
GENRE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "Sci-Fi": ("science fiction", "sci fi", "scifi", "sf"),
    "Film-Noir": ("film noir", "noir"),
    "Children's": ("children", "kids", "children's film"),
    "Children": ("children's", "kids"),
    "Animation": ("animated",),
    "Romance": ("romantic",),
    "Comedy": ("comedic", "funny"),
    "Musical": ("musicals",),
    "Documentary": ("documentaries",),
    "Horror": ("scary",),
    "Drama": ("dramatic",),
    "Mystery": ("mysteries",),
    "Fantasy": ("fantasies",),
}
GENRE_SYNONYMS_ZH: dict[str, tuple[str, ...]] = {
    "Sci-Fi": ("科幻片",),
    "Comedy": ("喜剧片",),
    "Drama": ("剧情片",),
    "Horror": ("恐怖片",),
    "Animation": ("动画片",),
    "Action": ("动作片",),
    "War": ("战争片",),
    "Western": ("西部片",),
    "Thriller": ("惊悚片",),
    "Romance": ("爱情片",),
    "Musical": ("歌舞片",),
    "Crime": ("犯罪片",),
}
# words that name a whole numeric column; a text that says "its runtime" names some runtime feature
COLUMN_WORDS: dict[str, tuple[str, ...]] = {
    "runtime": ("runtime", "running time", "minute"),
    "budget": ("budget",),
    "imdb_rating": ("imdb", "imdb rating", "imdb score"),
    "mpaa": ("mpaa", "mpaa rating", "age rating"),
    "year": ("decade", "era"),
}
COLUMN_WORDS_ZH: dict[str, tuple[str, ...]] = {
    "runtime": ("片长", "时长", "分钟"),
    "budget": ("预算",),
    "imdb_rating": ("IMDb评分", "IMDb 评分", "IMDb"),
    "mpaa": ("分级",),
    "year": ("年代",),
}
NICE_ZH: dict[str, str] = {"runtime": "片长", "budget": "预算", "IMDb rating": "IMDb评分", "year": "年份"}
UNITS_ZH: dict[str, str] = {"min": "分钟"}
POPULAR_EN = (
    "popular",
    "popularity",
    "many people",
    "widely",
    "crowd",
    "lots of people",
    "other viewers",
    "most people",
)
POPULAR_ZH = ("热门", "受欢迎", "很多人", "大家", "人气", "广受")

_DECADE = re.compile(r"^the (\d{4})s$")
_BEFORE = re.compile(r"^released before (\d{4})$")
_RATED = re.compile(r"^rated (.+)$")
_RUNTIME = re.compile(r"^runtime (.+) min(.*)$")
_UNDER = re.compile(r"^(.+?) under ([\d.,]+)(?: (\w+))?$")
_RANGE = re.compile(r"^(.+?) ([\d.,]+)-([\d.,]+)(?: (\w+))?$")
_MORE = re.compile(r"^(.+?) ([\d.,]+)(?: (\w+))? or more$")
_BRAND = re.compile(r"^brand (.+)$")
_BAND = re.compile(r"(?:(under) )?(\$)?([\d.,]+)(?:-(\$)?([\d.,]+))?(?: (\w+))?( or more)?$")
_UNIT_ZH = {"$": "美元", "g": "克", "min": "分钟", "pages": "页", "kg": "公斤"}


def column_of(label: str) -> str | None:
    """The catalogue column a built-in feature label came from, guessed from its wording."""
    if label in GENRES_ZH:
        return "genres"
    if _DECADE.match(label) or _BEFORE.match(label):
        return "year"
    if _RATED.match(label):
        return "mpaa"
    for nice, column in (("runtime", "runtime"), ("budget", "budget"), ("IMDb rating", "imdb_rating")):
        if label.startswith(nice + " "):
            return column
    return None


def zh_label(label: str) -> str:
    """Chinese for a feature label; unknown labels stay in English."""
    if label in GENRES_ZH:
        return GENRES_ZH[label]
    if label == "popular with many people":
        return "很受大家欢迎"
    if label == "not widely chosen":
        return "选择的人不多"
    if m := _DECADE.match(label):
        return f"{m.group(1)}年代"
    if m := _BEFORE.match(label):
        return f"{m.group(1)}年以前上映"
    if m := _RATED.match(label):
        return f"{m.group(1)}级"
    if m := _UNDER.match(label):
        nice, unit = _nice_zh(m.group(1)), UNITS_ZH.get(m.group(3) or "", m.group(3) or "")
        if nice:
            return f"{nice}低于{m.group(2)}{unit}"
    if m := _RANGE.match(label):
        nice, unit = _nice_zh(m.group(1)), UNITS_ZH.get(m.group(4) or "", m.group(4) or "")
        if nice:
            return f"{nice}{m.group(2)}-{m.group(3)}{unit}"
    if m := _MORE.match(label):
        nice, unit = _nice_zh(m.group(1)), UNITS_ZH.get(m.group(3) or "", m.group(3) or "")
        if nice:
            return f"{nice}{m.group(2)}{unit}及以上"
    return label


def _nice_zh(nice: str) -> str | None:
    return NICE_ZH.get(nice)


def label_in(label: str, language: str) -> str:
    return zh_label(label) if language == "zh" else label


def english_forms(label: str) -> list[str]:
    """English phrases that name this feature (matched word by word, plurals folded)."""
    forms = [label]
    if label in GENRE_SYNONYMS:
        forms += GENRE_SYNONYMS[label]
    if m := _DECADE.match(label):
        decade = m.group(1)
        forms += [f"{decade}s", f"{decade[2:]}s", f"{decade} s"]
    if m := _BEFORE.match(label):
        forms += [f"before {m.group(1)}", f"pre {m.group(1)}"]
    if m := _RATED.match(label):
        value = m.group(1)
        forms += [f"{value} rated", f"{value} rating", f"mpaa {value}", f"rated {value}"]
        if len(value) > 1:
            forms.append(value)
    if m := _RUNTIME.match(label):  # "runtime 116 min or more": the model writes "minutes" as often as "min"
        value, rest = m.groups()
        forms += [f"runtime {value} {unit}{rest}" for unit in ("minutes", "mins", "minute")]
        forms += [f"runtime of {value} {unit}{rest}" for unit in ("min", "minutes")]
    if label == "popular with many people":
        forms += list(POPULAR_EN)
    if label == "not widely chosen":
        forms += ["not widely", "few people", "less popular", "not popular", "niche"]
    if m := _BRAND.match(label):  # "brand Northpeak": a text says "Northpeak"
        forms.append(m.group(1))
    for pattern in (_UNDER, _RANGE, _MORE):  # "weight under 405 g": a text says "under 405 g"
        if (m := pattern.match(label)) and m.group(1) not in ("runtime",):
            forms.append(label[len(m.group(1)) + 1 :])
    return forms


def band_forms_zh(label: str) -> list[str]:
    """A shop's numeric band in Chinese: "price $90-142" -> "90-142美元"; "weight under 405 g" -> "405克以下"."""
    m = _BAND.search(label)
    if not m or not (m.group(2) or m.group(6)):
        return []
    under, dollar, lo, _d2, hi, unit, more = m.groups()
    word = _UNIT_ZH.get("$" if dollar else (unit or ""), "")
    if not word:
        return []
    nums = [lo] + ([hi] if hi else [])
    variants = {n: {n, n.replace(",", "")} for n in nums}
    out = []
    for a in variants[lo]:
        if hi:
            out += [f"{a}-{b}{word}" for b in variants[hi]] + [f"{a}到{b}{word}" for b in variants[hi]]
        elif under:
            out += [f"{a}{word}以下", f"不到{a}{word}", f"低于{a}{word}"]
        elif more:
            out += [f"{a}{word}以上", f"{a}{word}及以上"]
    return out


def chinese_forms(label: str, aliases: tuple[str, ...] = ()) -> list[str]:
    """Chinese substrings that name this feature (``aliases``: the shop's own names of the value)."""
    forms = [zh_label(label), *aliases, *band_forms_zh(label)]
    if label in GENRES_ZH:
        forms += GENRE_SYNONYMS_ZH.get(label, ())
    if m := _DECADE.match(label):
        forms += [f"{m.group(1)[2:]}年代"]
    if m := _BEFORE.match(label):
        forms += [f"{m.group(1)}年之前", f"{m.group(1)}年前"]
    if label == "popular with many people":
        forms += list(POPULAR_ZH)
    if label == "not widely chosen":
        forms += ["选择的人不多", "冷门", "小众"]
    return [f for f in dict.fromkeys(forms) if _has_cjk(f)]


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)
