"""The template explanation: deterministic sentences written from the facts alone, in English or Chinese.

``template_explanation`` is the one place it is written. It is the draft the language model rewrites,
and the text shown when no language model is configured, when it fails, or when its text fails the checker.
It names only facts, and its wording is chosen by a hash of (user, item) so that explanations of
many items do not all read the same. Every template is written so that ``claim_checker`` reads
its signs right: holding-back facts sit after "Holding it back" / "although" / "不过" / "拉低".
"""

from __future__ import annotations

import re

from assistant.explaining.facts import ExplanationFacts, Fact, facts_for
from assistant.language import join_list, normalize_language, pick, stars
from scorer.attribution import Explanation

KIND_COLUMNS = ("category", "type", "kind", "product_type", "department")


def _rated(f: Fact, zh: bool) -> str:
    if zh:
        return f"《{f.name}》" + (f"（{stars(f.rating)}）" if f.rating is not None else "")
    return f"{f.name} {stars(f.rating)}" if f.rating is not None else f.name


def _history_sentence(facts: ExplanationFacts, zh: bool) -> str:
    past = [f for f in facts.supporting if f.kind == "history_item"][:2]
    if not past:
        return ""
    seed, t = (facts.user, facts.item, "history"), facts.display
    rated = all(f.rating is not None for f in past)
    if zh:
        listed = join_list([_rated(f, True) for f in past], "zh")
        if rated:
            gave = "，".join(f"给《{f.name}》打了{f.rating:g}星" for f in past)
            return pick(
                [
                    f"你{gave}，《{t}》和它们很接近。",
                    f"你曾{gave}，所以推荐《{t}》。",
                    f"参考你的评分：{listed}，《{t}》与它们相近。",
                ],
                *seed,
            )
        return pick([f"你看过{listed}，《{t}》和它们很接近。", f"《{t}》和你选过的{listed}很接近。"], *seed)
    listed = join_list([_rated(f, False) for f in past], "en")
    if rated:
        return pick(
            [
                f"You rated {listed}, and {t} sits close to them.",
                f"Your ratings of {listed} point to {t}.",
                f"{t} is close to what you rated: {listed}.",
                f"Going by your ratings of {listed}, {t} is a close match.",
            ],
            *seed,
        )
    return pick(
        [f"{t} sits close to {listed} in your history.", f"{t} sits close to {listed}, which you chose."], *seed
    )


def _feature_sentence(facts: ExplanationFacts, zh: bool, first: bool) -> str:
    feats = [f for f in facts.supporting if f.kind == "feature"][:2]
    pop = next((f for f in facts.supporting if f.kind == "popularity"), None)
    seed = (facts.user, facts.item, "features")
    names = join_list([f.shown("zh" if zh else "en") for f in feats], "zh" if zh else "en")
    share = next((f for f in feats if f.share_pct is not None and f.share_pct >= 10), None)
    if zh:
        tail = pick(["，而且很受大家欢迎", "，也有很多人选择它", "，人气也很高"], *seed, "pop") if pop else ""
        if feats:
            options = [f"它契合你对{names}的偏好{tail}。", f"{names}正是你常选的类型{tail}。"]
            if share is not None and share.column == "genres":
                options.append(f"{share.name_zh}占你记录的{share.share_pct}%，它也属于这一类{tail}。")
            return pick(options, *seed)
        t = f"《{facts.display}》" if first else "它"
        return pick([f"{t}很受大家欢迎。", f"很多人都选择了{t}。", f"{t}的人气也很高。"], *seed) if pop else ""
    tail = (
        pick(
            [" and is popular with many people", ", and many people chose it", ", and it is widely popular"],
            *seed,
            "pop",
        )
        if pop
        else ""
    )
    lead = facts.display if first else pick(["It", "It also", "This one"], *seed, "lead")
    if feats:
        options = [f"{lead} matches your taste for {names}{tail}.", f"{lead} fits your leaning towards {names}{tail}."]
        if share is not None and share.column == "genres":
            options.append(
                f"{share.name} makes up {share.share_pct}% of your history, and this is {share.name} too{tail}."
            )
        return pick(options, *seed)
    if pop:
        t = facts.display if first else "it"
        return pick(
            [
                f"{t[:1].upper()}{t[1:]} is popular with many people.",
                f"Many people chose {t}, too.",
                f"{t[:1].upper()}{t[1:]} is also popular with many people.",
            ],
            *seed,
        )
    return ""


def _against(f: Fact, zh: bool) -> str:
    if f.kind == "history_item":
        return f"你看过的《{f.name}》" if zh else f"{f.name} in your history"
    if f.kind == "popularity":
        return "选择它的人不多" if zh else "it is not widely chosen"
    if zh:
        return {"genres": f"它的{f.name_zh}元素", "year": f"它是{f.name_zh}的作品", "mpaa": f"它是{f.name_zh}"}.get(
            f.column or "", f.name_zh
        )
    year = f"being from {f.name}" if f.name.startswith("the ") else f"being {f.name}"
    special = {"genres": f"its {f.name} side", "year": year, "mpaa": f"being {f.name}"}
    if f.column in special:
        return special[f.column]
    if (f.column or "").lower() in KIND_COLUMNS:  # a shop's product kind: "being a tent"
        return f"being {'an' if f.name[:1].lower() in 'aeiou' else 'a'} {f.name}"
    if f.column and re.fullmatch(r"[\w'-]+", f.name):
        return f"being {f.name}"  # a tag: "being freestanding", "being budget"
    return f"its {f.name}"


def _against_sentence(facts: ExplanationFacts, zh: bool) -> str:
    against = facts.holding_back[:2]
    if not against:
        return ""
    seed = (facts.user, facts.item, "against")
    listed = join_list([_against(f, zh) for f in against], "zh" if zh else "en")
    if zh:
        return pick([f"略微拉低它的是：{listed}。", f"不过，{listed}让它稍稍减分。"], *seed)
    return pick([f"Holding it back a little: {listed}.", f"What holds it back: {listed}."], *seed)


def template_explanation(explanation: Explanation | ExplanationFacts, language: str = "en") -> str:
    """One to three sentences from the facts of ``explanation`` in ``language`` ("en" or "zh")."""
    facts = explanation if isinstance(explanation, ExplanationFacts) else facts_for(explanation)
    zh = normalize_language(language) == "zh"
    history = _history_sentence(facts, zh)
    sentences = [history, _feature_sentence(facts, zh, first=not history), _against_sentence(facts, zh)]
    text = ("" if zh else " ").join(s for s in sentences if s)
    if text:
        return text
    return f"《{facts.display}》是根据你的记录推荐的。" if zh else f"{facts.display} is recommended from your history."
