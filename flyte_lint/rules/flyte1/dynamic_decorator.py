"""FLY503 dynamic-decorator: a Flyte 1 `@dynamic` or `@eager`; every Flyte 2 task can call tasks at runtime."""

from __future__ import annotations

from collections.abc import Iterable

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.flyte1_index import flyte1_index
from flyte_lint.rules.base import Case, Finding, Scope, register
from flyte_lint.rules.flyte1._common import FLYTE1_CODES, MIGRATE_NOTE, V1Rule, decorated_label


@register
class DynamicDecorator(V1Rule):
    code = "FLY503"
    symbol = "dynamic-decorator"
    pylint_number = 30
    scope = Scope.IMPORTERS
    summary = "Reports a Flyte 1 `@dynamic` or `@eager`: every Flyte 2 task can call tasks at runtime."
    rationale = (
        "Flyte 1 needs `@dynamic` (or `@eager`) for a task that decides at runtime which tasks to run. In "
        "Flyte 2 every task body is ordinary Python that runs, so any `@env.task` can loop over inputs and call "
        "tasks; an `async def` task that awaits them is what `@eager` was."
        " Severity: warning: a migration step: this is Flyte 1 code, which runs where flytekit is installed and "
        "fails under the Flyte 2 SDK alone; the code cannot show which one it is meant for."
    )
    INVALID = [
        Case(
            """
            from flytekit import dynamic, task

            @task
            def double(x: int) -> int:
                return x * 2

            @dynamic  # expect: FLY503
            def double_all(xs: list[int]) -> list[int]:
                return [double(x=x) for x in xs]
            """,
            message="`@dynamic` on `double_all` is Flyte 1: every Flyte 2 task can call tasks in loops and branches "
            "at runtime; make `double_all` an `@env.task`" + MIGRATE_NOTE,
        ),
        Case(
            """
            from flytekit import dynamic, eager, task
            import flytekit as fk

            @task
            def one(x: int) -> int:
                return x

            @dynamic  # expect: FLY503
            def fan(xs: list[int]) -> list[int]:
                return [one(x=x) for x in xs]

            @fk.dynamic(cache=True, cache_version="2")  # expect: FLY503 FLY511
            def fan2(xs: list[int]) -> list[int]:
                return [one(x=x) for x in xs]

            @eager  # expect: FLY503
            async def loop(xs: list[int]) -> int:
                return sum([await one(x=x) for x in xs])
            """,
            select=["FLY503", "FLY511"],
            name="dynamic-and-eager",
        ),
        Case(
            """
            from flytekit import eager

            @eager  # expect: FLY503
            async def run() -> None: ...
            """,
            message="`@eager` on `run` is Flyte 1: every async Flyte 2 task is eager; make `run` an `@env.task` on "
            "an `async def` that awaits the tasks" + MIGRATE_NOTE,
            name="eager-message",
        ),
        Case(
            """
            # file: base.py
            from flytekit import dynamic as fan_out  # expect: FLY501
            # file: shim.py
            from base import fan_out
            # file: main.py
            import flyte
            import shim

            @shim.fan_out  # expect: FLY503
            def main() -> None: ...
            """,
            select=FLYTE1_CODES,
            name="re-export-through-two-modules",
        ),
        Case(
            """
            import flytekit as fk  # expect: FLY501
            from flytekit import task as t, workflow as w, dynamic as d  # expect: FLY501

            @fk.task(requests=fk.Resources(cpu="1"))  # expect: FLY511
            def a() -> int:
                return 1

            @t
            def b() -> int:
                return 1

            @d  # expect: FLY503
            def c() -> list[int]:
                return [b()]

            @w  # expect: FLY502
            def main() -> int:
                a() >> b()  # expect: FLY509
                return b()
            """,
            select=FLYTE1_CODES,
            name="aliases-report-at-the-decorator-or-expression",
        ),
    ]
    VALID = [
        Case(
            """
            import asyncio

            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def double(x: int) -> int:
                return x * 2

            @env.task
            async def double_all(xs: list[int]) -> list[int]:
                return list(await asyncio.gather(*(double(x) for x in xs)))
            """,
        ),
    ]
    fix = "Make it an `@env.task`: the loop stays as it is (or becomes `asyncio.gather` / `flyte.map` to run the calls in parallel)."

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for ref in flyte1_index(analysis).refs_to("dynamic", "eager"):
            func = ref.decorated
            name = f"`{func.name}`" if func is not None else "it"
            if ref.symbol == "dynamic":
                advice = (
                    f"every Flyte 2 task can call tasks in loops and branches at runtime; make {name} an `@env.task`"
                )
            else:
                advice = f"every async Flyte 2 task is eager; make {name} an `@env.task` on an `async def` that awaits the tasks"
            yield self.finding(ref.module, ref.site, f"{decorated_label(ref)} is Flyte 1: {advice}")
