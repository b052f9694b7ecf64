"""Small language helpers shared by the explanation writer and its checker: language detection,
readable titles, tokens with character spans, sentences and clauses."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Language = Literal["en", "zh"]
LANGUAGES: tuple[str, ...] = ("en", "zh")

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LETTER = re.compile(r"[^\W\d_]")
_YEAR_SUFFIX = re.compile(r"\s*\((\d{4})\)\s*$")
_TRAILING_ARTICLE = re.compile(r"^(.*?),\s*(The|A|An)((?:\s*\(.*\))?)$")
# words: letters/digits, with inner apostrophes ("children's", "i'm"); "M*A*S*H" gives m, a, s, h
_TOKEN = re.compile(r"(?:\d+(?:[.,]\d+)+(?![0-9A-Za-z])|[0-9A-Za-z\u00c0-\u024f]+)(?:['’][0-9A-Za-z\u00c0-\u024f]+)*")
# a sentence ends at . ! ? ; but not after "Mr." or an initial ("E.T. the Extra-Terrestrial")
_SENTENCE_END = re.compile(
    r"(?<!\bMr\.)(?<!\bMrs\.)(?<!\bDr\.)(?<!\bSt\.)(?<!\bJr\.)(?<!\bvs\.)(?<!\b[A-Z]\.)(?<=[.!?;])\s+|[。！？；\n]+"
)
_CLAUSE_END = re.compile(r"[,，:：—–]|\s-\s")


def detect_language(text: str, threshold: float = 0.2) -> Language:
    """``"zh"`` when CJK characters are at least ``threshold`` of the letters in ``text``; else ``"en"``."""
    letters = _LETTER.findall(text or "")
    if not letters:
        return "en"
    cjk = sum(1 for ch in letters if _CJK.match(ch))
    return "zh" if cjk / len(letters) >= threshold else "en"


def normalize_language(language: str | None) -> Language:
    """``"zh"`` for any Chinese tag ("zh", "zh-CN", "chinese"), else ``"en"``."""
    tag = (language or "en").strip().lower()
    return "zh" if tag.startswith("zh") or tag in ("chinese", "cn", "中文") else "en"


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def year_of(title: str) -> int | None:
    match = _YEAR_SUFFIX.search(title)
    return int(match.group(1)) if match else None


def bare_title(title: str) -> str:
    """The title without its trailing "(year)"."""
    return _YEAR_SUFFIX.sub("", title).strip()


def display_title(title: str) -> str:
    """MovieLens writes "Matrix, The (1999)"; people write "The Matrix (1999)"."""
    year = year_of(title)
    bare = bare_title(title)
    match = _TRAILING_ARTICLE.match(bare)
    if match:
        bare = f"{match.group(2)} {match.group(1)}{match.group(3)}"
    return f"{bare} ({year})" if year is not None else bare


def title_variants(title: str) -> list[str]:
    """Ways a text may write a catalogue title: as stored, article-first, each with and without the year."""
    forms = [title, display_title(title), bare_title(title), bare_title(display_title(title))]
    return list(dict.fromkeys(f.strip() for f in forms if f.strip()))


def fold(text: str) -> str:
    """Lower case without accents, so "Amélie" and "amelie" compare equal."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower().replace("’", "'")


@dataclass(frozen=True)
class Token:
    norm: str  # folded word
    start: int
    end: int
    raw: str


def tokens(text: str) -> list[Token]:
    """Latin-script words and numbers with their spans; CJK and punctuation are separators."""
    return [Token(fold(m.group(0)), m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]


def stem(word: str) -> str:
    """A crude plural stem for matching feature names ("comedies" -> "comedy", "thrillers" -> "thriller")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "'s")) and not word[-2].isdigit():
        return word[:-1]
    return word


def spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """(start, end) of the pieces of ``text`` between matches of ``pattern``."""
    out, start = [], 0
    for m in pattern.finditer(text):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(text)))
    return [(a, b) for a, b in out if text[a:b].strip()]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    return spans(_SENTENCE_END, text)


def clause_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Clauses of the sentence text[start:end], split at commas, colons and dashes (EN and ZH)."""
    return [(start + a, start + b) for a, b in spans(_CLAUSE_END, text[start:end])]


def pick(options: list[str] | tuple[str, ...], *seed: object) -> str:
    """A deterministic choice: the same seed always picks the same option (stable across runs)."""
    digest = hashlib.sha256("|".join(map(str, seed)).encode("utf-8")).digest()
    return options[int.from_bytes(digest[:4], "big") % len(options)]


def join_list(parts: list[str], language: str) -> str:
    """ "a, b and c" in English, "a、b和c" in Chinese."""
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    if normalize_language(language) == "zh":
        return "、".join(parts[:-1]) + "和" + parts[-1]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def stars(rating: float | None) -> str:
    return "" if rating is None else f"{rating:g}★"
