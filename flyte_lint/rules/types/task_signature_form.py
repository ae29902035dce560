"""FLY815 task-signature-form: a task (or trace) def of a form the SDK cannot run: `*args`/`**kwargs`,
positional-only parameters, a method, a generator."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.annotations import signature_types
from flyte_lint.model.kinds import ParamKind
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, Severity, register
from flyte_lint.rules.types._common import Boundary, boundaries, own_yields

_VARIADIC = '(ValueError: "Function {name} cannot have variable positional or keyword arguments")'


@register
class TaskSignatureForm(Rule):
    code = "FLY815"
    symbol = "task-signature-form"
    severity = Severity.ERROR
    pylint_number = 78  # its pylint message id is E6778; never change it once released
    scope = Scope.IMPORTERS  # (whether a def is a task: `env.task(fn)` in an importer makes one)
    summary = (
        "Reports a task def the SDK cannot run: `*args`/`**kwargs` (also on a `@flyte.trace` function), "
        "positional-only parameters, a method (`self` first), or `yield` in the body."
    )
    rationale = (
        "The SDK turns a task's parameters into named inputs and its return value into outputs. `*args` and "
        "`**kwargs` have no names: `@env.task` raises ValueError when the module is imported, and a trace with "
        "them fails when a task calls it. Every input reaches the function by keyword, so a positional-only "
        "parameter makes every run fail with TypeError. A task object is not bound to an instance: "
        '`obj.method(x)` passes `x` as `self` ("Missing required inputs"), and passing the instance collides '
        "with the SDK's own `execute(self, ...)` (\"got multiple values for argument 'self'\"). A generator task "
        "returns a generator object, which the engine can neither convert nor pickle; an `async def` with "
        "`yield` is an async generator function, which the SDK takes for a sync task, so awaiting it raises "
        "SyncTaskCallInAsyncContextError. (A `@flyte.trace` function may be a generator, and may have "
        "positional-only parameters: both work.) Keyword-only parameters and `functools.partial` of a task are fine."
        " Severity: error: each form fails on every run (or at import), in a local run and in a cluster alike."
    )
    fix = (
        "Give every input its own named, annotated parameter (a `list[...]` or `dict[str, ...]` one for a "
        "variable number of values), drop the `/`, move a method's body to a module-level task that takes what it "
        "needs as inputs, and return a list instead of yielding."
    )
    runtime = RuntimeSpec(
        entry="main",
        args={"xs": [1, 2, 3]},
        bad=Outcome(ok=False, phase="import", error_contains=("cannot have variable positional or keyword",)),
        good=Outcome(ok=True, output=6),
    )

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def total(*xs: int) -> int:  # expect: FLY815
                return sum(xs)

            @env.task
            def main(xs: list[int]) -> int:
                return total(*xs)
            """,
            message="task 'demo.total' has `*xs`: the SDK needs a name for every input and raises when the module is "
            'imported (ValueError: "Function total cannot have variable positional or keyword arguments"). '
            "Declare each input as a named, annotated parameter (a `list[...]` or `dict[str, ...]` one for a "
            "variable number of values)",
        ),
        Case(
            """
            import flyte as fl

            env = fl.TaskEnvironment("demo")

            @env.task
            async def options(name: str, **extra: str) -> str:  # expect: FLY815
                return name

            @fl.trace
            async def step(*parts: str) -> str:  # expect: FLY815
                return "".join(parts)

            def plain(*args, **kwargs):  # expect: FLY815
                return args

            async def wrapped(**kwargs) -> dict:  # expect: FLY815
                return kwargs

            traced = fl.trace(wrapped)
            made = env.task(plain)  # (reported at the def)
            """,
            name="kwargs-traces-and-env-task-call",
        ),
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def scale(x: int, /, factor: int = 2) -> int:  # expect: FLY815
                return x * factor
            """,
            message="task 'demo.scale' has positional-only parameters (x): the SDK passes every input by keyword, so "
            'every run fails (TypeError: "scale() got some positional-only arguments passed as keyword arguments"). '
            "Remove the `/`",
            name="positional-only",
        ),
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            class Trainer:
                def __init__(self, rate: float):
                    self.rate = rate

                @env.task
                def fit(self, epochs: int) -> float:  # expect: FLY815
                    return self.rate * epochs
            """,
            message="task 'demo.fit' is a method: the task object is not bound to the instance, so "
            '`obj.fit(...)` passes its first argument as `self` ("Missing required inputs"), and passing the '
            "instance collides with the SDK's own `execute(self, ...)` (TypeError: \"got multiple values for "
            "argument 'self'\"). Make it a module-level task that takes what it needs as inputs",
            name="method",
        ),
        Case(
            """
            import flyte
            from typing import Iterator

            env = flyte.TaskEnvironment("demo")

            @env.task
            def numbers(n: int) -> Iterator[int]:  # expect: FLY815
                for i in range(n):
                    yield i
            """,
            message="task 'demo.numbers' is a generator (`yield` on line 9): the engine gets a generator object as "
            "its output, which it can neither convert to the declared type nor pickle, so every run fails. "
            "Collect the items and return a list",
            name="sync-generator",
        ),
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def stream(n: int) -> list[int]:  # expect: FLY815
                for i in range(n):
                    yield i
            """,
            message="task 'demo.stream' is an async generator (`yield` on line 8): the SDK takes it for a sync task, "
            "so `await stream(...)` raises SyncTaskCallInAsyncContextError and its output cannot be converted. "
            "Collect the items and return a list",
            name="async-generator",
        ),
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def only_default(x: int = 1, /) -> int:  # expect: FLY815
                return x

            @env.task
            def delegated(n: int) -> list[int]:  # expect: FLY815
                yield from range(n)

            @env.task
            async def later(n: int) -> list[int]:  # expect: FLY815
                if n > 3:
                    for i in range(n):
                        yield i
            """,
            name="positional-only-with-default-yield-from-nested-yield",
        ),
        Case(
            """
            # file: pkg/envs.py
            import flyte

            env = flyte.TaskEnvironment("demo")
            # file: pkg/tasks.py
            from pkg.envs import env

            def collect(*items: str) -> list[str]:  # expect: FLY815
                return list(items)

            collect_task = env.task(collect)
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
            def total(xs: list[int]) -> int:
                return sum(xs)

            @env.task
            def main(xs: list[int]) -> int:
                return total(xs)
            """,
        ),
        Case(
            """
            import functools
            import flyte
            from typing import Iterator

            env = flyte.TaskEnvironment("demo")

            @env.task
            def scale(x: int, *, factor: int = 2) -> int:
                def inner(*args, **kwargs):
                    yield args
                return x * factor

            double = functools.partial(scale, factor=2)

            @flyte.trace
            async def chunks(n: int, /):
                for i in range(n):
                    yield i

            @flyte.trace
            def lines(n: int) -> Iterator[str]:
                yield from map(str, range(n))

            class Helpers:
                @staticmethod
                def add(*args: int) -> int:
                    return sum(args)

            def plain(*args, **kwargs):
                yield args

            @env.task
            async def main(x: int) -> int:
                values = [v async for v in chunks(x)]
                return scale(x) + double(x) + len(values) + Helpers.add(1, 2)
            """,
            name="keyword-only-partial-traces-nested-defs-plain-functions",
        ),
        # (a classmethod or staticmethod over a task runs when called directly: cls is pickled by reference)
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            class Holder:
                k = 2

                @classmethod
                @env.task
                async def scaled(cls, x: int) -> int:
                    return x * cls.k

                @staticmethod
                @env.task
                def plain(x: int) -> int:
                    return x + 1
            """,
            name="classmethod-and-staticmethod-over-a-task",
        ),
        Case(
            """
            import flyte

            class Env:
                def task(self, fn):
                    return fn

            env = Env()

            @env.task
            def total(*xs: int) -> int:
                yield sum(xs)
            """,
            name="another-library-task-decorator",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for boundary in boundaries(analysis):
            message = _problem(analysis, boundary)
            if message is not None:
                yield self.finding(boundary.module, _def_line(boundary.func), message)


def _def_line(func: nodes.FunctionDef) -> nodes.NodeNG:
    """Where a finding on the def goes: its parameters, on the `def` line (the def itself starts at its first
    decorator); a def without parameters has no position for them: the def."""
    return func.args if func.args.lineno is not None else func


def _problem(analysis: Analysis, boundary: Boundary) -> str | None:
    func, label = boundary.func, boundary.label
    signature = signature_types(analysis, func)
    star = signature.var_positional or signature.var_keyword
    if star is not None:
        written = f"*{star.vararg}" if signature.var_positional is not None else f"**{star.kwarg}"
        when = "raises when the module is imported" if boundary.task is not None else "fails when a task calls it"
        return (
            f"{label} has `{written}`: the SDK needs a name for every input and {when} "
            f"{_VARIADIC.format(name=func.name)}. Declare each input as a named, annotated parameter (a `list[...]` "
            "or `dict[str, ...]` one for a variable number of values)"
        )
    if boundary.task is None:
        return None  # (a trace may have positional-only parameters, and may be a generator)
    positional_only = [p.name for p in signature.params if p.kind is ParamKind.POSITIONAL_ONLY]
    if positional_only:
        return (
            f"{label} has positional-only parameters ({', '.join(positional_only)}): the SDK passes every input by "
            f'keyword, so every run fails (TypeError: "{func.name}() got some positional-only arguments passed as '
            'keyword arguments"). Remove the `/`'
        )
    if isinstance(func.parent, nodes.ClassDef) and signature.params and signature.params[0].name == "self":
        return (
            f"{label} is a method: the task object is not bound to the instance, so `obj.{func.name}(...)` passes "
            'its first argument as `self` ("Missing required inputs"), and passing the instance collides with the '
            "SDK's own `execute(self, ...)` (TypeError: \"got multiple values for argument 'self'\"). Make it a "
            "module-level task that takes what it needs as inputs"
        )
    yields = own_yields(func)
    if yields:
        if isinstance(func, nodes.AsyncFunctionDef):
            return (
                f"{label} is an async generator (`yield` on line {yields[0].lineno}): the SDK takes it for a sync "
                f"task, so `await {func.name}(...)` raises SyncTaskCallInAsyncContextError and its output cannot be "
                "converted. Collect the items and return a list"
            )
        return (
            f"{label} is a generator (`yield` on line {yields[0].lineno}): the engine gets a generator object as its "
            "output, which it can neither convert to the declared type nor pickle, so every run fails. Collect the "
            "items and return a list"
        )
    return None
