"""FLY104 async-task-in-sync: an async task's coroutine made in sync code, where nothing runs it."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.rules.base import (
    Case,
    Edit,
    Finding,
    Outcome,
    Rule,
    RuntimeSpec,
    Scope,
    Suggestion,
    import_edit,
    register,
)
from flyte_lint.rules.calls._cases import with_tasks
from flyte_lint.rules.calls._common import coroutine_lost, lost_task_objects, object_label, task_label, task_sites


@register
class AsyncTaskInSync(Rule):
    code = "FLY104"
    symbol = "async-task-in-sync"
    pylint_number = 5
    scope = Scope.IMPORTERS
    finds_calls_that_never_run = True
    summary = (
        "Reports an async task (or `.aio()`, a ContainerTask inside a run, a shell task) called in sync code "
        "where the coroutine is never run."
    )
    rationale = (
        "In a sync function, calling an async task or `.aio()` makes a coroutine that nothing awaits: the "
        "child never runs. Returned as a sync task's output it fails to serialize. Handing it to "
        "`asyncio.run(...)` or `loop.run_until_complete(...)` is fine."
        " Severity: error: the child never runs (or the output fails to serialize), in local runs and in a "
        "cluster alike."
    )
    fix = "Make the caller `async def` and await the call, make the callee a sync task, or run the coroutine with `asyncio.run(...)`."
    runtime = RuntimeSpec(
        entry="main",
        args={"n": 2},
        bad=Outcome(ok=True, ran={"demo.fetch": 0}),
        good=Outcome(ok=True, ran={"demo.fetch": 1}),
    )

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def fetch(n: int) -> int:
                return n

            @env.task
            def main(n: int) -> int:
                fetch(n)  # expect: FLY104
                return n
            """,
            message="the coroutine of 'demo.fetch' is discarded in a sync function, so the child task never runs. "
            "Make the caller `async def` and await it, or run it with `asyncio.run(...)`",
        ),
        Case(
            with_tasks("""
            from flyte import remote

            ref = remote.Task.get("proj.wf", auto_version="latest")

            @env.task
            def main(x: int) -> int:
                inc(x)  # expect: FLY104
                inc.aio(x)  # expect: FLY104
                square.aio(x)  # expect: FLY104
                ref(x=1)  # expect: FLY104
                unused = inc(x)  # expect: FLY104
                return x

            @env.task
            def returns_coroutine(x: int) -> int:
                return inc(x)  # expect: FLY104
        """),
            name="in-sync-task",
        ),
        Case(
            with_tasks("""
            def helper(x: int) -> None:
                inc(x)  # expect: FLY104

            inc(1)  # expect: FLY104
        """),
            name="discarded-in-plain-sync-code",
        ),
        Case(
            with_tasks("""
            @env.task
            def main(x: int) -> int:
                return inc(x)  # expect: FLY104
        """),
            message="the coroutine of 'demo.inc' is returned as the output of a sync task (the SDK fails to serialize "
            "it) in a sync function, so the child task never runs. Make the caller `async def` and await it, "
            "or run it with `asyncio.run(...)`",
            name="message",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def fetch(n: int) -> int:
                return n

            @env.task
            def main(n: int) -> int:
                return fetch(n)
            """,
        ),
        Case(
            with_tasks("""
            def make(x: int):
                return inc(x)  # a plain helper hands the coroutine to its caller

            @env.task
            async def caller(x: int) -> int:
                return await make(x)

            @env.task
            def main(x: int) -> int:
                a = asyncio.run(inc(x))
                loop = asyncio.new_event_loop()
                b = loop.run_until_complete(inc(x))
                c = loop.run_until_complete(square.aio(x))
                d = asyncio.run(inc.aio(x))
                pending = inc(x)
                e = asyncio.run(pending)
                return a + b + c + d + e + square(x)

            if __name__ == "__main__":
                flyte.init()
                flyte.run(main, x=1)
                print(asyncio.run(inc(1)))
        """),
            name="quiet",
        ),
        Case(
            with_tasks("""
            PENDING = inc(1)

            class Jobs:
                first = inc(2)
        """),
            name="quiet-for-module-and-class-attributes",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for site in task_sites(analysis):
            if not site.makes_coroutine or site.awaited:
                continue
            func = site.function
            if site.in_async_function or isinstance(func, nodes.Lambda):
                continue
            why = coroutine_lost(analysis, site.node, site.function)
            if why is None:
                continue
            where = "a sync function" if func is not None else "module-level code"
            advice, rewrite = _run_it(analysis, site.node, func)
            yield self.finding(
                site.module,
                site.node,
                f"the coroutine of {task_label(site)} {why} in {where}, so the child task never runs. {advice}",
                suggestions=[rewrite],
            )
        for used, why in lost_task_objects(analysis, in_async=False):
            where = "a sync function" if used.call.function is not None else "module-level code"
            advice, rewrite = _run_it(analysis, used.call.node, used.call.function)
            yield self.finding(
                used.call.module,
                used.call.node,
                f"the coroutine of {object_label(used)} {why} in {where}, so the task never runs. {advice}",
                suggestions=[rewrite],
            )


def _run_it(analysis: Analysis, call: nodes.Call, function) -> tuple[str, Suggestion | None]:
    """The advice for a coroutine lost in sync code, and the ``asyncio.run(...)`` rewrite of ``call`` where it may
    be written: in a sync function that does not run on a task's event loop (there ``asyncio.run`` raises
    RuntimeError: the loop is running). A sync task body runs in a worker thread: there it works (local and
    cluster runs alike)."""
    if function is not None and analysis.runs_on_event_loop(function):
        return (
            f"Make the caller `async def` and await it (`{function.name}` runs on a task's event loop, where "
            "`asyncio.run` fails)"
        ), None
    advice = "Make the caller `async def` and await it, or run it with `asyncio.run(...)`"
    if function is None:
        return advice, None
    start, end = (call.lineno, call.col_offset), (call.end_lineno, call.end_col_offset)
    edits = [Edit(start, start, "asyncio.run("), Edit(end, end, ")")]
    module = call.root()
    if "asyncio" not in module.locals:
        edits.append(import_edit(module, "import asyncio\n"))
    return advice, Suggestion("asyncio.run(...)", tuple(edits))
