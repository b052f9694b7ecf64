"""Because web app: `python app.py [--host H] [--port P] [--data ml-100k] [--no-llm]`.

Thin by design: the Blocks are built in ``webapp.ui``, the FastAPI app in ``webapp.server``.
"""

from __future__ import annotations

import sys

import gradio as gr


def build_app(home: str | None = None) -> gr.Blocks:
    """The demo chat Blocks over the saved model (for tooling that wants a Blocks; serving uses webapp.server)."""
    from because.offline import enforce
    from because.settings import Settings
    from webapp.server import ensure_trained
    from webapp.services import build_services
    from webapp.ui import build_blocks

    enforce()
    settings = Settings.from_env(home=home)
    return build_blocks(build_services(settings, ensure_trained(settings), llm=False), "demo")


if __name__ == "__main__":
    from webapp.server import main

    sys.exit(main())
