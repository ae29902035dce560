"""FLY202 map-non-task: `flyte.map` handed a lambda, a plain function, a shell task or a wrong `partial`."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.calls import SHELL_CREATE
from flyte_lint.model.kinds import CallForm
from flyte_lint.model.source import rendered
from flyte_lint.model.values import ClassRef, External, FunctionRef, LambdaRef, Method, PartialRef, TaskRef
from flyte_lint.rules.base import Case, Edit, Finding, Outcome, Rule, RuntimeSpec, Scope, Suggestion, register
from flyte_lint.rules.maps._cases import SHELL_MAPPED, with_header
from flyte_lint.rules.maps._common import end, map_calls, partial_problem


def _iterated_in_place(map_call: nodes.Call) -> bool:
    """The map is iterated where it is made: ``list(flyte.map(...))``, ``for x in flyte.map(...)``."""
    parent = map_call.parent
    if isinstance(parent, nodes.Call):
        return map_call in parent.args
    return isinstance(parent, (nodes.For, nodes.Comprehension)) and parent.iter is map_call


@register
class MapNonTask(Rule):
    code = "FLY202"
    symbol = "map-non-task"
    pylint_number = 10
    scope = Scope.IMPORTERS
    summary = (
        "Reports `flyte.map` given a lambda, a plain function, a non-task callable, a shell task, or a `partial` "
        "that does not leave exactly one parameter open."
    )
    rationale = (
        "`flyte.map` submits each item as a task run, so it needs a task. A lambda or plain function fails when "
        "the map is iterated (\"'function' object has no attribute 'name'\"), and a `functools.partial` must "
        "leave exactly one parameter unspecified or the SDK raises TypeError."
        " Severity: error: the map fails when it is iterated, in local runs and in a cluster alike."
    )
    fix = "Map a task (`@env.task`), or a `functools.partial` of one that binds every parameter but the mapped one."
    runtime = RuntimeSpec(
        entry="main",
        args={"items": [1, 2]},
        bad=Outcome(ok=False, error_contains=("has no attribute 'name'",)),
        good=Outcome(ok=True, output=[2, 4]),
    )

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def main(items: list[int]) -> list[int]:
                return list(flyte.map(lambda x: x * 2, items))  # expect: FLY202
            """,
            message="`flyte.map` is given a lambda, not a task: it fails when iterated (AttributeError: no attribute "
            "'name'). Map an `@env.task` function",
        ),
        Case(
            with_header("""
            def plain(x: int) -> int:
                return x

            @flyte.trace
            async def traced(x: int) -> int:
                return x

            class Doubler:
                def __call__(self, x: int) -> int:
                    return 2 * x

            @env.task
            def main(items: list[int]) -> list:
                a = list(flyte.map(lambda x: x * 2, items))  # expect: FLY202
                b = list(flyte.map(plain, items))  # expect: FLY202
                c = list(flyte.map(str, items))  # expect: FLY202
                d = list(flyte.map(Doubler, items))  # expect: FLY202
                e = list(flyte.map(process.forward, items))  # expect: FLY202
                return a + b + c + d + e

            @env.task
            async def amain(items: list[int]) -> list:
                a = [r async for r in flyte.map.aio(traced, items)]  # expect: FLY202
                b = [r async for r in flyte.map.aio(aprocess.aio, items)]  # expect: FLY202
                return a + b
        """),
            name="not-a-task",
        ),
        Case(
            with_header("""
            from functools import partial

            def plain(x: int, y: int) -> int:
                return x + y

            @env.task
            async def main(items: list[int]) -> list:
                a = [r async for r in flyte.map.aio(functools.partial(plain, y=1), items)]  # expect: FLY202
                b = [r async for r in flyte.map.aio(partial(lambda x, y: x, y=1), items)]  # expect: FLY202
                return a + b
        """),
            name="partial-of-a-plain-function",
        ),
        Case(
            with_header("""
            @env.task
            async def three(x: int, y: int, *, z: int = 0) -> int:
                return x + y + z

            @env.task
            async def main(items: list[int]) -> list:
                a = [r async for r in flyte.map.aio(functools.partial(two, 1, 2), items)]  # expect: FLY202
                b = [r async for r in flyte.map.aio(functools.partial(two), items)]  # expect: FLY202
                c = [r async for r in flyte.map.aio(functools.partial(two, x=1, y=2), items)]  # expect: FLY202
                # defaults do not count: the SDK counts every input, z included
                d = [r async for r in flyte.map.aio(functools.partial(three, y=1), items)]  # expect: FLY202
                return a + b + c + d
        """),
            name="partial-leaving-zero-or-two-open",
        ),
        # validate_partial: none of the first len(args) + 1 inputs may be bound by keyword.
        Case(
            with_header("""
            @env.task
            async def three(x: int, y: int, z: int) -> int:
                return x + y + z

            @env.task
            async def main(items: list[int]) -> list:
                a = [r async for r in flyte.map.aio(functools.partial(two, x=1), items)]  # expect: FLY202
                b = [r async for r in flyte.map.aio(functools.partial(three, 1, y=2), items)]  # expect: FLY202
                c = [r async for r in flyte.map.aio(functools.partial(three, 1, z=2), items)]
                return a + b + c
        """),
            name="partial-binding-the-mapped-parameter-by-keyword",
        ),
        Case(SHELL_MAPPED, name="a-shell-task-mapped"),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def double(x: int) -> int:
                return x * 2

            @env.task
            def main(items: list[int]) -> list[int]:
                return list(flyte.map(double, items))
            """,
        ),
        Case(
            """
            # file: other.py
            import flyte

            other_env = flyte.TaskEnvironment("other")

            @other_env.task
            async def scale(x: int, factor: int) -> int:
                return x * factor
            # file: main.py
            import functools
            from functools import partial

            import flyte
            import other
            from other import other_env, scale

            env = flyte.TaskEnvironment("demo", depends_on=[other_env])

            @env.task
            async def two(x: int, y: int) -> int:
                return x + y

            @env.task
            def process(x: int) -> int:
                return x

            @env.task
            async def main(items: list[int]) -> list[int]:
                a = [r async for r in flyte.map.aio(two, items, items)]
                b = [r async for r in flyte.map.aio(functools.partial(two, y=1), items)]
                c = [r async for r in flyte.map.aio(partial(two, 1), items)]
                d = [r async for r in flyte.map.aio(scale, items, items)]
                e = [r async for r in flyte.map.aio(functools.partial(other.scale, factor=3), items)]
                f = [r async for r in flyte.map.aio(two.override(retries=2), items, items)]
                g = [r async for r in flyte.map.aio(functools.partial(two.override(retries=1), y=2), items)]
                return a + b + c + d + e + f + g

            @env.task
            def smain(items: list[int]) -> list[int]:
                return list(flyte.map(process.override(retries=3), items, concurrency=2))
        """,
            name="tasks-and-good-partials",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in map_calls(analysis):
            if not call.node.args or isinstance(call.node.args[0], nodes.Starred):
                continue
            first = call.node.args[0]
            value = analysis.resolver.value_of(first)
            problem = self._problem(value)
            if problem:
                # (a partial's TypeError is raised where the map is iterated: guarded there, it is the author's probe)
                typed = "fails with TypeError when iterated" in problem and _iterated_in_place(call.node)
                yield self.finding(
                    call.module,
                    first,
                    problem,
                    raises="builtins.TypeError" if typed else None,
                    raised_at=call.node if typed else None,
                )
        for used in analysis.task_object_calls:
            if used.maker == SHELL_CREATE and used.form in (CallForm.MAP, CallForm.MAP_AIO) and used.call.node.args:
                mapped = used.call.node.args[0]
                shown = f"{rendered(mapped)}.as_task()"
                yield self.finding(
                    used.call.module,
                    mapped,
                    f"`flyte.map` is given the shell task '{used.name}', which is not a task template and has no "
                    "`.aio`: every item fails with AttributeError (\"'_Shell' object has no attribute 'aio'\"), which "
                    f"the map returns as that item's result unless told otherwise. Map `{shown}`, or "
                    "await a call of it for each item in async code",
                    suggestions=[Suggestion(shown, (Edit(end(mapped), end(mapped), ".as_task()"),))],
                )

    def _problem(self, value) -> str | None:
        fails = "it fails when iterated (AttributeError: no attribute 'name')"
        if isinstance(value, LambdaRef):
            return f"`flyte.map` is given a lambda, not a task: {fails}. Map an `@env.task` function"
        if isinstance(value, FunctionRef):
            kind = "a traced function" if value.traced else "the plain function"
            return f"`flyte.map` is given {kind} '{value.func.name}', not a task: {fails}. Decorate it with `@env.task`"
        if isinstance(value, ClassRef):
            return (
                f"`flyte.map` is given the class '{value.cls.name}', not a task: {fails}. Map an `@env.task` function"
            )
        if isinstance(value, External) and value.path.startswith("builtins."):
            return (
                f"`flyte.map` is given the builtin `{value.path[9:]}`, not a task: {fails}. Map an `@env.task` function"
            )
        if isinstance(value, Method) and isinstance(value.owner, TaskRef) and value.name in ("aio", "forward"):
            return (
                f"`flyte.map` is given `.{value.name}` of task '{value.owner.task.name}', a plain method: {fails}. "
                "Pass the task itself; in async code iterate `flyte.map.aio(task, ...)`"
            )
        if isinstance(value, PartialRef):
            return partial_problem(value)
        return None
