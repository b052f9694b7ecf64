"""The served app: FastAPI (JSON API, docs, embed snippet) with the Gradio UI mounted at / and /widget.

``because serve`` / ``python app.py``: trains on the first run (visible progress), then serves.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

import gradio as gr
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from because.errors import BecauseError
from because.settings import Settings
from scorer.recommender import Recommender
from webapp import embed
from webapp.api import BodyLimit, install_error_handlers, make_router
from webapp.cli_args import add_serve_arguments
from webapp.services import Services, build_services, load_model
from webapp.tokens import make_token
from webapp.ui import CSS, HEAD, JS, build_blocks

SHOP_TOKEN_TTL_S = 3600


def create_app(services: Services) -> FastAPI:
    app = FastAPI(
        title="Because",
        version="0.1.0",
        docs_url="/docs",
        redoc_url=None,
        description="Recommendations that always say why. See /embed for the shop widget snippet.",
    )
    app.add_middleware(BodyLimit)
    install_error_handlers(app)
    app.include_router(make_router(services))

    @app.get("/embed.js", include_in_schema=False)
    def embed_js() -> Response:
        return Response(embed.EMBED_JS, media_type="application/javascript")

    @app.get("/embed", include_in_schema=False)
    def embed_doc(request: Request) -> HTMLResponse:
        return HTMLResponse(embed.embed_page(_origin(request)))

    @app.get("/shop", include_in_schema=False)
    def shop(request: Request, user: str = "1") -> HTMLResponse:
        """Demo only (public data sets): the example shop page signed in as a data-set user."""
        if not services.demo or services.rec is None or user not in services.rec.histories:
            raise HTTPException(
                404,
                ("no demo shop page here.", "open /embed for the snippet; demo pages exist only for public data sets."),
            )
        return HTMLResponse(embed.shop_page(_origin(request), make_token(user, services.secret, SHOP_TOKEN_TTL_S)))

    @app.get("/widget", include_in_schema=False)
    def widget_slash(request: Request) -> RedirectResponse:
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"/widget/{query}", status_code=307)

    if services.rec is None:

        @app.get("/", include_in_schema=False)
        def no_model() -> PlainTextResponse:
            return PlainTextResponse(
                "No trained model: run `because train` (or `because serve`), then restart.", status_code=503
            )

        return app
    look = {"ssr_mode": False, "css": CSS, "js": JS, "head": HEAD}
    gr.mount_gradio_app(app, build_blocks(services, "shop"), path="/widget", footer_links=[], **look)
    gr.mount_gradio_app(app, build_blocks(services, "demo"), path="/", footer_links=["api"], **look)
    return app


def _origin(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def ensure_trained(settings: Settings, data: str | None = None, log: Callable[[str], None] = print) -> Recommender:
    """The saved model; on the first run (or for another --data) train and index with visible progress."""
    from scorer.pipeline import model_path

    wanted = data or settings.data
    rec = load_model(settings)
    if rec is None or (data is not None and rec.dataset != data):
        path = model_path(settings.home, wanted)
        rec = Recommender.load(path) if path.exists() else None
    if rec is not None:
        log(f"loaded the {rec.dataset} model (trained {rec.meta.get('trained_at', '?')})")
        return rec
    from catalogue import load_catalogue
    from scorer.pipeline import save_active, train_recommender
    from scorer.train import TrainConfig
    from webapp.feedback_store import with_feedback

    log(f"first run: training on {wanted} (once; later starts take seconds)")
    cat = with_feedback(load_catalogue(data=wanted), settings.home, settings.database_url)
    rec = train_recommender(cat, TrainConfig(), progress=True, log=log)
    log(f"saved model to {save_active(rec, settings.home)} ({rec.meta['train_seconds']:.0f} s)")
    try:
        from vectorstore.store import open_store

        log("building the catalogue search index")
        counts = open_store(settings, cat.name).index_catalogue(cat, progress=True)
        log(f"search index: {counts.as_dict()}")
    except BecauseError as err:
        log(f"note: no search index ({err}); search falls back to keywords.")
    return rec


def run_serve(settings: Settings, args: argparse.Namespace) -> int:
    """`because serve`: train if needed, start the language model in the background, serve the app."""
    import uvicorn

    from because.offline import enforce

    enforce()
    host, port = args.host or settings.host, args.port if args.port is not None else settings.port
    rec = ensure_trained(settings, getattr(args, "data", None))
    services = build_services(settings, rec, llm=not getattr(args, "no_llm", False))
    app = create_app(services)
    if services.llm_status == "starting":
        print("starting the language model in the background; until it is warm, explanations use templates")
    print(
        f"Because is up: http://{host}:{port}/   API docs: /docs   embed snippet: /embed   widget: /widget/?token=...",
        flush=True,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    from because.offline import enforce

    enforce()
    parser = argparse.ArgumentParser(prog="app.py", description="Serve the Because web app.")
    parser.add_argument("--home", help="folder for models, index and feedback")
    add_serve_arguments(parser)
    args = parser.parse_args(argv)
    settings = Settings.from_env(home=args.home, **({"data": args.data} if args.data else {}))
    try:
        return run_serve(settings, args)
    except BecauseError as err:
        print(f"because: {err}", file=sys.stderr)
        return 1
