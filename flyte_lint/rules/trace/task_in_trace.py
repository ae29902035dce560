"""FLY602 task-in-trace: a task called or mapped inside a `@flyte.trace` function (or a helper only traced code
calls).

What the SDK does (flyte 2.12.1): a task called (or mapped) while a traced function runs raises
TraceDoesNotAllowNestedTasksError; that includes plain helpers the traced function calls, and tasks whose own body
is traced; ``t.forward(...)`` runs the body as plain Python and works.
"""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.kinds import CallForm
from flyte_lint.model.source import rendered
from flyte_lint.rules.base import Case, Edit, Finding, Fix, Outcome, Rule, RuntimeSpec, Scope, Suggestion, register
from flyte_lint.rules.trace._common import trace_context, traced_functions

# The call forms that run a task (`.forward` runs its body as plain Python).
TASK_FORMS = (CallForm.CALL, CallForm.AIO, CallForm.OVERRIDE, CallForm.PARTIAL, CallForm.MAP, CallForm.MAP_AIO)


@register
class TaskInTrace(Rule):
    code = "FLY602"
    symbol = "task-in-trace"
    pylint_number = 40
    scope = Scope.IMPORTERS
    summary = "Reports a task called or mapped inside a `@flyte.trace` function (or a helper only traced code calls)."
    rationale = (
        "A traced function runs as one recorded step of its task; it cannot launch tasks. A task call there "
        "raises TraceDoesNotAllowNestedTasksError when it runs (with `flyte.map`, every item fails with it). "
        "`t.forward(...)` runs the task's body as plain Python inside the trace."
        " Severity: error: the SDK's guard reads the trace context, not the thread, so the call fails in local "
        "runs and in a cluster alike."
    )
    fix = "Call `t.forward(...)` to run the body inline, or call the task from the task itself, outside the traced function."
    fix_safety = "Unsafe: `t(...)` → `t.forward(...)` runs the body inside the trace instead of as its own task."
    runtime = RuntimeSpec(
        entry="main",
        args={"n": 3},
        bad=Outcome(ok=False, error_contains=("TraceDoesNotAllowNestedTasksError",), ran={"demo.square": 0}),
        good=Outcome(ok=True, output=5),
    )

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def square(x: int) -> int:
                return x * x

            @flyte.trace
            async def sum_of_squares(n: int) -> int:
                total = 0
                for i in range(n):
                    total += await square(i)  # expect: FLY602
                return total

            @env.task
            async def main(n: int) -> int:
                return await sum_of_squares(n)
            """,
            message="task 'demo.square' is called inside `@flyte.trace` function 'sum_of_squares': the SDK raises "
            "TraceDoesNotAllowNestedTasksError when it runs. Call `square.forward(...)` to run its body "
            "inline, or call the task outside the traced function",
            fixed="""
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
            """,
        ),
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def square(x: int) -> int:
                return x * x

            @flyte.trace
            async def helper(x: int) -> int:
                return await square(x)  # expect: FLY602
        """,
            message="task 'demo.square' is called inside `@flyte.trace` function 'helper': the SDK raises "
            "TraceDoesNotAllowNestedTasksError when it runs. Call `square.forward(...)` to run its body inline, "
            "or call the task outside the traced function",
            fixed="""
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def square(x: int) -> int:
                return x * x

            @flyte.trace
            async def helper(x: int) -> int:
                return await square.forward(x)
            """,
            name="message-and-unsafe-fix",
        ),
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def square(x: int) -> int:
                return x * x

            @env.task
            def ssquare(x: int) -> int:
                return x * x

            @flyte.trace
            async def helper(x: int) -> int:
                a = await square(x)  # expect: FLY602
                b = await square.forward(x)
                c = await inner(x)
                d = [r async for r in flyte.map.aio(square, range(x))]  # expect: FLY602
                e = await square.aio(x)  # expect: FLY602
                return a + b + c

            async def inner(x):
                return await square(x)  # expect: FLY602

            async def shared(x):
                return await square(x)

            @flyte.trace
            async def helper2(x: int) -> int:
                return await shared(x)

            @env.task
            async def main(x: int) -> int:
                return await shared(x) + await helper2(x) + await helper(x)

            @env.task
            @flyte.trace
            async def traced_task(x: int) -> int:
                return await square(x)  # expect: FLY602

            @flyte.trace
            def sync_helper(x: int) -> int:
                return ssquare(x)  # expect: FLY602

            async def wrapped(x: int) -> int:
                return await square(x)  # expect: FLY602

            traced_wrapped = flyte.trace(wrapped)
        """,
            select=["FLY602"],
            name="tasks-inside-traced-code",
        ),
    ]
    VALID = [
        Case(
            """
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
            """,
        ),
        Case(
            """
            import flyte
            from opentelemetry import trace

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def square(x: int) -> int:
                return x * x

            @trace
            async def otel_helper(x: int) -> int:
                return await square(x)

            @env.task
            async def main(x: int) -> int:
                return await square(x)

            @flyte.trace
            @env.task
            async def above(x: int) -> int:  # FLY601's business; its body is not traced
                return await square(x)
        """,
            select=["FLY602"],
            name="outside-traces",
        ),
    ]

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
            where = (
                f"`@flyte.trace` function '{func.name}'"
                if id(func) in traced
                else f"'{func.name}', which only traced code calls"
            )
            if site.form in (CallForm.MAP, CallForm.MAP_AIO):
                message = (
                    f"`flyte.map` runs task '{site.task.name}' inside {where}: every item fails with "
                    "TraceDoesNotAllowNestedTasksError (returned as exceptions). Map from the task, outside the traced function"
                )
                yield self.finding(site.module, site.node, message)
                continue
            fix = None
            func = site.node.func
            if site.form == CallForm.CALL and isinstance(func, (nodes.Name, nodes.Attribute)):
                name = rendered(func)
                fix = Fix(
                    (Edit((func.end_lineno, func.end_col_offset), (func.end_lineno, func.end_col_offset), ".forward"),),
                    False,
                    f"Call `{name}.forward(...)`",
                )
            elif (
                site.form == CallForm.AIO
                and isinstance(func, nodes.Attribute)
                and func.attrname == "aio"
                and (site.task.is_async or isinstance(site.node.parent, nodes.Await))
            ):
                name = rendered(func.expr)
                edits = [
                    Edit(
                        (func.expr.end_lineno, func.expr.end_col_offset),
                        (func.end_lineno, func.end_col_offset),
                        ".forward",
                    )
                ]
                if not site.task.is_async:  # (a sync task's `.forward(...)` returns its value: nothing to await)
                    awaited = site.node.parent
                    edits.append(
                        Edit((awaited.lineno, awaited.col_offset), (site.node.lineno, site.node.col_offset), "")
                    )
                fix = Fix(tuple(edits), False, f"Call `{name}.forward(...)`")
            yield self.finding(
                site.module,
                site.node,
                f"task '{site.task.name}' is called inside {where}: the SDK raises TraceDoesNotAllowNestedTasksError "
                f"when it runs. Call `{name}.forward(...)` to run its body inline, or call the task outside the traced function",
                fix,
                suggestions=[Suggestion(f"{name}.forward(...)", fix.edits) if fix else None],
            )
