"""What the types rules share: which functions cross the type engine (tasks and `@flyte.trace` functions), how a
finding names them, and the statements of a def's own body (not its nested defs)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.entities import Task
from flyte_lint.model.project import Module
from flyte_lint.model.scopes import SCOPE_NODES
from flyte_lint.model.values import External, FunctionRef


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
    """The nodes of these types in the def's own body: not in a nested def, lambda or class."""
    for statement in func.body:
        if not isinstance(statement, SCOPE_NODES):
            yield from statement.nodes_of_class(types, skip_klass=SCOPE_NODES)


def own_yields(func: nodes.FunctionDef) -> list[nodes.Yield]:
    """The ``yield`` / ``yield from`` expressions of the def's own body (they make it a generator)."""
    return [node for node in own_nodes(func, nodes.Yield, nodes.YieldFrom) if node.scope() is func]
