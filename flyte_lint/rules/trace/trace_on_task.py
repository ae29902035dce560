"""FLY601 trace-on-task: `@flyte.trace` stacked above `@env.task`, or `flyte.trace(task)`.

What the SDK does (flyte 2.12.1): ``@flyte.trace`` above ``@env.task`` (or ``flyte.trace(task)``) wraps the task
object; inside a run every call fails with AttributeError ("'AsyncFunctionTaskTemplate' object has no attribute
'__name__'"). ``@env.task`` above ``@flyte.trace`` works.
"""

from __future__ import annotations

from collections.abc import Iterable

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.values import TaskRef
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, register
from flyte_lint.rules.trace._common import trace_decorators


@register
class TraceOnTask(Rule):
    code = "FLY601"
    symbol = "trace-on-task"
    pylint_number = 39
    scope = Scope.IMPORTERS
    summary = "Reports `@flyte.trace` stacked above `@env.task`, and `flyte.trace(task)`."
    rationale = (
        "`flyte.trace` wraps plain functions, not tasks. Stacked above `@env.task` it wraps the task object, and "
        "inside a run every call of it fails (AttributeError: 'AsyncFunctionTaskTemplate' object has no attribute "
        "'__name__'). A task call is already recorded as its own action; to trace the body, put `@flyte.trace` "
        "below `@env.task`."
        " Severity: error: every call of the task fails inside a run, in local runs and in a cluster alike."
    )
    fix = "Remove `@flyte.trace` from the task, or move it below `@env.task`."
    runtime = RuntimeSpec(
        entry="main",
        bad=Outcome(ok=False, error_contains=("AttributeError", "has no attribute '__name__'"), ran={"demo.fetch": 0}),
        good=Outcome(ok=True, output=2, ran={"demo.fetch": 1}),
    )

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @flyte.trace  # expect: FLY601
            @env.task
            async def fetch(x: int) -> int:
                return x + 1

            @env.task
            async def main() -> int:
                return await fetch(1)
            """,
            message="`@flyte.trace` is stacked above `@env.task` on task 'demo.fetch': it wraps the task object, "
            "and every call of it in a run fails (AttributeError: '...TaskTemplate' object has no attribute "
            "'__name__'). Remove it (a task call is already recorded), or put it below `@env.task`",
        ),
        Case(
            """
            import flyte
            from flyte import trace

            env = flyte.TaskEnvironment("demo")

            @flyte.trace  # expect: FLY601
            @env.task
            async def fetch(x: int) -> int:
                return x + 1

            @trace  # expect: FLY601
            @env.task(retries=2)
            def fetch_sync(x: int) -> int:
                return x + 1

            @env.task
            @flyte.trace
            async def fine(x: int) -> int:
                return x + 1

            traced = flyte.trace(fine)  # expect: FLY601

            @flyte.trace
            async def helper(x: int) -> int:
                return x
        """,
            select=["FLY601"],
            name="trace-above-task",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def fetch(x: int) -> int:
                return x + 1

            @env.task
            async def main() -> int:
                return await fetch(1)
            """,
        ),
        Case(
            """
            import flyte
            from opentelemetry import trace
            from mylib import tracing

            env = flyte.TaskEnvironment("demo")

            @trace
            @env.task
            async def a(x: int) -> int:
                return x

            @tracing.trace
            @env.task
            async def b(x: int) -> int:
                return x
        """,
            select=["FLY601"],
            name="other-trace-decorators",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for task in analysis.tasks:
            decorators = task.func.decorators.nodes if task.func.decorators else []
            if task.decorator not in decorators:
                continue
            task_index = decorators.index(task.decorator)
            for decorator in trace_decorators(analysis, task.func):
                if decorators.index(decorator) < task_index:
                    yield self.finding(
                        task.module,
                        decorator,
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
                    call.module,
                    call.node,
                    f"`flyte.trace(...)` is given task '{target.task.name}': the result fails on every call in a run "
                    "(AttributeError: '...TaskTemplate' object has no attribute '__name__'). Call the task itself, or "
                    "trace a plain function",
                )
