"""FLY703 unresolved-call: a call that may run a task but that the static DAG cannot resolve."""

from __future__ import annotations

from collections.abc import Iterable

from flyte_lint.graph.unresolved import unresolved_call_note
from flyte_lint.model.analysis import Analysis
from flyte_lint.rules.base import Case, Finding, Scope, register
from flyte_lint.rules.dag._common import DagNote


@register
class UnresolvedCall(DagNote):
    code = "FLY703"
    symbol = "unresolved-call"
    pylint_number = 44
    scope = Scope.IMPORTERS  # the compiled task bodies
    summary = (
        "Notes a call that may invoke a task but cannot be resolved statically (a task looked up at run time by "
        "`getattr` or a subscript, chosen by a loop, a callable parameter, a task under a decorator the model cannot "
        "see through, or a task object it does not model: `ContainerTask`, `flyte.extras.shell.create`, a plugin's "
        "task class)."
    )
    rationale = (
        "The static DAG shows such a call as a node of kind `unknown` with the reason, and the workflow is not fully "
        "static: the task it runs has no node of its own. Tasks kept in a literal dict, list or tuple are known to "
        "the model (the other rules check a call through them against every task the container holds), but which "
        "one a subscript or a loop picks is decided at run time; a name given to `getattr` is not even known to be a task."
        " Severity: info: a note about the static DAG; nothing fails."
    )
    fix = "Call the task directly (branches are fine) where a static DAG matters."

    INVALID = [
        Case(
            """
            import sys

            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def a(x: int) -> int:
                return x

            @env.task
            async def b(x: int) -> int:
                return -x

            @env.task
            async def main(which: str, x: int) -> int:
                step = getattr(sys.modules[__name__], which)
                return await step(x)  # expect: FLY703
            """,
            message="call not resolvable statically: the callee `step` is looked up at run time "
            "(`getattr(sys.modules[__name__], which)`)",
        ),
        # Which task of the dict the key picks is decided at run time (the other rules check them all).
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def a(x: int) -> int:
                return x

            @env.task
            async def b(x: int) -> int:
                return -x

            TASKS = {"a": a, "b": b}

            @env.task
            async def main(which: str, x: int) -> int:
                first = await TASKS[which](x)  # expect: FLY703
                return first + await a(x)
            """,
            name="a-task-picked-from-a-dict-by-key",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def a(x: int) -> int:
                return x

            @env.task
            async def b(x: int) -> int:
                return -x

            @env.task
            async def main(which: str, x: int) -> int:
                if which == "a":
                    return await a(x)
                return await b(x)
            """,
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        return self.notes(analysis, lambda a: a.get("kind") == "unknown")

    def describe(self, attrs: dict) -> str:
        return unresolved_call_note(attrs.get("reason"))
