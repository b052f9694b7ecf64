"""The agent's tools called directly: bound user, constraints, item names, feedback, errors, sessions."""

from __future__ import annotations

import json

import numpy as np
import pytest

from because.errors import InputError, UnknownIdError
from scorer import attribution
from storage import Database, SessionStore
from support.agent import catalogue, tiny_recommender
from tools import TOOL_NAMES, ToolContext, make_tools, run_tool
from tools.constraints import allowed_mask, merge, normalize
from tools.resolve import parse_position, resolve_item, title_key
from tools.session import Session, check_session_id, load_session, open_session, save_session


@pytest.fixture(scope="module")
def rec():
    return tiny_recommender()


@pytest.fixture
def ctx(rec):
    return ToolContext.build(rec, Session.new(user="1"), catalogue())


def test_tools_are_typed_documented_and_take_no_user(ctx):
    tools = make_tools(ctx)
    assert tuple(t.name for t in tools) == TOOL_NAMES
    for t in tools:
        props = t.tool_call_schema.model_json_schema().get("properties", {})
        assert not {"user", "user_id", "uid"} & set(props), t.name
        assert t.description and len(t.description) < 200
        for name, prop in props.items():
            assert prop.get("description"), f"{t.name}.{name} has no Args: description"


def test_the_bound_user_cannot_be_changed_through_arguments(ctx, rec):
    tools = {t.name: t for t in make_tools(ctx)}
    msg = tools["my_profile"].invoke({"type": "tool_call", "name": "my_profile", "id": "1", "args": {"user": "5"}})
    assert msg.artifact.data["profile"]["n_items"] == len(rec.history("1")) != len(rec.history("5"))
    observation = run_tool(ctx, "recommend", {"user": "5"}).text
    assert observation.startswith("Error: ") and "the user is always the one in this conversation" in observation
    assert ctx.session.user == "1"


def test_unknown_item_is_an_error_observation_saying_what_to_try(ctx):
    for tool in ("explain", "why_not", "similar_to"):
        text = run_tool(ctx, tool, {"item": "No Such Film Anywhere (2099)"}).text
        assert text.startswith("Error: unknown item") and "search_catalogue" in text
    text = run_tool(ctx, "remember_feedback", {"item": "Star Wars", "feedback": "meh"}).text
    assert text.startswith("Error: ") and "liked, disliked or not_interested" in text
    assert run_tool(ctx, "explain", {"item": "second"}).text.startswith("Error: nothing has been recommended yet")


def test_tool_messages_carry_the_structured_result(ctx):
    tool = {t.name: t for t in make_tools(ctx)}["recommend"]
    msg = tool.invoke({"type": "tool_call", "name": "recommend", "id": "c1", "args": {"k": 3}})
    assert [r["n"] for r in json.loads(msg.content)["recommendations"]] == [1, 2, 3]
    assert len(msg.artifact.data["recommendations"]) == 3
    assert ctx.calls == [{"name": "recommend", "args": {"k": 3}}]


def test_recommend_respects_constraints(ctx):
    items = ctx.items
    run_tool(ctx, "recommend", {"k": 10, "constraints": ["no horror", "runtime<100"]})
    shown = [s.item for s in ctx.session.shown]
    assert len(shown) == 10
    assert all("Horror" not in items.loc[i, "genres"] and items.loc[i, "runtime"] < 100 for i in shown)
    assert ctx.session.constraints == ["genres!=Horror", "runtime<100"]
    run_tool(ctx, "recommend", {"constraints": ["more recent"]})
    cond = ctx.session.constraints[-1]
    assert cond.startswith("year>")
    assert all(items.loc[s.item, "year"] > float(cond[5:]) for s in ctx.session.shown)
    run_tool(ctx, "recommend", {"constraints": ["clear"]})
    assert ctx.session.constraints == []


def test_constraint_helpers(ctx):
    items, schema = ctx.items, ctx.schema
    assert normalize(["Genre != horror", "only comedies", "shorter"], items, schema, ["1", "2"])[:2] == [
        "genres!=Horror",
        "genres=Comedy",
    ]
    assert merge(["runtime<120", "genres!=Horror"], ["runtime<=90", "genres!=Drama"]) == [
        "genres!=Horror",
        "runtime<=90",
        "genres!=Drama",
    ]
    mask = allowed_mask(items, schema, ["year=1990..1994"])
    assert mask.sum() > 0 and set(items.loc[mask, "year"]) <= set(range(1990, 1995))
    with pytest.raises(InputError, match="Known values|known values"):
        normalize(["genres=Nonsense"], items, schema)
    with pytest.raises(InputError, match="not a feature"):
        normalize(["colour=red"], items, schema)


def test_item_names_resolve(ctx, rec):
    run_tool(ctx, "recommend", {"k": 5})
    shown = [s.item for s in ctx.session.shown]
    assert [resolve_item(ctx, r) for r in ("second", "the second one", "#2", "2nd", "第二个", "第2个")] == [
        shown[1]
    ] * 6
    assert resolve_item(ctx, "last") == resolve_item(ctx, "最后一个") == shown[-1]
    assert rec.title(resolve_item(ctx, "The Godfather")) == "Godfather, The (1972)"
    assert rec.title(resolve_item(ctx, "《Star Wars》")) == "Star Wars (1977)"
    assert rec.title(resolve_item(ctx, "star wars 1977")) == "Star Wars (1977)"
    assert resolve_item(ctx, "50") == "50"
    assert title_key("Godfather, The (1972)") == "godfather" and parse_position("Star Wars") is None
    with pytest.raises(UnknownIdError):
        resolve_item(ctx, "qqqqzzzz")


def test_feedback_shapes_later_recommendations(ctx, rec):
    run_tool(ctx, "recommend", {"k": 5})
    first = ctx.session.shown[0].item
    run_tool(ctx, "remember_feedback", {"item": "first", "feedback": "not_interested"})
    run_tool(ctx, "recommend", {"k": 5})
    assert first not in [s.item for s in ctx.session.shown]
    liked = resolve_item(ctx, "Toy Story")
    if liked in rec.history("1"):
        liked = resolve_item(ctx, "Titanic")
    run_tool(ctx, "remember_feedback", {"item": liked, "feedback": "liked"})
    user = ctx.user_ref()
    assert isinstance(user, dict) and liked in user and set(rec.history("1")) < set(user)
    assert "feedback" in json.loads(run_tool(ctx, "my_profile", {}).text)


def test_why_not_what_if_search_similar(ctx, rec):
    run_tool(ctx, "recommend", {"k": 5, "constraints": ["runtime<100"]})
    wn = run_tool(ctx, "why_not", {"item": "Titanic"})
    assert wn.data["blocked_by"] == ["runtime<100"]
    assert wn.data["why_not"].kth_item == ctx.session.shown[-1].item
    seen = next(iter(rec.history("1")))
    wi = run_tool(ctx, "what_if", {"remove": [rec.title(seen)]}).data["what_if"]
    assert wi.removed == [seen]
    assert run_tool(ctx, "what_if", {"remove": ["Titanic"]}).text.startswith("Error: ")
    assert run_tool(ctx, "search_catalogue", {"query": "star wars"}).data["results"][0]["title"] == "Star Wars (1977)"
    assert len(run_tool(ctx, "similar_to", {"item": "Toy Story"}).data["results"]) == 5
    assert run_tool(ctx, "search_catalogue", {"query": " "}).text.startswith("Error: ")


def test_explain_matches_the_scorer(ctx, rec):
    run_tool(ctx, "recommend", {"k": 3})
    e = run_tool(ctx, "explain", {"item": "third"}).data["explanation"]
    assert e.item == ctx.session.shown[2].item
    assert abs(sum(c.value for c in e.contributions) - float(rec.scores("1")[rec.index_of(e.item)])) < 1e-4
    assert e == attribution.explain(rec, "1", e.item)


def test_session_round_trip_and_ownership(tmp_path, ctx):
    run_tool(ctx, "recommend", {"k": 3, "constraints": ["genres!=Horror"]})
    ctx.session.add_turn("user", "hi 你好")
    store = SessionStore(Database(tmp_path / "because.sqlite3"))
    assert save_session(store, ctx.session) == 1 and save_session(store, ctx.session) == 2  # last writer wins
    back = load_session(store, ctx.session.id)
    assert back == ctx.session
    assert open_session(store, ctx.session.id, "1") == ctx.session
    assert store.get(ctx.session.id).user_key == "user:1"  # what "forget me" finds it by
    with pytest.raises(InputError, match="another user"):
        open_session(store, ctx.session.id, "5")
    with pytest.raises(InputError):
        check_session_id("../etc/passwd")
    with pytest.raises(InputError):
        load_session(store, "../etc/passwd")
    assert load_session(store, "nothing-here") is None


def test_folded_in_user(rec):
    history = {"50": 5.0, "181": 4.0, "1": 4.0}
    ctx = ToolContext.build(rec, Session.new(history=history), catalogue())
    recs = run_tool(ctx, "recommend", {"k": 4}).data["recommendations"]
    assert len(recs) == 4 and not {r.item_id for r in recs} & set(history)
    assert np.isfinite(recs[0].score)
