"""What the calls family's rules share: the task calls they read, how a call is shown and rewritten."""

from __future__ import annotations

import re
from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import CONTAINER_TASK, Analysis, TaskObjectCall
from flyte_lint.model.entities import CallSite
from flyte_lint.model.kinds import CallForm, CoroutineRuns
from flyte_lint.model.source import rendered
from flyte_lint.model.values import External, PartialRef
from flyte_lint.rules.base import Edit, Suggestion, import_edit
from flyte_lint.rules.usage import assigned_name, consumer, is_discarded

# The forms of a task call that run a sync task synchronously (a task's own call, through .override, a partial).
SYNC_CALL_FORMS = (CallForm.CALL, CallForm.OVERRIDE, CallForm.PARTIAL)


def before_2_7(analysis: Analysis) -> bool:
    """``target-flyte-version`` names an SDK older than 2.7, where sync tasks in async code behave as
    flyte2-facts.md records for 2.6.x. Unset: the current SDK."""
    version = analysis.target_flyte_version
    if not version:
        return False
    parts = [int(p) for p in version.split(".")[:2]]
    return tuple(parts + [0] * (2 - len(parts))) < (2, 7)


def task_sites(analysis: Analysis) -> Iterable[CallSite]:
    """The calls of a task, and the calls of one of several tasks (Analysis.choice_sites)."""
    yield from analysis.call_sites
    yield from analysis.choice_sites


def all_sync(site: CallSite) -> bool:
    """Every task the call may run is a sync task, called as itself (not through a wrapper function, which
    has no ``.aio`` to suggest)."""
    return bool(site.tasks) and not any(task.is_async for task in site.tasks) and not site.through_wrapper


def task_label(site: CallSite) -> str:
    if site.candidates:  # (a call of one of several tasks: the finding holds for each)
        return " or ".join(f"'{task.name}'" for task in site.candidates)
    return f"'{site.task.name}'" if site.task else "the remote task"


def callee_text(site: CallSite) -> str:
    return rendered(site.node.func)


def aio_call(site: CallSite) -> str:
    """The call of the task's async form, to suggest. A partial has no `.aio`: the partial is built on it."""
    if site.form == CallForm.PARTIAL and isinstance(site.callee, PartialRef) and site.callee.call.args:
        called = "(...)" if site.node.args or site.node.keywords else "()"
        return f"await functools.partial({rendered(site.callee.call.args[0])}.aio, ...){called}"
    return f"await {callee_text(site)}.aio(...)"


def insert_aio(site: CallSite) -> Edit:
    func = site.node.func
    return Edit((func.end_lineno, func.end_col_offset), (func.end_lineno, func.end_col_offset), ".aio")


def _await_allowed(node: nodes.NodeNG) -> bool:
    """``await`` may be written at ``node``: it lies in an ``async def`` and in no generator expression or lambda
    of it (an ``await`` there would make an async generator, or not compile)."""
    parent = node.parent
    while parent is not None and not isinstance(parent, (nodes.FunctionDef, nodes.Module)):
        if isinstance(parent, (nodes.GeneratorExp, nodes.Lambda)):
            return False
        parent = parent.parent
    return isinstance(parent, nodes.AsyncFunctionDef)


def awaited(node: nodes.Call, shown: str, *more: Edit) -> Suggestion | None:
    """``await`` written before the call ``node`` (with ``more`` edits), where ``await`` may be written."""
    if not _await_allowed(node):
        return None
    start = (node.lineno, node.col_offset)
    return Suggestion(shown, (Edit(start, start, "await "), *more))


def _partial_on_aio(site: CallSite) -> Edit | None:
    """For a call of ``p = functools.partial(task, ...)``: the edit that calls a partial of ``task.aio`` with the
    same bound arguments in its place, when those arguments can be read at the call (the partial is made in the
    call's function or at module level, in this file)."""
    partial = site.callee
    if not isinstance(partial, PartialRef) or not partial.call.args or partial.call.root() is not site.node.root():
        return None
    scope = partial.call.scope()
    if scope is not site.node.scope() and not isinstance(scope, nodes.Module):
        return None
    target, *rest = [rendered(a) for a in partial.call.args]
    rest += [rendered(k) for k in partial.call.keywords or []]
    text = f"functools.partial({target}.aio{''.join(', ' + r for r in rest)})"
    func = site.node.func
    return Edit((func.lineno, func.col_offset), (func.end_lineno, func.end_col_offset), text)


def _functools_import(site: CallSite) -> tuple[Edit, ...]:
    module = site.node.root()
    if "functools" in module.locals:
        return ()
    return (import_edit(module, "import functools\n"),)


def partial_suggestion(site: CallSite, is_awaited: bool) -> Suggestion | None:
    """``await functools.partial(task.aio, ...)(...)`` in place of a call of a partial of a sync task."""
    edit = _partial_on_aio(site)
    if edit is None:
        return None
    if is_awaited:
        return Suggestion(aio_call(site), (edit, *_functools_import(site)))
    return awaited(site.node, aio_call(site), edit, *_functools_import(site))


def is_gather_argument(analysis: Analysis, node: nodes.NodeNG) -> bool:
    parent, _ = consumer(node)
    if not isinstance(parent, nodes.Call):
        return False
    callee = analysis.resolver.value_of(parent.func)
    return isinstance(callee, External) and callee.path in ("asyncio.gather", "asyncio.create_task", "asyncio.wait")


def coroutine_lost(analysis: Analysis, call: nodes.Call, function: nodes.NodeNG | None) -> str | None:
    """Why the coroutine made by ``call`` (in ``function``, its innermost def) never runs, or None if it may
    well run."""
    parent, child = consumer(call)
    if isinstance(parent, nodes.Expr):
        return "is discarded"
    name = assigned_name(parent, child)
    if name is not None:
        return None if not is_discarded(call) else "is bound to a name that is never used"
    if isinstance(parent, nodes.Return) and function is not None and id(function) in analysis.task_by_function:
        kind = "an async" if isinstance(function, nodes.AsyncFunctionDef) else "a sync"
        return f"is returned as the output of {kind} task (the SDK fails to serialize it)"
    return None


def lost_task_objects(analysis: Analysis, in_async: bool) -> Iterable[tuple[TaskObjectCall, str]]:
    """The calls of ContainerTasks and shell tasks, in async code (``in_async``) or in sync code, whose
    coroutine never runs, with why. A ContainerTask makes one only inside a run (outside, its call fails)."""
    for used in analysis.task_object_calls:
        where, call, function = used.coroutine, used.call.node, used.call.function
        if where is None or isinstance(call.parent, nodes.Await) or isinstance(function, nodes.Lambda):
            continue
        if isinstance(function, nodes.AsyncFunctionDef) != in_async:
            continue
        if where == CoroutineRuns.IN_A_RUN and not analysis.in_task_context(function):
            continue
        why = coroutine_lost(analysis, call, function)
        if why is not None:
            yield used, why


def object_label(used: TaskObjectCall) -> str:
    return f"{'ContainerTask' if used.maker == CONTAINER_TASK else 'shell task'} '{used.name}'"


def rename_keyword(kw: nodes.Keyword, new: str) -> Edit:
    """The edit that renames the keyword of ``kw`` (``old=`` → ``new=``), its value kept."""
    start = (kw.lineno, kw.col_offset)
    return Edit(start, (kw.lineno, kw.col_offset + len(kw.arg)), new)


_DID_YOU_MEAN = re.compile(r"`(?P<old>\w+)`.*; did you mean `(?P<new>\w+)`\?")


def keyword_renamed(call: nodes.Call, problem: str) -> Suggestion | None:
    """The rename a problem's "`old` ...; did you mean `new`?" proposes, made on the keyword ``old=`` of ``call``."""
    match = _DID_YOU_MEAN.search(problem)
    if match is None:
        return None
    for kw in call.keywords or []:
        if kw.arg == match.group("old"):
            return Suggestion(match.group("new"), (rename_keyword(kw, match.group("new")),))
    return None
