"""FLY702 recursive-task: a task that calls itself, directly or through other tasks."""

from __future__ import annotations

from collections.abc import Iterable

from flyte_lint.graph.unresolved import recursive_call_note
from flyte_lint.model.analysis import Analysis
from flyte_lint.model.kinds import CallForm
from flyte_lint.rules.base import Case, Finding, Rule, Scope, Severity, register


@register
class RecursiveTask(Rule):
    code = "FLY702"
    symbol = "recursive-task"
    severity = Severity.INFO
    pylint_number = 43
    scope = Scope.IMPORTERS  # which tasks call which
    summary = "Notes a task that calls itself, directly or through other tasks."
    rationale = (
        "Recursion depth depends on run-time data, so the static DAG cuts the recursion at the repeated task and marks it dynamic."
        " Severity: info: a note about the static DAG; nothing fails."
    )
    fix = "Nothing to fix if recursion is intended; make sure it terminates, since each level is a separate task run."

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def countdown(n: int) -> int:
                if n <= 0:
                    return 0
                return await countdown(n - 1)  # expect: FLY702
            """,
            message="task 'demo.countdown' is called recursively: the DAG cuts the recursion here",
        ),
        # Through another task too; `.forward` of itself runs the body in the same task: no task recursion.
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def ping(n: int) -> int:
                return await pong(n - 1) if n else 0  # expect: FLY702

            @env.task
            async def pong(n: int) -> int:
                return await ping(n - 1) if n else 1  # expect: FLY702

            @env.task
            async def countdown(n: int) -> int:
                return await countdown.forward(n - 1) if n else 0

            @env.task
            async def main(n: int) -> int:
                return await ping(n) + await countdown(n)
            """,
            name="tasks-calling-each-other",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def countdown(n: int) -> int:
                total = 0
                for i in range(n):
                    total += i
                return total
            """,
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        import networkx as nx  # (slow to import: only when a model is checked)

        calls = nx.DiGraph()
        sites = {}
        for site in analysis.call_sites:
            if site.task is None or site.form == CallForm.FORWARD:
                continue
            for caller in analysis.context_tasks(site.function):
                calls.add_edge(caller, site.task)
                sites.setdefault((id(caller), id(site.task)), []).append(site)
        in_cycle = set()
        for component in nx.strongly_connected_components(calls):
            if len(component) > 1 or any(calls.has_edge(t, t) for t in component):
                in_cycle |= {id(t) for t in component}
        for (caller_id, callee_id), found in sorted(
            sites.items(), key=lambda kv: (kv[1][0].module.display_path, kv[1][0].node.lineno)
        ):
            if caller_id in in_cycle and callee_id in in_cycle:
                for site in found:
                    yield self.finding(site.module, site.node, recursive_call_note(site.task.name))
