"""FLY103 unawaited-coroutine: a task's coroutine in async code that nothing ever awaits."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.kinds import CoroutineRuns
from flyte_lint.model.source import rendered
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, register
from flyte_lint.rules.calls._common import (
    awaited,
    callee_text,
    coroutine_lost,
    lost_task_objects,
    object_label,
    task_label,
    task_sites,
)
from flyte_lint.rules.calls._dead_containers import dead_container_message, kept_in_dead_container
from flyte_lint.rules.calls._unawaited_coroutine_cases import MORE_INVALID, MORE_VALID


@register
class UnawaitedCoroutine(Rule):
    code = "FLY103"
    symbol = "unawaited-coroutine"
    pylint_number = 4
    scope = Scope.IMPORTERS
    finds_calls_that_never_run = True
    summary = (
        "Reports a coroutine from an async task, from `.aio()`, from a remote task reference, a ContainerTask or "
        "a shell task that is discarded, bound to a name that is never used, put in a local list, dict or set that "
        "nothing reads, or returned as an async task's output, in async code."
    )
    rationale = (
        "Calling an async task only creates a coroutine; the child task runs when the coroutine is awaited "
        "(directly, via `asyncio.gather`, or `asyncio.create_task`). A discarded coroutine never runs: the "
        "parent succeeds and the child silently never happens, with at most a RuntimeWarning in the logs. "
        "So does one put in a list, dict or set made in the function and read only to add to it or by `len()` "
        "(never iterated, gathered, passed, returned or read by a nested function): a container read in any "
        "other way may be awaited later, and the rule stays silent. "
        "Returned as a task's output, the coroutine fails to serialize."
        " Severity: error: the child never runs (or the output fails to serialize), in local runs and in a "
        "cluster alike."
    )
    fix = "Await the call, gather it, or hand it to `asyncio.create_task(...)`."
    runtime = RuntimeSpec(
        entry="main",
        bad=Outcome(ok=True, ran={"demo.notify": 0}, warning_contains=("never awaited",)),
        good=Outcome(ok=True, ran={"demo.notify": 1}),
    )

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def notify(msg: str) -> None:
                print(msg)

            @env.task
            async def main() -> str:
                notify("started")  # expect: FLY103
                return "done"
            """,
            message="the coroutine of 'demo.notify' is discarded, so the child task never runs. "
            "Write `await notify(...)` or gather it",
        ),
        *MORE_INVALID,
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def notify(msg: str) -> None:
                print(msg)

            @env.task
            async def main() -> str:
                await notify("started")
                return "done"
            """,
        ),
        *MORE_VALID,
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for site in task_sites(analysis):
            if not site.makes_coroutine or site.awaited or not site.in_async_function:
                continue
            why = coroutine_lost(analysis, site.node, site.function)
            if why is None:
                kept = kept_in_dead_container(site.node, site.function)
                if kept is not None:
                    yield self.finding(
                        site.module, site.node, dead_container_message(task_label(site), "child task", *kept)
                    )
                continue
            shown = f"await {callee_text(site)}(...)"
            yield self.finding(
                site.module,
                site.node,
                f"the coroutine of {task_label(site)} {why}, so the child task never runs. "
                f"Write `{shown}` or gather it",
                suggestions=[awaited(site.node, shown)],
            )
        for used in analysis.task_object_calls:
            call = used.call.node
            if used.coroutine is None or isinstance(call.parent, nodes.Await):
                continue
            if used.coroutine == CoroutineRuns.IN_A_RUN and not analysis.in_task_context(used.call.function):
                continue
            if coroutine_lost(analysis, call, used.call.function) is None:
                kept = kept_in_dead_container(call, used.call.function)
                if kept is not None:
                    yield self.finding(
                        used.call.module, call, dead_container_message(object_label(used), "task", *kept)
                    )
        for used, why in lost_task_objects(analysis, in_async=True):
            call = used.call.node
            shown = f"await {rendered(call.func)}(...)"
            yield self.finding(
                used.call.module,
                call,
                f"the coroutine of {object_label(used)} {why}, so the task never runs. Write `{shown}` or gather it",
                suggestions=[awaited(call, shown)],
            )
