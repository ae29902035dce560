"""FLY205 map-exceptions-ignored: the results of a `flyte.map` only counted, made text of or dropped, so the items
that failed (returned as exception values) go unnoticed."""

from __future__ import annotations

from collections.abc import Iterable

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.source import rendered
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, Severity, keyword_added, register
from flyte_lint.rules.maps._common import map_calls
from flyte_lint.rules.maps._map_exceptions_cases import INVALID_CASES, VALID_CASES
from flyte_lint.rules.maps._map_results import Hidden, map_hides_failures


@register
class MapExceptionsIgnored(Rule):
    code = "FLY205"
    symbol = "map-exceptions-ignored"
    severity = Severity.WARNING
    pylint_number = 55
    scope = Scope.MODULE  # (the map call and the function around it)
    summary = (
        "Reports a `flyte.map` / `flyte.map.aio` whose results are only counted, turned into text or dropped, "
        "with no `return_exceptions=False` and no exception check in the function."
    )
    rationale = (
        "`flyte.map` and `flyte.map.aio` default to `return_exceptions=True`: an item whose task fails comes back "
        "as its exception (a `flyte.errors.RuntimeUserError`) in place of its result, in a local run and in a "
        "cluster alike. Code that only counts the results (`len`), turns them into text (f-strings, `str`, "
        "`print`, logging, `json.dumps(..., default=...)`) or drops them after iterating never looks at them, so "
        "the parent task succeeds with the failures hidden. Arithmetic on the results is not hidden (the SDK's "
        "error value re-raises on `+`, so `sum(...)` fails with the item's error), nor is returning them as a "
        "typed list output (serializing it fails); the rule stays quiet on those, on `return_exceptions=False` "
        "and on a function that checks `isinstance(r, Exception)`."
        " Severity: warning: the task completes in every mode, and whether a failed item should fail it is the "
        "author's intent, which the code does not show (`return_exceptions=True` is the SDK's way of tolerating "
        "failed items)."
    )
    fix = (
        "Pass `return_exceptions=False` to fail on the first failed item, or check each result: "
        "`failed = [r for r in results if isinstance(r, Exception)]` and report or raise them."
    )
    # Both modes: the parent completes and counts the failed item as processed; the good example counts it.
    runtime = RuntimeSpec(
        entry="main",
        args={"items": [1, 2, 3]},
        bad=Outcome(ok=True, output="processed 3 items", ran={"demo.process": 3}),
        good=Outcome(ok=True, output="processed 2 items, 1 failed", ran={"demo.process": 3}),
        completes_because=(
            "the parent completes in both modes with the failed item counted as processed: the failure is hidden, "
            "not raised"
        ),
    )

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def process(x: int) -> int:
                if x == 2:
                    raise ValueError(f"bad item {x}")
                return x * 2

            @env.task
            async def main(items: list[int]) -> str:
                results = [r async for r in flyte.map.aio(process, items)]  # expect: FLY205
                return f"processed {len(results)} items"
            """,
            message="the results of `flyte.map.aio(...)` are only counted here: a failed item comes back as its "
            "exception (return_exceptions defaults to True), so the task succeeds with the failure hidden. Pass "
            "`return_exceptions=False`, or check `isinstance(r, Exception)` on each result",
        ),
        *INVALID_CASES,
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def process(x: int) -> int:
                if x == 2:
                    raise ValueError(f"bad item {x}")
                return x * 2

            @env.task
            async def main(items: list[int]) -> str:
                results = [r async for r in flyte.map.aio(process, items)]
                failed = [r for r in results if isinstance(r, Exception)]
                return f"processed {len(results) - len(failed)} items, {len(failed)} failed"
            """,
        ),
        *VALID_CASES,
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in map_calls(analysis):
            aio = call.external_path == "flyte.map.aio"
            uses = map_hides_failures(analysis, call.node, call.function, aio=aio)
            if not uses:
                continue
            kinds = [kind.value for kind in Hidden if kind in uses]
            how = " or ".join(kinds) if len(kinds) < 3 else f"{kinds[0]}, {kinds[1]} or {kinds[2]}"
            yield self.finding(
                call.module,
                call.node,
                f"the results of `{rendered(call.node.func)}(...)` are only {how} here: a failed item comes back as "
                "its exception (return_exceptions defaults to True), so the task succeeds with the failure hidden. "
                "Pass `return_exceptions=False`, or check `isinstance(r, Exception)` on each result",
                suggestions=[keyword_added(call.node, "return_exceptions=False")],
            )
