"""FLY808 boundary-type-mismatch: a value of an evident type that the type engine rejects where it is declared
(other than an int for a float, FLY802's, and a path for a File or Dir, FLY805's)."""

from __future__ import annotations

from collections.abc import Iterable

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.value_types import ValueType
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, Severity, register
from flyte_lint.rules.types._boundary_cases import NUMPY_VALUES, TASK_FLOWS
from flyte_lint.rules.types._flows import TYPE, Mismatch, Position, mismatch, positions, value_of

_LISTS = frozenset({"set", "generator", "map", "filter", "zip", "range", "tuple", "dict_keys", "dict_values"})
_LISTS |= {"dict_items", "frozenset", "enumerate", "reversed"}
_DICTS = frozenset({"collections.Counter", "collections.defaultdict", "collections.OrderedDict"})
_MAP_KEYS = "Flyte MapType expects all keys to be strings"


@register
class BoundaryTypeMismatch(Rule):
    code = "FLY808"
    symbol = "boundary-type-mismatch"
    severity = Severity.ERROR
    pylint_number = 71  # its pylint message id is E6771; never change it once released
    scope = Scope.IMPORTERS  # (whether a def is a task, and who calls it: importers)
    summary = (
        "Reports a value whose type is evident and that the type engine rejects where it crosses a task or trace "
        "boundary: a `Counter`/`defaultdict`/`OrderedDict` for `dict`; a set, generator, `map`/`filter`/`zip`/"
        "`range`, `.keys()`, `tuple(...)` or `set(...)` for `list[...]`; a `Path` or bytes for `str`; an int-keyed "
        "dict for `dict[str, ...]`; `n / 2` for `int`; a numpy reduction (`np.sum`, `np.argmax`, `np.any`) for `int` "
        "or `bool`, `np.array(...)` for `list[...]`; and another task's output whose annotation the engine will not "
        "convert (str and int, float to int, `list[int]` to `list[str]`, a tuple output into a list, a dataclass "
        "into a dict, a dataclass and a pydantic model)."
    )
    rationale = (
        "The engine checks a value's class before it converts it, far more strictly than Python: `list[int]` takes "
        "only a `list` (\"Value '{1, 2}' is not of container type <class 'list'>\"), `dict[...]` and `dict` take "
        'only a plain `dict` ("Expected a dict": a Counter, defaultdict or OrderedDict fails), `str` takes no Path '
        "(\"Expected value of type <class 'str'> but got '/tmp' of type <class 'pathlib.PosixPath'>\"), `int` takes "
        "no float and no numpy scalar (`np.sum` and `np.argmax` give numpy.int64, `np.any` numpy.bool: "
        "\"Expected value of type <class 'int'> but got '6' of type <class 'numpy.int64'>\"), `list[...]` takes no "
        'numpy array, `dict[str, ...]` takes no int key ("Flyte MapType expects all keys to be strings"), a dataclass '
        "takes no pydantic model and a pydantic model no dataclass. A parent passing such a value fails at the call; "
        "a task returning one fails when its output is converted; under `flyte.map` each item comes back as an "
        "exception value. What the engine converts stays quiet: a dict for a dataclass or a pydantic model, a bare "
        "`list` (pickled), `set[...]` and other pickled annotations, `np.float64` for `float`, and values whose "
        "type is not evident. Severity: error: the call or the task fails, in a local run and in a cluster alike."
    )
    fix = (
        "Convert the value to the declared class where it crosses: `list(...)` for a set, generator or view, "
        "`dict(counter)`, `str(path)`, `int(...)` or `//`, string keys; or declare what the value is."
    )
    runtime = RuntimeSpec(
        entry="main",
        args={"words": ["a", "b", "a"]},
        bad=Outcome(ok=False, error_contains=("Expected a dict",)),
        good=Outcome(ok=True, output=2),
    )

    INVALID = [
        Case(
            """
            from collections import Counter

            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def distinct(counts: dict[str, int]) -> int:
                return len(counts)

            @env.task
            def main(words: list[str]) -> int:
                return distinct(Counter(words))  # expect: FLY808
            """,
            message="`Counter(words)` is a Counter, and `counts` of task 'demo.distinct' declares `dict[str, int]`: "
            'the engine checks the class before it converts and rejects it ("Expected a dict"). Pass a plain dict '
            "(`dict(Counter(words))`)",
        ),
        Case(
            """
            from collections import OrderedDict, defaultdict
            from pathlib import Path

            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def total(xs: list[int]) -> int:
                return sum(xs)

            @env.task
            def name(s: str) -> str:
                return s

            @env.task
            def counts(d: dict[str, int]) -> int:
                return len(d)

            @env.task
            def halve(n: int) -> int:
                return n / 2  # expect: FLY808

            @env.task
            def unique(xs: list[int]) -> list[int]:
                return set(xs)  # expect: FLY808

            @env.task
            def grouped(xs: list[int]) -> dict:
                groups = defaultdict(list)
                return groups  # expect: FLY808

            @env.task
            def main(xs: list[int], d: dict[str, int]) -> int:
                total({1, 2})  # expect: FLY808
                total(x * 2 for x in xs)  # expect: FLY808
                total(map(int, "12"))  # expect: FLY808
                total(range(3))  # expect: FLY808
                total(tuple(xs))  # expect: FLY808
                total(d.values())  # expect: FLY808
                name(Path("/tmp") / "a.txt")  # expect: FLY808
                name(b"bytes")  # expect: FLY808
                counts({1: 2})  # expect: FLY808
                counts(OrderedDict(a=1))  # expect: FLY808
                return halve(len(xs))
            """,
            name="classes-the-engine-refuses",
        ),
        Case(
            """
            # file: pkg/envs.py
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def total(xs: list[int]) -> int:
                return sum(xs)
            # file: pkg/main.py
            import functools

            from flyte import map as fmap
            from pkg.envs import env, total

            @env.task
            async def main(xs: list[int]) -> int:
                await total.override(retries=1).aio(set(xs))  # expect: FLY808
                bound = functools.partial(total, xs=range(3))  # expect: FLY808
                results = list(fmap(total, [xs, (1, 2)]))  # expect: FLY808
                return await bound()
            """,
            name="another-module-override-partial-and-map-items",
        ),
        TASK_FLOWS,
        NUMPY_VALUES,
    ]
    VALID = [
        Case(
            """
            from collections import Counter

            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def distinct(counts: dict[str, int]) -> int:
                return len(counts)

            @env.task
            def main(words: list[str]) -> int:
                return distinct(dict(Counter(words)))
            """,
        ),
        Case(
            """
            # file: pkg/envs.py
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def total(xs: list[int]) -> int:
                return sum(xs)
            # file: pkg/main.py
            import functools

            import flyte as fl
            from flyte import map as fmap
            from pkg.envs import env, total

            @env.task
            async def main(xs: list[int]) -> int:
                await total.override(retries=1).aio(sorted(set(xs)))
                bound = functools.partial(total, xs=list(range(3)))
                list(fmap(total, [xs, [1, 2]]))
                list(fl.map(total, [[i] for i in range(3)]))
                return await bound()
            """,
            name="another-module-aliases-override-partial-and-map",
        ),
        Case(
            """
            from dataclasses import dataclass
            from typing import Any

            import flyte
            import numpy as np
            from pydantic import BaseModel

            env = flyte.TaskEnvironment("demo")

            @dataclass
            class Point:
                x: int

            class Model(BaseModel):
                x: int

            class Custom:
                pass

            @env.task
            def take(p: Point, m: Model, s: set[int], bare: list, anything: Any, f: float, c: Custom) -> int:
                return 1

            @env.task
            def keyed(d: dict[int, str], blob: bytes) -> int:
                return 1

            @env.task
            def main(n: int) -> int:
                take({"x": 1}, {"x": 2}, [1, 2], {1, 2}, range(3), np.float64(1.5), Custom())
                keyed({1: "a"}, "text")
                return n // 2
            """,
            name="what-the-engine-converts-or-pickles",
        ),
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def total(xs: list[int]) -> int:
                return sum(xs)

            @env.task
            def pair(n: int) -> list[int]:
                return n, n  # (two outputs for one: FLY809's)

            def plain(xs: list[int]) -> int:
                return total(set(xs))  # (never called in a run)

            @env.task
            def guarded(xs: list[int]) -> int:
                try:
                    return total(set(xs))
                except TypeError:
                    return total(sorted(set(xs)))

            if __name__ == "__main__":
                total(set([1, 2]))  # (outside a run: a plain call)
            """,
            name="tuples-returned-plain-calls-and-guards",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        seen: set[int] = set()
        for position in positions(analysis):
            value = value_of(analysis, position)
            found = mismatch(value, position.declared)
            if found is None or found.kind != TYPE or id(position.node) in seen:
                continue
            seen.add(id(position.node))
            text = position.node.as_string()
            error = _MAP_KEYS if position.item_of == "a key of" else found.error
            yield self.finding(
                position.module,
                position.node,
                f"`{text}` is {found.value}, and {position.described()} declares `{found.declared}`: the engine "
                f'checks the class before it converts and {position.rejects} ("{error}"). {_fix(text, value, found, position)}',
                **(position.raises if position.item_of != "a key of" else {"raises": None}),
            )


def _fix(text: str, value: ValueType | None, found: Mismatch, position: Position) -> str:
    name = value.name if value is not None else ""
    if position.item_of == "a key of":
        return f"Use a string key (`str({text})`), or declare `dict[int, ...]`"
    if value is not None and value.declared is not None:
        return "Convert the output to the declared class first, or make the two annotations agree"
    if name in _DICTS:
        return f"Pass a plain dict (`dict({text})`)"
    if name in _LISTS:
        return f"Pass a list (`list({text})`)"
    if name == "pathlib.Path":
        return f"Pass a string (`str({text})`)"
    if name == "bytes":
        return f"Decode it (`{text}.decode()`)"
    if name == "float" and found.declared.startswith("int"):
        return "Use `//` for an int result, or `int(...)`, or declare `float`"
    return "Convert it to the declared class, or declare what it is"
