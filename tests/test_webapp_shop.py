"""A gear shop through the JSON API: a signed-in customer's request honoured, explained, refined and searched."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from support.shops import gear_recommender, write_gear
from support.webapp import SECRET, LiveServer, make_services
from webapp.tokens import make_token


@pytest.mark.slow
def test_a_gear_shop_through_the_api(tmp_path: Path) -> None:
    from scorer.pipeline import save_active
    from webapp.server import create_app

    shop = write_gear(tmp_path / "data")
    rec, cat = gear_recommender(str(shop))
    home = tmp_path / "home"
    save_active(rec, home)
    server = LiveServer(create_app(make_services(home, rec, catalogue=cat)), None)
    try:
        user = sorted(rec.histories)[0]
        token = make_token(user, SECRET, 600)

        def chat(message: str, session: str | None = None) -> dict:
            body = {"token": token, "message": message, **({"session_id": session} if session else {})}
            r = httpx.post(server.url + "/api/chat", json=body, timeout=120)
            assert r.status_code == 200, r.text
            return r.json()

        first = chat("I need a tent under 200 dollars, no Kobold")
        items = cat.items.loc[[r["item"] for r in first["recommendations"]]]
        assert len(items) and (items["category"] == "tent").all() and (items["price"] < 200).all()
        assert not (items["brand"] == "Kobold").any()
        assert "price under $200" in first["reply"] and "no Kobold" in first["reply"]
        sid = first["session_id"]
        why = chat("why the first one?", sid)
        assert why["tool_calls"][0]["name"] == "explain" and why["explanations"][0]["checked"]
        lighter = chat("轻一点的", sid)
        after = cat.items.loc[[r["item"] for r in lighter["recommendations"]]]
        assert (
            len(after)
            and (after["weight_g"] < items["weight_g"].median()).all()
            and (after["category"] == "tent").all()
        )
        assert "重量" in lighter["reply"] and "个" in lighter["reply"]
        found = chat("find me a waterproof rain jacket")
        assert found["tool_calls"][0]["name"] == "search_catalogue" and found["results"]
    finally:
        server.stop()
