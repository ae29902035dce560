"""FLY101–FLY105: sync/async mistakes that fail at run time or silently skip a child task."""

from __future__ import annotations

from typing import Iterable

from astroid import nodes

from flyte_lint.model.analysis import CONTAINER_TASK, Analysis, TaskObjectCall
from flyte_lint.model.entities import CallSite
from flyte_lint.model.names import is_builtin
from flyte_lint.model.values import External, PartialRef
from flyte_lint.rules.base import Edit, Finding, Fix, Rule, Severity, Suggestion, register, source_of
from flyte_lint.rules.usage import assigned_name, consumer, is_discarded, name_loads

SYNC_CALL_FORMS = ("call", "override", "partial")
# Callables that run a coroutine they are handed: a coroutine passed to them is not lost.
COROUTINE_RUNNERS = {
    "asyncio.run", "asyncio.run_coroutine_threadsafe", "asyncio.ensure_future", "asyncio.create_task",
    "asyncio.gather", "asyncio.wait_for", "asyncio.shield", "asyncio.wait", "anyio.run", "trio.run",
}
RUNNER_METHODS = {"run_until_complete", "run", "create_task", "run_coroutine_threadsafe", "submit", "start_soon"}


def before_2_7(analysis: Analysis) -> bool:
    """``target-flyte-version`` names an SDK older than 2.7, where sync tasks in async code behave as
    flyte2-facts.md records for 2.6.x. Unset: the current SDK."""
    version = getattr(analysis, "target_flyte_version", None)
    if not version:
        return False
    parts = [int(p) for p in version.split(".")[:2]]
    return tuple(parts + [0] * (2 - len(parts))) < (2, 7)


def _callee_text(site: CallSite) -> str:
    return source_of(site.module, site.node.func)


def _aio_call(site: CallSite) -> str:
    """The call of the task's async form, to suggest. A partial has no `.aio`: the partial is built on it."""
    if site.form == "partial" and isinstance(site.callee, PartialRef) and site.callee.call.args:
        called = "(...)" if site.node.args or site.node.keywords else "()"
        return f"await functools.partial({source_of(site.module, site.callee.call.args[0])}.aio, ...){called}"
    return f"await {_callee_text(site)}.aio(...)"


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
    target, *rest = [source_of(site.module, a) for a in partial.call.args]
    rest += [source_of(site.module, k) for k in partial.call.keywords or []]
    text = f"functools.partial({target}.aio{''.join(', ' + r for r in rest)})"
    func = site.node.func
    return Edit((func.lineno, func.col_offset), (func.end_lineno, func.end_col_offset), text)


def _partial_suggestion(site: CallSite, awaited: bool) -> Suggestion | None:
    """``await functools.partial(task.aio, ...)(...)`` in place of a call of a partial of a sync task."""
    edit = _partial_on_aio(site)
    if edit is None:
        return None
    if awaited:
        return Suggestion(_aio_call(site), (edit, *_functools_import(site)))
    return _awaited(site.node, _aio_call(site), edit, *_functools_import(site))


def _functools_import(site: CallSite) -> tuple[Edit, ...]:
    module = site.node.root()
    if "functools" in module.locals:
        return ()
    from flyte_lint.rules.trace_remote import _import_edit

    return (_import_edit(module, "import functools\n"),)


def _task_label(site: CallSite) -> str:
    if site.candidates:  # (a call of one of several tasks: the finding holds for each)
        return " or ".join(f"'{task.name}'" for task in site.candidates)
    return f"'{site.task.name}'" if site.task else "the remote task"


def _sites(analysis: Analysis) -> Iterable[CallSite]:
    """The calls of a task, and the calls of one of several tasks (Analysis.choice_sites)."""
    yield from analysis.call_sites
    yield from analysis.watch(analysis.choice_sites)


def _all_sync(site: CallSite) -> bool:
    """Every task the call may run is a sync task, called as itself (not through a wrapper function, which
    has no ``.aio`` to suggest)."""
    return bool(site.tasks) and not any(task.is_async for task in site.tasks) and not site.through_wrapper


def _insert_aio(site: CallSite) -> Edit:
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


def _awaited(node: nodes.Call, shown: str, *more: Edit) -> Suggestion | None:
    """``await`` written before the call ``node`` (with ``more`` edits), where ``await`` may be written."""
    if not _await_allowed(node):
        return None
    start = (node.lineno, node.col_offset)
    return Suggestion(shown, (Edit(start, start, "await "), *more))


def _is_gather_argument(analysis: Analysis, node: nodes.NodeNG) -> bool:
    parent, _ = consumer(node)
    if not isinstance(parent, nodes.Call):
        return False
    callee = analysis.resolver.value_of(parent.func)
    return isinstance(callee, External) and callee.path in ("asyncio.gather", "asyncio.create_task", "asyncio.wait")


@register
class AwaitSyncTask(Rule):
    code = "FLY101"
    symbol = "await-sync-task"
    summary = "Reports `await t(...)` where `t` is a sync task."
    rationale = (
        "Calling a sync task returns its result, not an awaitable. Inside a run the SDK raises "
        "SyncTaskCallInAsyncContextError (\"Sync task ... was called in a blocking way from async code\"); "
        "outside one, awaiting the plain value raises TypeError."
        " Severity: error: the SDK's guard asks whether an event loop is running, not which thread it is on, so "
        "the call fails in local runs and in a cluster alike."
    )
    bad = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def square(x: int) -> int:
            return x * x

        @env.task
        async def main(x: int) -> int:
            return await square(x)
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def square(x: int) -> int:
            return x * x

        @env.task
        async def main(x: int) -> int:
            return await square.aio(x)
    """
    fix = "Await the task's async form: `await t.aio(...)`."
    fix_safety = "Safe: inserts `.aio` after the task; the call's arguments are kept."
    runtime_effect = "SyncTaskCallInAsyncContextError"

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for site in _sites(analysis):
            if site.form in SYNC_CALL_FORMS and _all_sync(site) and site.awaited:
                fix = None
                if site.form != "partial":
                    fix = Fix((_insert_aio(site),), safe=True, title="Insert `.aio`")
                effect = ("fails with TypeError (\"object ... can't be used in 'await' expression\")"
                          if before_2_7(analysis) else "raises SyncTaskCallInAsyncContextError")
                yield self.finding(
                    site.module, site.node.parent,
                    f"sync task {_task_label(site)} is awaited directly: the SDK {effect}. Write `{_aio_call(site)}`",
                    fix, suggestions=[Suggestion(_aio_call(site), fix.edits) if fix else _partial_suggestion(site, awaited=True)],
                )


@register
class SyncTaskInAsync(Rule):
    code = "FLY102"
    symbol = "sync-task-in-async"
    summary = (
        "Reports a sync task called without `.aio()` in code that runs on a task's event loop: `async def` "
        "code in a task, or a plain function it calls directly."
    )
    rationale = (
        "A sync task called from async code would block the event loop that drives the run. The SDK refuses "
        "it and raises SyncTaskCallInAsyncContextError, also inside `asyncio.gather(...)` arguments and "
        "comprehensions, and in a plain helper that the async code calls directly (2.6.x silently blocked "
        "the loop instead). A helper handed to a thread (`asyncio.to_thread`) is fine."
        " Severity: error: the SDK's guard asks whether an event loop is running, not which thread it is on, so "
        "the call fails in local runs and in a cluster alike (with `target-flyte-version` below 2.7, which has "
        "no guard, the call only stalls the loop, and the finding is a warning)."
    )
    bad = """
        import asyncio
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def square(x: int) -> int:
            return x * x

        @env.task
        async def main(n: int) -> list[int]:
            return await asyncio.gather(*[square(i) for i in range(n)])
    """
    good = """
        import asyncio
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def square(x: int) -> int:
            return x * x

        @env.task
        async def main(n: int) -> list[int]:
            return list(await asyncio.gather(*[square.aio(i) for i in range(n)]))
    """
    fix = "Call the task's async form: `await t.aio(...)`, or `t.aio(...)` inside `asyncio.gather(...)`."
    fix_safety = (
        "Unsafe: the fix adds `await` (or `.aio` inside `asyncio.gather`), which changes the code's "
        "control flow; review it."
    )
    runtime_effect = "SyncTaskCallInAsyncContextError"

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for site in _sites(analysis):
            if not (site.form in SYNC_CALL_FORMS and _all_sync(site)):
                continue
            if site.awaited or not analysis.runs_on_event_loop(site.function):
                continue
            suggestion = None
            # flyte before 2.7 has no guard: the call works and the loop stalls, a warning by the severity policy.
            effect = ("blocks the run's event loop (flyte 2.6 accepts it silently)" if before_2_7(analysis)
                      else "raises SyncTaskCallInAsyncContextError")
            severity = Severity.WARNING if before_2_7(analysis) else None
            if site.in_async_function:
                if site.form != "partial" and _is_gather_argument(analysis, site.node):
                    shown = f"{_callee_text(site)}.aio(...)"
                    suggestion, advice = Suggestion(shown, (_insert_aio(site),)), f"Write `{shown}` in the gather"
                else:
                    if site.form != "partial":
                        suggestion = _awaited(site.node, _aio_call(site), _insert_aio(site))
                    else:
                        suggestion = _partial_suggestion(site, awaited=False)
                    advice = f"Write `{_aio_call(site)}`"
                message = (
                    f"sync task {_task_label(site)} is called without `.aio()` in async code: the SDK {effect}. "
                    f"{advice}"
                )
            else:
                helper = site.function.name
                message = (
                    f"sync task {_task_label(site)} is called in `{helper}`, a plain function that async task "
                    f"code calls directly, so it runs on the event loop: the SDK {effect}. Run `{helper}` in a "
                    "thread "
                    f"(`await asyncio.to_thread({helper}, ...)`) or call `{_aio_call(site)}` "
                    "from async code"
                )
            yield self.finding(site.module, site.node, message, self._fix(analysis, site), suggestions=[suggestion],
                               severity=severity)

    def _fix(self, analysis: Analysis, site: CallSite) -> Fix | None:
        if site.form == "partial" or not site.in_async_function:
            return None  # `await` is only valid in an async def
        if _is_gather_argument(analysis, site.node):
            return Fix((_insert_aio(site),), safe=False, title="Use `.aio(...)` inside gather")
        parent = site.node.parent
        direct = isinstance(parent, (nodes.Expr, nodes.Return)) or (
            isinstance(parent, (nodes.Assign, nodes.AnnAssign)) and parent.value is site.node
        )
        if not direct:
            return None
        start = (site.node.lineno, site.node.col_offset)
        return Fix(
            (Edit(start, start, "await "), _insert_aio(site)), safe=False, title="Await the task's `.aio(...)`"
        )


def _coroutine_lost(analysis: Analysis, call: nodes.Call, function: nodes.NodeNG | None) -> str | None:
    """Why the coroutine made by ``call`` (in ``function``, its innermost def) never runs, or None if it may
    well run."""
    parent, child = consumer(call)
    if isinstance(parent, nodes.Expr):
        return "is discarded"
    name = assigned_name(parent, child)
    if name is not None:
        return None if not is_discarded(call) else "is bound to a name that is never used"
    if isinstance(parent, nodes.Return) and function is not None:
        if id(function) in analysis.task_by_function:
            kind = "an async" if isinstance(function, nodes.AsyncFunctionDef) else "a sync"
            return f"is returned as the output of {kind} task (the SDK fails to serialize it)"
    return None


# Methods that put a value into a list or a set and return None.
ADDERS = {"append", "extend", "insert", "add"}
EMPTY_MAKERS = {"list": "list", "dict": "dict", "set": "set"}


def _kept_in_dead_container(call: nodes.Call, function: nodes.NodeNG | None) -> tuple[str, str] | None:
    """(name, kind) of the local list, dict or set of ``function`` that ``call``'s value is put into
    (``pending.append(call)``, ``pending[key] = call``, ``pending = [call, ...]``) when nothing can ever run it:
    every binding of the name is in ``function`` and makes a new container, and the name is only ever read to
    put values in (``.append``/``.extend``/``.insert``/``.add`` as a statement, ``name[key] = ...``) or by
    ``len(name)``: never iterated, awaited, gathered, subscripted, passed, returned or read by a nested
    function in another way. None otherwise."""
    if not isinstance(function, nodes.AsyncFunctionDef):
        return None
    parent, child = consumer(call)
    target = None
    if (isinstance(parent, nodes.Call) and child in parent.args and isinstance(parent.func, nodes.Attribute)
            and parent.func.attrname in ADDERS and isinstance(parent.func.expr, nodes.Name)):
        target = parent.func.expr
    elif (isinstance(parent, nodes.Assign) and child is parent.value and len(parent.targets) == 1
          and isinstance(parent.targets[0], nodes.Subscript) and isinstance(parent.targets[0].value, nodes.Name)):
        target = parent.targets[0].value
    elif child is not call:  # through a container literal or a comprehension: `pending = [call, ...]`
        bound = assigned_name(parent, child)
        if bound is not None and not isinstance(parent, nodes.NamedExpr):
            target = bound
    if target is None or target.scope() is not function:
        return None
    bindings = function.locals.get(target.name)  # (a `global` or `nonlocal` name is not among them)
    if not bindings:
        return None
    kinds = set()
    for binding in bindings:
        kind = _new_container(binding)
        if kind is None:
            return None
        kinds.add(kind)
        if any(not _only_fills(load) for load in name_loads(binding)):
            return None
    return target.name, kinds.pop() if len(kinds) == 1 else "container"


def _new_container(binding: nodes.NodeNG) -> str | None:
    """The kind of container ``binding`` (an ``x = ...`` target) binds the name to, when it makes a new one."""
    statement = binding.parent
    if not isinstance(binding, nodes.AssignName) or not isinstance(statement, (nodes.Assign, nodes.AnnAssign)):
        return None
    if isinstance(statement, nodes.Assign) and statement.targets != [binding]:
        return None
    value = statement.value
    if isinstance(value, (nodes.List, nodes.ListComp)):
        return "list"
    if isinstance(value, (nodes.Dict, nodes.DictComp)):
        return "dict"
    if isinstance(value, (nodes.Set, nodes.SetComp)):
        return "set"
    if (isinstance(value, nodes.Call) and isinstance(value.func, nodes.Name) and value.func.name in EMPTY_MAKERS
            and not value.args and not value.keywords and _is_builtin(value.func)):
        return EMPTY_MAKERS[value.func.name]
    return None


_is_builtin = is_builtin  # (an alias of the model's: model/names.py)


def _only_fills(load: nodes.Name) -> bool:
    """This read of a container's name puts a value in it, or takes its length: nothing reaches its values."""
    parent = load.parent
    if isinstance(parent, nodes.Attribute) and parent.expr is load and parent.attrname in ADDERS:
        call = parent.parent
        return isinstance(call, nodes.Call) and call.func is parent and isinstance(call.parent, nodes.Expr)
    if isinstance(parent, nodes.Subscript) and parent.value is load:
        assign = parent.parent
        return isinstance(assign, nodes.Assign) and parent in assign.targets
    if isinstance(parent, nodes.Call) and parent.args == [load] and not parent.keywords:
        return isinstance(parent.func, nodes.Name) and parent.func.name == "len" and _is_builtin(parent.func)
    return False


def _dead_container_message(label: str, what: str, name: str, kind: str) -> str:
    gathered = f"*{name}.values()" if kind == "dict" else f"*{name}"
    return (f"the coroutine of {label} is put in `{name}`, a {kind} of this function that nothing reads except to "
            f"add to it or take its length, so nothing ever awaits it and the {what} never runs. Await the call, "
            f"or gather the {kind}: `await asyncio.gather({gathered})`")


def _lost_task_objects(analysis: Analysis, in_async: bool) -> Iterable[tuple[TaskObjectCall, str]]:
    """The calls of ContainerTasks and shell tasks, in async code (``in_async``) or in sync code, whose
    coroutine never runs, with why. A ContainerTask makes one only inside a run (outside, its call fails)."""
    for used in analysis.task_object_calls:
        where, call, function = used.coroutine, used.call.node, used.call.function
        if where is None or isinstance(call.parent, nodes.Await) or isinstance(function, nodes.Lambda):
            continue
        if isinstance(function, nodes.AsyncFunctionDef) != in_async:
            continue
        if where == "run" and not analysis.in_task_context(function):
            continue
        why = _coroutine_lost(analysis, call, function)
        if why is not None:
            yield used, why


def _object_label(used: TaskObjectCall) -> str:
    return f"{'ContainerTask' if used.maker == CONTAINER_TASK else 'shell task'} '{used.name}'"


@register
class UnawaitedCoroutine(Rule):
    code = "FLY103"
    symbol = "unawaited-coroutine"
    summary = (
        "Reports a coroutine from an async task, from `.aio()`, from a remote task reference, a ContainerTask or "
        "a shell task that is discarded, bound to a name that is never used, put in a local list, dict or set that "
        "nothing reads, or returned as an async task's output, in async code."
    )
    rationale = (
        "Calling an async task only creates a coroutine; the child task runs when the coroutine is awaited "
        "(directly, via `asyncio.gather`, or `asyncio.create_task`). A discarded coroutine never runs: the "
        "parent succeeds and the child silently never happens, with at most a RuntimeWarning in the logs. "
        "So does one put in a list, dict or set made in the function and read only to add to it or by `len()` "
        "(never iterated, gathered, passed, returned or read by a nested function): a container read in any "
        "other way may be awaited later, and the rule stays silent. "
        "Returned as a task's output, the coroutine fails to serialize."
        " Severity: error: the child never runs (or the output fails to serialize), in local runs and in a "
        "cluster alike."
    )
    bad = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def notify(msg: str) -> None:
            print(msg)

        @env.task
        async def main() -> str:
            notify("started")
            return "done"
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def notify(msg: str) -> None:
            print(msg)

        @env.task
        async def main() -> str:
            await notify("started")
            return "done"
    """
    fix = "Await the call, gather it, or hand it to `asyncio.create_task(...)`."
    runtime_effect = "child never runs"

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for site in _sites(analysis):
            if not site.makes_coroutine or site.awaited or not site.in_async_function:
                continue
            why = _coroutine_lost(analysis, site.node, site.function)
            if why is None:
                kept = _kept_in_dead_container(site.node, site.function)
                if kept is not None:
                    yield self.finding(site.module, site.node, _dead_container_message(_task_label(site), "child task", *kept))
                continue
            shown = f"await {_callee_text(site)}(...)"
            yield self.finding(
                site.module, site.node,
                f"the coroutine of {_task_label(site)} {why}, so the child task never runs. "
                f"Write `{shown}` or gather it",
                suggestions=[_awaited(site.node, shown)],
            )
        for used in analysis.task_object_calls:
            call = used.call.node
            if used.coroutine is None or isinstance(call.parent, nodes.Await):
                continue
            if used.coroutine == "run" and not analysis.in_task_context(used.call.function):
                continue
            if _coroutine_lost(analysis, call, used.call.function) is None:
                kept = _kept_in_dead_container(call, used.call.function)
                if kept is not None:
                    yield self.finding(used.call.module, call, _dead_container_message(_object_label(used), "task", *kept))
        for used, why in _lost_task_objects(analysis, in_async=True):
            call = used.call.node
            shown = f"await {source_of(used.call.module, call.func)}(...)"
            yield self.finding(
                used.call.module, call,
                f"the coroutine of {_object_label(used)} {why}, so the task never runs. "
                f"Write `{shown}` or gather it",
                suggestions=[_awaited(call, shown)],
            )


@register
class AsyncTaskInSync(Rule):
    code = "FLY104"
    symbol = "async-task-in-sync"
    summary = ("Reports an async task (or `.aio()`, a ContainerTask inside a run, a shell task) called in sync code "
               "where the coroutine is never run.")
    rationale = (
        "In a sync function, calling an async task or `.aio()` makes a coroutine that nothing awaits: the "
        "child never runs. Returned as a sync task's output it fails to serialize. Handing it to "
        "`asyncio.run(...)` or `loop.run_until_complete(...)` is fine."
        " Severity: error: the child never runs (or the output fails to serialize), in local runs and in a "
        "cluster alike."
    )
    bad = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def fetch(n: int) -> int:
            return n

        @env.task
        def main(n: int) -> int:
            fetch(n)
            return n
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def fetch(n: int) -> int:
            return n

        @env.task
        def main(n: int) -> int:
            return fetch(n)
    """
    fix = "Make the caller `async def` and await the call, make the callee a sync task, or run the coroutine with `asyncio.run(...)`."
    runtime_effect = "child never runs"

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for site in _sites(analysis):
            if not site.makes_coroutine or site.awaited:
                continue
            func = site.function
            if site.in_async_function or isinstance(func, nodes.Lambda):
                continue
            why = _coroutine_lost(analysis, site.node, site.function)
            if why is None:
                continue
            where = "a sync function" if func is not None else "module-level code"
            advice, rewrite = _run_it(analysis, site.node, func)
            yield self.finding(
                site.module, site.node,
                f"the coroutine of {_task_label(site)} {why} in {where}, so the child task never runs. {advice}",
                suggestions=[rewrite],
            )
        for used, why in _lost_task_objects(analysis, in_async=False):
            where = "a sync function" if used.call.function is not None else "module-level code"
            advice, rewrite = _run_it(analysis, used.call.node, used.call.function)
            yield self.finding(
                used.call.module, used.call.node,
                f"the coroutine of {_object_label(used)} {why} in {where}, so the task never runs. {advice}",
                suggestions=[rewrite],
            )


def _run_it(analysis: Analysis, call: nodes.Call, function) -> tuple[str, Suggestion | None]:
    """The advice for a coroutine lost in sync code, and the ``asyncio.run(...)`` rewrite of ``call`` where it may
    be written: in a sync function that does not run on a task's event loop (there ``asyncio.run`` raises
    RuntimeError: the loop is running). A sync task body runs in a worker thread: there it works (local and
    cluster runs alike)."""
    if function is not None and analysis.runs_on_event_loop(function):
        return (f"Make the caller `async def` and await it (`{function.name}` runs on a task's event loop, where "
                "`asyncio.run` fails)"), None
    advice = "Make the caller `async def` and await it, or run it with `asyncio.run(...)`"
    if function is None:
        return advice, None
    from flyte_lint.rules.trace_remote import _import_edit

    start, end = (call.lineno, call.col_offset), (call.end_lineno, call.end_col_offset)
    edits = [Edit(start, start, "asyncio.run("), Edit(end, end, ")")]
    module = call.root()
    if "asyncio" not in module.locals:
        edits.append(_import_edit(module, "import asyncio\n"))
    return advice, Suggestion("asyncio.run(...)", tuple(edits))


@register
class BlockingCallInAsync(Rule):
    code = "FLY105"
    symbol = "blocking-call-in-async"
    severity = Severity.WARNING
    summary = (
        "Reports a blocking flyte API that has an async twin (`flyte.run`, `flyte.deploy`, sync `flyte.map`…) "
        "called in code that runs on a task's event loop: async task code, or a plain function it calls directly."
    )
    rationale = (
        "These APIs run their work on the SDK's syncify thread and block the calling thread until it is done. "
        "A local run (`flyte.run`, `flyte run --local`) runs async task code on that very thread, so the SDK "
        "refuses the call: \"Deadlock detected: blocking call used in syncify thread\" (for sync `flyte.map`, "
        "each item comes back as that exception instead of its result). In a cluster the task runtime runs the "
        "task on a main-thread event loop: the call works, but that loop stands still until it returns, so the "
        "task's gathered coroutines, the submission and collection of its other children and the controller's "
        "watch all stall. "
        "Severity: warning: it fails only in local runs and stalls the task's event loop in a cluster."
    )
    bad = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def child(x: int) -> int:
            return x + 1

        @env.task
        async def main(x: int) -> str:
            run = flyte.run(child, x=x)
            return run.url
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def child(x: int) -> int:
            return x + 1

        @env.task
        async def main(x: int) -> str:
            run = await flyte.run.aio(child, x=x)
            return run.url
    """
    fix = "Use the async twin: `await flyte.run.aio(...)`, `async for r in flyte.map.aio(...)`."
    runtime_effect = "Deadlock detected"

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        from flyte_lint import sdk

        for call in analysis.calls:
            path = _blocking_path(call.callee)
            if path is None or not sdk.has_async_twin(path):
                continue
            if not analysis.runs_on_event_loop(call.function):
                continue
            if path == "flyte.map" and isinstance(call.node.parent, nodes.AsyncFor):
                continue  # FLY203 reports it
            shown = source_of(call.module, call.node.func)
            suggestion = None
            if isinstance(call.function, nodes.AsyncFunctionDef):
                suggestion = _async_twin(analysis, call, path, shown)
                twin = f"`{suggestion.shown}`" if suggestion else _twin_hint(path, shown)
                message = (
                    f"`{shown}` blocks inside async task code: {_blocking_effects(path)}. "
                    f"Use its async twin: {twin}"
                )
            else:
                helper = call.function.name
                message = (
                    f"`{shown}` blocks in `{helper}`, a plain function that async task code calls directly "
                    f"(so it runs on the event loop): {_blocking_effects(path)}. Run "
                    f"`{helper}` in a thread (`await asyncio.to_thread({helper}, ...)`) or use the async twin "
                    f"from async code: {_twin_hint(path, shown)}"
                )
            yield self.finding(call.module, call.node, message, suggestions=[suggestion])


def _blocking_path(callee) -> str | None:
    if isinstance(callee, External) and callee.is_flyte and not callee.path.endswith(".aio"):
        return callee.path
    return None


def _blocking_effects(path: str) -> str:
    """What a blocking syncified call on a task's event loop does, in a local run and in a cluster."""
    local = ("in a local run each item comes back as a \"Deadlock detected\" error instead of its result"
             if path == "flyte.map" else "a local run fails with \"Deadlock detected\"")
    return (f"{local}; in a cluster it blocks the task's event loop until it returns (gathered siblings and the "
            "controller stall)")


def _async_twin(analysis: Analysis, call, path: str, shown: str) -> Suggestion | None:
    """The blocking call ``call`` in an ``async def`` rewritten to its async twin: ``await x.aio(...)``, and for
    sync ``flyte.map`` an ``async for`` (or async comprehension) over ``flyte.map.aio(...)``."""
    from flyte_lint.rules.maps import async_iteration

    node = call.node
    end = (node.func.end_lineno, node.func.end_col_offset)
    if path == "flyte.map":
        return async_iteration(call)
    return _awaited(node, f"await {shown}.aio(...)", Edit(end, end, ".aio"))


def _twin_hint(path: str, shown: str) -> str:
    if path == "flyte.map":
        return f"`async for r in {shown}.aio(...)`"
    return f"`await {shown}.aio(...)`"

