"""FLY102 sync-task-in-async: a sync task called without `.aio()` in code that runs on a task's event loop."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.entities import CallSite
from flyte_lint.model.kinds import CallForm
from flyte_lint.rules.base import (
    Case, Edit, Finding, Fix, Outcome, Rule, RuntimeSpec, Scope, Severity, Suggestion, register,
)
from flyte_lint.rules.calls._cases import with_tasks
from flyte_lint.rules.calls._common import (
    SYNC_CALL_FORMS, aio_call, all_sync, awaited, before_2_7, callee_text, insert_aio, is_gather_argument,
    partial_suggestion, task_label, task_sites,
)


@register
class SyncTaskInAsync(Rule):
    code = "FLY102"
    symbol = "sync-task-in-async"
    pylint_number = 3
    scope = Scope.IMPORTERS
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
    fix = "Call the task's async form: `await t.aio(...)`, or `t.aio(...)` inside `asyncio.gather(...)`."
    fix_safety = (
        "Unsafe: the fix adds `await` (or `.aio` inside `asyncio.gather`), which changes the code's "
        "control flow; review it."
    )
    runtime_effect = "SyncTaskCallInAsyncContextError"
    runtime = RuntimeSpec(
        entry="main", args={"n": 3},
        bad=Outcome(ok=False, error_contains=("SyncTaskCallInAsyncContextError",), ran={"demo.square": 0}),
        good=Outcome(ok=True, output=[0, 1, 4], ran={"demo.square": 3}),
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
            async def main(n: int) -> list[int]:
                return await asyncio.gather(*[square(i) for i in range(n)])  # expect: FLY102
            """,
            message="sync task 'demo.square' is called without `.aio()` in async code: the SDK raises "
                    "SyncTaskCallInAsyncContextError. Write `square.aio(...)` in the gather",
            fixed="""
            import asyncio
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def square(x: int) -> int:
                return x * x

            @env.task
            async def main(n: int) -> list[int]:
                return await asyncio.gather(*[square.aio(i) for i in range(n)])
            """,
        ),
        Case(with_tasks("""
            @env.task
            async def main(n: int) -> int:
                a = square(n)  # expect: FLY102
                square(n)  # expect: FLY102
                b = await asyncio.gather(square(1), inc(2))  # expect: FLY102
                c = await asyncio.gather(*[square(i) for i in range(n)])  # expect: FLY102
                d = [square(i) for i in range(n)]  # expect: FLY102
                e = sum(square(i) for i in range(n))  # expect: FLY102
                f = {i: square(i) for i in range(n)}  # expect: FLY102
                g = square.override(retries=1)(n)  # expect: FLY102
                h = partial(square, x=1)()  # expect: FLY102
                return a + sum(b) + sum(c) + sum(d) + e + len(f) + g + h
        """),
            name="direct-and-nested-expressions"),
        Case(with_tasks("""
            async def helper(x: int) -> int:
                return square(x)  # expect: FLY102

            async def deeper(x: int) -> int:
                return await helper(x)

            @env.task
            async def main(x: int) -> int:
                return await deeper(x)
        """),
            name="in-async-helper-called-from-a-task"),
        Case("""
            # file: tasks.py
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def square(x: int) -> int:
                return x * x
            # file: helpers.py
            from tasks import square

            async def helper(x: int) -> int:
                return square(x)  # expect: FLY102
            # file: main.py
            from tasks import env
            from helpers import helper

            @env.task
            async def main(x: int) -> int:
                return await helper(x)
        """,
            name="in-async-helper-in-another-module"),
        Case(with_tasks("""
            @env.task
            async def main(n: int) -> list[int]:
                async def one(i: int) -> int:
                    return square(i)  # expect: FLY102
                return list(await asyncio.gather(*(one(i) for i in range(n))))
        """),
            name="nested-async-def-in-a-task"),
        Case(with_tasks("""
            @env.task
            def main(x: int) -> int:
                async def go() -> int:
                    return square(x)  # expect: FLY102
                return asyncio.run(go())
        """),
            name="async-def-run-inside-a-sync-task"),
        Case(with_tasks("""
            def helper(x: int) -> int:
                return square(x)  # expect: FLY102

            def outer(x: int) -> int:
                return helper(x)

            @env.task
            async def main(x: int) -> int:
                def inner(y: int) -> int:
                    return square(y)  # expect: FLY102
                return outer(x) + inner(x)
        """),
            name="sync-helper-called-directly-from-async-task-code"),
        Case(with_tasks("""
            def in_thread(fn):
                @functools.wraps(fn)
                async def wrapper(*args, **kwargs):
                    return await asyncio.to_thread(fn, *args, **kwargs)
                return wrapper

            @in_thread
            def threaded(x: int) -> int:
                return square(x)

            @functools.lru_cache(maxsize=None)
            def cached(x: int) -> int:
                return square(x)  # expect: FLY102

            @env.task
            async def main(x: int) -> int:
                return await threaded(x) + cached(x)
        """),
            name="helper-behind-a-decorator"),
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
            async def main(n: int) -> list[int]:
                return list(await asyncio.gather(*[square.aio(i) for i in range(n)]))
            """,
        ),
        Case(with_tasks("""
            def helper(x: int) -> int:
                return square(x)  # only ever run in a thread or from sync tasks

            def sync_only(x: int) -> int:
                return square(x)

            async def script(x: int) -> int:
                return square(x)  # no task calls it: outside a run the SDK just calls the function

            @env.task
            def sync_parent(x: int) -> int:
                return square(x) + sync_only(x) + sum(square(i) for i in range(x))

            @env.task
            async def main(n: int) -> int:
                a = await square.aio(n)
                b = await asyncio.gather(*[square.aio(i) for i in range(n)])
                c = await asyncio.to_thread(square, n)
                d = await asyncio.to_thread(helper, n)
                loop = asyncio.get_running_loop()
                e = await loop.run_in_executor(None, square, n)
                f = await loop.run_in_executor(None, functools.partial(helper, n))

                def in_thread(y: int) -> int:
                    return square(y)

                g = await asyncio.to_thread(in_thread, n)
                h = await asyncio.to_thread(lambda: square(n))
                i = square.forward(n)
                return a + sum(b) + c + d + e + f + g + h + i

            if __name__ == "__main__":
                print(asyncio.run(script(1)), square(2))
        """),
            name="quiet"),
        Case(with_tasks("""
            def factory(n: int):
                square(n)

                def deco(f):
                    return f
                return deco

            @env.task
            @factory(2)
            async def main(x: int, y: int = square(3)) -> int:
                return x + y
        """),
            name="quiet-in-a-decorator-factory-and-default-values"),
        Case(with_tasks("""
            import wandb_helpers

            def elsewhere(fn):
                def wrapper(*args, **kwargs):
                    return schedule(fn, *args, **kwargs)
                return wrapper

            def keyword(fn):
                def wrapper(*args, attempts=3, **kwargs):
                    return fn(*args, **kwargs)
                return wrapper

            @elsewhere
            @env.task
            async def a(x: int) -> int:
                return x

            @keyword
            @env.task
            async def b(x: int) -> int:
                return x

            @wandb_helpers.wandb_init
            @env.task
            async def c(x: int) -> int:
                return x

            @env.task
            async def main(x: int) -> int:
                a(x)
                b(x)
                c(x)
                return x
        """),
            name="wrapped-task-quiet-when-the-wrapper-may-do-anything-else"),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for site in task_sites(analysis):
            if not (site.form in SYNC_CALL_FORMS and all_sync(site)):
                continue
            if site.awaited or not analysis.runs_on_event_loop(site.function):
                continue
            suggestion = None
            # flyte before 2.7 has no guard: the call works and the loop stalls, a warning by the severity policy.
            effect = ("blocks the run's event loop (flyte 2.6 accepts it silently)" if before_2_7(analysis)
                      else "raises SyncTaskCallInAsyncContextError")
            severity = Severity.WARNING if before_2_7(analysis) else None
            if site.in_async_function:
                if site.form != CallForm.PARTIAL and is_gather_argument(analysis, site.node):
                    shown = f"{callee_text(site)}.aio(...)"
                    suggestion, advice = Suggestion(shown, (insert_aio(site),)), f"Write `{shown}` in the gather"
                else:
                    if site.form != CallForm.PARTIAL:
                        suggestion = awaited(site.node, aio_call(site), insert_aio(site))
                    else:
                        suggestion = partial_suggestion(site, is_awaited=False)
                    advice = f"Write `{aio_call(site)}`"
                message = (
                    f"sync task {task_label(site)} is called without `.aio()` in async code: the SDK {effect}. "
                    f"{advice}"
                )
            else:
                helper = site.function.name
                message = (
                    f"sync task {task_label(site)} is called in `{helper}`, a plain function that async task "
                    f"code calls directly, so it runs on the event loop: the SDK {effect}. Run `{helper}` in a "
                    "thread "
                    f"(`await asyncio.to_thread({helper}, ...)`) or call `{aio_call(site)}` "
                    "from async code"
                )
            yield self.finding(site.module, site.node, message, self._fix(analysis, site), suggestions=[suggestion],
                               severity=severity)

    def _fix(self, analysis: Analysis, site: CallSite) -> Fix | None:
        if site.form == CallForm.PARTIAL or not site.in_async_function:
            return None  # `await` is only valid in an async def
        if is_gather_argument(analysis, site.node):
            return Fix((insert_aio(site),), safe=False, title="Use `.aio(...)` inside gather")
        parent = site.node.parent
        direct = isinstance(parent, (nodes.Expr, nodes.Return)) or (
            isinstance(parent, (nodes.Assign, nodes.AnnAssign)) and parent.value is site.node
        )
        if not direct:
            return None
        start = (site.node.lineno, site.node.col_offset)
        return Fix(
            (Edit(start, start, "await "), insert_aio(site)), safe=False, title="Await the task's `.aio(...)`"
        )
