"""What the types rules share: which functions cross the type engine (tasks and `@flyte.trace` functions), how a
finding names them, and the statements of a def's own body (not its nested defs)."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from dataclasses import dataclass

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.entities import Task
from flyte_lint.model.project import Module
from flyte_lint.model.scopes import SCOPE_NODES
from flyte_lint.model.source import noted_nodes
from flyte_lint.model.values import External, FunctionRef

# Builtins whose call never gives None (not `tuple`: how many outputs its items make is not known).
_VALUE_BUILTINS = frozenset(
    {"int", "float", "str", "bool", "bytes", "len", "list", "dict", "set", "sorted", "sum", "repr", "abs"}
)
_DISPLAYS = (
    nodes.List,
    nodes.Dict,
    nodes.Set,
    nodes.ListComp,
    nodes.DictComp,
    nodes.SetComp,
    nodes.GeneratorExp,
    nodes.JoinedStr,
    nodes.BinOp,
    nodes.Compare,
    nodes.Lambda,
)


@dataclass(frozen=True, eq=False)
class Boundary:
    """A def whose inputs and outputs cross the type engine: a task (``task`` set) or a trace."""

    func: nodes.FunctionDef
    module: Module
    task: Task | None

    @property
    def label(self) -> str:
        if self.task is not None:
            return f"task '{self.task.name}'"
        return f"trace '{self.func.name}'"


def boundaries(analysis: Analysis, traces: bool = True) -> list[Boundary]:
    """Every task, and (``traces``) every function `@flyte.trace` decorates or ``flyte.trace(f)`` wraps that is
    not a task, in the analysed modules' order."""

    def compute() -> list[Boundary]:
        found = [Boundary(task.func, task.module, task) for task in analysis.tasks]
        seen = {id(task.func) for task in analysis.tasks}
        for func in analysis.functions:
            decorators = func.decorators.nodes if func.decorators else []
            if id(func) not in seen and any(_is_trace(analysis, d) for d in decorators):
                seen.add(id(func))
                found.append(Boundary(func, analysis.resolver.module_of(func), None))
        for call in analysis.calls:
            if call.external_path == "flyte.trace" and len(call.node.args) == 1:
                target = analysis.resolver.value_of(call.node.args[0])
                if isinstance(target, FunctionRef) and id(target.func) not in seen:
                    seen.add(id(target.func))
                    found.append(Boundary(target.func, analysis.resolver.module_of(target.func), None))
        return found

    every = analysis.memo("types.boundaries", compute)
    return every if traces else [b for b in every if b.task is not None]


def _is_trace(analysis: Analysis, node: nodes.NodeNG) -> bool:
    value = analysis.resolver.value_of(node)
    return isinstance(value, External) and value.path == "flyte.trace"


def own_nodes(func: nodes.FunctionDef, *types: type) -> Iterator[nodes.NodeNG]:
    """The nodes of these types in the def's own body: not in a nested def, lambda or class (in source order)."""
    if all(t in _NOTED_TYPES for t in types):
        noted = noted_nodes(func.root())
        if noted is not None:
            return (node for node in _noted_in(func, noted) if isinstance(node, types))
    return (node for node in _own_body(func) if isinstance(node, types))


_NOTED_TYPES = (nodes.Call, nodes.Return, nodes.Yield, nodes.YieldFrom)  # (noted while parsing: model/builder.py)
# The calls, returns and yields of a def's own body, from those its module noted while parsing.
_OWN_NOTED: weakref.WeakKeyDictionary[nodes.NodeNG, list[nodes.NodeNG]] = weakref.WeakKeyDictionary()


def _noted_in(func: nodes.FunctionDef, noted: list[nodes.NodeNG]) -> list[nodes.NodeNG]:
    found = _OWN_NOTED.get(func)
    if found is None:
        first, last = func.fromlineno or 0, func.tolineno or 0
        found = []
        for node in noted:
            if type(node) not in _NOTED_TYPES or not first <= (node.lineno or 0) <= last:
                continue
            parent = node.parent
            while parent is not None and parent is not func and not isinstance(parent, SCOPE_NODES):
                parent = parent.parent
            if parent is func:
                found.append(node)
        _OWN_NOTED[func] = found
    return found


# Every node of a def's own body, in preorder: walked once per def, however many rules ask (each asked again).
_OWN_BODIES: weakref.WeakKeyDictionary[nodes.NodeNG, list[nodes.NodeNG]] = weakref.WeakKeyDictionary()


def _own_body(func: nodes.FunctionDef) -> list[nodes.NodeNG]:
    found = _OWN_BODIES.get(func)
    if found is None:
        found = []
        stack = [s for s in reversed(func.body) if not isinstance(s, SCOPE_NODES)]
        while stack:
            node = stack.pop()
            found.append(node)
            stack.extend(c for c in reversed(list(node.get_children())) if not isinstance(c, SCOPE_NODES))
        _OWN_BODIES[func] = found
    return found


def own_yields(func: nodes.FunctionDef) -> list[nodes.Yield]:
    """The ``yield`` / ``yield from`` expressions of the def's own body (they make it a generator)."""
    return [node for node in own_nodes(func, nodes.Yield, nodes.YieldFrom) if node.scope() is func]


def values_returned(analysis: Analysis, value: nodes.NodeNG | None, depth: int = 0) -> int | None:
    """How many outputs a returned expression surely gives the engine: the item count of a tuple display of two or
    more items, 1 for a value that is surely not None; None when it may be None (a call, a name bound elsewhere)."""
    if value is None or depth > 3:
        return None
    if isinstance(value, nodes.Tuple):
        if any(isinstance(e, nodes.Starred) for e in value.elts):
            return None
        return len(value.elts) if len(value.elts) >= 2 else (1 if value.elts else None)
    if isinstance(value, nodes.Const):
        return None if value.value is None else 1
    if isinstance(value, _DISPLAYS):
        return 1
    if isinstance(value, nodes.Call) and isinstance(value.func, nodes.Name):
        return 1 if value.func.name in _VALUE_BUILTINS and analysis.is_builtin(value.func) else None
    if isinstance(value, nodes.Name):
        bound = _bound_once_in_function(value)
        return values_returned(analysis, bound, depth + 1) if bound is not None else None
    return None


def _bound_once_in_function(name: nodes.Name) -> nodes.NodeNG | None:
    """The value a local of the enclosing def is assigned, when one plain assignment binds it."""
    scope = name.scope()
    bindings = scope.locals.get(name.name, []) if isinstance(scope, nodes.FunctionDef) else []
    if len(bindings) != 1 or not isinstance(bindings[0], nodes.AssignName):
        return None
    assign = bindings[0].parent
    if isinstance(assign, nodes.Assign) and assign.targets == [bindings[0]]:
        return assign.value
    return None
