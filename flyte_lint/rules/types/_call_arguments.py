"""The calls of a task or trace made in a run, and each call's argument for one parameter (FLY810, FLY814)."""

from __future__ import annotations

from collections.abc import Iterator

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.annotations import Parameter
from flyte_lint.model.kinds import CallForm, ParamKind
from flyte_lint.model.values import FunctionRef
from flyte_lint.rules.types._common import Boundary

# The call forms whose arguments are the task's own (a partial binds some; a map passes items).
_CALL_FORMS = (CallForm.CALL, CallForm.AIO, CallForm.OVERRIDE)


def calls_in_a_run(analysis: Analysis, boundary: Boundary) -> list[nodes.Call]:
    """The calls of the task (or trace) made inside a task's run, where the engine converts their arguments (a
    call outside any run runs the function directly)."""

    def compute() -> list[nodes.Call]:
        if boundary.task is not None:
            return [
                site.node
                for site in analysis.call_sites
                if site.task is boundary.task and site.form in _CALL_FORMS and analysis.in_task_context(site.function)
            ]
        return [
            call.node
            for call in analysis.calls
            if isinstance(call.callee, FunctionRef)
            and call.callee.func is boundary.func
            and analysis.in_task_context(call.function)
        ]

    return analysis.memo(("types.calls_in_a_run", id(boundary.func)), compute)


def arguments_for(
    calls: list[nodes.Call], params: tuple[Parameter, ...], param: Parameter
) -> Iterator[tuple[nodes.Call, nodes.NodeNG]]:
    """Each call's argument for ``param`` (by keyword, or by position before any ``*args``)."""
    positional = [p for p in params if p.kind is not ParamKind.KEYWORD_ONLY]
    index = next((i for i, p in enumerate(positional) if p is param), None)
    for call in calls:
        for keyword in call.keywords or []:
            if keyword.arg == param.name:
                yield call, keyword.value
        args = call.args or []
        if index is not None and index < len(args) and not any(isinstance(a, nodes.Starred) for a in args[: index + 1]):
            yield call, args[index]
