"""The `because` command. Exit status: 0 ok, 2 bad input (unknown id, broken file, bad argument), 1 a part failed."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from because import __version__, commands
from because.errors import BecauseError, InputError
from because.offline import enforce
from because.settings import Settings

Handler = Callable[[Settings, argparse.Namespace], int]


def _lazy(module: str, name: str) -> Handler:
    """Import a handler only when its command runs, so `because --help` stays fast."""

    def run(settings: Settings, args: argparse.Namespace) -> int:
        return getattr(__import__(module, fromlist=[name]), name)(settings, args)

    return run


def _data_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", choices=["ml-100k", "ml-latest-small"], help="a built-in data set (default: ml-100k)")
    p.add_argument("--items", help="your items file (CSV or Parquet)")
    p.add_argument("--interactions", help="your interactions file (CSV or Parquet), with --items")
    p.add_argument("--schema", help="a JSON file overriding inferred column types, with --items")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="because", description="Recommendations that always say why.")
    parser.add_argument("--version", action="version", version=f"because {__version__}")
    parser.add_argument(
        "--home", help="folder for models, index and sessions (default: $BECAUSE_HOME or ~/.local/share/because)"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, handler: Handler, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(handler=handler)
        # `because train --home DIR` works as well as `because --home DIR train` (SUPPRESS: no default overrides it)
        p.add_argument("--home", default=argparse.SUPPRESS, help="the home folder (as before the command)")
        return p

    p = add(
        "train",
        commands.run_train,
        "train the scorer (and build the catalogue index) and save it under the home folder",
    )
    _data_args(p)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--engine", choices=["local", "spark"], default="local", help="train on this machine (default) or on Spark"
    )
    p.add_argument(
        "--spark-master", default="local[2]", help="with --engine spark: local[N], spark://host:port, yarn, ..."
    )
    p.add_argument(
        "--neighbours",
        type=int,
        nargs="+",
        default=[100, 200, 400],
        help="with --engine spark: item-item neighbours kept per item (k); several: k chosen by validation NDCG@10",
    )
    p.add_argument("--no-index", action="store_true", help="skip building the catalogue search index")
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--json", action="store_true")

    p = add("recommend", commands.run_recommend, "top-k items for a user")
    p.add_argument("--user")
    p.add_argument("--all-users", action="store_true", help="one JSON line per user")
    p.add_argument("-k", "--k", type=int, default=10)
    p.add_argument("--json", action="store_true")
    p.add_argument("--jsonl", action="store_true", help="with --all-users (JSON lines are the only format there)")

    for name, handler, help_ in (
        ("explain", _lazy("because.explain_commands", "run_explain"), "the exact parts of a user's score for an item"),
        ("why-not", commands.run_why_not, "why an item is not in a user's top k"),
    ):
        p = add(name, handler, help_)
        p.add_argument("--user", required=True)
        p.add_argument("--item", required=True)
        p.add_argument("-k", "--k", type=int, default=10)
        p.add_argument("--json", action="store_true")
        if name == "explain":
            p.add_argument("--language", choices=["en", "zh"], default="en", help="of the explanation text (--json)")

    from because.explain_commands import add_check_arguments

    add_check_arguments(
        add(
            "check",
            _lazy("because.explain_commands", "run_check"),
            "check an explanation text with the chat's claim checker",
        )
    )

    p = add("what-if", commands.run_what_if, "the top k after removing or adding past items")
    p.add_argument("--user", required=True)
    p.add_argument("--remove", action="append", default=[], metavar="ITEM")
    p.add_argument("--add", action="append", default=[], metavar="ITEM=RATING")
    p.add_argument("-k", "--k", type=int, default=10)
    p.add_argument("--json", action="store_true")

    p = add("evaluate", commands.run_evaluate, "ours and the baselines side by side: NDCG@10, Recall@10, PN, PS")
    _data_args(p)
    p.add_argument("--split", choices=["random", "time"], default="random")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true")

    for name, handler, help_ in (
        ("users", commands.run_users, "list user ids"),
        ("items", commands.run_items, "list item ids and titles"),
    ):
        p = add(name, handler, help_)
        p.add_argument("query", nargs="?", help="(items) a part of the title")
        p.add_argument("--limit", type=int, default=50)

    from vectorstore.cli_commands import add_index_arguments, add_search_arguments

    add_index_arguments(
        add("index", _lazy("vectorstore.cli_commands", "run_index"), "build or update the catalogue search index")
    )
    add_search_arguments(
        add("search", _lazy("vectorstore.cli_commands", "run_search"), "search the catalogue by meaning")
    )
    _register_assistant(add)
    from webapp.cli_args import add_serve_arguments

    add_serve_arguments(
        add("serve", _lazy("webapp.server", "run_serve"), "serve the web app and JSON API (trains on first run)")
    )
    return parser


def _register_assistant(add: Callable[..., argparse.ArgumentParser]) -> None:
    try:
        from because.chat_commands import add_ask_arguments, add_chat_arguments
    except ImportError:  # the assistant is optional while it is being built
        return
    add_ask_arguments(add("ask", _lazy("because.chat_commands", "run_ask"), "ask the assistant one message"))
    add_chat_arguments(
        add("chat", _lazy("because.chat_commands", "run_chat"), "chat with the assistant in the terminal")
    )


def main(argv: Sequence[str] | None = None) -> int:
    enforce()
    args = build_parser().parse_args(argv)
    settings = Settings.from_env(home=args.home)
    if getattr(args, "data", None):
        settings = Settings.from_env(home=args.home, data=args.data)
    try:
        return int(args.handler(settings, args) or 0)
    except InputError as err:
        print(f"because: {err}", file=sys.stderr)
        return 2
    except BecauseError as err:
        print(f"because: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `because ... | head`: the reader left; not an error of ours
        sys.stderr.close()
        return 0


def run() -> Any:  # console-script entry point
    sys.exit(main())


if __name__ == "__main__":
    run()
