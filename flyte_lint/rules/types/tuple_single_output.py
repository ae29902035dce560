"""FLY809 tuple-single-output: a tuple returned where the return annotation declares another number of outputs,
and tuple return annotations the SDK refuses."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.annotations import TypeKind, output_count, signature_types
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, Severity, register
from flyte_lint.rules.types._common import Boundary, boundaries, own_nodes, own_yields, values_returned


@register
class TupleSingleOutput(Rule):
    code = "FLY809"
    symbol = "tuple-single-output"
    severity = Severity.ERROR
    pylint_number = 72  # its pylint message id is E6772; never change it once released
    scope = Scope.IMPORTERS  # (whether a def is a task: `env.task(fn)` in an importer makes one)
    summary = (
        "Reports `return a, b` or `return tuple(...)` from a task or trace whose return annotation declares one "
        "output (a bare `tuple` and `Optional[tuple[...]]` included), a tuple of another arity than "
        "`-> tuple[A, B]` declares, and the return annotations `tuple[T, ...]` and `tuple[T]`."
    )
    rationale = (
        "The engine reads a returned tuple as that many outputs, and reads only a `tuple[A, B, ...]` (or "
        "NamedTuple) return annotation as several outputs: any other annotation, a bare `tuple` or an "
        "`Optional[tuple[...]]` included, is one output. So `return a, b` from `-> list[int]` fails the run "
        '("Received 2 outputs but return annotation has 1 outputs specified"), and so does a tuple of three values '
        'for `-> tuple[int, str]`. `-> tuple[int, ...]` raises TypeError when the task is defined ("Variable '
        'length tuples are not supported as return types"), and `-> tuple[int]` too ("Tuples should be used to '
        'indicate multiple return values, found only one return variable"); a trace raises them when a task '
        "calls it. A one-item tuple `(x,)` returned for `-> int` is unpacked, and tuple parameters are fine."
        " Severity: error: the run (or the import) fails, locally and in a cluster alike."
    )
    fix = (
        "Declare the outputs: `-> tuple[int, str]` for two; to return one tuple value, return a list "
        "(`-> list[int]`) or a dataclass; write `-> int` for one value."
    )
    runtime = RuntimeSpec(
        entry="main",
        args={"xs": [3, 1, 2]},
        bad=Outcome(ok=False, error_contains=("Received 2 outputs but return annotation has 1",)),
        good=Outcome(ok=True, output=[1, 3]),
    )

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def bounds(xs: list[int]) -> list[int]:
                return min(xs), max(xs)  # expect: FLY809

            @env.task
            def main(xs: list[int]) -> list[int]:
                return bounds(xs)
            """,
            message="task 'demo.bounds' returns 2 values here, which the engine reads as 2 outputs, but its return "
            'annotation `list[int]` declares 1: the run fails ("Received 2 outputs but return annotation has 1 '
            'outputs specified"). Declare the outputs (`-> tuple[..., ...]`), or return a list',
        ),
        Case(
            """
            import flyte
            from typing import Any, Optional

            env = flyte.TaskEnvironment("demo")

            @env.task
            def bare(x: int) -> tuple:
                return x, x  # expect: FLY809

            @env.task
            def optional(x: int) -> Optional[tuple[int, int]]:
                if x:
                    return x, x  # expect: FLY809
                return None

            @env.task
            async def anything(x: int) -> Any:
                pair = (x, str(x))
                return pair  # expect: FLY809

            @env.task
            def converted(xs: list[int]) -> list[int]:
                return tuple(xs)  # expect: FLY809

            @env.task
            def three(x: int) -> tuple[int, str]:
                if x:
                    return x, "x", 3  # expect: FLY809
                return x, "x"
            """,
            name="single-output-forms-and-arity",
        ),
        Case(
            """
            import flyte as fl
            from typing import Tuple

            env = fl.TaskEnvironment("demo")

            @env.task
            def variable(x: int) -> tuple[int, ...]:  # expect: FLY809
                return x, x

            @env.task
            def one(x: int) -> Tuple[int]:  # expect: FLY809
                return (x,)

            @fl.trace
            async def traced(x: int) -> tuple[int, ...]:  # expect: FLY809
                return x, x

            @fl.trace
            async def traced_pair(x: int) -> int:
                return x, x  # expect: FLY809
            """,
            name="annotations-refused-and-traces",
        ),
        Case(
            """
            # file: pkg/envs.py
            import flyte

            env = flyte.TaskEnvironment("demo")
            # file: pkg/tasks.py
            from pkg.envs import env

            def split(text: str) -> str:
                return text[:1], text[1:]  # expect: FLY809

            split_task = env.task(split)
            """,
            name="env-from-another-module",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def bounds(xs: list[int]) -> list[int]:
                return [min(xs), max(xs)]

            @env.task
            def main(xs: list[int]) -> list[int]:
                return bounds(xs)
            """,
        ),
        Case(
            """
            from typing import NamedTuple, Tuple

            import flyte
            from mylib import Pair

            env = flyte.TaskEnvironment("demo")

            class Stats(NamedTuple):
                low: int
                high: int

            @env.task
            def pair(x: int) -> tuple[int, str]:
                return x, str(x)

            @env.task
            def typing_pair(x: int) -> Tuple[int, str]:
                result = (x, str(x))
                return result

            @env.task
            def stats(x: int) -> Stats:
                return x, x + 1

            @env.task
            def unknown(x: int) -> Pair:
                return x, x

            @env.task
            def one_item(x: int) -> int:
                return (x,)

            @env.task
            def takes_tuples(t: tuple[int, str], u: tuple[int, ...]) -> int:
                def inner():
                    return t, u
                return len(t)

            @env.task
            def no_outputs(x: int):
                return x, x  # (dropped silently: FLY804's)

            @env.task
            def forwards(x: int) -> tuple[int, str]:
                return pair(x)

            def plain(x: int) -> int:
                return x, x
            """,
            name="multi-outputs-namedtuple-parameters-and-unknowns",
        ),
        Case(
            """
            class Env:
                def task(self, fn):
                    return fn

            env = Env()

            @env.task
            def helper(x: int) -> int:
                return x, x
            """,
            name="another-library-task-decorator",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for boundary in boundaries(analysis):
            if own_yields(boundary.func):
                continue  # (a generator: FLY815's for a task; a traced generator's return value is no output)
            yield from self._check(analysis, boundary)

    def _check(self, analysis: Analysis, boundary: Boundary) -> Iterable[Finding]:
        func, label = boundary.func, boundary.label
        returns = signature_types(analysis, func).returns
        when = "when the task is defined" if boundary.task is not None else "when a task calls it"
        if returns.kind is TypeKind.TUPLE and returns.variadic:
            yield self.finding(
                boundary.module,
                returns.node,
                f"{label}'s return annotation `{returns.label()}` is a variable-length tuple: the SDK raises TypeError "
                f'{when} ("Variable length tuples are not supported as return types"). Return a list '
                "(`-> list[...]`), or declare each output (`-> tuple[int, int]`)",
            )
            return
        if returns.kind is TypeKind.TUPLE and not returns.bare and len(returns.args) == 1:
            yield self.finding(
                boundary.module,
                returns.node,
                f"{label}'s return annotation `{returns.label()}` is a tuple of one item: the SDK raises TypeError "
                f'{when} ("Tuples should be used to indicate multiple return values, found only one return '
                'variable"). Annotate the item itself, or return a list',
            )
            return
        declared = output_count(returns)
        if not declared or (returns.kind is TypeKind.CLASS and returns.cls is None):
            return  # (no outputs: FLY804's; an unknown annotation, or a library's name, may alias a tuple of outputs)
        for node in own_nodes(func, nodes.Return):
            if node.scope() is not func:
                continue
            returned = values_returned(analysis, node.value)
            is_tuple_call = _tuple_call(analysis, node.value)
            if is_tuple_call and declared == 1:
                message = (
                    f"{label} returns `tuple(...)` here, which the engine reads as one output per item, but its return "
                    f"annotation `{returns.label()}` declares 1: the run fails unless the tuple has exactly one item "
                    '("Received N outputs but return annotation has 1 outputs specified"). Return a list'
                )
            elif returned is not None and returned != declared and (returned >= 2 or declared >= 2):
                fix = (
                    "Declare the outputs (`-> tuple[..., ...]`), or return a list"
                    if declared == 1
                    else f"Return {declared} values"
                )
                message = (
                    f"{label} returns {returned} value{'s' if returned > 1 else ''} here, which the engine reads as "
                    f"{returned} output{'s' if returned > 1 else ''}, but its return annotation `{returns.label()}` "
                    f'declares {declared}: the run fails ("Received {returned} outputs but return annotation has '
                    f'{declared} outputs specified"). {fix}'
                )
            else:
                continue
            yield self.finding(boundary.module, node, message)


def _tuple_call(analysis: Analysis, value: nodes.NodeNG | None) -> bool:
    return (
        isinstance(value, nodes.Call)
        and isinstance(value.func, nodes.Name)
        and value.func.name == "tuple"
        and analysis.is_builtin(value.func)
    )
