"""FLY802 int-for-float: an int (or bool) value where the type engine expects a float (or a bool where it expects
an int)."""

from __future__ import annotations

from collections.abc import Iterable

from flyte_lint.model.analysis import Analysis
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, Severity, register
from flyte_lint.rules.types._flows import INT_FOR_FLOAT, mismatch, positions, value_of


@register
class IntForFloat(Rule):
    code = "FLY802"
    symbol = "int-for-float"
    severity = Severity.ERROR
    pylint_number = 65  # its pylint message id is E6765; never change it once released
    scope = Scope.IMPORTERS  # (whether a def is a task, and who calls it: importers)
    summary = (
        "Reports an int-typed expression (an int literal, `len()`, `int()`, `//` of ints, a `range` item, "
        "`True`/`False`, another task's `-> int` output) that crosses the type engine where `float` is declared, "
        "and a bool where `int` is declared: a returned value, an argument, a default, an item of a `list[float]` or "
        "`dict[str, float]` display, an item `flyte.map` hands a task, an `Optional[float]` or `Union[float, ...]` "
        "position without int."
    )
    rationale = (
        "The engine checks `isinstance(value, float)` before it converts a value, so an int fails where mypy "
        'accepts it: a parent calling `child(len(xs))` for `x: float` fails with TypeError ("Expected value of '
        "type <class 'float'> but got '3' of type <class 'int'>\"), a `-> float` task returning `0` fails "
        '("failed to serialize/deserialize because of Expected value ..."), an omitted `x: float = 1` fails when '
        "the default is converted, and so do an int item of a `list[float]` or `dict[str, float]`, an int for "
        "`Optional[float]` or `Union[float, str]`, an int in a `-> tuple[float, float]` return, and an int a "
        '`@flyte.trace` function takes or returns. A bool for `int` fails too ("Expected an int, got a '
        'boolean"). Under `flyte.map` each failed item comes back as an exception value. Quiet on what the engine '
        "accepts: `Union[int, float]`, float fields of dataclasses and pydantic models (converted), tuples inside "
        "containers (their items are not checked), and values whose type is not evident (`np.float64` is a float). "
        "Severity: error: the call or the task fails, in a local run and in a cluster alike."
    )
    fix = (
        "Make the value a float: `0.0` for a literal, `float(len(xs))`, `x / n` for a ratio; or declare the "
        "parameter `int | float` when both are meant."
    )
    runtime = RuntimeSpec(
        entry="main",
        args={"xs": [1, 2, 3]},
        bad=Outcome(
            ok=False, error_contains=("Expected value of type <class 'float'> but got '3' of type <class 'int'>",)
        ),
        good=Outcome(ok=True, output=1.5),
    )

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def scale(x: float) -> float:
                return x / 2

            @env.task
            def main(xs: list[int]) -> float:
                return scale(len(xs))  # expect: FLY802
            """,
            message="`len(xs)` is an int, and `x` of task 'demo.scale' declares `float`: the engine checks the type "
            "before it converts and rejects it (\"Expected value of type <class 'float'> but got '...' of type "
            "<class 'int'>\"), though mypy accepts it. Pass a float (`float(len(xs))`)",
        ),
        Case(
            """
            import flyte
            from typing import Optional, Union

            env = flyte.TaskEnvironment("demo")

            @env.task
            def count(xs: list[int]) -> int:
                return len(xs)

            @env.task
            def ratio(total: float, weights: list[float], named: dict[str, float], cap: Optional[float] = 1) -> float:  # expect: FLY802
                return total

            @env.task
            def either(x: Union[float, str]) -> float:
                return 0  # expect: FLY802

            @env.task
            def pair(n: int) -> tuple[float, float]:
                return 1.0, len(str(n)) // 2  # expect: FLY802

            @env.task
            def flag(x: int) -> int:
                return x

            @env.task
            async def main(xs: list[int]) -> float:
                n = await count.aio(xs)
                await flag.aio(True)  # expect: FLY802
                await either.aio(3)  # expect: FLY802
                for i in range(3):
                    await ratio.aio(i, [1.0, 2], {"a": len(xs)}, cap=None)  # expect: FLY802, FLY802, FLY802
                return await ratio.aio(n, [], {})  # expect: FLY802
            """,
            name="defaults-items-unions-tuples-bools-and-task-outputs",
        ),
        Case(
            """
            import flyte as fl
            from flyte import map as fmap

            env = fl.TaskEnvironment("demo")

            @fl.trace
            async def smooth(x: float) -> float:
                return x

            @fl.trace
            async def rounded(x: float) -> float:
                return int(x)  # expect: FLY802

            @env.task
            def half(x: float) -> float:
                return x / 2

            @env.task
            async def main(n: int) -> list[float]:
                await smooth(n // 2)  # expect: FLY802
                return list(fmap(half, range(n)))  # expect: FLY802
            """,
            name="traces-and-flyte-map-items",
        ),
        Case(
            """
            # file: pkg/envs.py
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def scale(x: float, factor: float = 1.0) -> float:
                return x * factor
            # file: pkg/main.py
            import functools

            from pkg.envs import env, scale

            @env.task
            async def main(n: int) -> float:
                doubled = functools.partial(scale, factor=2)  # expect: FLY802
                await scale.override(retries=1).aio(1)  # expect: FLY802
                return await doubled(0.5)
            """,
            name="another-module-override-and-partial",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def scale(x: float) -> float:
                return x / 2

            @env.task
            def main(xs: list[int]) -> float:
                return scale(float(len(xs)))
            """,
        ),
        Case(
            """
            # file: pkg/envs.py
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def scale(x: float, factor: float = 1.0) -> float:
                return x * factor
            # file: pkg/main.py
            import functools

            import flyte as fl
            from flyte import map as fmap
            from pkg.envs import env, scale

            @env.task
            async def main(n: int) -> float:
                doubled = functools.partial(scale, factor=2.0)
                await scale.override(retries=1).aio(float(n))
                list(fmap(scale, [1.0, 2.0]))
                list(fl.map(scale, [x / 2 for x in range(n)]))
                return await doubled(n / 2)
            """,
            name="another-module-aliases-override-partial-and-map",
        ),
        Case(
            """
            from dataclasses import dataclass
            from typing import Any, Union

            import flyte
            import numpy as np
            from pydantic import BaseModel

            env = flyte.TaskEnvironment("demo")

            @dataclass
            class Point:
                x: float

            class Reading(BaseModel):
                value: float

            @env.task
            def either(x: Union[int, float]) -> Union[int, float]:
                return 0

            @env.task
            def fields(p: Point, r: Reading, pairs: list[tuple[str, float]], anything: Any, untyped) -> float:
                return np.float64(1)

            @env.task
            def ints(x: int, total: int = 0) -> int:
                return len([x])

            @env.task
            def main(n: int) -> float:
                either(3)
                fields(Point(x=1), Reading(value=2), [("a", 1)], 1, 2)
                ints(n // 2, True and 3)
                scaled = n * 2.0
                return scaled
            """,
            name="unions-with-int-fields-tuples-in-containers-and-numpy",
        ),
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def scale(x: float) -> float:
                return x

            def plain(x: float) -> float:
                return 0

            @env.task
            def main(n: int) -> float:
                total = 0
                for i in range(n):
                    total += 0.5
                return scale(total)

            @env.task
            def guarded(n: int) -> float:
                try:
                    return scale(n)
                except TypeError:  # (the engine's conversion error, raised at the call: a deliberate probe)
                    return scale(float(n))

            if __name__ == "__main__":
                scale(3)  # (outside a run: a plain call, no engine)
            """,
            name="plain-functions-rebound-names-and-calls-outside-a-run",
        ),
        Case(
            """
            class Env:
                def task(self, fn):
                    return fn

            env = Env()

            @env.task
            def helper(x: float) -> float:
                return 0
            """,
            name="another-library-task-decorator",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        seen: set[int] = set()
        for position in positions(analysis):
            value = value_of(analysis, position)
            found = mismatch(value, position.declared)
            if found is None or found.kind != INT_FOR_FLOAT or id(position.node) in seen:
                continue
            seen.add(id(position.node))
            text = position.node.as_string()
            fix = (
                f"Pass an int (`int({text})`)"
                if found.error.startswith("Expected an int")
                else f"Pass a float (`{_as_float(text)}`)"
            )
            yield self.finding(
                position.module,
                position.node,
                f"`{text}` is {found.value}, and {position.described()} declares `{found.declared}`: the engine checks "
                f'the type before it converts and {position.rejects} ("{found.error}"), though mypy accepts it. {fix}',
                **position.raises,
            )


def _as_float(text: str) -> str:
    return f"{text}.0" if text.lstrip("-").isdigit() else f"float({text})"
