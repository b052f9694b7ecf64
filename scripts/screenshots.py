"""Regenerate the README's screenshots: the widget in a phone-sized frame (400x800) and at desktop width.

    .venv/bin/python scripts/screenshots.py [--home DIR] [--out docs] [--user 1] [--llm]

Serves the home's trained model in-process on a free port (templates only unless --llm), embeds the widget
with a signed token for --user, asks for recommendations, opens the first card's full reason, and saves
widget-phone.png and widget-desktop.png into --out. Needs Debian's chromium and Playwright
(bash scripts/install.sh --test).
"""

from __future__ import annotations

import argparse
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

SIZES = {"phone": (400, 800), "desktop": (1280, 800)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(home: str | None, llm: bool) -> tuple[str, object]:
    import httpx
    import uvicorn

    from because.offline import enforce
    from because.settings import Settings
    from scorer.pipeline import load_active
    from webapp.server import create_app
    from webapp.services import build_services

    enforce()
    settings = Settings.from_env(home=home)  # --home, else $BECAUSE_HOME, else the default home
    services = build_services(settings, load_active(settings.home), llm=llm)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(services), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(url + "/api/health", timeout=2).status_code == 200:
                return url, services
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("the app did not start")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", help="a Because home with a trained model (because train)")
    parser.add_argument("--out", default="docs")
    parser.add_argument("--user", default="1", help="the signed-in customer")
    parser.add_argument("--llm", action="store_true", help="model-written explanations (slower)")
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium")
    if chromium is None:
        print("screenshots: Debian chromium is missing: bash scripts/install.sh --test", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    from webapp.embed import snippet
    from webapp.tokens import make_token

    url, services = _serve(args.home, args.llm)
    token = make_token(args.user, services.secret, 600)  # type: ignore[attr-defined]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        host = Path(tmp) / "host.html"
        host.write_text(
            '<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
            f'</head><body style="margin:0">{snippet(url, token)}</body></html>',
            encoding="utf-8",
        )
        browser = p.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"])
        for name, (w, h) in SIZES.items():
            page = browser.new_page(viewport={"width": w, "height": h})
            page.goto(host.as_uri())
            frame = page.frame_locator("#because-widget-frame")
            frame.locator("#b-who :text('Signed in')").wait_for(timeout=120_000)
            box = frame.locator("#msg textarea")
            box.fill("What would you recommend for me?")
            box.press("Enter")
            frame.locator("li.b-card .b-more").first.wait_for(timeout=300_000)
            frame.locator("li.b-card .b-more summary").first.click()
            time.sleep(1.5)
            page.screenshot(path=str(out / f"widget-{name}.png"))
            print(f"wrote {out / f'widget-{name}.png'}")
            page.close()
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
