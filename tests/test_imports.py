"""The dashboard's modules import each other without a cycle (issue 14, item 3: cache.py and db.py imported each
other, one of them inside a function to hide it)."""

import ast

from tests.conftest import ROOT

PACKAGE = ROOT / "dashboard"


def imported(path) -> set[str]:
    """Every name a file imports, in full (`from a.b import c` is a.b.c), wherever the import statement stands (a
    function's body too); relative imports are left out."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def dashboard_modules() -> dict[str, object]:
    """Module name -> file, for every module of the dashboard package."""
    return {
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): path
        for path in PACKAGE.rglob("*.py")
    }


def dashboard_imports(path, modules) -> set[str]:
    """The dashboard modules a file imports: each imported name's longest prefix that is one of `modules`."""
    found = set()
    for name in imported(path):
        parts = name.split(".")
        for n in range(len(parts), 0, -1):
            if ".".join(parts[:n]) in modules:
                found.add(".".join(parts[:n]))
                break
    return found


def graph() -> dict[str, set[str]]:
    modules = dashboard_modules()
    return {name: dashboard_imports(path, modules) for name, path in modules.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Each cycle once, as the path that closes it (depth-first search)."""
    found, state = [], {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                found.append(path[path.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    return found


def test_the_cycle_finder_finds_a_cycle_hidden_in_a_function(tmp_path):
    """The control: the import of dashboard.cache inside db.query's body, as it was, is a cycle."""
    source = "from dashboard.config import x\n\ndef query():\n    from dashboard import cache\n"
    tree_file = tmp_path / "db.py"
    tree_file.write_text(source, encoding="utf-8")
    edges = {"dashboard.db": dashboard_imports(tree_file, dashboard_modules()), "dashboard.cache": {"dashboard.db"}}
    assert edges["dashboard.db"] == {"dashboard.config", "dashboard.cache"}
    assert cycles(edges) == [["dashboard.cache", "dashboard.db", "dashboard.cache"]]


def test_the_dashboard_has_no_import_cycle():
    edges = graph()
    assert edges["dashboard.db"] == {"dashboard.config"}  # the reader: it caches nothing and knows no caller
    assert cycles(edges) == []
