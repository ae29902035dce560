"""FLY102 sync-task-in-async: a sync task called without `.aio()` in code that runs on a task's event loop."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.entities import CallSite
from flyte_lint.model.kinds import CallForm
from flyte_lint.rules.base import (
    Case,
    Edit,
    Finding,
    Fix,
    Outcome,
    Rule,
    RuntimeSpec,
    Scope,
    Severity,
    Suggestion,
    register,
)
from flyte_lint.rules.calls._common import (
    SYNC_CALL_FORMS,
    aio_call,
    all_sync,
    awaited,
    before_2_7,
    callee_text,
    insert_aio,
    is_gather_argument,
    partial_suggestion,
    task_label,
    task_sites,
)
from flyte_lint.rules.calls._sync_task_in_async_cases import MORE_INVALID, MORE_VALID


@register
class SyncTaskInAsync(Rule):
    code = "FLY102"
    symbol = "sync-task-in-async"
    pylint_number = 3
    advice_elsewhere = (
        (
            r"a plain function that async task code calls directly",
            "the rewrite belongs in the async code that calls the helper (a thread, or `.aio` there), not at this call",
        ),
    )
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
    runtime = RuntimeSpec(
        entry="main",
        args={"n": 3},
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
            async def main(n: int) -> list[int]:
                return list(await asyncio.gather(*[square.aio(i) for i in range(n)]))
            """,
        ),
        *MORE_VALID,
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for site in task_sites(analysis):
            if not (site.form in SYNC_CALL_FORMS and all_sync(site)):
                continue
            if site.awaited or not analysis.runs_on_event_loop(site.function):
                continue
            suggestion = None
            # flyte before 2.7 has no guard: the call works and the loop stalls, a warning by the severity policy.
            effect = (
                "blocks the run's event loop (flyte 2.6 accepts it silently)"
                if before_2_7(analysis)
                else "raises SyncTaskCallInAsyncContextError"
            )
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
                    f"sync task {task_label(site)} is called without `.aio()` in async code: the SDK {effect}. {advice}"
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
            yield self.finding(
                site.module, site.node, message, self._fix(analysis, site), suggestions=[suggestion], severity=severity
            )

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
        return Fix((Edit(start, start, "await "), insert_aio(site)), safe=False, title="Await the task's `.aio(...)`")
