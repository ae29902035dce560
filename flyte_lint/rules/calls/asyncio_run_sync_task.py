"""FLY114 asyncio-run-sync-task: ``asyncio.run(t(...))`` or ``loop.run_until_complete(t(...))`` of a sync task."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.arguments import argument
from flyte_lint.model.entities import CallSite
from flyte_lint.model.executors import Executor, executor_of
from flyte_lint.model.source import rendered, source_text
from flyte_lint.model.values import External
from flyte_lint.rules.base import Case, Edit, Finding, Fix, Outcome, Rule, RuntimeSpec, Scope, Suggestion, register
from flyte_lint.rules.calls._asyncio_run_sync_task_cases import MORE_INVALID, MORE_VALID
from flyte_lint.rules.calls._common import SYNC_CALL_FORMS, task_label, task_sites

ASYNCIO_RUN = ("asyncio.run", "asyncio.runners.run")
# What each runner raises when it is handed a value, and the SDK-independent text of the error.
RAISES = {
    "run": ("builtins.ValueError", 'ValueError ("a coroutine was expected")'),
    "run_until_complete": (
        "builtins.TypeError",
        'TypeError ("An asyncio.Future, a coroutine or an awaitable is required")',
    ),
}


def runner_of(analysis: Analysis, call: nodes.Call) -> str | None:
    """The runner ``call`` is: "run" for ``asyncio.run(...)`` (any alias), "run_until_complete" for an event loop's;
    None for anything else."""
    callee = analysis.resolver.value_of(call.func)
    if isinstance(callee, External) and callee.path in ASYNCIO_RUN:
        return "run"
    func = call.func
    if (
        isinstance(func, nodes.Attribute)
        and func.attrname == "run_until_complete"
        and executor_of(analysis, func.expr) is Executor.EVENT_LOOP
    ):
        return "run_until_complete"
    return None


@register
class AsyncioRunSyncTask(Rule):
    code = "FLY114"
    symbol = "asyncio-run-sync-task"
    pylint_number = 51  # its pylint message id is E6751; never change it once released
    scope = Scope.IMPORTERS  # (whether the callee is a sync task)
    raises = "builtins.ValueError"  # (loop.run_until_complete's findings: builtins.TypeError)
    summary = "Reports `asyncio.run(t(...))` and `loop.run_until_complete(t(...))` where `t` is a sync task."
    rationale = (
        "Calling a sync task runs it and returns its result, in a run (the task action) and outside one (its "
        'function): there is no coroutine to run. `asyncio.run` then raises ValueError ("a coroutine was '
        'expected, got 9"), and `loop.run_until_complete` raises TypeError ("An asyncio.Future, a coroutine or an '
        'awaitable is required"), after the task has run. Typical in a `__main__` block written for async code: '
        "`asyncio.run(main())` of a sync `main`. An async task's call does return a coroutine, and so does a "
        "task's `.aio(...)`: both are fine."
        " Severity: error: it raises in local runs, in a cluster and outside any run alike."
    )
    fix = (
        "Call the sync task directly: `t(...)` returns its result (`flyte.run(t, ...)` starts a run of it); or hand "
        "`asyncio.run` its async form, `t.aio(...)`."
    )
    fix_safety = (
        "Safe: the task call is kept as written; only the `asyncio.run(...)` around it goes, which could only raise."
    )
    runtime = RuntimeSpec(
        entry="main",
        args={"x": 3},
        bad=Outcome(ok=False, error_contains=("ValueError", "a coroutine was expected"), ran={"demo.square": 1}),
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
            def main(x: int) -> int:
                return asyncio.run(square(x))  # expect: FLY114
            """,
            message="sync task 'demo.square' returns its result, not a coroutine: `asyncio.run` of its call raises "
            'ValueError ("a coroutine was expected") once the task has run. Write `square(...)`',
            fixed="""
            import asyncio

            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def square(x: int) -> int:
                return x * x

            @env.task
            def main(x: int) -> int:
                return square(x)
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
            def main(x: int) -> int:
                return square(x)
            """,
        ),
        *MORE_VALID,
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        yield from self._held_results(analysis)
        for site in task_sites(analysis):
            if not _returns_a_value(analysis, site):
                continue
            outer = site.node.parent
            if isinstance(outer, nodes.Keyword):
                outer = outer.parent
            if not isinstance(outer, nodes.Call):
                continue
            runner = runner_of(analysis, outer)
            keyword = "main" if runner == "run" else "future"
            if runner is None or argument(outer, 0, keyword) is not site.node:
                continue
            raised, error = RAISES[runner]
            shown = f"{rendered(site.node.func)}(...)"
            edit = Edit(
                (outer.lineno, outer.col_offset),
                (outer.end_lineno, outer.end_col_offset),
                source_text(site.module, site.node),
            )
            yield self.finding(
                site.module,
                outer,
                f"sync task {task_label(site)} returns its result, not a coroutine: `{rendered(outer.func)}` of its "
                f"call raises {error} once the task has run. Write `{shown}`",
                Fix((edit,), safe=True, title="Call the task directly"),
                suggestions=[Suggestion(shown, (edit,))],
                raises=raised,
            )

    def _held_results(self, analysis: Analysis) -> Iterable[Finding]:
        """``result = t(...)`` then ``asyncio.run(result)``: the name holds the value the call returned."""
        sites = {id(site.node): site for site in task_sites(analysis)}
        for call in analysis.calls:
            runner = runner_of(analysis, call.node)  # (each callee was resolved when the model was built)
            if runner is None:
                continue
            held = argument(call.node, 0, "main" if runner == "run" else "future")
            if not isinstance(held, nodes.Name):
                continue
            site = sites.get(id(analysis.definition(held)))
            if site is None or not _returns_a_value(analysis, site) or not _off_the_loop(analysis, call.function):
                continue
            raised, error = RAISES[runner]
            yield self.finding(
                call.module,
                call.node,
                f"sync task {task_label(site)} returns its result, not a coroutine: `{held.name}` holds that result, "
                f"so `{rendered(call.node.func)}` of it raises {error}. Use the value itself, without an event loop",
                raises=raised,
            )


def _off_the_loop(analysis: Analysis, function: nodes.NodeNG | None) -> bool:
    """``function`` does not run on an event loop (there a sync task's call fails first: FLY102)."""
    return not isinstance(function, nodes.AsyncFunctionDef) and not analysis.runs_on_event_loop(function)


def _returns_a_value(analysis: Analysis, site: CallSite) -> bool:
    """The call runs one of several sync tasks as itself, an override or a partial, where that returns its value."""
    tasks = site.tasks
    return (
        site.form in SYNC_CALL_FORMS
        and bool(tasks)
        and not any(task.is_async for task in tasks)
        and _off_the_loop(analysis, site.function)
    )
