"""The embed snippet the app serves itself (/embed.js, /embed) and the example shop page (/shop)."""

from __future__ import annotations

import html
from pathlib import Path

EMBED_JS = """(function () {
  // <script src="ORIGIN/embed.js" data-token="TOKEN" data-target="because-widget" async></script>
  // Optional: data-lang="zh" (else the browser's language), data-width (default 100%),
  // data-max-height (default: none; the frame takes the widget's own height, which it reports).
  var s = document.currentScript;
  if (!s) { return; }
  var origin = new URL(s.src).origin;
  var lang = s.getAttribute("data-lang") || document.documentElement.lang || "";
  var f = document.createElement("iframe");
  f.src = origin + "/widget/?token=" + encodeURIComponent(s.getAttribute("data-token") || "") +
    (lang ? "&lang=" + encodeURIComponent(lang) : "");
  f.title = "Because shop assistant";
  f.id = "because-widget-frame";
  f.style.border = "0";
  f.style.display = "block";
  f.style.width = s.getAttribute("data-width") || "100%";
  f.style.maxWidth = "100%";
  f.style.height = "720px";
  var cap = parseInt(s.getAttribute("data-max-height") || "0", 10);
  window.addEventListener("message", function (ev) {
    if (ev.origin !== origin || ev.source !== f.contentWindow || !ev.data || ev.data.because !== "resize") { return; }
    var h = Math.max(320, Math.round(Number(ev.data.height) || 0));
    f.style.height = (cap > 0 ? Math.min(h, cap) : h) + "px";
  });
  var target = document.getElementById(s.getAttribute("data-target") || "because-widget");
  (target || s.parentNode).appendChild(f);
})();
"""

SHOP_PAGE = Path(__file__).resolve().parents[1] / "examples" / "shop.html"
ORIGIN_MARK, TOKEN_MARK = "__BECAUSE_ORIGIN__", "__BECAUSE_TOKEN__"


def snippet(origin: str, token: str = "TOKEN") -> str:
    return (
        f'<div id="because-widget"></div>\n'
        f'<script src="{origin}/embed.js" data-token="{html.escape(token, quote=True)}" '
        f'data-target="because-widget" async></script>'
    )


def embed_page(origin: str) -> str:
    code = html.escape(snippet(origin))
    iframe = html.escape(
        f'<iframe src="{origin}/widget/?token=TOKEN" width="100%" height="760" style="border:0"></iframe>'
    )
    recipe = html.escape(
        "from webapp.tokens import make_token\ntoken = make_token(customer_id, SECRET, ttl_s=3600)  "
        "# SECRET = BECAUSE_TOKEN_SECRET\n# put token into the snippet server-side; never send SECRET to the browser"
    )
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Embed Because</title></head>
<body style="font-family:sans-serif;max-width:760px;margin:2em auto">
<h1>Embed the Because assistant in your shop</h1>
<p>Paste this where the widget should appear; replace TOKEN with the customer's signed token (made on your server):</p>
<pre>{code}</pre><p>Or a plain iframe:</p><pre>{iframe}</pre>
<p>Token recipe (Python, on the shop's server):</p><pre>{recipe}</pre>
<p>A missing, forged or expired token gives an anonymous new-user session: never another customer's data.
The widget and its scripts come from this server only (no CDN), so it works offline.</p></body></html>"""


def shop_page(origin: str, token: str, path: Path = SHOP_PAGE) -> str:
    """examples/shop.html with the origin and a token filled in."""
    text = path.read_text(encoding="utf-8")
    return text.replace(ORIGIN_MARK, origin).replace(TOKEN_MARK, html.escape(token, quote=True))
