"""The real UI in headless Chromium: the example shop page with the widget, a valid and a forged token, cold start."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from support.webapp import SECRET, live_server
from webapp.embed import shop_page
from webapp.tokens import make_token

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Debian chromium is not installed (apt-get install -y chromium, or bash scripts/install.sh --test)",
)
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[1]
SLOW_MS = 90_000  # two shared cores: the first chart render can take seconds


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    return live_server(str(tmp_path_factory.mktemp("web-home")))


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = tmp_path / "screenshots"
    folder.mkdir()
    return folder


def open_shop(browser, server, tmp_path: Path, token: str):
    page = browser.new_page(viewport={"width": 1180, "height": 1400})
    html = tmp_path / "shop.html"
    html.write_text(shop_page(server.url, token, ROOT / "examples" / "shop.html"), encoding="utf-8")
    page.goto(html.as_uri())
    frame = page.frame_locator("#because-widget-frame")
    frame.locator("#who").wait_for(timeout=SLOW_MS)
    return page, frame


def until(get, ok, timeout_s: float = SLOW_MS / 1000):
    deadline = time.monotonic() + timeout_s
    while True:
        value = get()
        if ok(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.25)


def ask(frame, text: str) -> None:
    box = frame.locator("#msg textarea")
    box.fill(text)
    box.press("Enter")
    frame.locator("#card-text-0").first.wait_for(state="visible", timeout=SLOW_MS)


def test_shop_page_with_a_valid_token(browser, server, tmp_path, shots):
    page, frame = open_shop(browser, server, tmp_path, make_token("1", SECRET, 600))
    who = frame.locator("#who")
    frame.locator("#who :text('customer 1')").wait_for(timeout=SLOW_MS)
    assert "Signed in by the shop" in who.inner_text()
    ask(frame, "What would you recommend for me?")
    top = server.services.rec.recommend("1", k=1)[0]
    card = frame.locator("#card-text-0")
    frame.locator("#card-text-0 :text('template written')").wait_for(timeout=SLOW_MS)
    assert top.title.split(" (")[0] in card.inner_text()
    frame.locator("#chart-0 img").wait_for(timeout=SLOW_MS)
    frame.locator("#chat :text('Used tool: recommend')").wait_for(timeout=SLOW_MS)
    page.screenshot(path=str(shots / "shop-valid-token.png"))
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    shutil.copy(shots / "shop-valid-token.png", docs / "screenshot.png")

    frame.locator("#not-interested-0").click()
    frame.locator("#card-text-0 :text('Not interested - noted')").wait_for(timeout=SLOW_MS)
    assert server.services.db.kinds("user:1") == {top.item_id: "not_interested"}
    ask(frame, "What else would you recommend for me?")
    text = until(
        lambda: frame.locator("#card-text-0").inner_text(), lambda t: "noted" not in t and "template written" in t
    )
    assert top.title.split(" (")[0] not in text  # "not interested" counts at once

    frame.get_by_role("tab", name="How it works").click()
    frame.locator("#about-you :text('not_interested')").wait_for(timeout=SLOW_MS)
    frame.locator("#forget").click()
    frame.locator("#about-you :text('0 row(s)')").wait_for(timeout=SLOW_MS)
    assert server.services.db.rows("user:1") == []
    page.screenshot(path=str(shots / "transparency.png"))
    page.close()


def test_forged_token_gets_a_new_user_session(browser, server, tmp_path, shots):
    forged = make_token("1", "not-the-shop-secret", 600)
    page, frame = open_shop(browser, server, tmp_path, forged)
    frame.locator("#who :text('new user')").wait_for(timeout=SLOW_MS)
    assert "not valid" in frame.locator("#who").inner_text()
    ask(frame, "What would you recommend for me?")
    frame.locator("#card-text-0 :text('template written')").wait_for(timeout=SLOW_MS)
    guest_top = server.services.rec.recommend({}, k=1)[0]
    assert guest_top.title.split(" (")[0] in frame.locator("#card-text-0").inner_text()
    assert "customer 1" not in frame.locator("body").inner_text()
    frame.locator("#chart-0 img").wait_for(timeout=SLOW_MS)
    page.screenshot(path=str(shots / "shop-forged-token.png"))
    assert (shots / "shop-forged-token.png").stat().st_size > 10_000
    page.close()


def test_demo_page_cold_start(browser, server, shots):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(server.url + "/")
    page.locator("#who :text('new user')").wait_for(timeout=SLOW_MS)
    first_title = server.services.rec.title(server.services.popular[0])
    group = page.locator("#cold-start fieldset, #cold-start .block").filter(has_text=first_title).first
    group.get_by_text("5", exact=True).click(timeout=SLOW_MS)  # the picker opens by itself for a new user
    page.locator("#rate").click()
    page.locator("#who :text('1 rating')").wait_for(timeout=SLOW_MS)
    page.locator("#card-text-0").first.wait_for(state="visible", timeout=SLOW_MS)
    page.locator("#card-text-0 :text('template written')").wait_for(timeout=SLOW_MS)
    page.screenshot(path=str(shots / "demo-cold-start.png"))
    page.close()
