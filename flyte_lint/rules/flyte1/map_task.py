"""FLY504 map-task: a Flyte 1 `map_task(...)`; Flyte 2 uses `flyte.map` or `asyncio.gather`."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.arguments import keyword_argument
from flyte_lint.model.flyte1_index import flyte1_index
from flyte_lint.model.source import short_source
from flyte_lint.rules.base import Case, Finding, Scope, register
from flyte_lint.rules.flyte1._common import FLYTE1_CODES, MIGRATE_NOTE, V1Rule

MAP_OPTIONS = {
    "concurrency": "`flyte.map(..., concurrency=N)` (or an `asyncio.Semaphore`)",
    "min_success_ratio": "`flyte.map` returns failures as exception values (`return_exceptions=True`): count them",
    "min_successes": "`flyte.map` returns failures as exception values (`return_exceptions=True`): count them",
}


@register
class MapTask(V1Rule):
    code = "FLY504"
    symbol = "map-task"
    pylint_number = 31
    scope = Scope.IMPORTERS
    summary = "Reports a Flyte 1 `map_task(...)`: Flyte 2 uses `flyte.map` or `asyncio.gather`."
    rationale = (
        "`map_task` builds a Flyte 1 array node. In Flyte 2 a task fans out by calling the task for each item: "
        "`flyte.map(task, items)` (a generator: wrap it in `list(...)`) in a sync task, or "
        "`asyncio.gather(*(task(x) for x in items))` in an async one."
        " Severity: warning: a migration step: this is Flyte 1 code, which runs where flytekit is installed and "
        "fails under the Flyte 2 SDK alone; the code cannot show which one it is meant for."
    )
    INVALID = [
        Case(
            """
            from flytekit import map_task, task, workflow

            @task
            def square(x: int) -> int:
                return x * x

            @workflow
            def main(xs: list[int]) -> list[int]:
                return map_task(square, concurrency=4)(x=xs)  # expect: FLY504
            """,
            message="`map_task(square)` is Flyte 1: use `list(flyte.map(square, xs, concurrency=4, "
            "return_exceptions=False))` in a sync task, or `[r async for r in flyte.map.aio(square, xs, concurrency=4, "
            "return_exceptions=False)]` in an async one (return_exceptions=False: a failed item fails the map, as in "
            "Flyte 1)" + MIGRATE_NOTE,
        ),
        Case(
            """
            from functools import partial

            import flytekit
            from flytekit import map_task, task, workflow

            @task
            def scale(value: int, factor: int) -> int:
                return value * factor

            @workflow
            def main(values: list[int]) -> list[int]:
                a = map_task(partial(scale, factor=2), concurrency=3)(value=values)  # expect: FLY504
                b = flytekit.map_task(scale, min_success_ratio=0.5)(value=values, factor=values)  # expect: FLY504
                return a
            """,
            name="map-task-forms",
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
            def main(xs: list[int]) -> list[int]:
                return list(flyte.map(square, xs, concurrency=4))
            """,
        ),
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def square(x: int) -> int:
                return x * x

            def map_task(fn):
                return fn

            @env.task
            def main(xs: list[int]) -> list[int]:
                map_task(square)
                return list(flyte.map(square, xs))
            """,
            select=FLYTE1_CODES,
            name="flyte-map",
        ),
    ]
    fix = (
        "Call `list(flyte.map(task, items))` (sync) or `await asyncio.gather(*(task(x) for x in items))` "
        "(async); `concurrency=` stays on `flyte.map`."
    )

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for ref in flyte1_index(analysis).refs_to("map_task"):
            call = ref.call
            if call is None or not call.args:
                yield self.finding(
                    ref.module, ref.site, f"`{ref.label}` is Flyte 1: use `flyte.map` or `asyncio.gather`"
                )
                continue
            target = short_source(ref.module, call.args[0], 50)
            items = "items"
            outer = call.parent
            if isinstance(outer, nodes.Call) and outer.func is call:
                given = list(outer.args) + [kw.value for kw in outer.keywords or []]
                if len(given) == 1 and not isinstance(given[0], nodes.Starred):
                    items = short_source(ref.module, given[0], 30)
            concurrency = keyword_argument(call, "concurrency")
            extra = f", concurrency={short_source(ref.module, concurrency, 20)}" if concurrency is not None else ""
            # (a failed item fails the map, as in Flyte 1, unless the map tolerates failures: then they come back
            # as exception values, to count against the ratio)
            tolerant = any(kw.arg in ("min_success_ratio", "min_successes") for kw in call.keywords or [])
            mapped = f"{target}, {items}{extra}, return_exceptions={tolerant}"
            msg = (
                f"`map_task({target})` is Flyte 1: use `list(flyte.map({mapped}))` in a sync task, "
                f"or `[r async for r in flyte.map.aio({mapped})]` in an async one"
                + ("" if tolerant else " (return_exceptions=False: a failed item fails the map, as in Flyte 1)")
            )
            hints = [
                f"`{kw.arg}=` → {MAP_OPTIONS[kw.arg]}"
                for kw in call.keywords or []
                if kw.arg in MAP_OPTIONS and kw.arg != "concurrency"
            ]
            yield self.finding(ref.module, call, msg + ("; " + "; ".join(hints) if hints else ""))
