"""The real UI in headless Chromium, at phone (400x800) and desktop (1280x800) sizes: what a person sees.

Screenshots go to test-output/screenshots/. Each test asserts on visible text and on bounding boxes: the
input without scrolling, the answer in the conversation, nothing wider than the frame, and axe-core's
WCAG 2.1 AA checks (labels, button names, contrast).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support.browser import (
    ARGS,
    AXE,
    CHROMIUM,
    DESKTOP,
    PHONE,
    SLOW_MS,
    axe_violations,
    host_page,
    inside,
    overflow,
    send,
    shot,
    until,
    wait_reasons,
    widget,
)
from support.webapp import SECRET, LiveServer, live_server, make_services
from webapp.embed import shop_page
from webapp.tokens import make_token

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Debian chromium is not installed (apt-get install -y chromium, or bash scripts/install.sh --test)",
)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    return live_server(str(tmp_path_factory.mktemp("web-home")))


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def seen_well(page, frame) -> None:
    """Nothing sideways, and no WCAG 2.1 AA violation axe-core can find."""
    assert AXE.exists(), "axe-core is missing: bash scripts/install.sh --test installs it into .cache/npm"
    wide = overflow(frame)
    assert wide["scroll"] <= wide["width"] + 1 and not wide["wide"], wide
    page_wide = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert page_wide <= 1
    assert axe_violations(frame) == []


def title_of(server, item: str) -> str:
    from assistant.language import display_title

    return display_title(server.services.rec.title(item))


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_signed_in_shopper_gets_the_answer_in_the_conversation(browser, server, tmp_path, size):
    page, fl, frame = widget(browser, host_page(tmp_path, server.url, make_token("1", SECRET, 600)), size)
    assert "Signed in by the shop as customer 1" in fl.locator("#b-who").inner_text()
    assert inside(page, fl.locator("#msg textarea")), "the input needs scrolling to be seen"
    send(fl, "What would you recommend for me?")
    rows = wait_reasons(fl, 3)
    top = server.services.rec.recommend("1", k=3)
    assert [r[0] for r in rows[:3]] == [f"{n}. {title_of(server, r.item_id)}" for n, r in enumerate(top, 1)]
    assert all(len(reason) > 20 for _, reason in rows[:3])
    for i in range(3):  # each of the first three titles can be brought on screen inside the chat
        title = fl.locator("li.b-card").nth(i).locator(".b-title")
        assert until(lambda t=title: t.scroll_into_view_if_needed() or inside(page, t), bool, 10), i
    height = page.locator("#because-widget-frame").bounding_box()["height"]
    assert 500 < height <= size[1], "the iframe takes the widget's own height (embed.js resize)"

    card = fl.locator("li.b-card").first
    card.locator("details.b-more summary").click()
    chart = card.locator("table.b-chart")
    chart.wait_for(timeout=SLOW_MS)
    assert "exact sum" in chart.locator("caption").inner_text()
    assert chart.locator("tr.b-rest").count() == 1 and chart.locator("tr.b-raises").count() >= 1
    assert "total" in chart.locator("tr.b-total").inner_text()
    seen_well(page, frame)
    shot(page, f"signed-in-{size[0]}x{size[1]}")

    send(fl, "why the first one?")
    why = fl.locator(".b-why .b-text")
    why.first.wait_for(timeout=SLOW_MS)
    assert top[0].title.split(" (")[0] in why.first.inner_text()
    shot(page, f"why-{size[0]}x{size[1]}")

    card.locator("button.b-liked").click()
    fl.locator("li.b-card .b-note").first.wait_for(timeout=SLOW_MS)
    assert "Liked - noted" in card.inner_text()
    assert server.services.db.kinds("user:1").get(top[0].item_id) == "liked"
    fl.locator("li.b-card").nth(1).locator("button.b-not_interested").click()
    until(lambda: server.services.db.kinds("user:1").get(top[1].item_id), lambda k: k == "not_interested")
    send(fl, "What else would you recommend for me?")
    again = until(lambda: wait_reasons(fl, 3, turn=1), lambda rows: len(rows) >= 3)
    assert title_of(server, top[1].item_id) not in " ".join(t for t, _ in again)  # counts at once
    server.services.db.forget("user:1")
    page.close()


@pytest.mark.parametrize(
    ("token", "size"), [("forged", PHONE), ("missing", DESKTOP)], ids=["forged-phone", "missing-desktop"]
)
def test_anonymous_visitor_sees_every_title_offered(browser, server, tmp_path, token, size):
    value = make_token("1", "not-the-shop-secret", 600) if token == "forged" else ""
    page, fl, frame = widget(browser, host_page(tmp_path, server.url, value), size)
    who = fl.locator("#b-who").inner_text()
    assert "new user" in who and ("not valid" in who) == (token == "forged")
    assert inside(page, fl.locator("#msg textarea"))
    offered = [title_of(server, i) for i in server.services.popular]
    for title in offered:
        chip = fl.get_by_role("button", name=title, exact=True)
        chip.scroll_into_view_if_needed()
        assert chip.is_visible() and chip.bounding_box()["width"] > 20, title
        assert inside(page, chip), title
    seen_well(page, frame)
    shot(page, f"anonymous-{token}-{size[0]}x{size[1]}")
    fl.get_by_role("button", name=offered[0], exact=True).click()
    fl.locator("#b-who :text('1 rating')").wait_for(timeout=SLOW_MS)
    assert f"you liked {offered[0]}" in fl.locator("#chat").inner_text()
    fl.get_by_role("button", name="Recommend now").last.click()
    rows = wait_reasons(fl, 3)
    assert offered[0] not in " ".join(t for t, _ in rows) and len(rows) >= 3
    assert "customer 1" not in fl.locator("body").inner_text()
    page.close()


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_chinese_conversation_gets_chinese_labels(browser, server, tmp_path, size):
    page, fl, frame = widget(browser, host_page(tmp_path, server.url, make_token("2", SECRET, 600)), size)
    send(fl, "给我推荐几部喜剧")
    rows = wait_reasons(fl, 3)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in reason) for _, reason in rows)
    card = fl.locator("li.b-card").first
    assert card.locator("button.b-liked").inner_text().startswith("喜欢")
    assert "喜剧" in card.locator(".b-asked").inner_text()
    until(lambda: fl.locator("#msg label, #msg span").first.inner_text(), lambda s: "你的消息" in s)
    assert fl.get_by_role("tab", name="助手").count() == 1
    card.locator("details.b-more summary").click()
    assert "总分" in card.locator("table.b-chart").inner_text()
    seen_well(page, frame)
    shot(page, f"chinese-{size[0]}x{size[1]}")
    send(fl, "为什么推荐第一个？")
    fl.locator(".b-why .b-text").first.wait_for(timeout=SLOW_MS)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in fl.locator(".b-why .b-text").first.inner_text())
    page.close()


def test_demo_page_is_chat_first_with_the_transparency_tab(browser, server):
    page = browser.new_page(viewport={"width": DESKTOP[0], "height": DESKTOP[1]})
    page.goto(server.url + "/")
    page.locator("#b-who :text('new user')").wait_for(timeout=SLOW_MS)
    assert inside(page, page.locator("#msg textarea")) and inside(page, page.locator("#chat"))
    chat_box = page.locator("#chat").bounding_box()
    assert chat_box["height"] > 0.45 * DESKTOP[1], "the conversation fills the first screen"
    send(page, "What would you recommend for me?")
    assert len(wait_reasons(page, 3)) >= 3
    seen_well(page, page.main_frame)
    shot(page, "demo-1280x800")

    page.locator("#demo-pick").get_by_text("Demo: be a user of the data set").click()
    pick = page.locator("#user-pick input")
    pick.fill("7")
    page.get_by_role("option", name="7", exact=True).click()
    page.locator("#use-user").click()
    page.locator("#b-who :text('Demo: you are')").wait_for(timeout=SLOW_MS)
    top = server.services.rec.recommend("7", k=1)[0]
    rows = wait_reasons(page, 3)  # a new user: the chat starts over
    assert rows[0][0] == f"1. {title_of(server, top.item_id)}"

    page.get_by_role("tab", name="How it works").click()
    page.locator("#about-you").wait_for(timeout=SLOW_MS)
    seen_well(page, page.main_frame)
    page.locator("#forget").click()
    page.locator("#about-you :text('0 row(s)')").wait_for(timeout=SLOW_MS)
    page.close()


def test_keyboard_alone_gives_feedback_and_opens_a_reason(browser, server, tmp_path):
    page, fl, frame = widget(browser, host_page(tmp_path, server.url, make_token("3", SECRET, 600)), PHONE)
    fl.locator("#msg textarea").focus()
    page.keyboard.type("What would you recommend for me?")
    page.keyboard.press("Enter")
    wait_reasons(fl, 3)
    top = server.services.rec.recommend("3", k=1)[0]
    like = fl.locator("li.b-card").first.locator("button.b-liked")
    like.focus()
    page.keyboard.press("Tab")  # the next control is the same card's Dislike
    assert "b-disliked" in frame.evaluate("() => document.activeElement.className")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    fl.locator("li.b-card .b-note").first.wait_for(timeout=SLOW_MS)
    assert server.services.db.kinds("user:3").get(top.item_id) == "liked"
    summary = fl.locator("li.b-card").first.locator("details.b-more summary")
    summary.focus()
    page.keyboard.press("Enter")
    assert fl.locator("li.b-card").first.locator("table.b-chart").is_visible()
    server.services.db.forget("user:3")
    page.close()


def test_shop_page_embeds_the_widget_at_both_sizes(browser, server, tmp_path):
    html_file = tmp_path / "shop.html"
    html_file.write_text(shop_page(server.url, make_token("1", SECRET, 600), ROOT / "examples" / "shop.html"))
    for size in ((360, 740), PHONE, DESKTOP):
        page = browser.new_page(viewport={"width": size[0], "height": size[1]})
        page.goto(html_file.as_uri())
        page.frame_locator("#because-widget-frame").locator("#b-who :text('customer 1')").wait_for(timeout=SLOW_MS)
        frame = next(f for f in page.frames if "/widget/" in f.url)
        assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        assert overflow(frame)["wide"] == []
        shot(page, f"shop-page-{size[0]}x{size[1]}")
        page.close()


@pytest.fixture(scope="module")
def gear_server(tmp_path_factory):
    from scorer.pipeline import save_active
    from support.shops import gear_recommender, write_gear
    from webapp.server import create_app

    folder = tmp_path_factory.mktemp("gear")
    rec, cat = gear_recommender(str(write_gear(folder / "data")))
    save_active(rec, folder / "home")
    server = LiveServer(create_app(make_services(folder / "home", rec, catalogue=cat)), None)
    yield server, rec, cat
    server.stop()


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_gear_shop_in_the_widget(browser, gear_server, tmp_path, size):
    server, rec, cat = gear_server
    user = sorted(rec.histories)[0]
    page, fl, frame = widget(browser, host_page(tmp_path, server.url, make_token(user, SECRET, 600)), size)
    send(fl, "I need a tent under 200 dollars")
    rows = wait_reasons(fl, 3)
    assert len(rows) >= 3
    card = fl.locator("li.b-card").first
    assert "price under $200" in card.locator(".b-asked").inner_text()
    assert "film" not in fl.locator("#chat").inner_text().lower()
    card.locator("details.b-more summary").click()
    card.locator("table.b-chart").wait_for(timeout=SLOW_MS)
    seen_well(page, frame)
    shot(page, f"gear-{size[0]}x{size[1]}")
    send(fl, "why the first one?")
    fl.locator(".b-why .b-text").first.wait_for(timeout=SLOW_MS)
    first = cat.items.loc[rec.recommend(user, k=1)[0].item_id]  # unconstrained top: only to see the text is there
    assert fl.locator(".b-why .b-text").first.inner_text() and first is not None
    page.close()
