"""Requests on a shop's own catalogue: amounts in the shop's units, any label column, negation, relative words."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.replies import describe_constraint
from assistant.routing.conditions import Lexicon, constraints_in
from assistant.routing.measures import measure_conditions
from assistant.routing.numbers import number
from catalogue.schema import read_schema_file
from catalogue.units import infer_unit, units_for
from support.shops import gear_recommender, write_gear

GEAR_UNITS = {"price": "USD", "weight_g": "g"}
BOOK_UNITS = {"price": "USD", "pages": "pages", "year": "year"}
FILM_UNITS = {"runtime": "min", "year": "year"}


def test_units_come_from_the_schema_file_or_the_column_name(tmp_path: Path) -> None:
    assert [infer_unit(c) for c in ("price", "weight_g", "runtime", "pages", "year", "brand")] == [
        "USD",
        "g",
        "min",
        "pages",
        "year",
        None,
    ]
    path = tmp_path / "schema.json"
    path.write_text('{"columns": {"cost": {"type": "numeric", "unit": "EUR", "label_zh": "价格"}, "tags": "multi"}}')
    kinds, details = read_schema_file(path)
    assert kinds == {"cost": "numeric", "tags": "multi"} and details == {"cost": {"unit": "EUR", "label_zh": "价格"}}
    assert units_for(kinds, {"cost": "EUR"}) == {"cost": "EUR"}


def test_a_bad_schema_entry_names_the_column_and_the_fix(tmp_path: Path) -> None:
    from because.errors import DataError

    path = tmp_path / "schema.json"
    path.write_text('{"columns": {"price": {"type": "numeric", "currency": "USD"}}}')
    with pytest.raises(DataError, match="column 'price'.*currency") as caught:
        read_schema_file(path)
    assert "unit" in caught.value.fix


@pytest.mark.parametrize(
    ("text", "expected"),
    [("200", 200), ("1,250", 1250), ("two", 2), ("两", 2), ("一百五", 150), ("一百零五", 105), ("三千", 3000)],
)
def test_numbers_as_people_write_them(text: str, expected: float) -> None:
    assert number(text) == expected


@pytest.mark.parametrize(
    ("text", "units", "expected"),
    [
        ("I need a tent under 200 dollars", GEAR_UNITS, ["price<200"]),
        ("anything below $90?", GEAR_UNITS, ["price<90"]),
        ("keep it to 1.5 kg at most", GEAR_UNITS, []),  # "at most" after the amount is not read: no guess
        ("at most 1.5 kg please", GEAR_UNITS, ["weight_g<=1500"]),
        ("三公斤以内", GEAR_UNITS, ["weight_g<=3000"]),
        ("五百块以下的", GEAR_UNITS, ["price<=500"]),
        ("something from $40 to $60", GEAR_UNITS, ["price=40..60"]),
        ("at least 250 pages", BOOK_UNITS, ["pages>=250"]),
        ("a bit cheaper", GEAR_UNITS, ["cheaper"]),
        ("轻一点的", GEAR_UNITS, ["lighter"]),
        ("under 200 dollars", FILM_UNITS, []),  # films have no price: no made-up runtime condition
        ("under 200", GEAR_UNITS, []),  # no unit, no guess
    ],
)
def test_amounts_map_onto_the_column_of_their_unit(text: str, units: dict, expected: list[str]) -> None:
    assert measure_conditions(text, units) == expected


def test_any_label_column_can_be_wanted_or_excluded() -> None:
    lex = Lexicon(
        [], {"category": ["tent", "sleeping bag", "jacket"], "brand": ["Kobold", "Wayfarer", "Northpeak"]}, GEAR_UNITS
    )
    assert constraints_in("a sleeping bag, but no Kobold or Wayfarer", lex)[0] == [
        "brand!=Kobold",
        "brand!=Wayfarer",
        "category=sleeping bag",
    ]
    assert constraints_in("tents under $300, anything but Northpeak", lex)[0] == [
        "brand!=Northpeak",
        "category=tent",
        "price<300",
    ]
    assert constraints_in("不要Kobold的帐篷", lex)[0] == ["brand!=Kobold"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("recommend me something, but skip the horror stuff", ["genres!=Horror"]),
        ("Not in the mood for sci-fi", ["genres!=Sci-Fi"]),
        ("anything but comedies", ["genres!=Comedy"]),
        ("no horror or thrillers tonight", ["genres!=Horror", "genres!=Thriller"]),
        ("some westerns", ["genres=Western"]),
    ],
)
def test_film_exclusions_are_exclusions(text: str, expected: list[str]) -> None:
    lex = Lexicon(["Horror", "Sci-Fi", "Comedy", "Thriller", "Western"])
    assert constraints_in(text, lex)[0] == expected


def test_replies_state_constraints_in_the_shops_words() -> None:
    assert describe_constraint("price<200", zh=False) == "price under $200"
    assert describe_constraint("weight_g<=2000", zh=True) == "重量不超过2公斤"
    assert describe_constraint("brand!=Kobold", zh=False) == "no Kobold"
    assert describe_constraint("pages=300..500", zh=False) == "300–500 pages"
    assert describe_constraint("genres!=Horror", zh=False) == "no Horror"  # films read as before


@pytest.mark.slow
def test_a_gear_shop_end_to_end(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Trained on a generated gear shop: the assistant honours a price and a category, says so, and 'lighter'
    is relative to what it just showed."""
    from assistant import Assistant
    from tools import Session

    shop = write_gear(tmp_path_factory.mktemp("gear"))
    rec, cat = gear_recommender(str(shop))
    user = sorted(rec.histories)[0]
    a = Assistant(rec, Session.new(user=user), catalogue=cat, llm=None, intent=None)
    answer = a.respond("I need a tent under 200 dollars")
    items = cat.items.loc[[r["item"] for r in answer.recommendations]]
    assert answer.recommendations and (items["category"] == "tent").all() and (items["price"] < 200).all()
    assert "price under $200" in answer.text and "only tent" in answer.text
    weights = items["weight_g"]
    lighter = a.respond("something lighter")
    after = cat.items.loc[[r["item"] for r in lighter.recommendations], "weight_g"]
    assert lighter.recommendations and (after < weights.median()).all()
    assert (cat.items.loc[[r["item"] for r in lighter.recommendations], "category"] == "tent").all()


@pytest.mark.parametrize(
    ("text", "expected", "k"),
    [
        ("再多给我几部吧，五部太少了", [], 10),
        ("八十年代以前的片子", ["year<1980"], None),
        ("something from before the 80s", ["year<1980"], None),
        ("the nineties please", ["year=1990..1999"], None),
        ("I'd like something funny but not too long", ["shorter", "genres=Comedy"], None),
        ("movies like Fargo but funny", [], None),  # "like" a title: a similarity request, not a genre filter
    ],
)
def test_counts_periods_and_wishes_from_the_issue(text: str, expected: list[str], k: int | None) -> None:
    lex = Lexicon(["Comedy", "Horror"], None, FILM_UNITS)
    assert constraints_in(text, lex) == (expected, k)


def test_what_if_removes_only_the_title_in_the_if_clause(ml100k_recommender) -> None:
    from assistant import Assistant
    from support.agent import catalogue
    from tools import Session

    a = Assistant(ml100k_recommender, Session.new(user="1"), catalogue=catalogue(), llm=None)
    a.respond("recommend me something")
    answer = a.respond("would Speed still be there if Star Wars wasn't in my history")
    assert answer.tool_calls == [{"name": "what_if", "args": {"remove": ["Star Wars"]}}]


def test_a_shop_names_its_values_in_other_words(tmp_path: Path) -> None:
    from because.errors import DataError

    path = tmp_path / "schema.json"
    path.write_text('{"columns": {"category": {"type": "category", "aliases": {"tent": ["帐篷", "tents"]}}}}')
    kinds, details = read_schema_file(path)
    assert details["category"]["aliases"] == {"tent": ["帐篷", "tents"]}
    path.write_text('{"columns": {"category": {"type": "category", "aliases": ["帐篷"]}}}')
    with pytest.raises(DataError, match="aliases"):
        read_schema_file(path)
    lex = Lexicon(
        [],
        {"category": ["tent", "jacket"], "brand": ["Kobold"]},
        GEAR_UNITS,
        {"category": {"tent": ["帐篷"], "jacket": ["冲锋衣"], "nonexistent": ["无"]}},
    )
    assert constraints_in("不要Kobold的帐篷，两公斤以内", lex)[0] == [
        "brand!=Kobold",
        "category=tent",
        "weight_g<=2000",
    ]
    assert constraints_in("除了冲锋衣", lex)[0] == ["category!=jacket"]
