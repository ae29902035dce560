"""Constants: the values the compiler knows statically (literals, module constants, ``range``/``len``...), and the
trip counts of loops and maps that follow from them."""

from __future__ import annotations

from typing import Any

from astroid import nodes

from flyte_lint.graph.values import NOTHING, Context, Flow, Frame
from flyte_lint.model.names import lookup
from flyte_lint.model.values import External


class ConstantsMixin:
    """Static values of expressions in a frame, and the counts they give (see Compiler)."""

    def _const(self, node: nodes.NodeNG, frame: Frame, depth: int = 0) -> Any:
        if depth > 20:
            return NOTHING
        if isinstance(node, nodes.Const):
            return node.value
        if isinstance(node, (nodes.List, nodes.Tuple, nodes.Set)):
            values = [self._const(e, frame, depth + 1) for e in node.elts]
            if any(v is NOTHING for v in values) or any(isinstance(e, nodes.Starred) for e in node.elts):
                return NOTHING
            return tuple(values) if isinstance(node, nodes.Tuple) else values
        if isinstance(node, nodes.Dict):
            keys = [self._const(k, frame, depth + 1) for k, _ in node.items]
            return dict.fromkeys(keys) if NOTHING not in keys else NOTHING
        if isinstance(node, nodes.Name):
            if node.name in frame.vars:
                return frame.vars[node.name].const
            return self._module_const(node, depth)
        if isinstance(node, nodes.UnaryOp) and node.op == "-":
            value = self._const(node.operand, frame, depth + 1)
            return -value if isinstance(value, (int, float)) else NOTHING
        if isinstance(node, nodes.BinOp):
            left, right = self._const(node.left, frame, depth + 1), self._const(node.right, frame, depth + 1)
            if left is NOTHING or right is NOTHING:
                return NOTHING
            try:
                if node.op in ("+", "-", "*", "//", "%") and isinstance(left, (int, list, tuple, str)):
                    result = {
                        "+": lambda a, b: a + b,
                        "-": lambda a, b: a - b,
                        "*": lambda a, b: a * b,
                        "//": lambda a, b: a // b,
                        "%": lambda a, b: a % b,
                    }[node.op](left, right)
                    return result if not isinstance(result, (list, tuple, str)) or len(result) < 100_000 else NOTHING
            except Exception:
                return NOTHING
            return NOTHING
        if isinstance(node, nodes.Call):
            return self._call_const(node, frame, depth)
        return NOTHING

    def _call_const(self, node: nodes.Call, frame: Frame, depth: int) -> Any:
        if node.keywords:
            return NOTHING
        callee = self.resolver.value_of(node.func)
        args = [self._const(a, frame, depth + 1) for a in node.args]
        if any(a is NOTHING for a in args):
            if (
                isinstance(node.func, nodes.Attribute)
                and node.func.attrname in ("items", "keys", "values")
                and not node.args
            ):
                base = self._const(node.func.expr, frame, depth + 1)
                return list(base) if isinstance(base, dict) else NOTHING
            return NOTHING
        if not isinstance(callee, External):
            if (
                isinstance(node.func, nodes.Attribute)
                and node.func.attrname in ("items", "keys", "values")
                and not node.args
            ):
                base = self._const(node.func.expr, frame, depth + 1)
                return list(base) if isinstance(base, dict) else NOTHING
            return NOTHING
        name = callee.path
        try:
            if name == "builtins.range" and all(isinstance(a, int) for a in args) and 1 <= len(args) <= 3:
                return range(*args)
            if name == "builtins.len" and len(args) == 1 and hasattr(args[0], "__len__"):
                return len(args[0])
            if (
                name
                in ("builtins.list", "builtins.tuple", "builtins.sorted", "builtins.enumerate", "builtins.reversed")
                and len(args) == 1
            ):
                return list(args[0]) if name != "builtins.enumerate" else list(enumerate(args[0]))
            if name == "builtins.zip" and args:
                return list(zip(*args))  # noqa: B905  (the builtin evaluated as written: it truncates)
        except Exception:
            return NOTHING
        return NOTHING

    def _module_const(self, node: nodes.Name, depth: int) -> Any:
        scope, stmts = lookup(node)  # (None, [] when astroid's lookup fails)
        if len(stmts) != 1 or not isinstance(scope, nodes.Module):
            return NOTHING
        stmt = stmts[0]
        if isinstance(stmt, nodes.AssignName) and isinstance(stmt.parent, (nodes.Assign, nodes.AnnAssign)):
            value = stmt.parent.value
            if (
                value is not None
                and not isinstance(value, nodes.Name)
                or (isinstance(value, nodes.Name) and value.name != node.name)
            ):
                return self._const(value, Frame(parent="", prefix="", function=None), depth + 1)
        return NOTHING

    def _map_count(self, call: nodes.Call, frame: Frame, ctx: Context) -> int | None:
        """How many items a ``flyte.map(task, *iterables)`` runs in all (per run of its context), or None."""
        iterables = call.args[1:]
        lengths = [self._static_length(a, frame) for a in iterables] if iterables else [None]
        known = [n for n in lengths if n is not None]
        per_parent = min(known) if known and len(known) == len(lengths) else None
        outer = ctx.count
        return per_parent * outer if per_parent is not None and outer is not None else None

    def _static_length(self, node: nodes.NodeNG, frame: Frame) -> int | None:
        """The length of the sequence ``node`` gives, when static: a constant, or a list comprehension or
        generator expression of one ``for`` without conditions over a constant (``[f(x) for x in range(n)]``,
        n known). (A second ``for`` may iterate over the first one's variable, which a constant of the
        enclosing body could shadow here.)"""
        if isinstance(node, (nodes.ListComp, nodes.GeneratorExp)):
            if len(node.generators) != 1 or node.generators[0].ifs or node.generators[0].is_async:
                return None
            return _length(self._const(node.generators[0].iter, frame))
        return _length(self._const(node, frame))


def trip_count(iterated: Flow) -> int | None:
    """How many elements a loop over ``iterated`` takes: its static value's length, or the number of elements of
    a literal (``for c in [t(1), t(2)]``)."""
    length = _length(iterated.const)
    return len(iterated.items) if length is None and isinstance(iterated.items, tuple) else length


def _length(value: Any) -> int | None:
    if value is NOTHING or value is None:
        return None
    try:
        return len(value)
    except TypeError:
        return None


def jsonable(value: Any) -> Any:
    if isinstance(value, range):
        return list(value)
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value if isinstance(value, (int, float, str, bool)) or value is None else repr(value)
