"""The shape of the package: no import cycles among flyte_lint modules (issue 22).

Every import that runs counts, function-level ones included: a module-level and a function-level import are
both a dependency. Imports under ``if TYPE_CHECKING:`` never run (annotations only) and do not count. An edge goes to the module an import names (``from flyte_lint.a import b`` goes to ``flyte_lint.a.b``
when that is a module, else to ``flyte_lint.a``); the package ``__init__`` a submodule import runs implicitly is not
an edge (Python imports it first, whatever the submodule then imports)."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

import flyte_lint

PACKAGE_DIR = Path(flyte_lint.__file__).parent

# Cycles that exist today, each another area's to remove (issue 22). The test fails on any other cycle, and on
# one of these once it is gone (so that the entry is removed with it).
KNOWN_CYCLES: set[frozenset[str]] = set()


def module_names() -> dict[str, Path]:
    found = {}
    for path in PACKAGE_DIR.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _runtime_nodes(tree: ast.AST):
    """The nodes of ``tree`` outside ``if TYPE_CHECKING:`` blocks (their ``else`` runs)."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            todo.extend(node.orelse)
        else:
            todo.extend(ast.iter_child_nodes(node))


def import_graph() -> nx.DiGraph:
    modules = module_names()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - (node.level - 1)]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                targets = [
                    f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source for alias in node.names
                ]
            for target in targets:
                while target and target not in modules:  # `import a.b.c` of a name inside a module
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph.add_edge(name, target)
    return graph


def import_cycles() -> set[frozenset[str]]:
    """The modules of each import cycle (a strongly connected component of more than one module)."""
    return {frozenset(c) for c in nx.strongly_connected_components(import_graph()) if len(c) > 1}


def test_the_import_graph_sees_module_and_function_level_imports():
    graph = import_graph()
    assert graph.has_edge("flyte_lint.graph.command", "flyte_lint.graph.compiler")  # module level
    assert graph.has_edge("flyte_lint.cli", "flyte_lint.graph.command")  # function level
    assert not graph.has_edge("flyte_lint.model.values", "flyte_lint.model.entities")  # under TYPE_CHECKING only


def test_no_import_cycles_among_flyte_lint_modules():
    cycles = import_cycles()
    new = cycles - KNOWN_CYCLES
    assert not new, f"new import cycles: {[sorted(c) for c in new]}"
    gone = KNOWN_CYCLES - cycles
    assert not gone, f"known cycles that no longer exist (remove them from KNOWN_CYCLES): {[sorted(c) for c in gone]}"


def test_the_adapters_share_settings_from_config_not_the_command_line():
    # The pylint plugin, `flyte-lint graph` and a language server read settings and options from config.py;
    # only the console script's launcher imports cli.py.
    graph = import_graph()
    assert set(graph.predecessors("flyte_lint.cli")) <= {"flyte_lint.launch", "flyte_lint.__main__"}
    for adapter in ("flyte_lint.pylint_plugin", "flyte_lint.graph.command"):
        assert graph.has_edge(adapter, "flyte_lint.config")


# Module sizes (issue 22): a rule file holds one rule, its documented example and its first cases; helpers and more
# cases go to its family's private modules (``_common.py``, ``_..._cases.py``). Every other module stays short too.
RULE_FILE_LIMIT = 400
MODULE_LIMIT = 700


def _line_counts(directory: Path) -> dict[str, int]:
    return {
        str(path.relative_to(PACKAGE_DIR.parent)): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(directory.rglob("*.py"))
    }


def test_every_rule_file_is_at_most_400_lines():
    counts = _line_counts(PACKAGE_DIR / "rules")
    assert counts, "no rule files found"
    over = {path: n for path, n in counts.items() if n > RULE_FILE_LIMIT}
    assert not over, f"files under flyte_lint/rules/ over {RULE_FILE_LIMIT} lines: {over}"


def test_every_flyte_lint_module_is_at_most_700_lines():
    counts = _line_counts(PACKAGE_DIR)
    assert "flyte_lint/cli.py" in counts
    over = {path: n for path, n in counts.items() if n > MODULE_LIMIT}
    assert not over, f"flyte_lint modules over {MODULE_LIMIT} lines: {over}"
