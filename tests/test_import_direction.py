"""Imports run one way. The test reads every module's imports (``ast``, lazy ones inside functions too) and fails
on a cycle between top-level packages, between the rooms of ``assistant/``, or on an import against the
direction DEVELOPERS.md draws (the CLI is the roof; ``because``'s ground and ``tools`` stay below).

Nodes: a top-level package, except that each module of ``because/`` counts on its own (it holds the ground,
errors/settings/offline, and the roof, the CLI) and inside ``assistant/`` each room (``llm``, ``routing``,
``explaining``) and each top-level module counts on its own.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (
    "because",
    "catalogue",
    "scorer",
    "evaluation",
    "spark_training",
    "vectorstore",
    "assistant",
    "tools",
    "prompts",
    "webapp",
    "storage",
)
GROUND = {"because", "because.errors", "because.settings", "because.offline", "because.home"}
ROOF = {"because.cli", "because.commands", "because.chat_commands", "because.explain_commands", "because.__main__"}
ROOMS = ("assistant.llm", "assistant.routing", "assistant.explaining")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(name: str) -> bool:
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _targets(node: ast.AST, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[: len(package) - node.level + 1]
        base = ".".join([*package, *([base] if base else [])])
    # "from assistant import guard" imports the module assistant.guard
    return [f"{base}.{a.name}" if _is_module(f"{base}.{a.name}") else base for a in node.names]


def imports() -> dict[str, set[str]]:
    """Module -> the modules of ours it imports."""
    out: dict[str, set[str]] = defaultdict(set)
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            module = _module_name(path)
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                for target in _targets(node, module, path.name == "__init__.py"):
                    if target.split(".")[0] in PACKAGES:
                        out[module].add(target)
    return out


def node_of(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "because":
        return module
    if parts[0] == "assistant" and len(parts) > 1:
        return ".".join(parts[:2])
    return parts[0]


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected set of more than one node (Tarjan), as sorted lists."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def graph(select: callable) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for module, targets in imports().items():
        for target in targets:
            a, b = select(module), select(target)
            if a is not None and b is not None and a != b:
                edges[a].add(b)
    return edges


def test_the_walk_sees_imports() -> None:
    """The reader must find real imports, or every check below would pass on nothing."""
    found = imports()
    assert "because.errors" in found["tools"] or any(
        "because.errors" in t for m, t in found.items() if m.startswith("tools")
    )
    assert "assistant.agent" in found and found["assistant.agent"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_cycle_between_packages() -> None:
    assert cycles(graph(node_of)) == []


def test_no_cycle_between_the_rooms_of_assistant() -> None:
    def room(module: str) -> str | None:
        if not module.startswith("assistant.") or module == "assistant":
            return None  # the package's public face imports its rooms on purpose
        return node_of(module)

    assert cycles(graph(room)) == []


@pytest.mark.parametrize("ground", sorted(GROUND))
def test_the_ground_imports_nothing_above_it(ground: str) -> None:
    above = {t for m, ts in imports().items() if m == ground for t in ts if node_of(t) not in GROUND}
    assert above == set(), f"{ground} imports {sorted(above)}"


def test_nothing_imports_the_cli() -> None:
    users = {m for m, ts in imports().items() for t in ts if node_of(t) in ROOF and node_of(m) not in ROOF}
    assert users == set()


def test_tools_never_import_the_assistant() -> None:
    bad = {
        m: sorted(t for t in ts if t.startswith("assistant")) for m, ts in imports().items() if m.startswith("tools")
    }
    assert {m: ts for m, ts in bad.items() if ts} == {}


def test_storage_stands_on_the_ground_only() -> None:
    """``storage`` (feedback, sessions, migrations) sits below ``tools`` and ``webapp``: it imports only the ground."""
    bad = {
        m: sorted(t for t in ts if node_of(t) not in GROUND and node_of(t) != "storage")
        for m, ts in imports().items()
        if m.startswith("storage")
    }
    assert {m: ts for m, ts in bad.items() if ts} == {}
    users = {node_of(m) for m, ts in imports().items() for t in ts if t.startswith("storage")} - {"storage"}
    assert users and users <= {"tools", "webapp", "because.chat_commands"}, users


def test_rooms_are_packages() -> None:
    for room in ROOMS:
        assert _is_module(room), room
