"""The calls of a task or trace made in a run, and each call's argument for one parameter; the partials of a task and
the maps over it, the runs started with it, and what each binds or passes for one parameter (FLY810, FLY814)."""

from __future__ import annotations

from collections.abc import Iterator

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.annotations import Parameter
from flyte_lint.model.kinds import CallForm, ParamKind
from flyte_lint.model.roots import RUN_PATHS
from flyte_lint.model.values import FunctionRef, TaskRef
from flyte_lint.rules.types._common import Boundary

# The call forms whose arguments are the task's own (a partial binds some; a map passes items).
_CALL_FORMS = (CallForm.CALL, CallForm.AIO, CallForm.OVERRIDE)
_MAP_FORMS = (CallForm.MAP, CallForm.MAP_AIO)
_DISPLAYS = (nodes.List, nodes.Tuple, nodes.Set)
_COMPREHENSIONS = (nodes.ListComp, nodes.SetComp, nodes.GeneratorExp)


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


def partials_in_a_run(analysis: Analysis, boundary: Boundary) -> list[nodes.Call]:
    """The ``functools.partial(task, ...)`` calls made inside a task's run: the values they bind cross the engine
    with every call of the partial (a call, or each item of a map over it)."""

    def compute() -> list[nodes.Call]:
        found = []
        for call in analysis.calls:
            if call.external_path != "functools.partial" or not call.node.args or boundary.task is None:
                continue
            target = analysis.resolver.value_of(call.node.args[0])
            ours = isinstance(target, TaskRef) and target.task is boundary.task and not target.wrapped
            if ours and analysis.in_task_context(call.function):
                found.append(call.node)
        return found

    return analysis.memo(("types.partials_in_a_run", id(boundary.func)), compute)


def runs_of(analysis: Analysis, boundary: Boundary) -> list[nodes.Call]:
    """The ``flyte.run(task, ...)`` and ``flyte.with_runcontext(...).run(task, ...)`` calls (and their ``.aio``)
    starting the task: the run converts their inputs as a parent task's call does, in a local run too."""

    def compute() -> list[nodes.Call]:
        found = []
        for call in analysis.calls_to(*RUN_PATHS):
            target = analysis.resolver.value_of(call.node.args[0]) if call.node.args else None
            if isinstance(target, TaskRef) and target.task is boundary.task and not target.wrapped:
                found.append(call.node)
        return found

    return analysis.memo(("types.runs_of", id(boundary.func)), compute)


def arguments_for(
    calls: list[nodes.Call], params: tuple[Parameter, ...], param: Parameter, skip: int = 0
) -> Iterator[tuple[nodes.Call, nodes.NodeNG]]:
    """Each call's argument for ``param`` (by keyword, or by position before any ``*args``); ``skip`` leading
    arguments are not the task's (1 for ``functools.partial(task, ...)``)."""
    positional = [p for p in params if p.kind is not ParamKind.KEYWORD_ONLY]
    index = next((i + skip for i, p in enumerate(positional) if p is param), None)
    for call in calls:
        for keyword in call.keywords or []:
            if keyword.arg == param.name:
                yield call, keyword.value
        args = call.args or []
        if index is not None and index < len(args) and not any(isinstance(a, nodes.Starred) for a in args[: index + 1]):
            yield call, args[index]


def maps_in_a_run(analysis: Analysis, boundary: Boundary) -> list[nodes.Call]:
    """The ``flyte.map(task, *iterables)`` (and ``flyte.map.aio``) calls over the task itself (not a partial of it)
    made inside a task's run."""

    def compute() -> list[nodes.Call]:
        found = []
        for site in analysis.call_sites:
            if site.task is not boundary.task or site.form not in _MAP_FORMS or boundary.task is None:
                continue
            mapped = site.node.args[0] if site.node.args else None
            if isinstance(analysis.definition(mapped), nodes.Call) or not analysis.in_task_context(site.function):
                continue  # (a partial of the task binds some parameters: positions shift)
            found.append(site.node)
        return found

    return analysis.memo(("types.maps_in_a_run", id(boundary.func)), compute)


def mapped_items(
    maps: list[nodes.Call], params: tuple[Parameter, ...], param: Parameter
) -> Iterator[tuple[nodes.Call, nodes.NodeNG]]:
    """The items each map passes for ``param``, where the iterable is written out: the elements of a list, tuple or
    set display, or the element expression of a comprehension."""
    positional = [p for p in params if p.kind is not ParamKind.KEYWORD_ONLY]
    index = next((i for i, p in enumerate(positional) if p is param), None)
    for call in maps:
        iterables = (call.args or [])[1:]
        if (
            index is None
            or index >= len(iterables)
            or any(isinstance(a, nodes.Starred) for a in iterables[: index + 1])
        ):
            continue
        iterable = iterables[index]
        if isinstance(iterable, _DISPLAYS):
            for element in iterable.elts:
                if not isinstance(element, nodes.Starred):
                    yield call, element
        elif isinstance(iterable, _COMPREHENSIONS):
            yield call, iterable.elt
