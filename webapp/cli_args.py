"""`because serve` arguments, importable without Gradio (keeps `because --help` fast)."""

from __future__ import annotations

import argparse


def add_serve_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", help="address to listen on (default: $BECAUSE_HOST or 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default: $BECAUSE_PORT or 7860)")
    if not any(a.dest == "data" for a in p._actions):
        p.add_argument(
            "--data", choices=["ml-100k", "ml-latest-small"], help="built-in data set to train on the first run"
        )
    p.add_argument("--no-llm", action="store_true", help="do not start the language model (template explanations)")
