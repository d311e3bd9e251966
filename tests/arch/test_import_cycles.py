"""No hidden import cycles: the import graph of lib/mediakpi, imports inside functions included (an import moved into
a function to dodge a cycle still is one), has no cycle between modules.

Importing `a.b.c` runs `a/__init__` and `a/b/__init__` first, so an import of a module is also an edge to its parent
packages, other than the packages the importing module itself lies in (those are already being imported). That is
how clean ⇄ viral and history ⇄ clean were cycles: `clean/__init__` imports `clean.run`."""
from __future__ import annotations

import ast
from pathlib import Path

import mediakpi

PACKAGE = Path(mediakpi.__file__).resolve().parent
ROOT = PACKAGE.name


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules `name` imports, at any depth of its code (TYPE_CHECKING blocks excluded)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    base = name.split(".") if is_pkg else name.split(".")[:-1]
    skip: set[int] = set()
    for node in ast.walk(tree):  # `if TYPE_CHECKING:` imports never run
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING":
            skip |= {id(n) for n in ast.walk(node)}
    found: set[str] = set()

    inside = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}  # packages holding `name`

    def add(target: str) -> None:
        parts = target.split(".")
        for i in range(1, len(parts) + 1):  # parents run first, except those already being imported (ours)
            mod = ".".join(parts[:i])
            if mod in known and mod != name and mod not in inside:
                found.add(mod)

    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == ROOT:
                    add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - (node.level - 1)]
                target = ".".join(anchor + ([node.module] if node.module else []))
            elif (node.module or "").split(".")[0] == ROOT:
                target = node.module
            else:
                continue
            add(target)
            for alias in node.names:  # `from . import catalog` imports a module
                if f"{target}.{alias.name}" in known:
                    add(f"{target}.{alias.name}")
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module":
            arg = node.args[0] if node.args else None
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value.startswith(ROOT):
                add(arg.value)
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports_of(name, path, known) for name, path in mods.items()}


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def test_the_cycle_finder_finds_a_cycle_through_a_function_level_import(tmp_path):
    g = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(g) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    src = tmp_path / "m.py"
    src.write_text("def f():\n    from mediakpi import catalog\n", encoding="utf-8")
    assert "mediakpi.catalog" in imports_of("mediakpi.m", src, {"mediakpi.catalog"})


def test_no_import_cycles_in_the_package():
    found = cycles(graph())
    assert found == [], "import cycles (imports inside functions included):\n" + "\n".join(" ⇄ ".join(c) for c in found)
