"""What the `flyte.trace` rules share: which decorators are `flyte.trace`, which functions run inside a trace."""

from __future__ import annotations

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.values import External, FunctionRef


def trace_decorators(analysis: Analysis, func: nodes.FunctionDef) -> list[nodes.NodeNG]:
    decorators = func.decorators.nodes if func.decorators else []
    return [d for d in decorators if is_trace(analysis, d)]


def is_trace(analysis: Analysis, node: nodes.NodeNG) -> bool:
    value = analysis.resolver.value_of(node)
    return isinstance(value, External) and value.path == "flyte.trace"


def traced_functions(analysis: Analysis) -> dict[int, nodes.FunctionDef]:
    """Functions whose body runs inside a trace: decorated with ``@flyte.trace`` (also under ``@env.task``)
    or wrapped by ``flyte.trace(f)``."""
    found: dict[int, nodes.FunctionDef] = {}
    for func in analysis.functions:
        if trace_decorators(analysis, func):
            task = analysis.task_by_function.get(id(func))
            decorators = func.decorators.nodes if func.decorators else []
            if task is not None and task.decorator in decorators:
                below = decorators.index(task.decorator)
                if not any(decorators.index(d) > below for d in trace_decorators(analysis, func)):
                    continue  # only traced above the task decorator: FLY601's business
            found[id(func)] = func
    for call in analysis.calls:
        if call.external_path == "flyte.trace" and len(call.node.args) == 1:
            target = analysis.resolver.value_of(call.node.args[0])
            if isinstance(target, FunctionRef):
                found[id(target.func)] = target.func
    return found


def trace_context(analysis: Analysis) -> dict[int, nodes.FunctionDef]:
    """Traced functions, and plain helpers that only traced code calls (transitively)."""
    context = traced_functions(analysis)
    callers: dict[int, list] = {}
    functions: dict[int, nodes.FunctionDef] = {}
    for call in analysis.calls:
        if isinstance(call.callee, FunctionRef) and not call.callee.traced:
            callers.setdefault(id(call.callee.func), []).append(call.function)
            functions[id(call.callee.func)] = call.callee.func
    changed = True
    while changed:
        changed = False
        for key, func in functions.items():
            if key in context or key in analysis.task_by_function:
                continue
            who = callers[key]
            if who and all(f is not None and id(f) in context for f in who):
                context[key] = func
                changed = True
    return context
