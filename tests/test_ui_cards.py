"""What a chat message shows (Gradio-free): cards, the score chart, the UI's words in two languages."""

from __future__ import annotations

import re

import pytest

from assistant import Answer
from scorer import explain
from support.agent import tiny_recommender
from webapp.score_chart import bars_for, chart_html, part_label
from webapp.ui_cards import Card, Turn, UiState, fill_turn, first_sentence, named_keys, turn_html
from webapp.ui_text import TEXT, browser_language, t


@pytest.fixture(scope="module")
def rec():
    return tiny_recommender()


@pytest.fixture(scope="module")
def expl(rec):
    user = sorted(rec.histories)[0]
    return explain(rec, user, rec.recommend(user, k=1)[0].item_id)


def test_bars_are_the_named_parts_plus_one_rest_bar_summing_to_the_score(expl):
    named = [c.key for c in expl.contributions[:2]]
    bars = bars_for(expl, named, "en")
    assert [b.label for b in bars[:2]] == sorted(
        (c.label for c in expl.contributions[:2]),
        key=lambda lb: -next(c.value for c in expl.contributions if c.label == lb),
    )
    assert bars[-1].kind == "rest" and str(len(expl.contributions) - 2) in bars[-1].label
    assert sum(b.value for b in bars) == pytest.approx(expl.score, abs=1e-9)


def test_with_nothing_named_the_chart_shows_the_largest_positive_parts(expl):
    bars = bars_for(expl, [], "en")
    top = sorted((c for c in expl.contributions if c.value > 0), key=lambda c: -c.value)[:3]
    assert [b.label for b in bars[: len(top)]] == [c.label for c in top]
    assert sum(b.value for b in bars) == pytest.approx(expl.score, abs=1e-9)


def test_unknown_keys_are_ignored_not_drawn(expl):
    assert bars_for(expl, ["item:no-such"], "en") == bars_for(expl, [], "en")


def test_chart_html_labels_signs_and_total_in_both_languages(expl):
    en = chart_html(expl, [expl.contributions[0].key], "en")
    assert "exact sum" in en and ">total<" in en and f"+{expl.score:.2f}" in en
    assert en.count('class="b-row b-raises"') + en.count('class="b-row b-lowers"') == 1
    zh = chart_html(expl, [expl.contributions[0].key], "zh")
    assert "总分" in zh and "其余各项" in zh and "exact sum" not in zh
    assert "\n\n" not in en  # a blank line would end Markdown's HTML block


def test_chinese_part_labels(expl):
    item = next(c for c in expl.contributions if c.kind == "history_item")
    assert part_label(item, "zh").startswith("你给《") and "★" in part_label(item, "zh")


def test_negative_part_is_told_by_sign_and_words_not_colour_alone(expl):
    neg = [c for c in expl.contributions if c.value < 0]
    if not neg:
        pytest.skip("this pair has no negative part")
    html = chart_html(expl, [neg[0].key], "en")
    assert "b-lowers" in html and "−" in html and "lowers the score" in html


class _Conv:  # only what UiState touches
    pass


def _state() -> UiState:
    return UiState(_Conv(), "en")  # type: ignore[arg-type]


def test_cards_get_one_server_side_action_per_button_and_escape_titles():
    st, turn = _state(), Turn(at=1)
    turn.cards = st.add_cards(
        [{"item": "1", "title": "<script>x</script> (1999)", "rank": 1}, {"item": "2", "title": "B", "rank": 2}], turn
    )
    assert len(st.actions) == 6 and {a[0] for a in st.actions} == {"liked", "disliked", "not_interested"}
    html = turn_html(turn, "en", lambda item, named: "")
    assert "<script>" not in html and "&lt;script&gt;" in html
    classes = re.findall(r"b-n-(\d+)", html)
    assert sorted(map(int, classes)) == list(range(6))
    assert "writing why" in html  # no text yet


def test_a_card_shows_the_first_sentence_and_opens_to_the_full_text():
    st, turn = _state(), Turn(at=1, asked=["no Horror"])
    turn.cards = st.add_cards([{"item": "1", "title": "Alien (1979)", "rank": 1}], turn)
    text = "Because you rated Aliens 5★. It is also popular."
    turn.cards[0].explained(
        {
            "text": text,
            "checked": True,
            "fallback": False,
            "claims": [{"ref": "item:2", "kind": "history_item", "ok": True}],
        }
    )
    html = turn_html(turn, "en", lambda item, named: f"<table>{','.join(named)}</table>")
    assert '<p class="b-reason">Because you rated Aliens 5★.</p>' in html
    assert f'<p class="b-text">{text}</p>' in html and "<table>item:2</table>" in html
    assert '<span class="b-chip">no Horror</span>' in html and "every claim checked" in html


def test_why_answers_carry_the_explanation_text_in_the_message():
    turn = Turn(at=3)
    answer = Answer(
        "Why Alien (1979):",
        explanations=[{"item": "7", "title": "Alien (1979)", "text": "You rated Aliens 5★.", "claims": []}],
        tool_calls=[{"name": "explain", "args": {"item": "7"}}],
    )
    fill_turn(turn, answer)
    html = turn_html(turn, "en", lambda item, named: "")
    assert "Why Alien (1979):" in html and '<div class="b-why"><p class="b-text">You rated Aliens 5★.</p>' in html
    assert "explain" in html  # what the assistant did, collapsed


def test_named_keys_keep_only_checked_score_parts():
    claims = [
        {"ref": "item:1", "kind": "history_item", "ok": True},
        {"ref": "item:2", "kind": "history_item", "ok": False},
        {"ref": "1999", "kind": "year", "ok": True},
    ]
    assert named_keys(claims) == ["item:1"]


def test_first_sentence():
    assert first_sentence("One. Two.") == "One."
    assert first_sentence("参考你的评分。它很热门。") == "参考你的评分。"


def test_every_ui_string_has_both_languages():
    assert all(set(v) == {"en", "zh"} and v["en"] and v["zh"] for v in TEXT.values())
    assert t("forgotten", "zh", n=3) == "已删除关于你的 3 条记录。"


@pytest.mark.parametrize(
    ("query", "header", "want"),
    [
        ("zh", None, "zh"),
        (None, "zh-CN,zh;q=0.9", "zh"),
        (None, "en-US,en", "en"),
        ("en", "zh-CN", "en"),
        (None, None, "en"),
    ],
)
def test_browser_language(query, header, want):
    assert browser_language(query, header) == want


def test_card_note_is_escaped():
    card = Card("1", "A", 1, text="x.", note="<b>noted</b>")
    card.actions = {"liked": 0}
    turn = Turn(at=0, cards=[card])
    assert "&lt;b&gt;noted" in turn_html(turn, "en", lambda i, n: "")
