"""Where a text presents something as holding an item back.

Three kinds of marker: those that turn the rest of the sentence negative ("however", "holding it
back:", "不过"), those that turn the rest of their clause negative ("although", "despite", "not",
"虽然"), and those that make their whole clause negative wherever they sit ("... holds it back",
"... counts against it", "拉低"). A mention's sign is -1 when it starts inside any such range.
"""

from __future__ import annotations

import re

from assistant.language import clause_spans, sentence_spans

_W = r"(?<![A-Za-z])"
_E = r"(?![A-Za-z])"
_SENTENCE = re.compile(
    _W
    + r"(?:however|on the other hand|the downside|a downside|drawbacks?|holding (?:it|this) back|held back by)"
    + _E
    + r"|不过|但是|但|然而|可惜|美中不足",
    re.IGNORECASE,
)
_CLAUSE = re.compile(
    _W + r"(?:although|though|even though|despite|in spite of|but|not|less|lower|fewer|never|isn't|aren't|doesn't|"
    r"don't|without|weaker|few|fewer)" + _E + r"|虽然|尽管|不太|不是|较少|没有|不够|稍弱",
    re.IGNORECASE,
)
_WHOLE_CLAUSE = re.compile(
    _W + r"(?:holds? (?:it|this) back|holding (?:it|this) back|held (?:it|this) back|against it|counts? against|"
    r"works? against|working against|drags? (?:it|this) down|weighs? (?:it|this) down|weighs? against|"
    r"lowers? (?:it|its)|weighs? on (?:it|this)|costs? (?:it|this)|knocks? (?:it|this)|"
    r"pulls? (?:it|this) down|niche)" + _E + r"|拉低|扣分|减分|拖累|不利|拖后腿|减弱|不多|冷门|小众",
    re.IGNORECASE,
)


def negative_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of ``text`` whose mentions count as holding the item back.

    Mask titles first (same length): "Tomorrow Never Dies" must not count as a "never".
    """
    out: list[tuple[int, int]] = []
    for s_start, s_end in sentence_spans(text):
        clauses = clause_spans(text, s_start, s_end)
        sentence = text[s_start:s_end]
        for m in _SENTENCE.finditer(sentence):
            out.append((s_start + m.start(), s_end))
        for m in _CLAUSE.finditer(sentence):
            pos = s_start + m.start()
            end = next((b for a, b in clauses if a <= pos < b), s_end)
            out.append((pos, end))
        for m in _WHOLE_CLAUSE.finditer(sentence):
            pos = s_start + m.start()
            a, b = next(((a, b) for a, b in clauses if a <= pos < b), (s_start, s_end))
            # "What holds it back: X and Y" is a heading: the rest of the sentence is what holds it back
            out.append((a, s_end if text[b : b + 1] in (":", "：") else b))
    return out
