"""The import statements that import the real ``flyte`` package (not a project module named like it), for the rules
that check what an import asks of the SDK against the SDK table (FLY116).

``import flyte.io`` and ``from flyte.io import File`` are flyte imports when the model resolves the module to
``External('flyte…')``: a project package called ``flyte`` (or a ``flyte/`` folder beside the code) resolves to
that project module instead, and relative imports are the project's. Imports that never run are left out: those
under ``if TYPE_CHECKING:``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.project import Module
from flyte_lint.model.values import External


@dataclass(frozen=True)
class FlyteImport:
    """One flyte module an import statement asks for: ``dotted`` is ``flyte.io`` in ``from flyte.io import File``
    (``names``: ``(("File", None),)``, each name with its ``as`` name) and in ``import flyte.io as fio``
    (``names``: ``()``; ``alias``: ``fio``)."""

    module: Module
    node: nodes.Import | nodes.ImportFrom
    dotted: str
    names: tuple[tuple[str, str | None], ...] = ()
    alias: str | None = None


def flyte_imports(analysis: Analysis) -> list[FlyteImport]:
    """Every import of a real flyte module in the analysed modules, in source order (memoised)."""
    return analysis.memo("flyte_imports.statements", lambda: _collect(analysis))


def _collect(analysis: Analysis) -> list[FlyteImport]:
    resolver = analysis.resolver
    found: list[FlyteImport] = []
    for module, stmt in analysis.nodes_of(nodes.Import, nodes.ImportFrom):
        if under_type_checking(stmt):
            continue
        if isinstance(stmt, nodes.ImportFrom):
            if stmt.level or not _is_flyte_name(stmt.modname):
                continue
            target = resolver.imported_module(stmt)
            if isinstance(target, External) and target.is_flyte:
                found.append(FlyteImport(module, stmt, stmt.modname, tuple(stmt.names)))
            continue
        for dotted, alias in stmt.names:
            if not _is_flyte_name(dotted):
                continue
            target = resolver.module_value(dotted, module)
            if isinstance(target, External) and target.is_flyte:
                found.append(FlyteImport(module, stmt, dotted, alias=alias))
    return found


def _is_flyte_name(dotted: str | None) -> bool:
    return bool(dotted) and (dotted == "flyte" or dotted.startswith("flyte."))


def under_type_checking(node: nodes.NodeNG) -> bool:
    """``node`` lies in the body of an ``if TYPE_CHECKING:`` (``typing.TYPE_CHECKING`` too): it never runs."""
    child, parent = node, node.parent
    while parent is not None and not isinstance(parent, nodes.Module):
        if isinstance(parent, nodes.If) and child in parent.body:
            test = parent.test
            if (isinstance(test, nodes.Name) and test.name == "TYPE_CHECKING") or (
                isinstance(test, nodes.Attribute) and test.attrname == "TYPE_CHECKING"
            ):
                return True
        child, parent = parent, parent.parent
    return False


Span = tuple[tuple[int, int], tuple[int, int]]


def name_spans(module: Module, node: nodes.Import | nodes.ImportFrom) -> dict[str, Span]:
    """Where each name of an import statement is written (``a`` of ``from m import a as b``, ``a.b`` of ``import
    a.b``): (line, column) of its start and end, 1-based lines, 0-based UTF-8 byte columns (astroid's, and how the
    fixer applies an Edit). {} when the statement's text cannot be read back."""
    lines = (module.text or "").splitlines()
    first, last = node.lineno, node.end_lineno
    if not first or not last or last > len(lines):
        return {}
    shift = node.col_offset or 0
    head = lines[first - 1].encode("utf-8")[shift:].decode("utf-8", errors="ignore")
    text_lines = [head, *lines[first:last]]
    try:
        stmt = ast.parse("\n".join(text_lines)).body[0]
    except (SyntaxError, IndexError):
        return {}
    if not isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return {}
    spans: dict[str, Span] = {}
    for alias in stmt.names:
        written = text_lines[alias.lineno - 1].encode("utf-8")
        name = alias.name.encode("utf-8")
        if written[alias.col_offset : alias.col_offset + len(name)] != name:
            continue  # (a dotted name written with spaces, `flyte . io`)
        col = alias.col_offset + (shift if alias.lineno == 1 else 0)
        line = first + alias.lineno - 1
        spans.setdefault(alias.name, ((line, col), (line, col + len(name))))
    return spans
