"""Routes decided by the title a message names: shown titles and positions are explained, missing titles
get why-not, feedback words on a shown title are feedback; what-ifs and similarity requests are left alone."""

from __future__ import annotations

import pytest

from assistant.routing.conditions import Lexicon
from assistant.routing.rules import fast_route
from assistant.routing.titles import TitleFinder, title_route
from tools.resolve import parse_position
from tools.session import Session

TITLES = [
    "Speed (1994)",
    "Liar Liar (1997)",
    "Star Wars (1977)",
    "E.T. the Extra-Terrestrial (1982)",
    "Show, The (1995)",
    "Fargo (1996)",
    "Contact (1997)",
    "Mission: Impossible (1996)",
    "Titanic (1997)",
    "Batman (1989)",
]


FINDER = TitleFinder(TITLES)


@pytest.mark.parametrize(
    "message, expected",
    [
        ("I'm curious how you came up with Speed", ("explain", {"item": "Speed"})),
        ("what made you think I'd enjoy Fargo?", ("explain", {"item": "Fargo"})),
        ("为啥会推E.T. the Extra-Terrestrial给我", ("explain", {"item": "E.T. the Extra-Terrestrial"})),
        ("第一部跟我有什么关系？为什么选它", ("explain", {"item": "第一部"})),
        ("倒数第二个是怎么推荐出来的", ("explain", {"item": "倒数第二个"})),
        ("how did u come up with the 4th one", ("explain", {"item": "the 4th one"})),
        ("I expected Liar Liar to be on the list, what happened", ("why_not", {"item": "Liar Liar"})),
        ("Liar Liar那么火，怎么没推给我？", ("why_not", {"item": "Liar Liar"})),
        ("wait wheres Liar Liar? thought that'd be a no brainer", ("why_not", {"item": "Liar Liar"})),
        (
            "already seen the last one and honestly it was boring",
            ("remember_feedback", {"item": "the last one", "feedback": "disliked"}),
        ),
        (
            "Mission: Impossible看过了，超好看",
            ("remember_feedback", {"item": "Mission: Impossible", "feedback": "liked"}),
        ),
        (
            "E.T. the Extra-Terrestrial我不感兴趣，别再推了",
            ("remember_feedback", {"item": "E.T. the Extra-Terrestrial", "feedback": "not_interested"}),
        ),
    ],
)
def test_title_routes(session: Session, message: str, expected: tuple[str, dict[str, str]]) -> None:
    assert title_route(message, session, FINDER) == expected


@pytest.mark.parametrize(
    "message",
    [
        "what if I hadn't seen Speed, why would the list change",  # a what-if
        "anything similar to Fargo? why not",  # a similarity request
        "Show me a fresh list, but leave out the war movies",  # "Show" starts the sentence: not the film
        "I already know I don't like Titanic",  # feedback, not a missing title
        "why is the weather so nice",  # no item at all
    ],
)
def test_left_to_other_routes(session: Session, message: str) -> None:
    assert title_route(message, session, FINDER) is None


def test_positions_from_the_end(session: Session) -> None:
    assert parse_position("倒数第二个") == -2 and parse_position("the second to last one") == -2
    assert session.shown_at(-2).title == "Batman (1989)" and session.shown_at(-1).title == "Mission: Impossible (1996)"


def test_fast_route_uses_titles_and_splits_what_if_items(session: Session) -> None:
    lex = Lexicon(["Action", "Drama", "War"])
    d = fast_route(
        "Hypothetically, if you ignored Star Wars and Contact in my history, what changes?", session, lex, FINDER
    )
    assert d is not None and d.tool == "what_if" and d.args == {"remove": ["Star Wars", "Contact"]}
    d = fast_route("I expected Liar Liar to be on the list, what happened", session, lex, FINDER)
    assert d is not None and (d.tool, d.args) == ("why_not", {"item": "Liar Liar"})
    assert fast_route("whats the weather like in paris today", session, lex, FINDER).tool == "answer"
    assert fast_route("Why do you think I like dramas?", session, lex, FINDER).tool == "my_profile"
