"""Helpers for the browser tests: headless Chromium pages around the widget, what a person sees (no tests here)."""

from __future__ import annotations

import html
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from webapp.embed import snippet

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium")
AXE = ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "test-output" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SLOW_MS = 90_000  # two shared cores: the first render can take seconds
PHONE, DESKTOP = (400, 800), (1280, 800)
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def host_page(folder: Path, origin: str, token: str, lang: str = "") -> Path:
    """A bare page holding only the embed snippet: the widget's iframe is the viewport's width."""
    code = snippet(origin, token)
    if lang:
        code = code.replace(" async>", f' data-lang="{html.escape(lang, quote=True)}" async>')
    page = folder / f"host-{abs(hash((token, lang)))}.html"
    page.write_text(
        f'<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f'<title>host</title></head><body style="margin:0">{code}</body></html>',
        encoding="utf-8",
    )
    return page


def widget(browser: Any, page_file: Path, size: tuple[int, int]) -> tuple[Any, Any, Any]:
    """(page, frame locator, frame) with the widget connected."""
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.goto(page_file.as_uri())
    frame_loc = page.frame_locator("#because-widget-frame")
    frame_loc.locator("#b-who").wait_for(timeout=SLOW_MS)
    until(lambda: frame_loc.locator("#b-who").inner_text(), lambda s: "Connecting" not in s and "连接" not in s)
    frame = next(f for f in page.frames if "/widget/" in f.url)
    return page, frame_loc, frame


def until(get: Callable[[], Any], ok: Callable[[Any], bool], timeout_s: float = SLOW_MS / 1000) -> Any:
    """Poll ``get`` until ``ok`` holds or the time is up; a page element that the chat re-renders between
    finding and using it (playwright's "not attached to the DOM") is looked up again, until the deadline."""
    from playwright.sync_api import Error as PlaywrightError

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            value = get()
        except PlaywrightError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)
            continue
        if ok(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.25)


def send(frame_loc: Any, text: str) -> None:
    box = frame_loc.locator("#msg textarea")
    box.fill(text)
    box.press("Enter")


def reasons(frame_loc: Any, turn: int = -1) -> list[tuple[str, str]]:
    """(title, one-line reason) of each card in a turn's message, as the person reads them."""
    picks = frame_loc.locator("ol.b-picks")
    if picks.count() == 0:
        return []
    cards = picks.nth(turn if turn >= 0 else picks.count() - 1).locator("li.b-card")
    return [
        (cards.nth(i).locator(".b-title").inner_text(), cards.nth(i).locator(".b-reason").inner_text())
        for i in range(cards.count())
    ]


def wait_reasons(frame_loc: Any, n: int, turn: int = -1) -> list[tuple[str, str]]:
    return until(
        lambda: reasons(frame_loc, turn), lambda rows: len(rows) >= n and all(r and "…" not in r for _, r in rows)
    )


def inside(page: Any, locator: Any) -> bool:
    """The element's box lies inside the page's viewport (no scrolling needed to see it)."""
    box, view = locator.bounding_box(), page.viewport_size
    return (
        bool(box)
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= view["width"] + 1
        and (box["y"] + box["height"] <= view["height"] + 1)
    )


OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    const cs = getComputedStyle(e);
    if (r.width === 0 || cs.visibility === 'hidden' || cs.display === 'none' || e.closest('.b-sr')) continue;
    let clipped = false;
    for (let p = e.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'hidden' || o === 'auto' || o === 'scroll' || o === 'clip') {
        clipped = p.scrollWidth <= p.clientWidth + 1;
        break;
      }
    }
    if (!clipped && r.right > width + 1) {
      wide.push(e.tagName + '.' + String(e.className).slice(0, 40) + ' ' + Math.round(r.right));
    }
  }
  return {scroll: document.documentElement.scrollWidth, width: width, wide: wide.slice(0, 5)};
}"""


def overflow(frame: Any) -> dict[str, Any]:
    """Anything wider than the frame, and whether the page scrolls sideways."""
    return frame.evaluate(OVERFLOW_JS)


def axe_violations(frame: Any) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations in the frame (labels, names, contrast...), one line each."""
    frame.add_script_tag(path=str(AXE))
    found = frame.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
        ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))",
        WCAG_AA,
    )
    return list(found)


def shot(page: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
