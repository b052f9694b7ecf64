"""Every short text the assistant says around the tools' results, written once, in English and Chinese.

Replies are templates over the tools' structured results (``ToolResult.data``), so they state only what
the tools computed. The help text and the notices (the language model down or busy, the assistant or
search unavailable) live here too, so the agent, the web app and the CLI say the same words.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.labels_zh import zh_label
from assistant.language import display_title, join_list
from catalogue.builtin import BUILTINS
from catalogue.units import CURRENCY_SIGNS, infer_unit, plain_name
from scorer import Explanation, Recommender, WhatIf

HELP = (
    'I can recommend items, explain a pick ("why the second one?"), say why something isn\'t recommended, '
    "find similar items, or show what I know about you.",
    "我可以为你推荐、解释推荐理由（比如“为什么推荐第二个？”）、说明为什么没推荐某部、找相似的条目，或告诉你我对你了解多少。",
)
NOTICES = {
    "llm_down": (
        "(The language model is unavailable right now: recommendations and explanations come from templates.)",
        "（语言模型暂时不可用：推荐和解释由模板生成。）",
    ),
    "llm_busy": (
        "(Many shoppers are chatting right now: this time the explanations come from templates.)",
        "（现在使用的人较多：这次的解释由模板生成。）",
    ),
    "assistant_down": (
        "(The assistant is unavailable right now: plain recommendations with template explanations.)",
        "（助手暂时不可用：这里是普通推荐和模板解释。）",
    ),
}


def help_text(language: str) -> str:
    return HELP[int(language == "zh")]


def notice(kind: str, language: str = "en") -> str:
    """One of ``NOTICES`` in the reply language."""
    return NOTICES[kind][int(language == "zh")]


def search_notice(failures: list[str]) -> str | None:
    """What to tell the user when catalogue search could not use its index this turn."""
    if not failures:
        return None
    return (
        f"(Catalogue search is unavailable right now: {failures[-1]} Results come from a simpler match: "
        "words in titles, or what people chose together.)"
    )


def _t(title: str, zh: bool) -> str:
    return f"《{display_title(title)}》" if zh else display_title(title)


_RATED = re.compile(r"^you rated (.+?) ([\d.]+)★$")
_CHOSE = re.compile(r"^you chose (.+)$")


def _label(label: str, zh: bool) -> str:
    """A contribution's label; history items read "you rated X 4★" / "你给《X》打了4星"."""
    m, c = _RATED.match(label), _CHOSE.match(label)
    if m:
        return (
            f"你给《{display_title(m.group(1))}》打了{m.group(2)}星"
            if zh
            else f"you rated {display_title(m.group(1))} {m.group(2)}★"
        )
    if c:
        return f"你选过《{display_title(c.group(1))}》" if zh else f"you chose {display_title(c.group(1))}"
    return zh_label(label) if zh else label


def describe_constraint(text: str, zh: bool) -> str:
    """'genres!=Horror' -> 'no Horror' / '不要恐怖'."""
    for op in ("!=", ">=", "<=", "=", "<", ">"):
        if op in text:
            col, value = text.split(op, 1)
            break
    else:
        return text
    if text == "not shown":
        return "只看新的" if zh else "new ones only"
    if col == "genres":
        name = zh_label(value) if zh else value
        return (
            (f"不要{name}" if op == "!=" else f"只要{name}")
            if zh
            else (f"no {value}" if op == "!=" else f"only {value}")
        )
    if col not in ("runtime", "year"):
        return _describe_shop_constraint(col, op, value, zh)
    if ".." in value:
        lo, hi = value.split("..", 1)
        return f"{col} {lo}–{hi}" if not zh else f"{'年份' if col == 'year' else col}{lo}–{hi}"
    unit = " min" if col == "runtime" else ""
    if zh:
        name = {"runtime": "片长", "year": "年份"}.get(col, col)
        word = {
            "<": "短于" if col == "runtime" else "早于",
            "<=": "不超过",
            ">": "长于" if col == "runtime" else "晚于",
            ">=": "不少于",
            "=": "等于",
            "!=": "不是",
        }[op]
        return f"{name}{word}{value}{'分钟' if col == 'runtime' else ''}"
    word = {"<": "under", "<=": "at most", ">": "over", ">=": "from", "=": "", "!=": "not"}[op]
    return f"{col} {word} {value}{unit}".replace("  ", " ")


_COLUMN_ZH = {"price": "价格", "weight": "重量", "pages": "页数", "rating": "评分", "brand": "品牌", "category": "类别"}


def column_name(column: str, zh: bool = False) -> str:
    """How a reply names a column: 'weight_g' -> 'weight' / '重量'."""
    name = plain_name(column)
    return _COLUMN_ZH.get(name, name) if zh else name


def amount(value: float, unit: str | None, zh: bool = False) -> str:
    """200 USD -> '$200' / '200美元'; 2000 g -> '2 kg' / '2公斤'; 450 pages -> '450 pages' / '450页'."""
    if unit in ("g", "kg"):
        grams = value * (1000 if unit == "kg" else 1)
        number, word, word_zh = (grams / 1000, "kg", "公斤") if grams >= 1000 else (grams, "g", "克")
        return f"{number:g}{word_zh}" if zh else f"{number:g} {word}"
    if unit in CURRENCY_SIGNS:
        sign = CURRENCY_SIGNS[unit]
        return f"{value:g}{'美元' if unit == 'USD' else unit}" if zh else f"{sign}{value:g}"
    if unit == "pages":
        return f"{value:g}页" if zh else f"{value:g} pages"
    return f"{value:g}"


def _describe_shop_constraint(col: str, op: str, value: str, zh: bool) -> str:
    """'price<200' -> 'price under $200' / '价格低于200美元'; 'brand!=Kobold' -> 'no Kobold' / '不要Kobold'."""
    numbers = [_number(v) for v in value.split("..")]
    if op in ("=", "!=") and None in numbers:
        return (
            (f"不要{value}" if op == "!=" else f"只要{value}")
            if zh
            else (f"no {value}" if op == "!=" else f"only {value}")
        )
    unit, name = infer_unit(col), column_name(col, zh)
    if len(numbers) == 2 and unit == "pages":
        return f"{numbers[0]:g}–{numbers[1]:g}页" if zh else f"{numbers[0]:g}–{numbers[1]:g} pages"
    if len(numbers) == 2:
        lo, hi = (amount(x, unit, zh) for x in numbers)
        return f"{name}{lo}–{hi}" if zh else f"{name} {lo}–{hi}"
    shown = amount(numbers[0], unit, zh)
    if zh:
        word = {"<": "低于", "<=": "不超过", ">": "高于", ">=": "不低于", "=": "为", "!=": "不是"}[op]
        return f"{name}{word}{shown}"
    word = {"<": "under", "<=": "at most", ">": "over", ">=": "at least", "=": "of", "!=": "not"}[op]
    return f"{name} {word} {shown}"


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def measure_word(rec: Recommender) -> str:
    """The Chinese measure word for the catalogue's items: 部 for films, 个 for anything else."""
    return "部" if getattr(rec, "dataset", "") in BUILTINS else "个"


def reply_for(tool: str, data: dict[str, Any], language: str, rec: Recommender) -> str:
    """A short faithful reply for one tool result (``data`` is ``ToolResult.data``)."""
    zh = language == "zh"
    if "error" in data:
        return error_reply(data["error"], zh)
    if tool == "recommend":
        n, cons = len(data["recommendations"]), data.get("constraints") or []
        said = join_list([describe_constraint(c, zh) for c in cons], language)
        if zh:
            return f"为你推荐{n}{measure_word(rec)}" + (f"（{said}）" if said else "") + "："
        return f"Here are {n} picks for you" + (f" ({said})" if said else "") + ":"
    if tool == "explain":
        e: Explanation = data["explanation"]
        pos = data.get("position")
        if pos:
            where = f"列表第{pos}个" if zh else f"#{pos} on your list"
        elif e.rank:
            where = f"总排名第{e.rank}" if zh else f"ranked #{e.rank} overall"
        else:
            where = "你已看过" if zh else "already in your history"
        return f"{_t(e.title, zh)}（{where}）：" if zh else f"Why {_t(e.title, zh)} ({where}):"
    if tool == "why_not":
        return why_not_text(data, zh)
    if tool == "what_if":
        return what_if_text(data["what_if"], zh, rec)
    if tool == "my_profile":
        return profile_text(data["profile"], zh)
    if tool == "remember_feedback":
        title, kind = _t(data["title"], zh), data["feedback"]
        if kind == "liked":
            return (
                f"记下了：你喜欢{title}，之后的推荐会把它算进你的记录。"
                if zh
                else f"Noted: you liked {title}; I'll count it in your history."
            )
        return (
            f"记下了：本次对话不再推荐{title}。"
            if zh
            else f"Noted: I won't recommend {title} again in this conversation."
        )
    if tool in ("search_catalogue", "similar_to"):
        hits = data.get("results") or []
        if not hits:
            return "没有找到匹配的条目。" if zh else "I found nothing that matches."
        if tool == "similar_to":
            like = _t(rec.title(data["like"]), zh) if data.get("like") else ""
            return f"和{like}相似的有：" if zh else f"Similar to {like}:" if like else "Similar items:"
        return "找到这些：" if zh else "Here is what I found:"
    return ""


def error_reply(error: str, zh: bool) -> str:
    problem, _, fix = error.partition(" Fix: ")
    if zh:
        return f"抱歉，这一步没能完成：{problem}" + (f"（可以试试：{fix}）" if fix else "")
    return f"Sorry, I couldn't do that: {problem}" + (f" Try this: {fix}" if fix else "")


def why_not_text(data: dict[str, Any], zh: bool) -> str:
    wn = data["why_not"]
    title = _t(wn.title, zh)
    if wn.in_history:
        return (
            f"{title}已经在你的记录里了，所以不会再推荐。"
            if zh
            else f"{title} is already in your history, so I don't recommend it again."
        )
    if data.get("feedback") in ("disliked", "not_interested"):
        return (
            f"你说过对{title}不感兴趣，所以不再推荐。"
            if zh
            else f"You told me you're not interested in {title}, so I leave it out."
        )
    parts = []
    if data.get("blocked_by"):
        said = join_list([describe_constraint(c, zh) for c in data["blocked_by"]], "zh" if zh else "en")
        parts.append(f"它不符合你的条件（{said}）。" if zh else f"It doesn't meet your constraint ({said}).")
    if wn.gap <= 0 and not data.get("blocked_by"):
        parts.append(
            f"{title}其实在你的前{wn.k}名里（第{wn.rank}名）。"
            if zh
            else f"{title} is in fact in your top {wn.k} (#{wn.rank})."
        )
        return "".join(parts) if zh else " ".join(parts)
    reasons = [_label(d.label, zh) for d in wn.holding_back[:3]]
    kth = _t(wn.kth_title, zh)
    if zh:
        parts.append(f"{title}在你的推荐里排第{wn.rank}名，比第{wn.k}名{kth}低{wn.gap:.2f}分。")
        if reasons:
            parts.append(f"主要拉低它的是：{join_list(reasons, 'zh')}。")
        return "".join(parts)
    parts.append(f"{title} ranks #{wn.rank} for you, {wn.gap:.2f} below #{wn.k}, {kth}.")
    if reasons:
        parts.append(f"What holds it back most: {join_list(reasons, 'en')}.")
    return " ".join(parts)


def what_if_text(wi: WhatIf, zh: bool, rec: Recommender) -> str:
    lang = "zh" if zh else "en"
    changed = join_list([_t(rec.title(i), zh) for i in wi.removed], lang)
    added = join_list([_t(rec.title(i), zh) for i in wi.added], lang)
    if zh:
        head = (
            "如果"
            + (f"没有{changed}" if changed else "")
            + ("，" if changed and added else "")
            + (f"加上{added}" if added else "")
        )
        if not wi.entered and not wi.left:
            return head + f"，你的前{len(wi.after)}名不变。"
        return (
            head + f"，会新出现{join_list([_t(rec.title(i), True) for i in wi.entered], 'zh')}，"
            f"离开的是{join_list([_t(rec.title(i), True) for i in wi.left], 'zh')}。"
        )
    head = "Without " + changed if changed else "With " + added
    if changed and added:
        head += f" and with {added}"
    if not wi.entered and not wi.left:
        return f"{head}, your top {len(wi.after)} would stay the same."
    return (
        f"{head}, {join_list([_t(rec.title(i), False) for i in wi.entered], 'en')} would come in and "
        f"{join_list([_t(rec.title(i), False) for i in wi.left], 'en')} would drop out."
    )


def profile_text(p: dict[str, Any], zh: bool) -> str:
    lang = "zh" if zh else "en"
    top = join_list([_t(r["title"], zh) for r in p["top_rated"][:3]], lang)
    likes = join_list([_label(x["feature"], zh) for x in p["likes"][:3]], lang)
    dislikes = join_list([_label(x["feature"], zh) for x in p["dislikes"][:2]], lang)
    fb = p.get("feedback") or {}
    if zh:
        out = (
            f"你的记录里有{p['n_items']}个条目，评分最高的有{top}。你偏爱{likes}"
            + (f"，较少选择{dislikes}" if dislikes else "")
            + "。"
        )
        if fb:
            out += f"本次对话中你给了{len(fb)}条反馈。"
        return out + "我只使用你的记录（和评分），不使用任何个人资料。"
    out = (
        f"You have {p['n_items']} items in your history; your top rated include {top}. You lean towards {likes}"
        + (f" and away from {dislikes}" if dislikes else "")
        + "."
    )
    if fb:
        out += f" You gave {len(fb)} pieces of feedback in this conversation."
    return out + " I use only your history (and ratings), no personal details."
