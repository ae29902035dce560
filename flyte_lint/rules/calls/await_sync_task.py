"""FLY101 await-sync-task: a sync task awaited directly."""

from __future__ import annotations

from collections.abc import Iterable

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.kinds import CallForm
from flyte_lint.rules.base import Case, Finding, Fix, Outcome, Rule, RuntimeSpec, Scope, Suggestion, register
from flyte_lint.rules.calls._common import (
    SYNC_CALL_FORMS, aio_call, all_sync, before_2_7, insert_aio, partial_suggestion, task_label, task_sites,
)


@register
class AwaitSyncTask(Rule):
    code = "FLY101"
    symbol = "await-sync-task"
    pylint_number = 2
    scope = Scope.IMPORTERS
    summary = "Reports `await t(...)` where `t` is a sync task."
    rationale = (
        "Calling a sync task returns its result, not an awaitable. Inside a run the SDK raises "
        "SyncTaskCallInAsyncContextError (\"Sync task ... was called in a blocking way from async code\"); "
        "outside one, awaiting the plain value raises TypeError."
        " Severity: error: the SDK's guard asks whether an event loop is running, not which thread it is on, so "
        "the call fails in local runs and in a cluster alike."
    )
    fix = "Await the task's async form: `await t.aio(...)`."
    fix_safety = "Safe: inserts `.aio` after the task; the call's arguments are kept."
    runtime_effect = "SyncTaskCallInAsyncContextError"
    runtime = RuntimeSpec(
        entry="main", args={"x": 3},
        bad=Outcome(ok=False, error_contains=("SyncTaskCallInAsyncContextError",), ran={"demo.square": 0}),
        good=Outcome(ok=True, output=9, ran={"demo.square": 1}),
    )

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def square(x: int) -> int:
                return x * x

            @env.task
            async def main(x: int) -> int:
                return await square(x)  # expect: FLY101
            """,
            message="sync task 'demo.square' is awaited directly: the SDK raises SyncTaskCallInAsyncContextError. "
                    "Write `await square.aio(...)`",
            fixed="""
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def square(x: int) -> int:
                return x * x

            @env.task
            async def main(x: int) -> int:
                return await square.aio(x)
            """,
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def square(x: int) -> int:
                return x * x

            @env.task
            async def main(x: int) -> int:
                return await square.aio(x)
            """,
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for site in task_sites(analysis):
            if site.form in SYNC_CALL_FORMS and all_sync(site) and site.awaited:
                fix = None
                if site.form != CallForm.PARTIAL:
                    fix = Fix((insert_aio(site),), safe=True, title="Insert `.aio`")
                effect = ("fails with TypeError (\"object ... can't be used in 'await' expression\")"
                          if before_2_7(analysis) else "raises SyncTaskCallInAsyncContextError")
                yield self.finding(
                    site.module, site.node.parent,
                    f"sync task {task_label(site)} is awaited directly: the SDK {effect}. Write `{aio_call(site)}`",
                    fix, suggestions=[Suggestion(aio_call(site), fix.edits) if fix else partial_suggestion(site, is_awaited=True)],
                )
