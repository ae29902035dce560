"""FLY802, FLY805 and FLY808 against the SDK: each program holds children and a task `main` that calls each form
through the engine (a run) and records which fail. A form is a line `"name": lambda: ...,` of main's `calls`
(the value crosses the engine there), or a child def of that name (the child's return crosses it). The rule must
report exactly the forms that fail: a finding on a `calls` line names that form, one in a child def names the def."""

from __future__ import annotations

import re

from lintutil import lint_result
from sdk_runner import requires_sdk, run_program

RUNNER = """
    out = {}
    for name, call in calls.items():
        try:
            await call()
            out[name] = "ok"
        except Exception as e:
            out[name] = f"{type(e).__name__}: {e}"
    return out
"""

INT_FOR_FLOAT_FORMS = (
    """
import functools
from dataclasses import dataclass
from typing import Optional, Union

import flyte
from pydantic import BaseModel

env = flyte.TaskEnvironment("demo")


@dataclass
class Point:
    x: float


class Reading(BaseModel):
    value: float


@env.task
def take_float(x: float) -> float:
    return x


@env.task
def take_int(x: int) -> int:
    return x


@env.task
def defaulted(x: float = 1) -> float:
    return x


@env.task
def float_ok(x: float = 1.0) -> float:
    return x


@env.task
def take_list(x: list[float]) -> int:
    return len(x)


@env.task
def take_dict(x: dict[str, float]) -> int:
    return len(x)


@env.task
def take_optional(x: Optional[float]) -> int:
    return 1


@env.task
def take_union(x: Union[float, str]) -> int:
    return 1


@env.task
def take_int_or_float(x: Union[int, float]) -> int:
    return 1


@env.task
def take_pairs(x: list[tuple[str, float]]) -> int:
    return 1


@env.task
def take_models(p: Point, r: Reading) -> int:
    return 1


@env.task
def count(xs: list[int]) -> int:
    return len(xs)


@env.task
def returns_literal(n: int) -> float:
    return 0


@env.task
def returns_len(n: int) -> float:
    return len(str(n))


@env.task
def returns_floordiv(n: int) -> float:
    return n // 2


@env.task
def returns_pair(n: int) -> tuple[float, float]:
    return 1.0, n


@env.task
def returns_list(n: int) -> list[float]:
    return [1.0, n]


@env.task
def returns_optional(n: int) -> Optional[float]:
    return n


@env.task
def returns_division_ok(n: int) -> float:
    return n / 2


@flyte.trace
async def trace_input(x: float) -> float:
    return x


@flyte.trace
async def trace_output(n: int) -> float:
    return n


@env.task
async def main() -> dict:
    n = await count.aio([1, 2, 3])

    async def raised(results):
        async for result in results:
            if isinstance(result, Exception):
                raise result

    calls = {
        "literal_arg": lambda: take_float.aio(0),
        "bool_arg": lambda: take_float.aio(True),
        "bool_for_int": lambda: take_int.aio(False),
        "floordiv_arg": lambda: take_float.aio(7 // 2),
        "task_output_arg": lambda: take_float.aio(n),
        "keyword_arg": lambda: take_float.aio(x=len("abc")),
        "list_item": lambda: take_list.aio([1.0, 2]),
        "dict_value": lambda: take_dict.aio({"a": 2}),
        "optional": lambda: take_optional.aio(2),
        "union_without_int": lambda: take_union.aio(2),
        "range_item_map": lambda: raised(flyte.map.aio(take_float, range(2), return_exceptions=True)),
        "list_item_map": lambda: raised(flyte.map.aio(take_float, [1.0, 2], return_exceptions=True)),
        "partial_bound": lambda: functools.partial(take_float.aio, 3)(),
        "defaulted": lambda: defaulted.aio(),
        "float_ok": lambda: float_ok.aio(),
        "float_arg_ok": lambda: take_float.aio(float(n)),
        "division_ok": lambda: take_float.aio(n / 2),
        "union_with_int_ok": lambda: take_int_or_float.aio(2),
        "tuple_in_list_ok": lambda: take_pairs.aio([("a", 1)]),
        "model_fields_ok": lambda: take_models.aio(Point(x=1), Reading(value=2)),
        "float_map_ok": lambda: raised(flyte.map.aio(take_float, [1.0, 2.0], return_exceptions=True)),
        "returns_literal": lambda: returns_literal.aio(1),
        "returns_len": lambda: returns_len.aio(1),
        "returns_floordiv": lambda: returns_floordiv.aio(5),
        "returns_pair": lambda: returns_pair.aio(1),
        "returns_list": lambda: returns_list.aio(1),
        "returns_optional": lambda: returns_optional.aio(1),
        "returns_division_ok": lambda: returns_division_ok.aio(1),
        "trace_input": lambda: trace_input(1),
        "trace_output": lambda: trace_output(1),
    }
"""
    + RUNNER
)

# What the engine raises for each failing form (flyte 2.12.1); the others must work.
INT_FOR_FLOAT_ERRORS = {
    "literal_arg": "Expected value of type <class 'float'> but got '0' of type <class 'int'>",
    "bool_arg": "Expected value of type <class 'float'> but got 'True' of type <class 'bool'>",
    "bool_for_int": "Expected an int, got a boolean",
    "floordiv_arg": "of type <class 'int'>",
    "task_output_arg": "but got '3' of type <class 'int'>",
    "keyword_arg": "but got '3' of type <class 'int'>",
    "list_item": "but got '2' of type <class 'int'>",
    "dict_value": "but got '2' of type <class 'int'>",
    "optional": "is not of type typing.Optional[float]",
    "union_without_int": "is not of type typing.Union[float, str]",
    "range_item_map": "but got '0' of type <class 'int'>",
    "list_item_map": "but got '2' of type <class 'int'>",
    "partial_bound": "but got '3' of type <class 'int'>",
    "defaulted": "but got '1' of type <class 'int'>",
    "returns_literal": "failed to serialize/deserialize because of Expected value of type <class 'float'>",
    "returns_len": "of type <class 'int'>",
    "returns_floordiv": "but got '2' of type <class 'int'>",
    "returns_pair": "variable o1",
    "returns_list": "of type <class 'int'>",
    "returns_optional": "is not of type typing.Optional[float]",
    "trace_input": "but got '1' of type <class 'int'>",
    "trace_output": "In task trace_output variable o0",
}


def _reported_forms(tmp_path, source: str, code: str) -> set[str]:
    """The form each finding of ``code`` falls in: the `calls` key on its line, or the def it is in."""
    result = lint_result(tmp_path, source, select=[code])
    lines = source.lstrip("\n").split("\n")
    found = set()
    for finding in result.findings:
        assert finding.code == code
        at = finding.line - 1
        if match := re.match(r'\s*"(\w+)": lambda', lines[at]):
            found.add(match.group(1))
            continue
        while not (match := re.match(r"\s*(?:async )?def (\w+)", lines[at])):
            at -= 1
        found.add(match.group(1))
    return found


def _check_forms(tmp_path, source: str, code: str, errors: dict[str, str]) -> None:
    r = run_program(source, entry="main", timeout=300)
    assert r.ok, r.summary()
    failed = {name for name, outcome in r.output.items() if outcome != "ok"}
    assert failed == set(errors), r.output
    for name, error in errors.items():
        assert error in r.output[name], (name, r.output[name])
    reported = _reported_forms(tmp_path, source, code)
    # (a default is reported on its def, whose name is the form's)
    assert reported == failed, (sorted(reported - failed), sorted(failed - reported))


@requires_sdk
def test_fly802_reports_exactly_the_int_for_float_forms_that_fail(tmp_path):
    _check_forms(tmp_path, INT_FOR_FLOAT_FORMS, "FLY802", INT_FOR_FLOAT_ERRORS)
