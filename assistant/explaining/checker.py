"""Check an explanation text against its facts: every title, feature and number it names must be a
non-negligible term of the attribution, stated with the right sign.

Matching: catalogue titles (as stored, article-first, with and without "(year)", longest first, so
"Aliens" never counts as "Alien"), then feature names (EN words with plurals folded, ZH substrings),
then numbers outside those spans (ratings, percentages, counts, years), then unknown proper names.
A mention sits in a negative scope ("although", "holding it back", "不过", ...) or not; its sign must
equal the sign of the term it names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from assistant.explaining.facts import ExplanationFacts, Fact
from assistant.explaining.negation import negative_ranges
from assistant.explaining.vocabulary import Mention, Vocabulary, build_vocabulary
from assistant.language import clause_spans, sentence_spans, tokens, year_of

MAX_CHARS = 700
MAX_SENTENCES = 4
_RATING_AFTER = re.compile(r"^\s*(?:★|☆|-?\s*stars?\b|星|颗星|分(?!钟)|/\s*5\b|out of 5\b)", re.IGNORECASE)
_RATING_BEFORE = re.compile(
    r"(?:rated(?: it)?(?: an?)?|gave(?: it)?(?: an?)?|rating of|打了|给了|评了|打)\s*$", re.IGNORECASE
)
_PERCENT_AFTER = re.compile(r"^\s*(?:%|％|percent\b|per cent\b)", re.IGNORECASE)
_COUNT_AFTER = re.compile(
    r"^\s*(?:people|persons|viewers|users|shoppers|customers|ratings|times|人|位|次)", re.IGNORECASE
)
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])|(?<![\w.])\d+(?:\.\d+)?(?=★|星|分|%|％|人|位|次|年)")
_ZH_STARS = re.compile(r"([一二两三四五])\s*(?:颗)?星")
_ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CONNECTORS = {"of", "the", "and", "a", "an", "in", "on", "to", "de", "la", "le"}
_ALLOWED_CAPS = {"i", "imdb", "mpaa", "tv", "ok", "pg", "r", "nc", "g"}


@dataclass(frozen=True)
class Claim:
    kind: str  # "history_item" | "feature" | "popularity" | "target" | "number" | "name"
    ref: str  # fact key, feature label, title, or the number as written
    text_span: str
    sign: int  # +1 supporting, -1 holding back (from the wording)
    ok: bool
    reason: str = ""
    start: int = -1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    claims: list[Claim] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def failed(self) -> list[Claim]:
        return [c for c in self.claims if not c.ok]

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "claims": [c.to_dict() for c in self.claims], "problems": list(self.problems)}


@lru_cache(maxsize=8)
def _vocabulary(titles: tuple[str, ...], labels: tuple[str, ...]) -> Vocabulary:
    return build_vocabulary(titles, labels)


def vocabulary(catalogue_titles: Sequence[str], feature_labels: Sequence[str]) -> Vocabulary:
    """The (cached) matcher for a catalogue's titles and the model's feature labels."""
    return _vocabulary(tuple(catalogue_titles), tuple(feature_labels))


def check(
    text: str,
    facts: ExplanationFacts,
    catalogue_titles: Sequence[str],
    feature_labels: Sequence[str],
    language: str = "en",
) -> CheckResult:
    """Verify every claim in ``text`` against ``facts``; ``ok`` only if all pass and at least one names a fact.

    ``language`` is the text's language; English and Chinese names are matched in either, since a
    Chinese text quotes English titles.
    """
    vocab = vocabulary(catalogue_titles, feature_labels)
    text = text or ""
    mentions = vocab.find(text)
    # titles are quoted data: "Tomorrow Never Dies" holds no "never", "Sally..." ends no sentence
    masked = _mask(text, [(m.start, m.end) for m in mentions if m.kind == "title"])
    negative = negative_ranges(masked)
    claims: list[Claim] = []
    for m in mentions:
        sign = -1 if any(a <= m.start < b for a, b in negative) else 1
        claims.append(_verify_mention(m, sign, facts))
    taken = [(m.start, m.end) for m in mentions]
    claims += _numbers(text, masked, taken, claims, facts, negative)
    claims += _unknown_names(text, masked, taken)
    claims.sort(key=lambda c: c.start)
    problems = [f"{c.kind} '{c.text_span}': {c.reason}" for c in claims if not c.ok]
    if not text.strip():
        problems.append("the text is empty.")
    elif not any(c.ok and c.kind in ("history_item", "feature", "popularity") for c in claims):
        problems.append("the text names none of the facts; name at least one reason from the facts.")
    if len(text) > MAX_CHARS or len(sentence_spans(text)) > MAX_SENTENCES:
        problems.append(f"the text is too long; write 1-3 short sentences (at most {MAX_CHARS} characters).")
    return CheckResult(not problems, claims, problems)


def _verify_mention(m: Mention, sign: int, facts: ExplanationFacts) -> Claim:
    if m.kind == "title":
        matches = [f for f in facts.all if f.kind == "history_item" and f.title in m.refs]
        kind, ref = "history_item", sorted(m.refs)[0]
        if not matches and facts.title in m.refs:
            return Claim("target", facts.title, m.span, sign, True, "the recommended item itself", m.start)
        if not matches:
            return Claim(kind, ref, m.span, sign, False, _absent(facts, m.refs, "title"), m.start)
    elif m.kind == "column":
        matches = [f for f in facts.all if f.kind == "feature" and f.column in m.refs]
        kind, ref = "feature", sorted(m.refs)[0]
        if not matches:
            return Claim(kind, ref, m.span, sign, False, f"no fact about {ref}.", m.start)
    else:
        matches = [f for f in facts.all if (f.kind in ("feature", "popularity")) and f.name in m.refs]
        kind, ref = ("popularity" if m.kind == "popularity" else "feature"), sorted(m.refs)[0]
        if m.kind == "popularity":
            matches = [f for f in facts.all if f.kind == "popularity"]
        if not matches:
            return Claim(kind, ref, m.span, sign, False, _absent(facts, m.refs, "feature"), m.start)
    right = [f for f in matches if f.sign == sign]
    if not right:
        fact = matches[0]
        want = "supports" if fact.sign > 0 else "holds it back"
        said = "supporting" if sign > 0 else "holding it back"
        return Claim(
            kind,
            fact.key,
            m.span,
            sign,
            False,
            f"wrong sign: the fact {want}, but the text presents it as {said}.",
            m.start,
        )
    return Claim(kind, right[0].key, m.span, sign, True, "", m.start)


def _absent(facts: ExplanationFacts, refs: frozenset[str], what: str) -> str:
    key = next((facts.omitted_names[r] for r in refs if r in facts.omitted_names), None)
    if key is None:
        return f"this {what} is not part of the score for this item; name only the facts."
    pct = 100 * abs(facts.omitted[key]) / facts.mass if facts.mass else 0.0
    return f"this {what} counts only a little ({pct:.1f}% of the score's weight); name only the facts."


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for a, b in spans:
        chars[a:b] = "x" * (b - a)
    return "".join(chars)


def _inside(pos: int, taken: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in taken)


def _sentence_of(text: str, pos: int) -> tuple[int, int]:
    for a, b in sentence_spans(text):
        if a <= pos < b:
            return a, b
    return 0, len(text)


def _rating_near(pos: int, text: str, claims: list[Claim], facts: ExplanationFacts) -> Fact | str | None:
    """The title named closest to ``pos`` in its sentence (before it first, else after): its history
    fact, ``"target"`` for the recommended item itself (which the user has not rated), or None."""
    a, b = _sentence_of(text, pos)
    named = [c for c in claims if c.ok and c.kind in ("history_item", "target") and a <= c.start < b]
    before = [c for c in named if c.start < pos]
    after = [c for c in named if c.start > pos]
    pick = max(before, key=lambda c: c.start) if before else (min(after, key=lambda c: c.start) if after else None)
    if pick is None:
        return None
    return "target" if pick.kind == "target" else facts.by_key().get(pick.ref)


def _numbers(
    text: str,
    masked: str,
    taken: list[tuple[int, int]],
    claims: list[Claim],
    facts: ExplanationFacts,
    negative: list[tuple[int, int]],
) -> list[Claim]:
    out: list[Claim] = []
    found = [(m.start(), m.end(), m.group(0)) for m in _NUMBER.finditer(text)]
    found += [(m.start(), m.end(), str(_ZH_DIGITS[m.group(1)])) for m in _ZH_STARS.finditer(text)]
    ratings = [f.rating for f in facts.all if f.rating is not None]
    shares = [f.share_pct for f in facts.all if f.share_pct is not None]
    counts = [f.interactions for f in facts.all if f.interactions is not None]
    years = {y for y in [year_of(facts.title)] + [year_of(f.title or "") for f in facts.all] if y}
    for start, end, raw in sorted(set(found)):
        if _inside(start, taken):
            continue
        try:
            value = float(raw.replace(",", ""))
        except ValueError:
            continue
        after, before = text[end : end + 12], text[max(0, start - 14) : start]
        sign = -1 if _inside(start, negative) else 1
        span = text[
            start : end + (len(m.group(0)) if (m := _RATING_AFTER.match(after) or _PERCENT_AFTER.match(after)) else 0)
        ]
        if _RATING_AFTER.match(after) or _RATING_BEFORE.search(before):
            fact = _rating_near(start, masked, claims, facts)
            if fact == "target":
                ok, reason = False, f"the user has not rated {facts.display}; a rating belongs to a past item."
            elif fact is not None and fact.rating is not None:
                ok = abs(fact.rating - value) < 1e-6
                reason = "" if ok else f"the user rated {fact.name} {fact.rating:g}, not {raw}."
            else:
                ok = any(abs(r - value) < 1e-6 for r in ratings)
                reason = (
                    ""
                    if ok
                    else f"no rating of {raw} among the facts "
                    f"(ratings: {', '.join(f'{r:g}' for r in ratings) or 'none'})."
                )
        elif _PERCENT_AFTER.match(after) or before.endswith("百分之"):
            ok = any(abs(s - value) <= 1 for s in shares)
            reason = "" if ok else f"no share of {raw}% among the facts."
        elif value.is_integer() and 1900 <= value <= 2030 and "," not in raw:
            ok = int(value) in years
            reason = "" if ok else f"the year {raw} is not the year of any item in the facts."
        elif _COUNT_AFTER.match(after):
            ok = any(abs(c - value) < 0.5 for c in counts)
            reason = "" if ok else f"no count of {raw} among the facts."
        else:
            ok = any(abs(v - value) < 1e-6 for v in ratings + shares + counts)
            reason = "" if ok else f"the number {raw} is not in the facts."
        out.append(Claim("number", raw, span or raw, sign, ok, reason, start))
    return out


def _unknown_names(text: str, masked: str, taken: list[tuple[int, int]]) -> list[Claim]:
    """Capitalised words no title or feature explains (people, studios, invented titles) and unmatched 《titles》."""
    out: list[Claim] = []
    # every named fact masked too: "rated R. It is..." ends a sentence ("R." is a label, not an initial)
    masked = _mask(masked, taken)
    sentences = sentence_spans(masked)
    starts = {a for a, _b in sentences} | {a for s in sentences for a, _b in clause_spans(masked, *s)}
    run: list = []

    def flush() -> None:
        while run and run[-1].norm in _CONNECTORS:
            run.pop()
        caps = [t for t in run if t.raw[:1].isupper()]
        if caps:
            a, b = run[0].start, run[-1].end
            out.append(Claim("name", text[a:b], text[a:b], 1, False, "names something that is not in the facts.", a))
        run.clear()

    for tok in tokens(text):
        first = tok.start in starts or text[: tok.start].rstrip().endswith(("(", '"', "“", "'"))
        unknown = not _inside(tok.start, taken) and tok.norm not in _ALLOWED_CAPS
        capital = tok.raw[:1].isupper() and not first
        if unknown and (capital or (run and tok.norm in _CONNECTORS)):
            if run and text[run[-1].end : tok.start].strip(" -'’"):
                flush()
            run.append(tok)
        else:
            flush()
    flush()
    for m in re.finditer(r"《([^》]{1,80})》", text):
        if not _inside(m.start(1), taken) and not any(c.start >= m.start(1) and c.start < m.end(1) for c in out):
            out.append(
                Claim("name", m.group(1), m.group(0), 1, False, "this title is not in the catalogue.", m.start())
            )
    return out


@dataclass(frozen=True)
class ClaimChecker:
    """The claim checker for one catalogue and model: ``checker(text, facts, language) -> CheckResult``.

    Passed explicitly to whatever writes explanations, so every writing path (model prose, streamed,
    retried, template) is judged by the same check."""

    titles: tuple[str, ...]
    labels: tuple[str, ...]

    @classmethod
    def of(cls, titles: Sequence[str], labels: Sequence[str]) -> "ClaimChecker":
        return cls(tuple(titles), tuple(labels))

    def __call__(self, text: str, facts: ExplanationFacts, language: str = "en") -> CheckResult:
        return check(text, facts, self.titles, self.labels, language)
