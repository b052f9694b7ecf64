"""One item's score parts as an HTML bar chart a person can read (in the chat message, in English or Chinese).

The bars are the parts the explanation names; everything else is one muted bar, so the bars still sum to
the score. Signs are written out (+ / −, raises / lowers), not told by colour alone, and the colours are the
Okabe-Ito ones (readable with colour blindness).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from assistant.labels_zh import zh_label
from assistant.language import bare_title, stars
from scorer.attribution import Contribution, Explanation
from webapp.ui_text import t

DEFAULT_NAMED = 3  # when the text names nothing the chart can key on: the largest positive parts


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    kind: str  # "raises" | "lowers" | "rest"


def part_label(c: Contribution, lang: str) -> str:
    """What a person reads for one part, in ``lang``."""
    if lang != "zh":
        return c.label
    if c.kind == "history_item":
        title, rating = bare_title(str(c.evidence.get("title", ""))), c.evidence.get("rating")
        return f"你给《{title}》打了{stars(rating)}" if rating is not None else f"你看过《{title}》"
    if c.kind == "popularity":
        return "很多人喜欢它"
    return zh_label(c.label)


def bars_for(expl: Explanation, named: list[str], lang: str) -> list[Bar]:
    """The named parts (largest first), then one bar for everything else; the values sum to the score."""
    by_key = {c.key: c for c in expl.contributions}
    keys = [k for k in dict.fromkeys(named) if k in by_key]
    if not keys:
        keys = [c.key for c in sorted(expl.contributions, key=lambda c: -c.value)[:DEFAULT_NAMED] if c.value > 0]
    shown = sorted((by_key[k] for k in keys), key=lambda c: -c.value)
    out = [Bar(part_label(c, lang), c.value, "raises" if c.value >= 0 else "lowers") for c in shown]
    rest = len(expl.contributions) - len(shown)
    if rest:
        out.append(Bar(t("chart_rest", lang, n=rest), expl.score - sum(c.value for c in shown), "rest"))
    return out


def signed(value: float) -> str:
    return f"+{value:.2f}" if value >= 0 else f"−{abs(value):.2f}"


def chart_html(expl: Explanation, named: list[str], lang: str) -> str:
    """A table: label, bar, signed value; the total last. One line (Markdown keeps an HTML block whole)."""
    bars = bars_for(expl, named, lang)
    top = max((abs(b.value) for b in bars), default=1.0) or 1.0
    rows = []
    for b in bars:
        width = max(2.0, 100.0 * abs(b.value) / top)
        word = t("chart_raises" if b.value >= 0 else "chart_lowers", lang)
        rows.append(
            f'<tr class="b-row b-{b.kind}"><th>{html.escape(b.label)}</th>'
            f'<td class="b-barcell"><span class="b-bar b-bar-{b.kind}" style="width:{width:.0f}%"></span></td>'
            f'<td class="b-val">{signed(b.value)}<span class="b-sr"> ({word})</span></td></tr>'
        )
    rows.append(
        f'<tr class="b-row b-total"><th>{t("chart_total", lang)}</th><td></td>'
        f'<td class="b-val">{signed(expl.score)}</td></tr>'
    )
    caption = html.escape(t("chart_caption", lang, total=signed(expl.score)))
    return f'<table class="b-chart"><caption>{caption}</caption>{"".join(rows)}</table>'
