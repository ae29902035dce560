"""FLY601–FLY603: `flyte.trace` misuse (FLY403 is in rules/envs/remote_task_version.py).

What the SDK does (flyte 2.12.1, checked by running it locally):
- ``@flyte.trace`` above ``@env.task`` (or ``flyte.trace(task)``) wraps the task object; inside a run every
  call fails with AttributeError ("'AsyncFunctionTaskTemplate' object has no attribute '__name__'").
  ``@env.task`` above ``@flyte.trace`` works.
- A task called (or mapped) while a traced function runs raises TraceDoesNotAllowNestedTasksError; that
  includes plain helpers the traced function calls, and tasks whose own body is traced; ``t.forward(...)``
  runs the body as plain Python and works.
- A sync traced function (or sync traced generator) called on the event loop of an async task fails with
  "Deadlock detected: blocking call used in syncify thread"; through ``asyncio.to_thread`` it works.
"""

from __future__ import annotations

from typing import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis, ResolvedCall
from flyte_lint.model.resolver import FUNCTION_NODES
from flyte_lint.model.values import External, FunctionRef, TaskRef
from flyte_lint.rules.base import Edit, Finding, Fix, Rule, Severity, Suggestion, register, source_of


def _trace_decorators(analysis: Analysis, func: nodes.FunctionDef) -> list[nodes.NodeNG]:
    decorators = func.decorators.nodes if func.decorators else []
    return [d for d in decorators if _is_trace(analysis, d)]


def _is_trace(analysis: Analysis, node: nodes.NodeNG) -> bool:
    value = analysis.resolver.value_of(node)
    return isinstance(value, External) and value.path == "flyte.trace"


@register
class TraceOnTask(Rule):
    code = "FLY601"
    symbol = "trace-on-task"
    summary = "Reports `@flyte.trace` stacked above `@env.task`, and `flyte.trace(task)`."
    rationale = (
        "`flyte.trace` wraps plain functions, not tasks. Stacked above `@env.task` it wraps the task object, and "
        "inside a run every call of it fails (AttributeError: 'AsyncFunctionTaskTemplate' object has no attribute "
        "'__name__'). A task call is already recorded as its own action; to trace the body, put `@flyte.trace` "
        "below `@env.task`."
        " Severity: error: every call of the task fails inside a run, in local runs and in a cluster alike."
    )
    bad = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @flyte.trace
        @env.task
        async def fetch(x: int) -> int:
            return x + 1

        @env.task
        async def main() -> int:
            return await fetch(1)
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def fetch(x: int) -> int:
            return x + 1

        @env.task
        async def main() -> int:
            return await fetch(1)
    """
    fix = "Remove `@flyte.trace` from the task, or move it below `@env.task`."
    runtime_effect = "AttributeError when the task is called in a run"

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for task in analysis.tasks:
            decorators = task.func.decorators.nodes if task.func.decorators else []
            if task.decorator not in decorators:
                continue
            task_index = decorators.index(task.decorator)
            for decorator in _trace_decorators(analysis, task.func):
                if decorators.index(decorator) < task_index:
                    yield self.finding(
                        task.module, decorator,
                        f"`@flyte.trace` is stacked above `@env.task` on task '{task.name}': it wraps the task object, "
                        "and every call of it in a run fails (AttributeError: '...TaskTemplate' object has no "
                        "attribute '__name__'). Remove it (a task call is already recorded), or put it below `@env.task`",
                    )
        for call in analysis.calls:
            if call.external_path != "flyte.trace" or len(call.node.args) != 1:
                continue
            target = analysis.resolver.value_of(call.node.args[0])
            if isinstance(target, TaskRef):
                yield self.finding(
                    call.module, call.node,
                    f"`flyte.trace(...)` is given task '{target.task.name}': the result fails on every call in a run "
                    "(AttributeError: '...TaskTemplate' object has no attribute '__name__'). Call the task itself, or "
                    "trace a plain function",
                )


def traced_functions(analysis: Analysis) -> dict[int, nodes.FunctionDef]:
    """Functions whose body runs inside a trace: decorated with ``@flyte.trace`` (also under ``@env.task``)
    or wrapped by ``flyte.trace(f)``."""
    found: dict[int, nodes.FunctionDef] = {}
    for func in analysis.functions:
        if _trace_decorators(analysis, func):
            task = analysis.task_by_function.get(id(func))
            decorators = func.decorators.nodes if func.decorators else []
            if task is not None and task.decorator in decorators:
                below = decorators.index(task.decorator)
                if not any(decorators.index(d) > below for d in _trace_decorators(analysis, func)):
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


TASK_FORMS = ("call", "aio", "override", "partial", "map", "map_aio")


@register
class TaskInTrace(Rule):
    code = "FLY602"
    symbol = "task-in-trace"
    summary = "Reports a task called or mapped inside a `@flyte.trace` function (or a helper only traced code calls)."
    rationale = (
        "A traced function runs as one recorded step of its task; it cannot launch tasks. A task call there "
        "raises TraceDoesNotAllowNestedTasksError when it runs (with `flyte.map`, every item fails with it). "
        "`t.forward(...)` runs the task's body as plain Python inside the trace."
        " Severity: error: the SDK's guard reads the trace context, not the thread, so the call fails in local "
        "runs and in a cluster alike."
    )
    bad = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def square(x: int) -> int:
            return x * x

        @flyte.trace
        async def sum_of_squares(n: int) -> int:
            total = 0
            for i in range(n):
                total += await square(i)
            return total

        @env.task
        async def main(n: int) -> int:
            return await sum_of_squares(n)
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def square(x: int) -> int:
            return x * x

        @flyte.trace
        async def sum_of_squares(n: int) -> int:
            total = 0
            for i in range(n):
                total += await square.forward(i)
            return total

        @env.task
        async def main(n: int) -> int:
            return await sum_of_squares(n)
    """
    fix = "Call `t.forward(...)` to run the body inline, or call the task from the task itself, outside the traced function."
    fix_safety = "Unsafe: `t(...)` → `t.forward(...)` runs the body inside the trace instead of as its own task."
    runtime_effect = "TraceDoesNotAllowNestedTasksError"

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        context = trace_context(analysis)
        if not context:
            return
        traced = {id(f) for f in traced_functions(analysis).values()}
        for site in analysis.call_sites:
            if site.task is None or site.form not in TASK_FORMS or site.function is None:
                continue
            func = context.get(id(site.function))
            if func is None:
                continue
            name = site.task.func.name
            where = f"`@flyte.trace` function '{func.name}'" if id(func) in traced else f"'{func.name}', which only traced code calls"
            if site.form in ("map", "map_aio"):
                message = (
                    f"`flyte.map` runs task '{site.task.name}' inside {where}: every item fails with "
                    "TraceDoesNotAllowNestedTasksError (returned as exceptions). Map from the task, outside the traced function"
                )
                yield self.finding(site.module, site.node, message)
                continue
            fix = None
            func = site.node.func
            if site.form == "call" and isinstance(func, (nodes.Name, nodes.Attribute)):
                name = source_of(site.module, func)
                fix = Fix((Edit((func.end_lineno, func.end_col_offset), (func.end_lineno, func.end_col_offset), ".forward"),), False,
                          f"Call `{name}.forward(...)`")
            elif site.form == "aio" and isinstance(func, nodes.Attribute) and func.attrname == "aio" and (
                    site.task.is_async or isinstance(site.node.parent, nodes.Await)):
                name = source_of(site.module, func.expr)
                edits = [Edit((func.expr.end_lineno, func.expr.end_col_offset), (func.end_lineno, func.end_col_offset), ".forward")]
                if not site.task.is_async:  # (a sync task's `.forward(...)` returns its value: nothing to await)
                    awaited = site.node.parent
                    edits.append(Edit((awaited.lineno, awaited.col_offset), (site.node.lineno, site.node.col_offset), ""))
                fix = Fix(tuple(edits), False, f"Call `{name}.forward(...)`")
            yield self.finding(
                site.module, site.node,
                f"task '{site.task.name}' is called inside {where}: the SDK raises TraceDoesNotAllowNestedTasksError "
                f"when it runs. Call `{name}.forward(...)` to run its body inline, or call the task outside the traced function",
                fix, suggestions=[Suggestion(f"{name}.forward(...)", fix.edits) if fix else None],
            )


@register
class SyncTraceInAsync(Rule):
    code = "FLY603"
    symbol = "sync-trace-in-async"
    severity = Severity.WARNING
    summary = "Reports a sync `@flyte.trace` function called on the event loop of an async task."
    rationale = (
        "A sync traced function looks up and records its step with blocking calls into the SDK's syncify thread. "
        "A local run runs async task code on that very thread, so the SDK refuses them and fails the task with "
        "\"Deadlock detected: blocking call used in syncify thread\". In a cluster the task runtime runs the task "
        "on a main-thread event loop: the calls work, but the loop stands still while the step is looked up, runs "
        "and is recorded, so the task's gathered siblings and the controller's watch stall. Sync traced generators "
        "behave the same way. "
        "Severity: warning: it fails only in local runs and stalls the task's event loop in a cluster."
    )
    bad = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @flyte.trace
        def normalize(x: float) -> float:
            return x / 100

        @env.task
        async def main(x: float) -> float:
            return normalize(x)
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @flyte.trace
        async def normalize(x: float) -> float:
            return x / 100

        @env.task
        async def main(x: float) -> float:
            return await normalize(x)
    """
    fix = "Make the traced function `async def` and `await` it, or run it off the event loop: `await asyncio.to_thread(f, ...)`."
    runtime_effect = "Deadlock detected"

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in analysis.calls:
            callee = call.callee
            if not isinstance(callee, FunctionRef) or not callee.traced or isinstance(callee.func, nodes.AsyncFunctionDef):
                continue
            if not isinstance(call.function, FUNCTION_NODES) or not analysis.runs_on_event_loop(call.function):
                continue
            tasks = sorted((t for t in analysis.context_tasks(call.function) if t.is_async), key=lambda t: t.name)
            where = f"async task '{tasks[0].name}'" if tasks else "an async task"
            shown = source_of(call.module, call.node.func)
            rewrite = None
            if callee.func.is_generator():  # (its steps run where it is iterated, not where it is called)
                off = "or iterate it in a thread (`asyncio.to_thread`)"
            elif not isinstance(call.function, nodes.AsyncFunctionDef):  # a plain helper the loop calls
                off = f"or run `{call.function.name}` in a thread where async code calls it (`asyncio.to_thread`)"
            else:
                rewrite = _off_the_loop(call, f"await asyncio.to_thread({shown}, ...)")
                off = f"or call it off the loop: `{rewrite.shown}`" if rewrite else "or call it in a thread (`asyncio.to_thread`)"
            yield self.finding(
                call.module, call.node,
                f"sync traced function '{callee.func.name}' is called on the event loop of {where}: a local run fails "
                "with \"Deadlock detected: blocking call used in syncify thread\"; in a cluster it blocks the task's "
                "event loop until the step is recorded (gathered siblings and the controller stall). Make it "
                f"`async def` and `await` it, {off}",
                suggestions=[rewrite],
            )


def _off_the_loop(call: ResolvedCall, shown: str) -> Suggestion | None:
    """``f(args)`` in an ``async def`` rewritten to ``await asyncio.to_thread(f, args)``, importing asyncio when
    the module does not bind that name."""
    node = call.node
    if not isinstance(call.function, nodes.AsyncFunctionDef):
        return None
    func_end = (node.func.end_lineno, node.func.end_col_offset)
    line = call.module.lines[func_end[0] - 1].encode("utf-8") if call.module.lines else b""
    if line[func_end[1]: func_end[1] + 1] != b"(":
        return None
    begin = node.parent if isinstance(node.parent, nodes.Await) else node  # (`await f(x)` awaits a plain value)
    has_args = bool(node.args or node.keywords)
    edits = [Edit((begin.lineno, begin.col_offset), (node.lineno, node.col_offset), "await asyncio.to_thread("),
             Edit(func_end, (node.func.end_lineno, node.func.end_col_offset + 1), ", " if has_args else "")]
    module = node.root()
    if "asyncio" not in module.locals:
        edits.append(_import_edit(module, "import asyncio\n"))
    return Suggestion(shown, tuple(edits))


def _import_edit(module: nodes.Module, text: str) -> Edit:
    """``text`` inserted before the first import of ``module`` that is not a ``__future__`` one (or after its
    docstring and future imports when it imports nothing else)."""
    at = 1
    for stmt in module.body:
        if isinstance(stmt, nodes.ImportFrom) and stmt.modname == "__future__":
            at = stmt.end_lineno + 1
            continue
        if isinstance(stmt, nodes.Expr) and stmt is module.body[0] and isinstance(stmt.value, nodes.Const):
            at = stmt.end_lineno + 1
            continue
        at = stmt.lineno
        break
    return Edit((at, 0), (at, 0), text)
