"""Hand cases for the claim checker: each claim kind passes when true and fails when not."""

from __future__ import annotations

import pytest

from assistant.explaining.checker import check
from assistant.explaining.facts import facts_for
from assistant.language import detect_language, display_title
from scorer.attribution import Contribution, Explanation

TITLES = [
    "Star Wars (1977)",
    "Alien (1979)",
    "Aliens (1986)",
    "Toy Story (1995)",
    "GoldenEye (1995)",
    "Blade Runner (1982)",
    "Heat (1995)",
    "Batman (1989)",
    "Batman Returns (1992)",
    "Matrix, The (1999)",
    "Tomorrow Never Dies (1997)",
    "When Harry Met Sally... (1989)",
    "187 (1997)",
]
LABELS = [
    "Action",
    "Comedy",
    "Drama",
    "Horror",
    "Sci-Fi",
    "Thriller",
    "the 1970s",
    "the 1980s",
    "the 1990s",
    "rated R",
    "rated PG-13",
    "runtime under 94 min",
    "runtime 116 min or more",
    "IMDb rating 7.3 or more",
]


def _item(item: str, title: str, rating: float | None, value: float) -> Contribution:
    verb = f"you rated {title} {rating:g}★" if rating is not None else f"you chose {title}"
    return Contribution("history_item", verb, value, {"item": item, "title": title, "rating": rating}, f"item:{item}")


def _feature(name: str, label: str, value: float, share: float) -> Contribution:
    return Contribution(
        "feature",
        label,
        value,
        {"feature": name, "column": name.split("=")[0].split("#")[0], "share_of_your_history": share},
        f"feature:{name}",
    )


@pytest.fixture
def facts():
    parts = [
        Contribution("popularity", "popular with many people", 0.8, {"interactions": 300}, "popularity"),
        _item("50", "Star Wars (1977)", 5.0, 0.4),
        _item("183", "Alien (1979)", 4.0, 0.3),
        _feature("genres=Sci-Fi", "Sci-Fi", 0.25, 0.32),
        _item("10", "Tomorrow Never Dies (1997)", 3.0, 0.2),
        _feature("year=1970s", "the 1970s", -0.2, 0.05),
        _item("1", "Toy Story (1995)", 2.0, -0.15),
        _item("2", "GoldenEye (1995)", 3.0, 0.001),
    ]
    expl = Explanation("7", "89", "Blade Runner (1982)", sum(p.value for p in parts), 3, parts)
    return facts_for(expl, max_items=7)


def run(text, facts, language="en"):
    return check(text, facts, TITLES, LABELS, language)


def test_facts_split_and_cut(facts):
    assert [f.key for f in facts.supporting] == [
        "popularity",
        "item:50",
        "item:183",
        "feature:genres=Sci-Fi",
        "item:10",
    ]
    assert [f.key for f in facts.holding_back] == ["feature:year=1970s", "item:1"]
    assert "item:2" in facts.omitted  # negligible
    assert facts.top_key == "popularity"
    assert facts.by_key()["feature:year=1970s"].name_zh == "1970年代"


def test_correct_claims_pass(facts):
    text = (
        "You rated Star Wars (1977) 5★ and Alien (1979) 4★, and Blade Runner (1982) matches your taste for Sci-Fi. "
        "It is popular with many people. Holding it back a little: it is from the 1970s."
    )
    res = run(text, facts)
    assert res.ok, res.problems
    kinds = {(c.kind, c.ref) for c in res.claims}
    assert ("history_item", "item:50") in kinds and ("feature", "feature:year=1970s") in kinds
    assert ("target", "Blade Runner (1982)") in kinds


def test_title_not_in_facts_fails(facts):
    res = run("You rated The Matrix (1999) 5★, and it is popular with many people.", facts)
    assert not res.ok
    assert any(c.kind == "history_item" and not c.ok and "Matrix" in c.text_span for c in res.claims)


def test_negligible_item_fails_a_cut_but_real_part_may_be_named_not_as_the_main_reason(facts):
    res = run("You rated GoldenEye (1995) 3★.", facts)
    assert not res.ok and "only a little" in res.problems[0]
    fewer = facts_for(
        Explanation(
            "7",
            "89",
            "Blade Runner (1982)",
            0.0,
            3,
            [
                Contribution("popularity", "popular with many people", 0.8, {"interactions": 300}, "popularity"),
                _item("50", "Star Wars (1977)", 5.0, 0.4),
                _item("10", "Tomorrow Never Dies (1997)", 3.0, 0.2),
            ],
        ),
        max_items=2,
    )
    # cut from the facts by max_items, but 14% of the score with the sign the text gives it: true
    assert check("You rated Tomorrow Never Dies (1997) 3★.", fewer, TITLES, LABELS, "en").ok
    assert not check("You rated Tomorrow Never Dies (1997) 2★.", fewer, TITLES, LABELS, "en").ok
    assert not check("Mainly because you rated Tomorrow Never Dies (1997) 3★.", fewer, TITLES, LABELS, "en").ok


def test_wrong_sign_fails(facts):
    assert not run("Although it is Sci-Fi, you rated Alien (1979) 4★.", facts).ok
    assert not run("You rated Alien (1979) 4★ and it matches your love of the 1970s.", facts).ok
    assert not run("It is not widely chosen, but you rated Alien (1979) 4★.", facts).ok
    assert run("Although it is from the 1970s, you rated Alien (1979) 4★.", facts).ok
    assert run("You rated Alien (1979) 4★. Its 1970s roots hold it back a little.", facts).ok


def test_wrong_rating_fails(facts):
    res = run("You rated Alien (1979) 5★ and Star Wars (1977) 5★.", facts)
    assert not res.ok
    bad = [c for c in res.claims if not c.ok]
    assert len(bad) == 1 and bad[0].kind == "number" and "rated Alien" in bad[0].reason
    assert run("You gave Star Wars (1977) 5 stars.", facts).ok
    assert not run("Blade Runner (1982) is rated 5★, like Star Wars (1977).", facts).ok  # the user never rated the item
    assert not run("You gave Star Wars (1977) 4 stars.", facts).ok


def test_numbers_shares_counts_years(facts):
    assert run("Sci-Fi makes up 32% of your history, and Star Wars (1977) got 5★ from you.", facts).ok
    assert not run("Sci-Fi makes up 50% of your history.", facts).ok
    assert run("It is popular with many people: 300 people chose it.", facts).ok
    assert not run("It is popular with many people: 1,000 people chose it.", facts).ok
    assert not run("You rated Alien (1979) 4★, a classic from 1985.", facts).ok
    assert run("You rated Alien (1979) 4★, a film from 1979.", facts).ok


def test_substring_titles(facts):
    assert run("You rated Alien 4★.", facts).ok
    res = run("You rated Aliens 4★.", facts)
    assert not res.ok and any(c.text_span == "Aliens" and not c.ok for c in res.claims)
    assert not run("You liked Batman Returns, and it is popular with many people.", facts).ok
    # a title's own words are not negations, and its year is not a number to verify
    assert run("You rated Tomorrow Never Dies (1997) 3★.", facts).ok


def test_strict_case_for_common_word_titles(facts):
    # "heat" as a word is not the film Heat (1995); "Heat" capitalised mid-sentence is
    assert run("It is popular with many people, even in the summer heat.", facts).ok
    assert not run("It is popular with many people, like Heat.", facts).ok


def test_unknown_names_fail(facts):
    res = run("You rated Alien (1979) 4★, and Ridley Scott directed this one.", facts)
    assert not res.ok and any(c.kind == "name" and "Ridley Scott" in c.text_span for c in res.claims)


def test_chinese_text(facts):
    ok = "你给《Star Wars (1977)》打了5星，它契合你对科幻的偏好，而且很受大家欢迎。不过，它是1970年代的作品。"
    res = run(ok, facts, "zh")
    assert res.ok, res.problems
    assert any(c.ref == "feature:genres=Sci-Fi" for c in res.claims)
    assert not run("你给《Star Wars (1977)》打了5星，它契合你对恐怖的偏好。", facts, "zh").ok  # Horror: not a fact
    assert not run("虽然它是科幻片，你给《Alien (1979)》打了4星。", facts, "zh").ok  # wrong sign
    assert not run("你给《Alien (1979)》打了五星。", facts, "zh").ok  # rated 4, not 5
    assert not run("你看过《The Matrix (1999)》，它很受大家欢迎。", facts, "zh").ok
    assert not run("它很受大家欢迎，也像《星球大战》。", facts, "zh").ok  # a title outside the catalogue


def test_text_must_name_a_fact(facts):
    assert not run("", facts).ok
    res = run("A great pick for tonight!", facts)
    assert not res.ok and res.problems


def test_language_helpers():
    assert detect_language("Why the second one?") == "en"
    assert detect_language("为什么推荐第二个？") == "zh"
    assert detect_language("为什么不推荐Alien？") == "zh"
    assert detect_language("") == "en"
    assert display_title("Matrix, The (1999)") == "The Matrix (1999)"
    assert display_title("Big Blue, The (Grand bleu, Le) (1988)") == "The Big Blue (Grand bleu, Le) (1988)"


def test_runtime_feature_read_in_minutes():
    parts = [_item("50", "Star Wars (1977)", 5.0, 0.4), _feature("runtime#116", "runtime 116 min or more", -0.2, 0.1)]
    facts = facts_for(Explanation("7", "89", "Blade Runner (1982)", 0.2, 3, parts))
    base = "You rated Star Wars (1977) 5★. What holds it back: its runtime "
    for ok_text in ("116 min or more.", "116 minutes or more.", "of 116 minutes or more."):
        assert run(base + ok_text, facts).ok, ok_text
    assert not run(base + "117 minutes or more.", facts).ok  # a number the facts do not hold
    assert not run("You rated Star Wars (1977) 5★ and love its runtime 116 minutes or more.", facts).ok  # wrong sign


@pytest.mark.parametrize(
    "text",
    [
        "You rated Star Wars (1977) 5★; it is a haunting story about a detective hunting androids.",  # plot
        "You rated Star Wars (1977) 5★ and you clearly love slow films.",  # a taste the facts do not show
        "You hated Star Wars (1977), yet Blade Runner (1982) suits you.",  # rated 5★
        "You gave Alien (1979) five stars.",  # it was 4★
        "Nearly everything you watch is Sci-Fi, like Star Wars (1977) which you rated 5★.",  # share 32%
        "Everyone who rated Star Wars (1977) 5★ gave it top marks.",  # invented crowd statistics
        "You rated Star Wars (1977) 5★; it is starring Harrison Ford.",  # people not in the facts
        "Because you rated Star Wars (1977) and, which holds.",  # broken
    ],
)
def test_wording_the_facts_cannot_back_fails(facts, text):
    assert not run(text, facts).ok, text


@pytest.mark.parametrize(
    "text",
    [
        "你给《Star Wars (1977)》打了满分。",  # 5★: true
        "你很喜欢的《Star Wars (1977)》（5星）和它很接近。",
    ],
)
def test_chinese_rating_words_and_feelings_that_hold(facts, text):
    assert run(text, facts, "zh").ok, run(text, facts, "zh").problems


def test_chinese_wrong_feelings_and_ratings_fail(facts):
    assert not run("你很讨厌《Star Wars (1977)》，所以推荐它。", facts, "zh").ok
    assert not run("你给《Alien (1979)》打了满分。", facts, "zh").ok  # 4★
    assert not run("你给《Alien (1979)》打了5星。", facts, "zh").ok  # digits right after Chinese characters
