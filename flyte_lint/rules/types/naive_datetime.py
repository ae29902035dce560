"""FLY810 naive-datetime: a naive datetime returned from a `-> datetime` task or passed for a `datetime` parameter
of a task: it comes back tagged UTC."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.annotations import TypeKind, TypeNode, signature_types
from flyte_lint.model.project import Module
from flyte_lint.model.source import short_source
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, Severity, register
from flyte_lint.rules.types._call_arguments import (
    arguments_for,
    calls_in_a_run,
    mapped_items,
    maps_in_a_run,
    partials_in_a_run,
    runs_of,
)
from flyte_lint.rules.types._common import Boundary, boundaries, own_nodes
from flyte_lint.rules.types._naive_datetimes import naive_datetime

_EFFECT = (
    "the engine sends it as a timestamp read as UTC, and the other side gets it back tagged UTC: it no longer equals "
    "the value sent, comparing or subtracting it and a naive datetime raises TypeError (\"can't compare "
    'offset-naive and offset-aware datetimes"), and a local time made on a machine not set to UTC names another '
    "instant. Give it a time zone where it is made (`tz=timezone.utc`, `tzinfo=timezone.utc`)"
)


@register
class NaiveDatetime(Rule):
    code = "FLY810"
    symbol = "naive-datetime"
    severity = Severity.WARNING
    pylint_number = 73  # its pylint message id is W6773; never change it once released
    scope = Scope.IMPORTERS  # (whether a def is a task, and the calls of it in the modules importing it)
    summary = (
        "Reports a naive datetime (`datetime.now()`, `utcnow()`, `datetime(...)` without tzinfo, `fromisoformat` or "
        "`strptime` of a literal without an offset) returned from a task declaring `-> datetime` (or as a "
        "`datetime` item of its tuple output), passed in a run for a task's `datetime` parameter (an argument, "
        "an item of `flyte.map`, a value a `functools.partial` binds, an input of `flyte.run`), or given as that "
        "parameter's default."
    )
    rationale = (
        "The engine turns a datetime into a protobuf timestamp, which reads a naive datetime as UTC, and turns it "
        "back into a datetime tagged UTC (flyte/types/_type_engine.py DatetimeTransformer): `datetime(2024, 1, 1, "
        "12)` arrives as `2024-01-01 12:00:00+00:00`. The run goes on, but the value is no longer the one sent "
        "(`==` with it is False), a later `<` or `-` with a naive datetime raises TypeError (\"can't compare "
        'offset-naive and offset-aware datetimes"), and a naive local time (`datetime.now()`) made where the '
        "clock is not UTC arrives shifted by the offset. `date` and `timedelta` round-trip exactly, and a "
        "`@flyte.trace` function's inputs and outputs reach it and its caller unchanged, so traces are left alone. "
        "Severity: warning: the run completes; whether the changed value breaks it depends on what the code does "
        "with it later and on the machine's time zone, a setting the code cannot show."
    )
    fix = (
        "Make the datetime aware where it is made: `datetime.now(timezone.utc)`, `datetime(2024, 1, 1, "
        'tzinfo=timezone.utc)`, `datetime.fromisoformat("2024-01-01T00:00:00+00:00")`, and compare it with aware '
        "datetimes only."
    )
    runtime = RuntimeSpec(
        entry="main",
        bad=Outcome(ok=True, output=False),
        good=Outcome(ok=True, output=True),
        completes_because=(
            "the naive datetime sent comes back tagged UTC, so `==` with the locally computed value is False: the "
            "value changed silently; a `<` or `-` with a naive datetime raises TypeError and a naive local time is "
            "shifted where the clock is not UTC (tests/test_types_boundary_values_sdk.py), which depends on the code "
            "after it and on the machine's time zone"
        ),
    )

    INVALID = [
        Case(
            """
            from datetime import datetime, timedelta

            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def deadline(start: datetime) -> datetime:
                return start + timedelta(days=1)

            @env.task
            async def main() -> bool:
                start = datetime(2024, 1, 1, 12, 0)
                end = await deadline(start)  # expect: FLY810
                return end == start + timedelta(days=1)
            """,
            message="`start` is a naive datetime (bound to `datetime(2024, 1, 1, 12, 0)`, made without tzinfo), "
            "passed for parameter "
            "`start: datetime` of task 'demo.deadline': " + _EFFECT,
        ),
        Case(
            """
            import datetime as dt
            from datetime import datetime, timedelta
            from typing import Optional

            import flyte as fl

            env = fl.TaskEnvironment("demo")

            @env.task
            def stamp() -> datetime:
                return datetime.now()  # expect: FLY810

            @env.task
            def utc_stamp() -> Optional[datetime]:
                when = dt.datetime.utcnow()
                return when  # expect: FLY810

            @env.task
            async def parsed(text: str) -> datetime:
                if text:
                    return datetime.strptime(text, "%Y-%m-%d")  # expect: FLY810
                return datetime.fromisoformat("2024-01-01T00:00:00") - timedelta(hours=1)  # expect: FLY810

            @env.task
            async def later(when: datetime, other: Optional[datetime] = None) -> int:
                return 0

            @env.task
            async def main() -> int:
                a = await later.aio(when=datetime.today())  # expect: FLY810
                b = await later(datetime.now(dt.timezone.utc), datetime.now().replace(microsecond=0))  # expect: FLY810
                return a + b
            """,
            name="returns-arguments-and-aliases",
        ),
        Case(
            """
            import functools
            from datetime import datetime, timezone

            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def later(when: datetime = datetime(2024, 1, 1), x: int = 0) -> int:  # expect: FLY810
                return 0

            @env.task
            async def pair() -> tuple[datetime, int]:
                return datetime.now(), 1  # expect: FLY810

            @env.task
            async def pair_ok() -> tuple[int, datetime]:
                return 1, datetime.now(timezone.utc)

            @env.task
            async def main() -> int:
                aware = datetime(2024, 1, 3, tzinfo=timezone.utc)
                days = [datetime(2024, 1, 2), aware]
                got = [r async for r in flyte.map.aio(later, [datetime(2024, 1, 2), aware])]  # expect: FLY810
                return len(got) + len(days)

            @env.task
            def sync_main() -> int:
                n = len(list(flyte.map(later, [datetime.now() for _ in range(2)])))  # expect: FLY810
                at_noon = functools.partial(later, datetime(2024, 1, 1, 12))  # expect: FLY810
                return n + len(list(flyte.map(at_noon, [1])))

            if __name__ == "__main__":
                flyte.init_from_config()
                flyte.run(later, when=datetime.now())  # expect: FLY810
                flyte.with_runcontext(mode="local").run(later, datetime.now(timezone.utc))
            """,
            name="defaults-tuple-outputs-and-map-items",
        ),
        Case(
            """
            # file: pkg/tasks.py
            from datetime import datetime

            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def later(when: datetime) -> int:
                return 0
            # file: pkg/main.py
            from datetime import datetime

            from pkg.tasks import env, later

            @env.task
            async def main() -> int:
                return await later(datetime.now())  # expect: FLY810
            """,
            name="task-in-another-module",
        ),
    ]
    VALID = [
        Case(
            """
            from datetime import datetime, timedelta, timezone

            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def deadline(start: datetime) -> datetime:
                return start + timedelta(days=1)

            @env.task
            async def main() -> bool:
                start = datetime(2024, 1, 1, 12, 0, tzinfo=timezone.utc)
                end = await deadline(start)
                return end == start + timedelta(days=1)
            """,
        ),
        Case(
            """
            import datetime
            from datetime import date, timedelta, timezone
            from typing import Any

            import flyte
            from mylib import parse_when

            env = flyte.TaskEnvironment("demo")

            @flyte.trace
            async def traced(when: datetime.datetime) -> datetime.datetime:
                return datetime.datetime.now()

            @env.task
            def day() -> date:
                return datetime.datetime.now().date()

            @env.task
            def aware() -> datetime.datetime:
                made = datetime.datetime.now(timezone.utc)
                return made

            @env.task
            def parsed(text: str) -> datetime.datetime:
                if text:
                    return datetime.datetime.fromisoformat("2024-01-01T00:00:00+00:00")
                if len(text) > 3:
                    return datetime.datetime.strptime(text, "%Y-%m-%d %z")
                if len(text) > 4:
                    return datetime.datetime.fromisoformat(text)
                return parse_when(text)

            @env.task
            def anything(x: Any, span: timedelta, d: date) -> str:
                return str(x)

            @env.task
            async def main() -> str:
                when = datetime.datetime.now()
                when = when.astimezone(timezone.utc)
                await traced(datetime.datetime.now())
                return anything(datetime.datetime.now(), timedelta(days=1), datetime.date.today()) + str(when)

            def outside() -> None:
                aware()
                anything(datetime.datetime.now(), timedelta(1), date.today())
            """,
            name="traces-dates-aware-unknown-and-rebound",
        ),
        Case(
            """
            from datetime import datetime

            import flyte
            import pendulum

            env = flyte.TaskEnvironment("demo")

            class Clock:
                def now(self) -> datetime:
                    return datetime.now().astimezone()

            clock = Clock()

            @env.task
            async def later(when: datetime) -> int:
                return 0

            @env.task
            async def main() -> int:
                return await later(pendulum.now()) + await later(clock.now())
            """,
            name="other-libraries-and-project-clocks",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for boundary in boundaries(analysis, traces=False):
            signature = signature_types(analysis, boundary.func)
            for value, where in _returned(boundary, signature.returns):
                how = naive_datetime(analysis, value)
                if how is not None:
                    yield self._finding(boundary.module, value, how, f"returned {where}")
            for param in signature.params:
                if not _is_datetime(param.type):
                    continue
                what = f"parameter `{param.name}: {param.type.label()}` of {boundary.label}"
                how = naive_datetime(analysis, param.default)
                if how is not None:
                    yield self._finding(boundary.module, param.default, how, f"the default of {what}")
                calls = calls_in_a_run(analysis, boundary)
                for call, value in arguments_for(calls, signature.params, param):
                    how = naive_datetime(analysis, value)
                    if how is not None:
                        yield self._finding(analysis.resolver.module_of(call), value, how, f"passed for {what}")
                for call, value in arguments_for(partials_in_a_run(analysis, boundary), signature.params, param, 1):
                    how = naive_datetime(analysis, value)
                    if how is not None:
                        where = f"bound by a functools.partial to {what}"
                        yield self._finding(analysis.resolver.module_of(call), value, how, where)
                for call, value in arguments_for(runs_of(analysis, boundary), signature.params, param, 1):
                    how = naive_datetime(analysis, value)
                    if how is not None:
                        where = f"passed to `flyte.run` for {what}"
                        yield self._finding(analysis.resolver.module_of(call), value, how, where)
                maps = maps_in_a_run(analysis, boundary)
                for call, value in mapped_items(maps, signature.params, param):
                    how = naive_datetime(analysis, value)
                    if how is not None:
                        where = f"an item `flyte.map` passes for {what}"
                        yield self._finding(analysis.resolver.module_of(call), value, how, where)

    def _finding(self, module: Module, value: nodes.NodeNG, how: str, where: str) -> Finding:
        return self.finding(
            module, value, f"`{short_source(module, value)}` is a naive datetime ({how}), {where}: {_EFFECT}"
        )


def _returned(boundary: Boundary, returns: TypeNode) -> Iterator[tuple[nodes.NodeNG, str]]:
    """The values the task's own returns give a datetime output: the whole value for `-> datetime`, the items of
    a returned tuple display for `-> tuple[..., datetime, ...]`."""
    datetimes = [i for i, item in enumerate(returns.args) if _is_datetime(item)]
    several = returns.kind is TypeKind.TUPLE and not returns.bare and not returns.variadic and datetimes
    if not _is_datetime(returns) and not several:
        return
    annotation = f"{boundary.label}, whose return annotation is `{returns.label()}`"
    for node in own_nodes(boundary.func, nodes.Return):
        if node.scope() is not boundary.func or node.value is None:
            continue
        if not several:
            yield node.value, f"from {annotation}"
        elif isinstance(node.value, nodes.Tuple) and len(node.value.elts) == len(returns.args):
            for index in datetimes:
                yield node.value.elts[index], f"as output {index} of {annotation}"


def _is_datetime(annotation: TypeNode) -> bool:
    """``datetime`` or ``Optional[datetime]``: the engine's datetime transformer converts the value."""
    members = annotation.without_none
    return len(members) == 1 and members[0].kind is TypeKind.SCALAR and members[0].path == "datetime.datetime"
