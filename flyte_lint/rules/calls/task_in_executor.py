"""FLY112 task-in-executor: a task object handed to a thread pool, a thread, an event loop's executor or a
process pool."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.entities import Task
from flyte_lint.model.executors import Executor, HandOff, hand_offs
from flyte_lint.model.source import rendered
from flyte_lint.model.values import FunctionRef, PartialRef, TaskChoice, TaskRef
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, Severity, register
from flyte_lint.rules.calls._common import SYNC_CALL_FORMS
from flyte_lint.rules.calls._task_in_executor_cases import MORE_INVALID, MORE_VALID


def handed_tasks(analysis: Analysis, hand_off: HandOff) -> tuple[Task, ...]:
    """The tasks the executor would call: a task, its ``.override(...)``, one of several tasks, or a
    ``functools.partial`` of one (not ``t.forward``, the plain function on purpose, nor ``t.aio``)."""
    value = analysis.resolver.value_of(hand_off.handed)
    if isinstance(value, PartialRef):
        value = value.target
    if isinstance(value, TaskRef):
        return (value.task,)
    if isinstance(value, TaskChoice):
        return tuple(dict.fromkeys(option.task for option in value.options))
    return ()


def _calls_in(node: nodes.NodeNG) -> Iterator[nodes.Call]:
    """The calls ``node`` makes when it is evaluated (not those of a lambda or def inside it)."""
    if isinstance(node, (nodes.Lambda, nodes.FunctionDef, nodes.AsyncFunctionDef)):
        return
    if isinstance(node, nodes.Call):
        yield node
    for child in node.get_children():
        yield from _calls_in(child)


def tasks_called_through(analysis: Analysis, hand_off: HandOff) -> tuple[tuple[Task, ...], str]:
    """The sync tasks that the lambda or plain sync function handed to an executor (or a ``functools.partial`` of
    one) calls in its own body, as themselves, an override or a partial, and how to name what was handed:
    ``run_in_executor(None, lambda: square(x))`` and ``pool.map(process_one, items)`` (``def process_one(item):
    return square(item)``) run ``square``'s call in the executor's thread. Not what functions it calls call."""
    handed = hand_off.handed
    if isinstance(handed, nodes.Lambda):
        bodies, carrier = [handed.body], "the lambda"
    else:
        value = analysis.resolver.value_of(handed)
        if isinstance(value, PartialRef):
            value = value.target
        if not isinstance(value, FunctionRef) or value.traced or isinstance(value.func, nodes.AsyncFunctionDef):
            return (), ""
        bodies, carrier = value.func.body, f"`{value.func.name}`"
    sites = analysis.site_of_call
    found = []
    for body in bodies:
        for call in _calls_in(body):
            site = sites.get(id(call))
            if site is not None and site.form in SYNC_CALL_FORMS and site.task is not None and not site.task.is_async:
                found.append(site.task)
    return tuple(dict.fromkeys(found)), carrier


def _thread(hand_off: HandOff) -> str:
    return "the new thread" if hand_off.runner is Executor.THREAD else "the executor's thread"


def _label(tasks: tuple[Task, ...]) -> str:
    return " or ".join(f"'{task.name}'" for task in tasks)


@register
class TaskInExecutor(Rule):
    code = "FLY112"
    symbol = "task-in-executor"
    severity = Severity.ERROR
    pylint_number = 49  # its pylint message id is E6749; never change it once released
    scope = Scope.IMPORTERS  # (whether the callable is a task, and whether the code runs in a task's run)
    summary = (
        "Reports a task handed to `loop.run_in_executor`, a `ThreadPoolExecutor`'s `submit`/`map`, "
        "`threading.Thread(target=...)` (as itself, or called in a lambda or function handed there) or a "
        "`ProcessPoolExecutor`."
    )
    rationale = (
        "A task called inside a run asks the run's context (contextvars) whether it is in a task, and only then "
        "submits a task action. An executor's thread and a `threading.Thread` do not copy contextvars: the task "
        "called there finds no run and calls its function directly, so no task action starts (no retries, no "
        "cache, no resources of its own, nothing in the run's graph), and an async task gives back its function's "
        "coroutine. A sync task called in a lambda or function handed there runs the same way. "
        "`asyncio.to_thread` copies the context and is fine. A `ProcessPoolExecutor` fails loudly instead: it "
        "pickles the callable by its module attribute, which is the task object, not the function "
        "(\"Can't pickle <function ...>: it's not the same object as ...\"). Outside a run a task call runs "
        "its function anyway, so only hand-offs reached from a task are reported (a process pool's everywhere)."
        " Severity: error: in local runs and in a cluster alike, the task silently runs as a plain function "
        "(a process pool fails)."
    )
    fix = (
        "Call the task in the task body (`flyte.map` or `asyncio.gather` of `t.aio(...)` calls to run several at "
        "once), or run it in a thread with `asyncio.to_thread(t, ...)`, which copies the context."
    )
    runtime = RuntimeSpec(
        entry="main",
        args={"x": 3},
        bad=Outcome(ok=True, output=9, ran={"demo.square": 0}),
        good=Outcome(ok=True, output=9, ran={"demo.square": 1}),
    )

    INVALID = [
        Case(
            """
            import asyncio

            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def square(x: int) -> int:
                return x * x

            @env.task
            async def main(x: int) -> int:
                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(None, square, x)  # expect: FLY112
            """,
            message="task 'demo.square' handed to `loop.run_in_executor` runs as a plain function: the executor's "
            "thread does not copy the run's context, so no task action starts (no retries, no cache, no resources "
            "of its own). Use asyncio.to_thread, which copies the context, or flyte.map to run it as a task",
        ),
        *MORE_INVALID,
    ]
    VALID = [
        Case(
            """
            import asyncio

            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def square(x: int) -> int:
                return x * x

            @env.task
            async def main(x: int) -> int:
                return await asyncio.to_thread(square, x)
            """,
        ),
        *MORE_VALID,
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for hand_off in hand_offs(analysis):
            call = hand_off.call
            where = f"`{rendered(call.node.func)}`"
            tasks = handed_tasks(analysis, hand_off)
            if not tasks:
                called, carrier = tasks_called_through(analysis, hand_off)
                # (a process pool runs a function in another process, where no run's context is either, but
                # cannot pickle a lambda at all: left alone)
                if called and hand_off.runner is not Executor.PROCESS_POOL and analysis.in_task_context(call.function):
                    yield self.finding(
                        call.module,
                        call.node,
                        f"task {_label(called)} called in {carrier} handed to {where} runs as a plain function: "
                        f"{_thread(hand_off)} does not copy the run's context, so no task action starts (no retries, "
                        "no cache, no resources of its own). Use asyncio.to_thread, which copies the context, or "
                        "flyte.map to run it as a task",
                    )
                continue
            if hand_off.runner is Executor.PROCESS_POOL:
                first = tasks[0]
                message = (
                    f"task {_label(tasks)} handed to a ProcessPoolExecutor ({where}) fails: the pool pickles the "
                    "callable by its module attribute, which is the task object, not the function (PicklingError "
                    f"\"Can't pickle <function {first.func.name}>: it's not the same object as "
                    f'{first.module.name}.{first.func.name}"). Use flyte.map to run it in parallel as tasks'
                )
            elif not analysis.in_task_context(call.function):
                continue  # (outside a run, a task call runs its function anyway)
            elif not any(task.is_async for task in tasks):
                message = (
                    f"task {_label(tasks)} handed to {where} runs as a plain function: {_thread(hand_off)} does "
                    "not copy the run's context, so no task action starts (no retries, no cache, no resources of "
                    "its own). Use asyncio.to_thread, which copies the context, or flyte.map to run it as a task"
                )
            else:
                message = (
                    f"task {_label(tasks)} handed to {where} is called outside the run: {_thread(hand_off)} "
                    "does not copy the run's context, so an async task gives back its function's coroutine and no "
                    "task action starts. Await its .aio(...) calls in the task (asyncio.gather to run several)"
                )
            yield self.finding(call.module, call.node, message)
