"""FLY113 aio-outside-task: ``await t.aio(...)`` of an async task in code no task's run reaches."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.entities import CallSite
from flyte_lint.model.kinds import CallForm
from flyte_lint.model.reach import is_fastapi_route, outside_every_task
from flyte_lint.model.source import rendered
from flyte_lint.model.values import External
from flyte_lint.rules.base import Case, Edit, Finding, Fix, Outcome, Rule, RuntimeSpec, Scope, Suggestion, register
from flyte_lint.rules.calls._aio_outside_task_cases import INVALID_MORE, VALID_MORE
from flyte_lint.rules.calls._common import is_gather_argument, task_label, task_sites

# The calls that run a coroutine handed to them: their result is then the coroutine's result.
_RUNNERS = frozenset({"asyncio.run"})


def _runs_result(analysis: Analysis, site: CallSite) -> bool:
    """The call's result is awaited, or run by ``asyncio.run`` / gathered: the caller means to get the task's
    output from it."""
    if site.awaited or is_gather_argument(analysis, site.node):
        return True
    parent = site.node.parent
    if isinstance(parent, nodes.Call) and site.node in parent.args:
        runner = analysis.resolver.value_of(parent.func)
        return isinstance(runner, External) and runner.path in _RUNNERS
    return False


@register
class AioOutsideTask(Rule):
    code = "FLY113"
    symbol = "aio-outside-task"
    pylint_number = 50  # its pylint message id is E6750; never change it once released
    scope = Scope.IMPORTERS  # (the callers of a function and reads of its name: in its importers, transitively)
    summary = (
        "Reports `await t.aio(...)` of an async task in code no task of the project reaches: a `__main__` helper, "
        "script code, a FastAPI route."
    )
    rationale = (
        "Outside a task context, `TaskTemplate.aio` of an async task returns `self.forward(...)`: the task "
        "function's coroutine, wrapped in the coroutine `.aio` itself is (flyte 2.12.1 `_task.py`; the SDK logs "
        '"running aio outside of a task context"). So `await t.aio(...)` there gives a coroutine, not the result, '
        "and the next use of it fails (TypeError) or passes a coroutine on (a FastAPI response, a print); the "
        "task's body never runs. A plain `await t(...)` runs the function directly outside a run, and submits the "
        "task inside one. `.aio` of a sync task returns the value and is left alone. The rule reports only where the "
        "model sees every caller of the enclosing function and none is a task: functions reached only from "
        "module-level code (a `__main__` block, script code) or a FastAPI route. A function with no visible "
        "caller, a method, or one passed as a value, decorated (other than as a FastAPI route) or read where the "
        "model cannot follow, counts as possibly reached from a task; a function that asks `flyte.ctx()` is guarded."
        " Severity: error: outside a run the awaited value is always a coroutine, wherever the code runs."
    )
    fix = "Call the task itself: `await t(...)` outside a run (it runs the function; inside a run it submits the task)."
    fix_safety = "Safe: removes `.aio`; outside a task context the awaited call then gives the task's result."
    runtime = RuntimeSpec(
        entry="main",
        args={"x": 3},
        # The probe runs `score` the way the `__main__` block does: outside every task's run (asyncio.run in a
        # fresh context, which holds no task context; a sync task body runs in a plain worker thread).
        append="""


@env.task
def main(x: int) -> int:
    import contextvars

    return contextvars.Context().run(asyncio.run, score(x))
""",
        bad=Outcome(ok=False, error_contains=("unsupported operand type(s) for +: 'coroutine' and 'int'",)),
        good=Outcome(ok=True, output=7),
    )

    INVALID = [
        Case(
            """
            import asyncio

            import flyte

            env = flyte.TaskEnvironment("demo")


            @env.task
            async def predict(x: int) -> int:
                return x * 2


            async def score(x: int) -> int:
                y = await predict.aio(x)  # expect: FLY113
                return y + 1


            if __name__ == "__main__":
                print(asyncio.run(score(3)))
            """,
            message="async task 'demo.predict' is called with `.aio` outside every task's run (`score` is reached "
            "only from module-level code or a FastAPI route): there `.aio` returns the task function's coroutine, "
            'not its result (the SDK logs "running aio outside of a task context"). Write `await predict(...)`',
            fixed="""
            import asyncio

            import flyte

            env = flyte.TaskEnvironment("demo")


            @env.task
            async def predict(x: int) -> int:
                return x * 2


            async def score(x: int) -> int:
                y = await predict(x)
                return y + 1


            if __name__ == "__main__":
                print(asyncio.run(score(3)))
            """,
        ),
        *INVALID_MORE,
    ]
    VALID = [
        Case(
            """
            import asyncio

            import flyte

            env = flyte.TaskEnvironment("demo")


            @env.task
            async def predict(x: int) -> int:
                return x * 2


            async def score(x: int) -> int:
                y = await predict(x)
                return y + 1


            if __name__ == "__main__":
                print(asyncio.run(score(3)))
            """,
        ),
        *VALID_MORE,
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        # (a function that asks `flyte.ctx()` whether a task context is active: the author's own guard)
        asking = {id(call.function) for call in analysis.calls_to("flyte.ctx")}
        for site in task_sites(analysis):
            if site.form != CallForm.AIO or site.through_wrapper or not site.tasks:
                continue
            if not all(task.is_async for task in site.tasks) or not _runs_result(analysis, site):
                continue
            if id(site.function) in asking or not outside_every_task(analysis, site.function):
                continue
            func = site.node.func  # (`t.aio` / `t.override(...).aio`)
            callee = rendered(func.expr)
            awaited = "await " if site.awaited else ""
            shown = f"{awaited}{callee}(...)"
            edit = Edit((func.expr.end_lineno, func.expr.end_col_offset), (func.end_lineno, func.end_col_offset), "")
            if site.function is None:
                where = "module-level code"
            elif is_fastapi_route(analysis, site.function):
                where = f"`{site.function.name}` is a FastAPI route"
            else:
                where = f"`{site.function.name}` is reached only from module-level code or a FastAPI route"
            yield self.finding(
                site.module,
                site.node,
                f"async task {task_label(site)} is called with `.aio` outside every task's run ({where}): there "
                "`.aio` returns the task function's coroutine, not its result (the SDK logs \"running aio outside "
                f'of a task context"). Write `{shown}`',
                Fix((edit,), safe=True, title="Remove `.aio`"),
                suggestions=[Suggestion(shown, (edit,))],
            )
