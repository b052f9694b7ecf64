"""Turn what a person calls an item ("the second one", "Star Wars", "第二个", "50") into an item id."""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from because.errors import BecauseError, UnknownIdError
from tools.context import ToolContext

ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "last": -1,
    "top": 1,
}
NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_EN_POSITION = re.compile(
    r"^(?:the\s+)?(?:(?P<word>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|top)"
    r"|#\s*(?P<hash>\d+)|(?:no\.?|number|item|pick)\s*#?\s*(?P<num>\d+)|(?P<nth>\d+)(?:st|nd|rd|th)"
    r"|number\s+(?P<numword>one|two|three|four|five|six|seven|eight|nine|ten))"
    r"(?:\s+(?:one|item|movie|film|pick|recommendation))?$",
    re.I,
)
_ZH_POSITION = re.compile(
    r"^(?:(?P<back>倒数)?第\s*(?P<n>\d+|[一二两三四五六七八九十])\s*(?:个|部|条|项|本)?|最后(?:一个|一部|那个|那部)?)$"
)
_EN_FROM_END = re.compile(
    r"^(?:the\s+)?(?:(?P<word>second|third|fourth)\s+(?:to|from)\s+(?:the\s+)?last|penultimate)"
    r"(?:\s+(?:one|item|movie|film|pick|recommendation))?$",
    re.I,
)
_YEAR = re.compile(r"\s*\((\d{4})\)\s*$")
_ARTICLE_TAIL = re.compile(r"^(.*),\s*(the|a|an|les|la|le|il|das|der|die|el)$", re.I)
_QUOTES = "\"'“”‘’「」『』《》<> "


MIDDLE = 0  # "the one in the middle": the session picks the middle of the list it showed
_MIDDLE = re.compile(
    r"^(?:the\s+)?(?:(?:one|movie|film|pick)\s+in\s+the\s+middle|middle(?:\s+(?:one|movie|film|pick))?)$|^(?:正)?中间(?:那|这|的)?(?:一)?[个部]?(?:的)?$",
    re.I,
)


def parse_position(ref: str) -> int | None:
    """1-based position (-1 = last, -2 = second to last, 0 = the middle one) if ``ref`` names a place in the
    last list, else None."""
    text = ref.strip().strip(_QUOTES).rstrip("?？.。!！")
    if _MIDDLE.match(text):
        return MIDDLE
    m = _EN_FROM_END.match(text)
    if m:
        return -ORDINALS[m.group("word").lower()] if m.group("word") else -2
    m = _EN_POSITION.match(text)
    if m:
        if m.group("word"):
            return ORDINALS[m.group("word").lower()]
        if m.group("numword"):
            return NUMBER_WORDS[m.group("numword").lower()]
        return int(m.group("hash") or m.group("num") or m.group("nth"))
    m = _ZH_POSITION.match(text)
    if m:
        n = m.group("n")
        if n is None:
            return -1
        value = int(n) if n.isdigit() else ZH_DIGITS[n]
        return -value if m.group("back") else value
    return None


def title_key(title: str) -> str:
    """'Godfather, The (1972)' -> 'godfather'; punctuation, year and leading articles dropped."""
    t = _YEAR.sub("", title.strip()).strip()
    m = _ARTICLE_TAIL.match(t)
    if m:
        t = m.group(1)
    t = re.sub(r"[^\w\s]", " ", t.lower())
    t = re.sub(r"^(the|a|an)\s+", "", " ".join(t.split()))
    return t


@lru_cache(maxsize=8)
def _title_index(titles: tuple[str, ...]) -> dict[str, list[int]]:
    index: dict[str, list[int]] = {}
    for i, title in enumerate(titles):
        index.setdefault(title_key(title), []).append(i)
        year = _YEAR.search(title)
        if year:
            index.setdefault(f"{title_key(title)} {year.group(1)}", []).append(i)
    return index


def _most_popular(ctx: ToolContext, rows: list[int]) -> int:
    return max(rows, key=lambda i: (float(ctx.rec.popularity[i]), -i))


def resolve_item(ctx: ToolContext, ref: str | int) -> str:
    """Item id for a position in the last list, an id, an exact or near title, or a search hit."""
    text = str(ref).strip().strip(_QUOTES)
    if not text:
        raise UnknownIdError("item", "", "name the item by its title or id.")
    position = parse_position(text)
    if position is not None:
        return ctx.session.shown_at(position).item
    if text in ctx.rec.item_index:
        return text
    titles = tuple(ctx.rec.titles)
    index = _title_index(titles)
    year = _YEAR.search(text)
    key = title_key(text)
    for candidate in ([f"{key} {year.group(1)}"] if year else []) + [key]:
        if candidate in index:
            return ctx.rec.item_ids[_most_popular(ctx, index[candidate])]
    if len(key) >= 3:
        close = difflib.get_close_matches(key, list(index), n=3, cutoff=0.85)
        if close:
            return ctx.rec.item_ids[_most_popular(ctx, [i for c in close for i in index[c]])]
        pattern = re.compile(rf"(?:^|\s){re.escape(key)}(?:\s|$)")
        rows = [i for k, ids in index.items() if pattern.search(k) for i in ids]
        if rows:
            return ctx.rec.item_ids[_most_popular(ctx, rows)]
    if ctx.store is not None:
        try:
            hits = ctx.store.search(text, k=1)
        except BecauseError:
            hits = []
        if hits and hits[0].item in ctx.rec.item_index and hits[0].score >= 0.5:
            return hits[0].item
    raise UnknownIdError(
        "item",
        text,
        "give the title as in the catalogue (e.g. 'Star Wars (1977)'), or call search_catalogue to find it.",
    )
