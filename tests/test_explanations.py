"""Explanation writer: template texts pass the checker on real explanations; a scripted model is
retried on a failed check and replaced by the template when it keeps failing or breaks."""

from __future__ import annotations

import json

import jinja2
import pytest
from langchain_core.messages import AIMessage, AIMessageChunk

from assistant.explaining.checker import ClaimChecker, check
from assistant.explaining.facts import facts_for
from assistant.explaining.stream import stream_explanation
from assistant.explaining.template import template_explanation
from assistant.explaining.writer import explain_items, prompt_messages
from because.errors import LanguageModelError
from scorer.attribution import Contribution, Explanation, explain

TITLES = ["Star Wars (1977)", "Alien (1979)", "Aliens (1986)", "Matrix, The (1999)", "Blade Runner (1982)"]
LABELS = ["Sci-Fi", "Horror", "Drama", "the 1970s", "the 1990s"]
CHECKER = ClaimChecker.of(TITLES, LABELS)


class ScriptedLLM:
    """Answers from a queue; an Exception in the queue is raised. Records every call's messages."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def _next(self, messages):
        self.calls.append(messages)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def invoke(self, messages, **kwargs):
        return AIMessage(content=self._next(messages))

    def stream(self, messages, **kwargs):
        for word in self._next(messages).split(" "):
            yield AIMessageChunk(content=word + " ")


def _expl() -> Explanation:
    parts = [
        Contribution("popularity", "popular with many people", 0.8, {"interactions": 300}, "popularity"),
        Contribution(
            "history_item",
            "you rated Star Wars (1977) 5★",
            0.4,
            {"item": "50", "title": "Star Wars (1977)", "rating": 5.0},
            "item:50",
        ),
        Contribution(
            "feature",
            "Sci-Fi",
            0.25,
            {"feature": "genres=Sci-Fi", "column": "genres", "share_of_your_history": 0.32},
            "feature:genres=Sci-Fi",
        ),
        Contribution(
            "feature",
            "the 1970s",
            -0.2,
            {"feature": "year=1970s", "column": "year", "share_of_your_history": 0.05},
            "feature:year=1970s",
        ),
    ]
    return Explanation("7", "89", "Blade Runner (1982)", 1.25, 3, parts)


GOOD = json.dumps({"text": "You rated Star Wars (1977) 5★, and Blade Runner (1982) fits your taste for Sci-Fi."})
HALLUCINATED = json.dumps({"text": "You rated The Matrix (1999) 5★, so you will love Blade Runner (1982)."})


def run(llm, language="en", **kw):
    return explain_items([_expl()], language=language, llm=llm, checker=CHECKER, **kw)[0]


def test_no_model_gives_checked_template():
    out = run(None)
    assert out.fallback and out.checked and out.attempts == 0
    assert "Star Wars (1977) 5★" in out.text
    assert out.facts["supporting"][0]["key"] == "popularity"
    assert run(None, language="zh").text != out.text


def test_hallucination_is_retried_with_the_failure_named():
    llm = ScriptedLLM(HALLUCINATED, GOOD)
    out = run(llm)
    assert out.checked and not out.fallback and out.attempts == 2
    assert out.text == json.loads(GOOD)["text"]
    retry_note = llm.calls[1][-1].content
    assert "Matrix" in retry_note and "fact check" in retry_note
    assert any(c["kind"] == "history_item" and c["ok"] for c in out.claims)


def test_garbage_twice_falls_back():
    out = run(ScriptedLLM("not json at all", json.dumps({"answer": 1})))
    assert out.fallback and out.checked
    out = run(ScriptedLLM(HALLUCINATED, HALLUCINATED))
    assert out.fallback and out.checked and out.attempts == 2 and out.problems


@pytest.mark.parametrize("error", [LanguageModelError("down"), ConnectionError("refused"), RuntimeError("boom")])
def test_model_errors_never_raise(error):
    llm = ScriptedLLM(error)
    out = run(llm)
    assert out.fallback and out.checked and len(llm.calls) == 1


def test_timeout_skips_the_model():
    llm = ScriptedLLM(GOOD)
    out = run(llm, timeout=0)
    assert out.fallback and not llm.calls


def test_prompt_quotes_facts_and_has_stable_prefix():
    llm_a, llm_b = ScriptedLLM(GOOD), ScriptedLLM(GOOD)
    run(llm_a)
    run(llm_b, language="zh")
    system_a, user_a = llm_a.calls[0]
    assert system_a.content == llm_b.calls[0][0].content  # the same system prompt for every item and language
    # the checked template is the draft the model polishes: every fact reaches it, with its sign
    assert (
        "Star Wars (1977) 5★" in user_a.content and "Holding it back a little: being from the 1970s" in user_a.content
    )
    assert "科幻" in llm_b.calls[0][1].content and "Draft:" in user_a.content


def test_stream_passes_or_is_replaced():
    text = json.loads(GOOD)["text"]
    events = list(stream_explanation(_expl(), llm=ScriptedLLM(text), checker=CHECKER))
    assert events[0].kind == "facts" and events[-1].kind == "final"
    assert "".join(e.text for e in events if e.kind == "delta").strip() == text
    assert not events[-1].replaced and not events[-1].item.fallback
    twice_bad = ScriptedLLM("You rated Aliens (1986) 5★.", "You rated Alien (1979) 5★.")
    bad = list(stream_explanation(_expl(), llm=twice_bad, checker=CHECKER))
    assert bad[-1].replaced and bad[-1].item.fallback and bad[-1].item.checked and bad[-1].item.attempts == 2
    assert not twice_bad.answers  # the failed stream was retried once, then the template was used
    assert "Aliens (1986)" in twice_bad.calls[1][-1].content  # the retry names what failed
    retried = ScriptedLLM("You rated Aliens (1986) 5★.", text)
    fixed = list(stream_explanation(_expl(), llm=retried, checker=CHECKER))
    assert fixed[-1].replaced and not fixed[-1].item.fallback and fixed[-1].item.text == text
    no_retry = ScriptedLLM("You rated Aliens (1986) 5★.", text)
    list(stream_explanation(_expl(), llm=no_retry, checker=CHECKER, max_retries=0))
    assert len(no_retry.calls) == 1
    none = list(stream_explanation(_expl(), llm=None, checker=CHECKER))
    assert [e.kind for e in none] == ["facts", "final"] and none[-1].item.fallback


def test_prompt_missing_variable_raises():
    from prompts import load, render

    assert "{{ item }}" in load("explain")
    with pytest.raises(jinja2.UndefinedError):
        render("explain.md", item='"x"')


def test_templates_pass_the_checker_on_real_explanations(ml100k_recommender):
    rec = ml100k_recommender
    texts = {"en": [], "zh": []}
    for user in sorted(rec.histories, key=int)[:40]:
        for r in rec.recommend(user, k=3):
            facts = facts_for(explain(rec, user, r.item_id))
            for language in texts:
                text = template_explanation(facts, language)
                res = check(text, facts, rec.titles, rec.feature_labels, language)
                assert res.ok, (text, res.problems)
                assert facts.top_key in {c.ref for c in res.claims}  # the largest term is always named
                texts[language].append(text)
    for language, group in texts.items():
        assert len(set(group)) / len(group) >= 0.95, language


# ---- titles masked while the model writes Chinese ------------------------------------------------------
def test_title_mask_round_trip_and_stream():
    from assistant.explaining.title_mask import TitleMask

    draft = "你给《Toy Story (1995)》打了5星，《Star Wars (1977)》和它很接近。"
    mask = TitleMask(draft, ("Star Wars (1977)",))
    assert mask.mask(draft) == "你给《T1》打了5星，《T2》和它很接近。" and mask.mask("Star Wars (1977)") == "T2"
    written = "因为你给T1打了5星，所以推荐《T2》。"
    assert mask.restore(written) == "因为你给《Toy Story (1995)》打了5星，所以推荐《Star Wars (1977)》。"
    pieces = ["因为你给《", "T", "1》打了5星，所以推荐", "T", "2", "。"]
    streamed = list(mask.restore_stream(iter(pieces)))
    assert "".join(streamed) == mask.restore("".join(pieces)) and not any("T1" in p or "T2" in p for p in streamed)
    assert mask.restore("T9 is not a title here") == "T9 is not a title here"


def test_chinese_explanations_are_written_over_tokens_and_checked_with_real_titles():
    from assistant.explaining.writer import title_mask

    facts = facts_for(_expl())
    mask = title_mask(facts, "zh")
    assert mask.titles and not title_mask(facts, "en").titles  # English: nothing is masked
    prompt = prompt_messages(facts, "zh", mask=mask)[1].content
    assert "《T1》" in prompt and not any(f"《{t}》" in prompt for t in mask.titles)
    # a model that copies the tokens: the text that reaches the checker (and the user) has the real titles
    events = list(
        stream_explanation(
            _expl(), language="zh", llm=ScriptedLLM(mask.mask(template_explanation(facts, "zh"))), checker=CHECKER
        )
    )
    final = events[-1].item
    assert not final.fallback and final.text == template_explanation(facts, "zh")
    assert "".join(e.text for e in events if e.kind == "delta").strip() == final.text
