"""Numbers as shoppers write them: "200", "1,500", "2.5", "two", "a dozen", "两", "一百五", "三千"."""

from __future__ import annotations

import re

from tools.resolve import NUMBER_WORDS, ZH_DIGITS

# the list positions' number words (tools.resolve), and the amounts people also write in words
EN_WORDS = {
    **NUMBER_WORDS,
    **{"a": 1, "an": 1, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40},
    **{"fifty": 50, "hundred": 100, "a hundred": 100, "dozen": 12, "a dozen": 12, "a couple": 2, "couple": 2},
}
_ZH_DIGITS = {**{k: v for k, v in ZH_DIGITS.items() if k != "十"}, "零": 0, "俩": 2}  # 十 is a unit here
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
ZH_NUMBER = r"[零一二两俩三四五六七八九十百千万]+"
EN_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?|" + "|".join(sorted((re.escape(w) for w in EN_WORDS), key=len, reverse=True))
NUMBER = rf"(?:{EN_NUMBER}|{ZH_NUMBER})"


def zh_number(text: str) -> float | None:
    """'一百五' -> 150, '两千' -> 2000, '十五' -> 15, '三' -> 3; None if ``text`` is not a Chinese numeral."""
    if not text or any(ch not in _ZH_DIGITS and ch not in _ZH_UNITS for ch in text):
        return None
    total, section, digit, last_unit, zero = 0, 0, None, 1, False
    for ch in text:
        if ch in _ZH_DIGITS:
            digit = _ZH_DIGITS[ch]
            zero = zero or ch == "零"
            continue
        zero = False
        unit = _ZH_UNITS[ch]
        if unit == 10000:
            total += (section + (digit or 0)) * unit
            section, digit, last_unit = 0, None, 10000
            continue
        section += (1 if digit is None else digit) * unit
        digit, last_unit = None, unit
    if digit is not None:  # "一百五" is 150 (a trailing digit counts one place lower), "一百零五" 105
        section += digit * (last_unit // 10 if last_unit >= 100 and not zero else 1)
    return float(total + section)


def number(text: str) -> float | None:
    """The value of one number as written, in digits, English words or Chinese numerals."""
    t = text.strip().lower()
    if not t:
        return None
    if re.fullmatch(r"\d+(?:,\d{3})*(?:\.\d+)?", t):
        return float(t.replace(",", ""))
    if t in EN_WORDS:
        return float(EN_WORDS[t])
    return zh_number(t)
