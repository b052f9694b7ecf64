"""Conditions a message states, read without a language model: "no horror", "under 2 hours", "the 90s", "3 more".

``constraints_in`` returns constraint strings in the tools' syntax (``genres!=Horror``, ``runtime<120``,
``year=1990..1999``, ``shorter``, ``not shown``) and the count asked for; ``Lexicon`` knows the
catalogue's genre words in English and Chinese.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from assistant.labels_zh import GENRE_SYNONYMS, GENRE_SYNONYMS_ZH, GENRES_ZH
from assistant.routing.measures import measure_conditions
from tools.resolve import ZH_DIGITS

T = TypeVar("T")


class Lexicon:
    """Surface words (EN/ZH) for each genre of the catalogue, and for the values of its other label columns
    (``values``: column -> values, e.g. category, brand, tags), each as one regex."""

    def __init__(
        self,
        genres: list[str],
        values: dict[str, list[str]] | None = None,
        units: dict[str, str] | None = None,
        aliases: dict[str, dict[str, list[str]]] | None = None,
    ) -> None:
        self.units = dict(units or {})  # numeric column -> unit, for amounts ("under $200", "两公斤以内")
        self.values: dict[str, tuple[str, str]] = {}
        for column, names in (values or {}).items():
            for value in names:
                for form in _forms(value):
                    self.values.setdefault(form, (column, value))
        for column, by_value in (aliases or {}).items():  # the shop's other names of its values ("帐篷" = tent)
            for value, names in by_value.items():
                if value in (values or {}).get(column, ()):
                    for name in names:
                        for form in _forms(name) if name.isascii() else {name.strip().lower()}:
                            self.values.setdefault(form, (column, value))
        value_alts = "|".join(re.escape(w) for w in sorted(self.values, key=len, reverse=True))
        self.value_pattern = (
            re.compile(rf"(?<![A-Za-z0-9'])({value_alts})(?![A-Za-z0-9'])", re.I) if value_alts else None
        )
        self.words: dict[str, str] = {}
        for g in genres:
            low = g.lower()
            for w in (low, low + "s", low[:-1] + "ies" if low.endswith("y") else low + "s", *GENRE_SYNONYMS.get(g, ())):
                self.words.setdefault(w, g)
            for zh in (GENRES_ZH.get(g) or "", *GENRE_SYNONYMS_ZH.get(g, ())):
                if zh:
                    self.words.setdefault(zh, g)
                    self.words.setdefault(zh + "片", g)
        self.words.pop("sf", None)
        alts = "|".join(re.escape(w) for w in sorted(self.words, key=len, reverse=True))
        self.pattern = re.compile(rf"(?<![a-z])({alts})(?![a-z])", re.I) if alts else None

    def genre(self, text: str) -> str | None:
        """The genre if ``text`` is nothing but a genre word (plus 'movies'/'films')."""
        t = re.sub(r"\s*(?:movies?|films?|ones?|stuff|电影|片子|片)$", "", text.strip().lower()).strip()
        return self.words.get(t)

    def find(self, text: str) -> list[tuple[int, str]]:
        return (
            [(m.start(), self.words[m.group(1).lower()]) for m in self.pattern.finditer(text)] if self.pattern else []
        )

    def find_values(self, text: str) -> list[tuple[int, int, str, str]]:
        """(start, end, column, value) of every label value of the other columns named in ``text``."""
        if self.value_pattern is None:
            return []
        return [(m.start(), m.end(), *self.values[m.group(1).lower()]) for m in self.value_pattern.finditer(text)]


def _forms(value: str) -> set[str]:
    """How a label value may be written: 'Sleeping bag' -> sleeping bag(s); one-letter or numeric values none."""
    low = " ".join(value.strip().lower().split())
    if len(low) < 2 or low.replace(".", "").isdigit():
        return set()
    forms = {low, low.replace("-", " "), low.replace(" ", "-")}
    last = low.rsplit(" ", 1)[-1]
    if last.isalpha():
        plural = (
            low[:-1] + "ies"
            if low.endswith("y") and low[-2:-1] not in "aeiou"
            else low + ("es" if low.endswith(("s", "x", "ch", "sh")) else "s")
        )
        forms.add(plural)
    return forms


# ---- constraints --------------------------------------------------------------------------------
_NEG_WORDS = (
    "no|not|without|exclude|excluding|skip|avoid|except|nothing|none of|don't want|dont want|do not want|no more|"
    "not into|hate|anything but|everything but|other than|not in the mood for|sick of|tired of"
).split("|")
# longest first, so "not in the mood for" wins over "not"
_NEG = (
    "(?:" + "|".join(sorted((re.escape(w) for w in _NEG_WORDS), key=len, reverse=True)) + r")\s+"
    r"(?:(?:any|more|the|those|these|some|of|with|stuff|kind of|type of|sort of)\s+){0,2}"
)
_AND_ALSO = re.compile(r"^\s*(?:,|/|or|and|nor|或者?|和|、|也不要|还有)\s*(?:(?:no|not|any|the)\s+)?", re.I)
_NEG_ZH = r"(?:不要|不想看|不想要|别|不看|除了|排除|去掉|别给我|不喜欢)"
_RELATIVE = [
    (
        "shorter",
        r"\bshorter\b|\bless long\b|\b(?:not|nothing) (?:so |too )?long\b|\bquick(?:er)? (?:watch|one)s?\b"
        r"|不要太长|别太长|短一?点|更短|短些|短的",
    ),
    ("longer", r"\blonger\b|长一?点|更长|长些"),
    ("more recent", r"\bmore recent\b|\bnewer\b|\brecent\b|\bmodern\b|新一?点|更新|最近的|新些|新的"),
    ("older", r"\bolder\b|\bclassics?\b|\bold ones\b|老一?点|旧一?点|更老|更早|经典|老片"),
]
_NUMERIC = [
    (
        re.compile(
            r"(?:under|less than|shorter than|below|at most|max(?:imum)?|within)\s+(\d{2,3})\s*(?:min|mins|minutes)\b"
            r"|(\d{2,3})\s*分钟(?:以内|以下|之内)",
            re.I,
        ),
        "runtime<{}",
    ),
    (
        re.compile(
            r"(?:over|more than|longer than|at least)\s+(\d{2,3})\s*(?:min|mins|minutes)\b|(\d{2,3})\s*分钟(?:以上)",
            re.I,
        ),
        "runtime>{}",
    ),
    (
        re.compile(
            r"\b((?:19|20)\d\d)\s*年(?:上映|出品|拍|的(?=.{0,8}(?:电影|片)))|\b(?:released|made|from)\s+in\s+((?:19|20)\d\d)\b",
            re.I,
        ),
        "year={}",
    ),
    (
        re.compile(
            r"(?:after|since|from|newer than)\s+((?:19|20)\d\d)\b|((?:19|20)\d\d)\s*年(?:以后|之后|后|以来)", re.I
        ),
        "year>={}",
    ),
    (
        re.compile(
            r"(?:before|older than|earlier than|until)\s+((?:19|20)\d\d)\b|((?:19|20)\d\d)\s*年(?:以前|之前|前)", re.I
        ),
        "year<{}",
    ),
]
_FRESH = re.compile(
    r"^(?:(?:show|give)\s+me\s+|let'?s\s+see\s+)?(?:some\s+)?(?:more|others|other\s+ones|new\s+ones|different\s+ones|another\s+(?:set|batch|list|few)|a\s+different\s+(?:set|batch|list)|next(?:\s+ones)?)(?:\s+please)?$"
    r"|换一批|换一些|换几部|再来几|还有别的|其他的|别的推荐|新的一批",
    re.I,
)
_DECADE = re.compile(r"\b(?:the\s+)?(?:(19|20)?([0-9])0)'?s\b|(?:(19|20)?([0-9])0)\s*年代")
_CLEAR = re.compile(
    r"\bany (?:length|genre|year)\b|\bclear (?:the |all )?(?:constraints|filters)\b|\breset\b|\bstart over\b"
    r"|\bno (?:constraints|filters)\b|不限|清除条件|重新开始|取消条件",
    re.I,
)
_K = re.compile(
    r"\b(?:top\s+)?(\d{1,2})\s+(?:more\s+)?(?:movies?|films?|items?|recommendations|suggestions|picks|ones|things|titles)\b|\b(?:give|show|recommend|suggest|pick)(?:\s+me)?\s+(\d{1,2})\b|(\d{1,2}|[一二两三四五六七八九十])\s*[部个条本](?!\s*(?:半\s*)?(?:小时|钟头|月|星期|人|朋友))",
    re.I,
)
# "like" as in "movies like Fargo", not "I'd like a comedy" / "I like westerns"
_SIMILAR = re.compile(r"\bsimilar\b|(?<!\bi'd\s)(?<!\bwould\s)(?<!\bi\s)(?<!\bwe'd\s)(?<!\bwe\s)\blike\b|类似|像", re.I)
_WORD_DECADES = {
    "twenties": 1920,
    "thirties": 1930,
    "forties": 1940,
    "fifties": 1950,
    "sixties": 1960,
    "seventies": 1970,
    "eighties": 1980,
    "nineties": 1990,
}
_WORD_DECADE = re.compile(r"\b(?:the\s+)?(" + "|".join(_WORD_DECADES) + r")\b", re.I)
_ENOUGH = re.compile(r"\b(\d{1,2})\s+(?:is|are|isn'?t|aren'?t)\s+(?:not\s+)?(?:enough|too\s+few)\b", re.I)
_ZH_DECADE = re.compile(r"(?:一九)?([二三四五六七八九])十年代")
_BEFORE_DECADE = re.compile(r"(?:before|pre-?|earlier\s+than|older\s+than|until)\s*(?:the\s+)?$", re.I)
_AFTER_DECADE = re.compile(r"(?:after|later\s+than|newer\s+than)\s+(?:the\s+)?$", re.I)
_TOO_FEW = re.compile(
    r"^\s*(?:(?:is|are)\s+)?(?:太少|不够|too\s+few|not\s+enough|isn'?t\s+enough|aren'?t\s+enough)", re.I
)


_HOURS = re.compile(
    r"(?:under|less\s+than|shorter\s+than|below|at\s+most|no\s+more\s+than|within)\s+(an?|one|two|three|\d(?:\.5)?)\s*(?:hours?|hrs?|h)\b"
    r"|([一二两三]|\d)\s*个?\s*(半)?\s*(?:小时|钟头)(?:以内|以下|之内|内)",
    re.I,
)
_HOUR_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "一": 1, "二": 2, "两": 2, "三": 3}
_ABSOLUTE = re.compile(r"^\w+(?:<=|>=|<|>|=)")  # holds on its own: a value wanted, a range; not "!=" or "shorter"
_QUERY_FILLER = re.compile(
    r"^(?:(?:can|could|would)\s+(?:you|u)\s+|please\s+|pls\s+|i(?:'m|\s+am)\s+looking\s+for\s+|looking\s+for\s+|i\s+want\s+|find\s+(?:me\s+)?|search\s+(?:for\s+)?"
    r"|show\s+me\s+|list\s+(?:some\s+|me\s+)?|are\s+there\s+(?:any\s+)?|is\s+there\s+(?:a|an|any)\s+|do\s+you\s+have\s+(?:any\s+)?|any(?:thing|one)?\s+|something\s+)+"
    r"|^(?:有没有|有没|帮我找找?|帮我搜一?下?|找一?下|找找|搜一?下|我想找|我想看)+",
    re.I,
)


def _negated(text: str, spans: Callable[[str], list[tuple[int, int, T]]]) -> set[T]:
    """The things ``spans`` finds right after a negation ("skip the horror stuff", "除了喜剧以外"), and the rest
    of a list that follows ("no horror or thrillers", "不要恐怖片和惊悚片")."""
    out: set[T] = set()
    for m in re.finditer(rf"(?:{_NEG}|{_NEG_ZH})", text, re.I):
        rest = text[m.end() : m.end() + 60]
        while True:
            hits = spans(rest)
            if not (hits and hits[0][0] <= 1):
                break
            out.add(hits[0][2])
            after = _AND_ALSO.match(rest[hits[0][1] :])
            if after is None:
                break
            rest = rest[hits[0][1] + after.end() :]
    return out


def absolute_filters(found: list[str]) -> list[str]:
    """The conditions that hold on their own (a genre wanted, a year, a length), not relative to a list shown."""
    return [c for c in found if _ABSOLUTE.match(c)]


def search_query(text: str) -> str:
    """The words of a search request without the asking ('are there any', '帮我找找')."""
    return (_QUERY_FILLER.sub("", text.strip().rstrip("?？!！.。")).strip() or text.strip())[:200]


def constraints_in(text: str, lex: Lexicon) -> tuple[list[str], int | None]:
    """Constraint strings and k that ``text`` states, e.g. (["genres!=Horror", "shorter"], 3)."""
    found: list[str] = []
    if _FRESH.search(text):
        found.append("not shown")
    if _CLEAR.search(text):
        found.append("clear")
    for word, words in _RELATIVE:
        if re.search(words, text, re.I):
            found.append(word)
    for pattern, fmt in _NUMERIC:
        for m in pattern.finditer(text):
            found.append(fmt.format(next(g for g in m.groups() if g)))
    for m in _HOURS.finditer(text):
        raw = m.group(1) or m.group(2)
        hours = float(raw) if raw[0].isdigit() else _HOUR_WORDS[raw.lower()]
        found.append(f"runtime<{int(60 * (hours + (0.5 if m.group(3) else 0)))}")
    decade = _DECADE.search(text)
    zh_decade = None if decade else _ZH_DECADE.search(text)
    word_decade = None if decade or zh_decade else _WORD_DECADE.search(text)
    if decade or zh_decade or word_decade:
        if decade:
            century, digit = (decade.group(1) or decade.group(3)), (decade.group(2) or decade.group(4))
            start = int((century or ("20" if digit in "012" else "19")) + digit + "0")
            span = decade.span()
        elif zh_decade:
            start, span = 1900 + 10 * ZH_DIGITS[zh_decade.group(1)], zh_decade.span()
        else:
            start, span = _WORD_DECADES[word_decade.group(1).lower()], word_decade.span()
        before, after = text[max(0, span[0] - 16) : span[0]], text[span[1] : span[1] + 4]
        if _BEFORE_DECADE.search(before) or after.startswith(("以前", "之前", "前")):
            found.append(f"year<{start}")  # "before the 80s", "八十年代以前"
        elif _AFTER_DECADE.search(before) or after.startswith(("以后", "之后", "后")):
            found.append(f"year>={start + 10}")  # "after the 80s", "八十年代以后"
        elif re.search(r"\bsince\s+(?:the\s+)?$", before, re.I) or after.startswith("以来"):
            found.append(f"year>={start}")
        else:
            found.append(f"year={start}..{start + 9}")

    def genre_spans(part: str) -> list[tuple[int, int, str]]:
        return [(m.start(), m.end(), lex.words[m.group(1).lower()]) for m in lex.pattern.finditer(part)]

    def value_spans(part: str) -> list[tuple[int, int, tuple[str, str]]]:
        return [(a, b, (c, v)) for a, b, c, v in lex.find_values(part)]

    similar = _SIMILAR.search(text)
    if lex.pattern is not None:
        negated = _negated(text, genre_spans)
        found.extend(f"genres!={g}" for g in sorted(negated))
        wanted = sorted({g for _, _, g in genre_spans(text)} - negated)
        if wanted and not similar:
            found.extend(f"genres={g}" for g in wanted)
    if lex.value_pattern is not None:
        negated_values = _negated(text, value_spans)
        found.extend(f"{c}!={v}" for c, v in sorted(negated_values))
        wanted_values = sorted({cv for _, _, cv in value_spans(text)} - negated_values)
        if wanted_values and not similar:
            found.extend(f"{c}={v}" for c, v in wanted_values)
    found.extend(measure_conditions(text, lex.units))
    km = _K.search(text)
    k = None
    if km:
        raw = next(g for g in km.groups() if g)
        k = int(raw) if raw.isdigit() else ZH_DIGITS[raw]
        if _TOO_FEW.match(text[km.end() :]):  # "五部太少了": more than that
            k = min(20, k + 5)
    elif enough := _ENOUGH.search(text):  # "5 is not enough"
        k = min(20, int(enough.group(1)) + 5)
    return found, k if k and 1 <= k <= 20 else None
