"""Constant evaluation without running code: the value of a literal, following names bound once to one.

``literal`` is what rules read a configuration value with (``cpu="2"``, ``retries=3``, a tuple of strings); the
graph's compiler evaluates more (ranges, arithmetic, a frame's locals: graph/constants.py) and asks
``definition``'s name lookup alike through model/names.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from astroid import nodes

from flyte_lint.model.names import bindings_of
from flyte_lint.model.values import ModuleRef

if TYPE_CHECKING:
    from flyte_lint.model.resolver import Resolver

MISSING: Any = object()  # "not a literal we can read"


def definition(resolver: Resolver, node: nodes.NodeNG | None, depth: int = 0) -> nodes.NodeNG | None:
    """The expression a name stands for, when it is bound exactly once (following imports between project
    modules); the node itself when it is not a name. None when it cannot be pinned down."""
    if node is None or depth > 8:
        return None
    if isinstance(node, nodes.Name):
        stmts = bindings_of(node)
        if len(stmts) != 1:
            return None
        return _binding(resolver, stmts[0], node.name, depth)
    if isinstance(node, nodes.Attribute):
        base = resolver.value_of(node.expr)
        if isinstance(base, ModuleRef):
            return _module_binding(resolver, base.module, node.attrname, depth)
        return None
    return node


def _binding(resolver: Resolver, stmt: nodes.NodeNG, name: str, depth: int) -> nodes.NodeNG | None:
    if isinstance(stmt, nodes.AssignName):
        parent = stmt.parent
        if isinstance(parent, nodes.Assign) and len(parent.targets) == 1 and parent.targets[0] is stmt:
            return definition(resolver, parent.value, depth + 1)
        if isinstance(parent, nodes.AnnAssign) and parent.value is not None:
            return definition(resolver, parent.value, depth + 1)
        return None
    if isinstance(stmt, nodes.ImportFrom):
        for orig, alias in stmt.names:
            if (alias or orig) == name:
                source = resolver.imported_module(stmt)
                if isinstance(source, ModuleRef):
                    return _module_binding(resolver, source.module, orig, depth + 1)
    return None


def _module_binding(resolver: Resolver, module, name: str, depth: int) -> nodes.NodeNG | None:
    stmts = module.tree.locals.get(name) if module.tree is not None else None
    if not stmts or len(stmts) != 1:
        return None
    return _binding(resolver, stmts[0], name, depth)


def literal(resolver: Resolver, node: nodes.NodeNG | None) -> Any:
    """The value of a literal (str, number, bool, None, or a tuple/list of those), following names bound
    once to one; MISSING otherwise."""
    node = definition(resolver, node)
    if isinstance(node, nodes.Const) and not isinstance(node.value, bytes):
        return node.value
    if isinstance(node, nodes.UnaryOp) and node.op == "-" and isinstance(node.operand, nodes.Const):
        value = node.operand.value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return -value
    if isinstance(node, (nodes.Tuple, nodes.List)):
        values = [literal(resolver, e) for e in node.elts]
        if any(v is MISSING for v in values) or any(isinstance(e, nodes.Starred) for e in node.elts):
            return MISSING
        return tuple(values) if isinstance(node, nodes.Tuple) else list(values)
    return MISSING


def string_literal(node: nodes.NodeNG | None) -> str | None:
    """The value of a string constant written in place (``"demo"``); None for anything else."""
    return node.value if isinstance(node, nodes.Const) and isinstance(node.value, str) else None
