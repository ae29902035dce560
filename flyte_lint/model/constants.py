"""Constant evaluation without running code: one evaluator, ``static_value``, with two readings of its result.

``static_value`` is the value an expression has without running code: constants, containers of them, ``-x``,
``+ - * // %``, ``range``/``len``/``list``/``sorted``/``zip``..., and names: a local's value from ``local_values``
(the locals known at that point: the graph's compiler passes its frame's), else the expression the name is bound to
exactly once (following imports between project modules). ``literal`` is that value when it is what a
configuration value is written as (``cpu="2"``, ``retries=3``, a tuple of strings): what rules read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from astroid import nodes

from flyte_lint.model.names import bindings_of
from flyte_lint.model.values import External, ModuleRef

if TYPE_CHECKING:
    from flyte_lint.model.resolver import Resolver

MISSING: Any = object()  # "not a literal we can read" / "no statically known value"
_NO_LOCALS: Mapping[str, Any] = {}


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
    """The value of ``node`` (``static_value``) when it is a str, number, bool or None, or a tuple/list of those;
    MISSING otherwise (bytes, sets, dicts, ranges... and anything unknown)."""
    if node is None:
        return MISSING
    value = static_value(resolver, node)
    return value if _is_literal(value) else MISSING


def _is_literal(value: Any) -> bool:
    if value is None or isinstance(value, (str, int, float, complex)):  # (bool is an int)
        return True
    return isinstance(value, (tuple, list)) and all(_is_literal(v) for v in value)


def static_value(
    resolver: Resolver, node: nodes.NodeNG, local_values: Mapping[str, Any] = _NO_LOCALS, depth: int = 0
) -> Any:
    """The value ``node`` has without running code, or MISSING: constants, lists/tuples/sets of them, dict keys,
    ``-x``, ``+ - * // %``, ``range``/``len``/``list``/``sorted``/``zip``... and names: a local's value from
    ``local_values`` (the locals known where ``node`` is), else the expression bound to the name exactly once
    (``definition``: following imports between project modules)."""
    if depth > 20:
        return MISSING
    if isinstance(node, nodes.Const):
        return node.value
    if isinstance(node, (nodes.List, nodes.Tuple, nodes.Set)):
        values = [static_value(resolver, e, local_values, depth + 1) for e in node.elts]
        if any(v is MISSING for v in values) or any(isinstance(e, nodes.Starred) for e in node.elts):
            return MISSING
        if isinstance(node, nodes.Set):
            try:
                return frozenset(values)
            except TypeError:  # an unhashable element: the set display raises
                return MISSING
        return tuple(values) if isinstance(node, nodes.Tuple) else values
    if isinstance(node, nodes.Dict):
        keys = [static_value(resolver, k, local_values, depth + 1) for k, _ in node.items]
        try:
            return dict.fromkeys(keys) if MISSING not in keys else MISSING
        except TypeError:  # an unhashable key
            return MISSING
    if isinstance(node, nodes.Name):
        if node.name in local_values:
            return local_values[node.name]
        return _bound_value(resolver, node, depth)
    if isinstance(node, nodes.Attribute):
        return _bound_value(resolver, node, depth)
    if isinstance(node, nodes.UnaryOp) and node.op == "-":
        value = static_value(resolver, node.operand, local_values, depth + 1)
        return -value if isinstance(value, (int, float)) else MISSING
    if isinstance(node, nodes.BinOp):
        left = static_value(resolver, node.left, local_values, depth + 1)
        right = static_value(resolver, node.right, local_values, depth + 1)
        if left is MISSING or right is MISSING:
            return MISSING
        try:
            if node.op in ("+", "-", "*", "//", "%") and isinstance(left, (int, list, tuple, str)):
                result = {
                    "+": lambda a, b: a + b,
                    "-": lambda a, b: a - b,
                    "*": lambda a, b: a * b,
                    "//": lambda a, b: a // b,
                    "%": lambda a, b: a % b,
                }[node.op](left, right)
                return result if not isinstance(result, (list, tuple, str)) or len(result) < 100_000 else MISSING
        except Exception:
            return MISSING
        return MISSING
    if isinstance(node, nodes.Call):
        return _call_value(resolver, node, local_values, depth)
    return MISSING


def _bound_value(resolver: Resolver, node: nodes.Name | nodes.Attribute, depth: int) -> Any:
    """The value of the expression a name (or a project module's attribute) is bound to exactly once."""
    bound = definition(resolver, node)
    if bound is None or bound is node or isinstance(bound, (nodes.Name, nodes.Attribute)):
        return MISSING
    return static_value(resolver, bound, _NO_LOCALS, depth + 1)


def _call_value(resolver: Resolver, node: nodes.Call, local_values: Mapping[str, Any], depth: int) -> Any:
    if node.keywords:
        return MISSING
    callee = resolver.value_of(node.func)
    args = [static_value(resolver, a, local_values, depth + 1) for a in node.args]
    if any(a is MISSING for a in args) or not isinstance(callee, External):
        if (
            isinstance(node.func, nodes.Attribute)
            and node.func.attrname in ("items", "keys", "values")
            and not node.args
        ):
            base = static_value(resolver, node.func.expr, local_values, depth + 1)
            return list(base) if isinstance(base, dict) else MISSING
        return MISSING
    name = callee.path
    if name != "builtins.sorted" and any(isinstance(a, frozenset) and len(a) > 1 for a in args):
        return MISSING if name != "builtins.len" else len(args[0])  # a set's order is known only at run time
    try:
        if name == "builtins.range" and all(isinstance(a, int) for a in args) and 1 <= len(args) <= 3:
            return range(*args)
        if name == "builtins.len" and len(args) == 1 and hasattr(args[0], "__len__"):
            return len(args[0])
        if (
            name in ("builtins.list", "builtins.tuple", "builtins.sorted", "builtins.enumerate", "builtins.reversed")
            and len(args) == 1
        ):
            convert = {"builtins.sorted": sorted, "builtins.enumerate": enumerate, "builtins.reversed": reversed}
            return list(convert.get(name, list)(args[0]))  # (sorted raises TypeError on mixed types: MISSING)
        if name == "builtins.zip" and args:
            return list(zip(*args))  # noqa: B905  (the builtin evaluated as written: it truncates)
    except Exception:
        return MISSING
    return MISSING


def string_literal(node: nodes.NodeNG | None) -> str | None:
    """The value of a string constant written in place (``"demo"``); None for anything else."""
    return node.value if isinstance(node, nodes.Const) and isinstance(node.value, str) else None
