"""FLY701 dynamic-fanout: a task call whose number of runs the static DAG cannot know."""

from __future__ import annotations

from collections.abc import Iterable

from flyte_lint.model.analysis import Analysis
from flyte_lint.rules.base import Case, Finding, Scope, register
from flyte_lint.rules.dag._common import DagNote


@register
class DynamicFanout(DagNote):
    code = "FLY701"
    symbol = "dynamic-fanout"
    pylint_number = 42
    scope = Scope.IMPORTERS  # the compiled task bodies
    summary = "Notes a task call whose number of runs is not statically known (a loop, comprehension or map over run-time data)."
    rationale = (
        "The static DAG cannot say how many times such a task runs, so `flyte-lint graph` marks the node dynamic and "
        "the workflow is not fully static. That is often intended; the note helps review fan-out size and cost."
        " Severity: info: a note about the static DAG; nothing fails."
    )
    fix = "Nothing to fix when the fan-out is meant to follow the data; bound it (e.g. `flyte.map(..., concurrency=N)`) if its size matters."

    INVALID = [
        Case(
            """
            import asyncio
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def square(x: int) -> int:
                return x * x

            @env.task
            async def main(items: list[int]) -> list[int]:
                return list(await asyncio.gather(*[square(x) for x in items]))  # expect: FLY701
            """,
            message="task 'demo.square' is called a number of times known only at run time: the DAG marks it dynamic",
        ),
        # A loop over an input and a map of an input are dynamic; a loop over range(3) is counted.
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def square(x: int) -> int:
                return x * x

            @env.task
            def main(n: int, items: list[int]) -> int:
                total = 0
                for i in range(n):
                    total += square(i)  # expect: FLY701
                for i in range(3):
                    total += square(i)
                return total + sum(flyte.map(square, items))  # expect: FLY701
            """,
            name="a-loop-over-an-input-and-a-map",
        ),
    ]
    VALID = [
        Case(
            """
            import asyncio
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def square(x: int) -> int:
                return x * x

            @env.task
            async def main() -> list[int]:
                return list(await asyncio.gather(*[square(x) for x in range(4)]))
            """,
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        return self.notes(
            analysis, lambda a: a.get("kind") in ("task", "map") and a.get("count") is None and not a.get("recursive")
        )

    def describe(self, attrs: dict) -> str:
        what = "mapped" if attrs.get("kind") == "map" else "called"
        return (
            f"task '{attrs.get('task')}' is {what} a number of times known only at run time: the DAG marks it dynamic"
        )
