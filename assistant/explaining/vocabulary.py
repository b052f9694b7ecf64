"""Everything a text can name that the checker knows: catalogue titles and feature names, EN and ZH.

Titles match word by word (punctuation between words ignored), longest first, so "Batman Returns"
is never read as "Batman" and "Aliens" never as "Alien". A title without its year that is one word
("Heat", "Contact") or an article plus one word ("The Rock") must be capitalised in the text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.labels_zh import COLUMN_WORDS, COLUMN_WORDS_ZH, chinese_forms, column_of, english_forms
from assistant.language import Token, has_cjk, stem, title_variants, tokens, year_of

POPULARITY_LABELS = ("popular with many people", "not widely chosen")
_ARTICLES = {"the", "a", "an"}
_SKIP_TITLES = {"unknown", ""}


@dataclass(frozen=True)
class Mention:
    kind: str  # "title" | "feature" | "popularity" | "column"
    refs: frozenset[str]  # full catalogue titles, feature labels or column names
    start: int
    end: int
    span: str


@dataclass
class _Entry:
    words: tuple[str, ...]
    kind: str
    refs: set[str]
    strict: bool = False  # must be capitalised in the text
    gaps: set[tuple[str, ...]] = field(default_factory=set)  # a title's punctuation between its words
    tail: str = ""  # a title's punctuation after its last word ("!", "...", ")")


def _index(entries: Iterable[_Entry]) -> dict[str, list[_Entry]]:
    merged: dict[tuple[str, tuple[str, ...]], _Entry] = {}
    for e in entries:
        key = (e.kind, e.words)
        if key in merged:
            merged[key].refs |= e.refs
            merged[key].strict = merged[key].strict and e.strict
            merged[key].gaps |= e.gaps
        else:
            merged[key] = _Entry(e.words, e.kind, set(e.refs), e.strict, set(e.gaps), e.tail)
    index: dict[str, list[_Entry]] = defaultdict(list)
    for e in merged.values():
        index[e.words[0]].append(e)
    for group in index.values():
        group.sort(key=lambda e: -len(e.words))
    return dict(index)


def _title_entries(titles: Iterable[str]) -> Iterable[_Entry]:
    for title in titles:
        if title.strip().lower() in _SKIP_TITLES:
            continue
        for variant in title_variants(title):
            toks = tokens(variant)
            words = tuple(t.norm for t in toks)
            if not words:
                continue
            gaps = tuple(_punct(variant[a.end : b.start]) for a, b in zip(toks, toks[1:]))
            tail = variant[toks[-1].end :].strip()
            has_year = year_of(variant) is not None
            core = [w for w in words if w not in _ARTICLES]
            if not has_year and (all(w.isdigit() for w in words) or (len(core) == 1 and len(core[0]) < 3)):
                continue  # "187", "M": too easily an ordinary number or letter
            strict = not has_year and len(core) <= 1
            yield _Entry(words, "title", {title}, strict, {gaps}, tail)


def _stemmed(text: str) -> tuple[str, ...]:
    return tuple(stem(t.norm) for t in tokens(text))


def _feature_entries(
    labels: Iterable[str], aliases: dict[str, tuple[str, ...]]
) -> tuple[list[_Entry], list[tuple[str, str, frozenset[str]]]]:
    en: list[_Entry] = []
    zh: list[tuple[str, str, frozenset[str]]] = []
    columns: set[str] = set()
    for label in list(labels) + list(POPULARITY_LABELS):
        kind = "popularity" if label in POPULARITY_LABELS else "feature"
        for form in english_forms(label):
            words = _stemmed(form)
            if words:
                en.append(_Entry(words, kind, {label}))
        zh += [(form, kind, frozenset({label})) for form in chinese_forms(label, _aliases_of(label, aliases))]
        if kind == "feature" and (column := column_of(label)):
            columns.add(column)
    for column in sorted(columns):
        en += [_Entry(_stemmed(w), "column", {column}) for w in COLUMN_WORDS.get(column, ())]
        zh += [(w, "column", frozenset({column})) for w in COLUMN_WORDS_ZH.get(column, ()) if has_cjk(w)]
    zh.sort(key=lambda x: -len(x[0]))
    return en, zh


def _aliases_of(label: str, aliases: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The shop's other names of a feature's value: "trekking poles" -> 登山杖; "brand X" -> X's."""
    value = label[len("brand ") :] if label.startswith("brand ") else label
    return aliases.get(value, ())


class Vocabulary:
    def __init__(
        self, titles: Iterable[str], labels: Iterable[str], aliases: Iterable[tuple[str, tuple[str, ...]]] = ()
    ) -> None:
        self.titles = _index(_title_entries(titles))
        en, self.zh = _feature_entries(labels, dict(aliases))
        self.features = _index(en)

    def find(self, text: str) -> list[Mention]:
        """Every title and feature named in ``text``, non-overlapping, in order."""
        toks = tokens(text)
        used = [False] * len(toks)
        found = self._scan(text, toks, used, self.titles, lambda t: t.norm)
        if has_cjk(text):
            found += self._scan_zh(text, [(m.start, m.end) for m in found])
            for j, tok in enumerate(toks):
                used[j] = used[j] or any(m.start <= tok.start < m.end for m in found)
        found += self._scan(text, toks, used, self.features, lambda t: stem(t.norm))
        found.sort(key=lambda m: m.start)
        return found

    def _scan_zh(self, text: str, taken: list[tuple[int, int]]) -> list[Mention]:
        out: list[Mention] = []
        for form, kind, refs in self.zh:  # longest first
            pos = text.find(form)
            while pos >= 0:
                end = pos + len(form)
                if not any(a < end and pos < b for a, b in taken):
                    out.append(Mention(kind, refs, pos, end, form))
                    taken.append((pos, end))
                pos = text.find(form, end)
        return out

    def _scan(
        self, text: str, toks: list[Token], used: list[bool], index: dict[str, list[_Entry]], key
    ) -> list[Mention]:
        out: list[Mention] = []
        keys = [key(t) for t in toks]
        i = 0
        while i < len(toks):
            hit = None
            if not used[i]:
                for entry in index.get(keys[i], ()):
                    n = len(entry.words)
                    if tuple(keys[i : i + n]) == entry.words and self._joined(text, toks, i, n, used, entry):
                        hit = entry
                        break
            if hit is None:
                i += 1
                continue
            n = len(hit.words)
            start, end = toks[i].start, toks[i + n - 1].end
            if hit.tail and text.startswith(hit.tail, end):
                end += len(hit.tail)  # "Mars Attacks!", "Sally...": the title's own punctuation ends no sentence
            out.append(Mention(hit.kind, frozenset(hit.refs), start, end, text[start:end]))
            for j in range(i, i + n):
                used[j] = True
            i += n
        return out

    @staticmethod
    def _joined(text: str, toks: list[Token], i: int, n: int, used: list[bool], entry: _Entry) -> bool:
        """The n tokens from i are free, adjacent (only short punctuation between) and cased as required."""
        for j in range(i, i + n):
            if used[j]:
                return False
            if j > i:
                gap = text[toks[j - 1].end : toks[j].start]
                if entry.kind == "title":
                    # the text may drop a title's punctuation ("Star Trek First Contact") but not add any
                    if (
                        len(gap) > 6
                        or has_cjk(gap)
                        or (_punct(gap) and not any(_punct(gap) == g[j - i - 1] for g in entry.gaps))
                    ):
                        return False
                elif len(gap) > 3 or gap.strip(" -/'’$€£¥"):  # currency signs sit inside amounts
                    return False
        if entry.strict:
            return all(t.raw[:1].isupper() or t.norm in _ARTICLES for t in toks[i : i + n])
        return True


def _punct(gap: str) -> str:
    return "".join(gap.split())


def build_vocabulary(
    titles: Iterable[str], labels: Iterable[str], aliases: Iterable[tuple[str, tuple[str, ...]]] = ()
) -> Vocabulary:
    return Vocabulary(titles, labels, aliases)
