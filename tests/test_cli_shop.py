"""A new shop end to end from the command line: its own CSVs trained, searched and asked, with --home anywhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from because.cli import main
from support.shops import write_gear

pytestmark = pytest.mark.usefixtures("keep_environment")


@pytest.mark.slow
def test_gear_shop_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from support.faults import closed_port

    # a model endpoint that is down: the answer must stand on rules and templates alone (and not wait on a model)
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{closed_port()}/v1")
    shop = write_gear(tmp_path / "data", n_users=200)
    home = tmp_path / "home"
    files = ["--items", str(shop / "items.csv"), "--interactions", str(shop / "interactions.csv")]
    # --home after the subcommand, as the README writes it
    assert main(["train", *files, "--schema", str(shop / "schema.json"), "--home", str(home), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["search", "waterproof rain jacket", "--k", "3", "--json", "--home", str(home)]) == 0
    hits = json.loads(capsys.readouterr().out)
    items = {line.split(",", 1)[0]: line for line in (shop / "items.csv").read_text().splitlines()[1:]}
    assert len(hits) == 3 and all(h["item"] in items for h in hits)  # the shop's items, not films
    assert any("jacket" in items[h["item"]].lower() for h in hits)
    user = (shop / "interactions.csv").read_text().splitlines()[1].split(",", 1)[0]
    assert main(["--home", str(home), "ask", "I need a tent under 200 dollars", "--user", user, "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["tool_calls"][0]["name"] == "recommend"
    assert {"category=tent", "price<200"} <= set(answer["tool_calls"][0]["args"]["constraints"])
    assert "price under $200" in answer["answer"]
    for rec in answer["recommendations"]:
        row = items[rec["item"]].lower()
        assert ",tent," in row
    assert all(e["checked"] and "category " not in e["text"] for e in answer["explanations"])
