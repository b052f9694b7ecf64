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

from assistant.explaining.content import content_problems
from assistant.explaining.facts import ExplanationFacts, Fact
from assistant.explaining.item_facts import gives_reason, in_item_band, item_columns, item_features, popular
from assistant.explaining.negation import negative_ranges
from assistant.explaining.vocabulary import Mention, Vocabulary, build_vocabulary
from assistant.language import clause_spans, sentence_spans, tokens, year_of

MAX_CHARS = 700
MIN_NAMED_WEIGHT = 0.01  # a past item outside the facts may still be named if it is at least this share
_MAIN = re.compile(
    r"(?<![A-Za-z])(?:mainly|main|mostly|chiefly|above all|biggest|largest|primarily)(?![A-Za-z])|主要|最大", re.I
)
MAX_SENTENCES = 4
_RATING_AFTER = re.compile(r"^\s*(?:★|☆|-?\s*stars?\b|星|颗星|分(?!钟)|/\s*5\b|out of 5\b)", re.IGNORECASE)
_RATING_BEFORE = re.compile(
    r"(?:rated(?: it)?(?: an?)?|gave(?: it)?(?: an?)?|rating of|打了|给了|评了|打)\s*$", re.IGNORECASE
)
_PERCENT_AFTER = re.compile(r"^\s*(?:%|％|percent\b|per cent\b)", re.IGNORECASE)
_COUNT_AFTER = re.compile(
    r"^\s*(?:people|persons|viewers|users|shoppers|customers|ratings|times|人|位|次)", re.IGNORECASE
)
# digits may touch Chinese characters ("打了4星", "1985年"): the guards are ASCII letters and digits only
_NUMBER = re.compile(r"(?<![A-Za-z0-9_.])\d+(?:[.,]\d+)*(?![A-Za-z0-9_])")
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


Aliases = tuple[tuple[str, tuple[str, ...]], ...]  # value -> the shop's other names of it (e.g. Chinese)


@lru_cache(maxsize=8)
def _vocabulary(titles: tuple[str, ...], labels: tuple[str, ...], aliases: Aliases) -> Vocabulary:
    return build_vocabulary(titles, labels, aliases)


def vocabulary(catalogue_titles: Sequence[str], feature_labels: Sequence[str], aliases: Aliases = ()) -> Vocabulary:
    """The (cached) matcher for a catalogue's titles, the model's feature labels and the shop's aliases."""
    return _vocabulary(tuple(catalogue_titles), tuple(feature_labels), aliases)


def flat_aliases(by_column: dict[str, dict[str, list[str]]] | None) -> Aliases:
    """``Catalogue.aliases`` (column -> value -> names) as the checker's value -> names."""
    merged: dict[str, list[str]] = {}
    for values in (by_column or {}).values():
        for value, names in values.items():
            merged.setdefault(value, []).extend(names)
    return tuple(sorted((v, tuple(dict.fromkeys(n))) for v, n in merged.items()))


def check(
    text: str,
    facts: ExplanationFacts,
    catalogue_titles: Sequence[str],
    feature_labels: Sequence[str],
    language: str = "en",
    aliases: Aliases = (),
) -> CheckResult:
    """Verify every claim in ``text`` against ``facts``; ``ok`` only if all pass and at least one names a fact.

    ``language`` is the text's language; English and Chinese names are matched in either, since a
    Chinese text quotes English titles.
    """
    vocab = vocabulary(catalogue_titles, feature_labels, aliases)
    text = text or ""
    mentions = vocab.find(text)
    # titles are quoted data: "Tomorrow Never Dies" holds no "never", "Sally..." ends no sentence
    masked = _mask(text, [(m.start, m.end) for m in mentions if m.kind == "title"])
    negative = negative_ranges(masked)
    claims: list[Claim] = []
    for m in mentions:
        sign = -1 if any(a <= m.start < b for a, b in negative) else 1
        claims.append(_verify_mention(m, sign, facts, masked))
    taken = [(m.start, m.end) for m in mentions]
    claims += _numbers(text, masked, taken, claims, facts, negative)
    claims += _unknown_names(text, masked, taken)
    titled = [(c.start, c.ref) for c in claims if c.ok and c.kind == "history_item"]
    claims += [
        Claim(p["kind"], p["span"], p["span"], 1, False, p["reason"], p["start"])
        for p in content_problems(text, masked, facts, titled)
    ]
    claims.sort(key=lambda c: c.start)
    problems = [f"{c.kind} '{c.text_span}': {c.reason}" for c in claims if not c.ok]
    if not text.strip():
        problems.append("the text is empty.")
    elif not any(c.ok and c.kind in ("history_item", "feature", "popularity") for c in claims):
        problems.append("the text names none of the facts; name at least one reason from the facts.")
    if len(text) > MAX_CHARS or len(sentence_spans(text)) > MAX_SENTENCES:
        problems.append(f"the text is too long; write 1-3 short sentences (at most {MAX_CHARS} characters).")
    return CheckResult(not problems, claims, problems)


def _described(m: Mention, sign: int, ref: str, why: str) -> Claim:
    return Claim("item", ref, m.span, sign, True, why, m.start)


def _verify_mention(m: Mention, sign: int, facts: ExplanationFacts, text: str) -> Claim:
    sentence = _sentence_of(text, m.start)
    if m.kind == "title":
        matches = [f for f in facts.all if f.kind == "history_item" and f.title in m.refs]
        kind, ref = "history_item", sorted(m.refs)[0]
        if not matches and facts.title in m.refs:
            return Claim("target", facts.title, m.span, sign, True, "the recommended item itself", m.start)
        if not matches:
            return _smaller_part(m, sign, facts, text[sentence[0] : sentence[1]]) or Claim(
                kind, ref, m.span, sign, False, _absent(facts, m.refs, "title"), m.start
            )
    elif m.kind == "column":
        matches = [f for f in facts.all if f.kind == "feature" and f.column in m.refs]
        kind, ref = "feature", sorted(m.refs)[0]
        if not matches and m.refs & item_columns(facts):
            return _described(m, sign, ref, "the item's own catalogue fact")
        if not matches:
            return Claim(kind, ref, m.span, sign, False, f"no fact about {ref}.", m.start)
    else:
        matches = [f for f in facts.all if (f.kind in ("feature", "popularity")) and f.name in m.refs]
        kind, ref = ("popularity" if m.kind == "popularity" else "feature"), sorted(m.refs)[0]
        if m.kind == "popularity":
            matches = [f for f in facts.all if f.kind == "popularity"]
            if (not matches or matches[0].sign != sign) and sign > 0 and popular(facts):
                return _described(m, sign, ref, "the item is among the most chosen")
            if not matches and popular(facts) is False:
                share = 100 * (facts.popular_share or 0)
                return Claim(
                    kind, ref, m.span, sign, False, f"it is not among the most chosen (top {share:.0f}%).", m.start
                )
        if not matches and any(r in item_features(facts) for r in m.refs):
            return _described(m, sign, ref, "the item's own catalogue fact")
        if not matches:
            return Claim(kind, ref, m.span, sign, False, _absent(facts, m.refs, "feature"), m.start)
    right = [f for f in matches if f.sign == sign]
    if not right and matches[0].kind == "feature" and sign > 0 and not gives_reason(text, *sentence):
        return _described(m, sign, ref, "the item's own catalogue fact, described, not given as a reason")
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


def _smaller_part(m: Mention, sign: int, facts: ExplanationFacts, sentence: str) -> Claim | None:
    """A past item outside the facts that is still a real part of the score, with the sign the text gives
    it (not as the main reason)."""
    key = next((facts.omitted_names[r] for r in m.refs if r in facts.omitted_names), None)
    if key is None or not facts.mass or _MAIN.search(sentence):
        return None
    value = facts.omitted[key]
    if abs(value) / facts.mass < MIN_NAMED_WEIGHT or (1 if value >= 0 else -1) != sign:
        return None
    return Claim("history_item", key, m.span, sign, True, "a smaller part of the score", m.start)


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


_THEN_TITLE = re.compile(
    r"^\s*(?:ratings?|reviews?)?\s*(?:for|of|on|to|from you for|such as|like|including|each for)?"
    r"\s*[,:：]?\s*(?:的)?\s*[《“\"]?\s*$",
    re.IGNORECASE,
)
_AFTER_CUE = re.compile(r"(?:for|of|on|such as|like|including|的)\s*[,:：]?\s*[《“\"]?\s*$", re.IGNORECASE)
_BOUND = re.compile(r"^\s*[a-z]*\s*(?:or more|or less|or longer|and up|and over|以上|以下|及以上)", re.IGNORECASE)
_YOU_RATED = re.compile(r"(?:you|you've)\s+(?:rated|gave|given)|你(?:给|打)|打了", re.IGNORECASE)
_KILO = re.compile(r"^\s*(?:kg|kilos?|kilograms?|公斤|千克)", re.IGNORECASE)


def _rating_near(pos: int, end: int, text: str, claims: list[Claim], facts: ExplanationFacts) -> Fact | str | None:
    """The title a rating at ``pos``..``end`` belongs to: the one after it when words such as "for",
    "such as" or 的 lead there ("5★ for Scream", "打了4星的《X》"), else the closest before it in its
    sentence, else the closest after. Returns its history fact, ``"target"`` for the recommended item
    itself (which the user has not rated), or None."""
    a, b = _sentence_of(text, pos)
    named = [c for c in claims if c.ok and c.kind in ("history_item", "target") and a <= c.start < b]
    before = [c for c in named if c.start < pos]
    after = [c for c in named if c.start > pos]
    first_after = min(after, key=lambda c: c.start) if after else None
    last_before = max(before, key=lambda c: c.start) if before else None
    lead = text[end : first_after.start] if first_after else ""
    # "films you rated 4★, such as X": the rating introduces the titles after it, not the item before it
    lists_after = last_before is not None and last_before.kind == "target" and bool(_YOU_RATED.search(text[a:pos]))
    if first_after is not None and ((_AFTER_CUE.search(lead) and _THEN_TITLE.match(lead)) or lists_after):
        pick = first_after
    else:
        pick = last_before or first_after
    if pick is None:
        return None
    if pick.kind == "target":
        return "target"
    fact = facts.by_key().get(pick.ref)
    if fact is None and pick.ref in facts.history_ratings:  # a smaller part: its rating is still known
        return Fact(
            pick.ref,
            "history_item",
            pick.text_span,
            pick.text_span,
            "",
            0.0,
            0.0,
            rating=facts.history_ratings[pick.ref],
        )
    return fact


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
            rating_end = end + (len(m.group(0)) if (m := _RATING_AFTER.match(after)) else 0)
            fact = _rating_near(start, rating_end, masked, claims, facts)
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
            kilo = value * 1000 if _KILO.match(after) else value  # "1.2 kg" against a band in grams
            ok = any(abs(v - value) < 1e-6 for v in ratings + shares + counts) or in_item_band(
                kilo, facts, bound=bool(_BOUND.match(text[end : end + 24]))
            )
            reason = "" if ok else f"the number {raw} is not in the facts (nor in the item's own ranges)."
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
    aliases: Aliases = ()

    @classmethod
    def of(
        cls, titles: Sequence[str], labels: Sequence[str], aliases: dict[str, dict[str, list[str]]] | None = None
    ) -> "ClaimChecker":
        """``aliases``: ``Catalogue.aliases`` (the shop's own names of its values, e.g. in Chinese)."""
        return cls(tuple(titles), tuple(labels), flat_aliases(aliases))

    def __call__(self, text: str, facts: ExplanationFacts, language: str = "en") -> CheckResult:
        return check(text, facts, self.titles, self.labels, language, self.aliases)
