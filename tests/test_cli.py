"""The `because` command run in-process (``cli.main``) against a model trained once per session;
one real subprocess checks the console script's exit status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from because.cli import main

USER = "1"


pytestmark = pytest.mark.usefixtures("keep_environment")


def run(capsys, home: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--home", str(home), *args])
    out, err = capsys.readouterr()
    return code, out, err


# ---- recommend -----------------------------------------------------------------------------
def test_recommend_json(capsys, trained_home, ml100k_recommender):
    code, out, _ = run(capsys, trained_home, "recommend", "--user", USER, "-k", "5", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"user", "items"} and data["user"] == USER
    assert [set(r) for r in data["items"]] == [{"item_id", "title", "score", "rank"}] * 5
    assert [r["rank"] for r in data["items"]] == [1, 2, 3, 4, 5]
    assert [r["item_id"] for r in data["items"]] == [r.item_id for r in ml100k_recommender.recommend(USER, k=5)]


def test_recommend_text(capsys, trained_home):
    code, out, _ = run(capsys, trained_home, "recommend", "--user", USER, "-k", "3")
    assert code == 0 and out.startswith(f"Top 3 for user {USER}:") and len(out.splitlines()) == 4


def test_recommend_all_users_jsonl(capsys, trained_home, ml100k_recommender):
    code, out, _ = run(capsys, trained_home, "recommend", "--all-users", "--jsonl", "-k", "3")
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == len(ml100k_recommender.histories)
    assert all(set(line) == {"user", "items"} and len(line["items"]) == 3 for line in lines)
    assert {line["user"] for line in lines} == set(ml100k_recommender.histories)
    first = lines[0]
    assert first["items"] == [r.item_id for r in ml100k_recommender.recommend(first["user"], k=3)]


def test_recommend_needs_a_user(capsys, trained_home):
    code, _, err = run(capsys, trained_home, "recommend")
    assert code == 2 and "--user" in err


# ---- explain, why-not, what-if -------------------------------------------------------------
def test_explain_json_structure(capsys, trained_home, ml100k_recommender):
    item = ml100k_recommender.recommend(USER, k=1)[0].item_id
    code, out, _ = run(capsys, trained_home, "explain", "--user", USER, "--item", item, "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) - {"title"} == {"user", "item", "score", "rank", "contributions", "text", "checked", "named"}
    assert (data["user"], data["item"], data["rank"]) == (USER, item, 1)
    assert data["contributions"] and all(
        set(c) == {"key", "kind", "label", "value", "evidence"} for c in data["contributions"]
    )
    assert {c["kind"] for c in data["contributions"]} <= {"history_item", "feature", "popularity"}
    assert abs(sum(c["value"] for c in data["contributions"]) - data["score"]) < 1e-5
    # the text the chat shows, checked, and which contributions it names (their keys)
    assert data["text"] and data["checked"] and data["named"]
    assert set(data["named"]) <= {c["key"] for c in data["contributions"]}


def test_check_uses_the_chats_checker(capsys, trained_home, ml100k_recommender):
    item = ml100k_recommender.recommend(USER, k=1)[0].item_id
    _, out, _ = run(capsys, trained_home, "explain", "--user", USER, "--item", item, "--json")
    text = json.loads(out)["text"]
    code, out, _ = run(capsys, trained_home, "check", "--user", USER, "--item", item, "--json", text)
    assert code == 0 and json.loads(out)["ok"] is True
    lie = "You rated Titanic (1997) 5★, so this is for you."  # user 1 never rated Titanic
    code, out, _ = run(capsys, trained_home, "check", "--user", USER, "--item", item, "--json", lie)
    result = json.loads(out)
    assert code == 0 and result["ok"] is False and any("Titanic" in p for p in result["problems"])
    code, _, err = run(capsys, trained_home, "check", "--user", USER, "--item", item, " ")
    assert code == 2 and "empty" in err
    code, _, err = run(capsys, trained_home, "check", "--user", "nobody", "--item", item, "fine")
    assert code == 2 and "unknown user" in err


def test_explain_text(capsys, trained_home):
    code, out, _ = run(capsys, trained_home, "explain", "--user", USER, "--item", "50")
    assert code == 0 and "score" in out and "sum to it exactly" in out


def test_why_not(capsys, trained_home, ml100k_recommender):
    order, _ = ml100k_recommender.ranking(USER)
    item = ml100k_recommender.item_ids[order[29]]
    code, out, _ = run(capsys, trained_home, "why-not", "--user", USER, "--item", item, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["rank"] == 30 and data["gap"] > 0 and data["holding_back"]
    assert all(d["difference"] < 0 for d in data["holding_back"])
    code, out, _ = run(capsys, trained_home, "why-not", "--user", USER, "--item", item)
    assert code == 0 and "ranks 30" in out and "holds it back" in out
    top = ml100k_recommender.item_ids[order[0]]
    code, out, _ = run(capsys, trained_home, "why-not", "--user", USER, "--item", top)
    assert code == 0 and "already recommended" in out


def test_what_if(capsys, trained_home, ml100k_recommender):
    past = sorted(ml100k_recommender.history(USER))[:2]
    args = ["what-if", "--user", USER, "--remove", past[0], "--remove", past[1], "-k", "5"]
    code, out, _ = run(capsys, trained_home, *args, "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"removed", "added", "before", "after", "entered", "left"}
    assert data["removed"] == past and len(data["before"]) == len(data["after"]) == 5
    code, out, _ = run(capsys, trained_home, *args)
    assert code == 0 and "entered:" in out and "left:" in out
    code, _, err = run(capsys, trained_home, "what-if", "--user", USER, "--add", "50=great")
    assert code == 2 and "not a number" in err


# ---- errors --------------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["explain", "why-not"])
def test_unknown_user_and_item_exit_2_and_say_how_to_list_ids(capsys, trained_home, command):
    code, out, err = run(capsys, trained_home, command, "--user", "no-such-user", "--item", "50")
    assert code == 2 and out == ""
    assert "unknown user 'no-such-user'" in err and "because users" in err
    code, out, err = run(capsys, trained_home, command, "--user", USER, "--item", "no-such-item")
    assert code == 2 and out == ""
    assert "unknown item 'no-such-item'" in err and "because items" in err


def test_unknown_user_in_recommend_and_what_if(capsys, trained_home):
    code, _, err = run(capsys, trained_home, "recommend", "--user", "no-such-user")
    assert code == 2 and "unknown user 'no-such-user'" in err
    code, _, err = run(capsys, trained_home, "what-if", "--user", USER, "--remove", "no-such-item")
    assert code == 2 and "unknown item 'no-such-item'" in err


def test_missing_model_exits_1_and_says_because_train(capsys, tmp_path):
    code, out, err = run(capsys, tmp_path / "empty-home", "recommend", "--user", USER)
    assert code == 1 and out == "" and "because train" in err
    assert not (tmp_path / "empty-home").exists()


def test_console_script_exit_status(trained_home):
    script = Path(sys.executable).with_name("because")
    done = subprocess.run(
        [str(script), "--home", str(trained_home), "explain", "--user", USER, "--item", "no-such-item"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2
    assert "unknown item 'no-such-item'" in done.stderr and "Traceback" not in done.stderr


# ---- train from the shop's own files -------------------------------------------------------
def write_csv(cat, folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    items = cat.items.copy()
    items["genres"] = ["|".join(g) for g in items["genres"]]
    items_path, inter_path = folder / "items.csv", folder / "interactions.csv"
    items.to_csv(items_path)
    cat.interactions[["user_id", "item_id", "rating"]].to_csv(inter_path, index=False)
    return items_path, inter_path


def test_train_on_csv_files_then_recommend(capsys, tmp_path, tiny_catalogue):
    items, inter = write_csv(tiny_catalogue, tmp_path / "shop")
    home = tmp_path / "home"
    code, out, err = run(
        capsys, home, "train", "--items", str(items), "--interactions", str(inter), "--no-index", "--quiet"
    )
    assert code == 0 and out == "" and err == ""
    assert (home / "models" / "ACTIVE").read_text(encoding="utf-8") == "shop"
    assert (home / "models" / "shop" / "model.pt").is_file()
    assert not (home / "chroma").exists()  # --no-index
    code, out, _ = run(capsys, home, "recommend", "--user", "u1", "-k", "3", "--json")
    assert code == 0
    recs = json.loads(out)["items"]
    assert len(recs) == 3 and not {"a", "b"} & {r["item_id"] for r in recs}  # u1 already has a and b
    code, out, _ = run(capsys, home, "explain", "--user", "u4", "--item", "a", "--json")
    assert code == 0
    history = {
        c["evidence"]["item"]: c["evidence"]["rating"]
        for c in json.loads(out)["contributions"]
        if c["kind"] == "history_item"
    }
    assert history.get("f", 3.7) == 3.7


def test_broken_csv_exits_2_and_writes_nothing(capsys, tmp_path, tiny_catalogue):
    items, inter = write_csv(tiny_catalogue, tmp_path / "shop")
    inter.write_text("user_id,item_id,rating\nu1,a,5\nu1,unknown-item,4\n", encoding="utf-8")
    home = tmp_path / "home"
    code, out, err = run(
        capsys, home, "train", "--items", str(items), "--interactions", str(inter), "--no-index", "--quiet"
    )
    assert code == 2 and out == ""
    assert "unknown-item" in err and "Fix:" in err
    assert not home.exists() or not any(home.rglob("*"))
