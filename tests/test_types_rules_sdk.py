"""The types rules (FLY8xx) against the SDK: each program holds several children; a task `main` calls each one through
the engine (a run) and records which fail. The rule must report exactly the children that fail."""

from __future__ import annotations

import re

import pytest

from lintutil import lint_result
from sdk_runner import requires_sdk, run_program

# Each child is called by `main`, which records "ok" or the error of each call; a name ending in `_ok` must work.
SIGNATURE_FORMS = """
import functools
from typing import Iterator

import flyte

env = flyte.TaskEnvironment("demo")


@env.task
def posonly_bad(x: int, /) -> int:
    return x


@env.task
def posonly_default_bad(x: int = 1, /) -> int:
    return x


@env.task
def kwonly_ok(*, x: int) -> int:
    return x


@env.task
def scale(x: int, factor: int = 1) -> int:
    return x * factor


class Runner:
    def __init__(self, k: int):
        self.k = k

    @env.task
    def method_bad(self, x: int) -> int:
        return x * self.k


class Holder:
    k = 2

    # (works called directly, cls pickled by reference; `Holder.classmethod_ok.aio(3)` would fail: the method
    # object hands `.aio` the unbound task, so x is missing. FLY815 stays quiet on it.)
    @classmethod
    @env.task
    async def classmethod_ok(cls, x: int) -> int:
        return x * cls.k

    @staticmethod
    @env.task
    def staticmethod_ok(x: int) -> int:
        return x + 1


@env.task
def generator_bad(n: int) -> list[int]:
    for i in range(n):
        yield i


@env.task
def generator_untyped_bad(n: int):
    yield n


@env.task
async def async_generator_bad(n: int) -> list[int]:
    for i in range(n):
        yield i


@flyte.trace
async def trace_posonly_ok(x: int, /) -> int:
    return x


@flyte.trace
async def trace_generator_ok(n: int):
    for i in range(n):
        yield i


@flyte.trace
async def trace_varargs_bad(*xs: int) -> int:
    return sum(xs)


@env.task
async def main() -> dict:
    async def gathered(agen) -> list:
        return [x async for x in agen]

    calls = {
        "posonly_bad": lambda: posonly_bad.aio(3),
        "posonly_default_bad": lambda: posonly_default_bad.aio(),
        "kwonly_ok": lambda: kwonly_ok.aio(x=3),
        "partial_ok": lambda: functools.partial(scale.aio, factor=2)(3),
        "method_bad": lambda: Runner(2).method_bad.aio(3),
        "method_with_instance_bad": lambda: Runner.method_bad.aio(Runner(2), 3),
        "classmethod_ok": lambda: Holder.classmethod_ok(3),
        "staticmethod_ok": lambda: Holder().staticmethod_ok.aio(3),
        "generator_bad": lambda: generator_bad.aio(3),
        "generator_untyped_bad": lambda: generator_untyped_bad.aio(3),
        "async_generator_bad": lambda: async_generator_bad(3),
        "async_generator_aio_bad": lambda: async_generator_bad.aio(3),
        "trace_posonly_ok": lambda: trace_posonly_ok(3),
        "trace_generator_ok": lambda: gathered(trace_generator_ok(3)),
        "trace_varargs_bad": lambda: trace_varargs_bad(1, 2),
    }
    out = {}
    for name, call in calls.items():
        try:
            await call()
            out[name] = "ok"
        except Exception as e:
            out[name] = f"{type(e).__name__}: {e}"
    return out
"""

# The def each call of SIGNATURE_FORMS runs (where FLY815 reports).
DEFS = {
    "posonly_bad": "posonly_bad",
    "posonly_default_bad": "posonly_default_bad",
    "kwonly_ok": "kwonly_ok",
    "partial_ok": "scale",
    "method_bad": "method_bad",
    "method_with_instance_bad": "method_bad",
    "classmethod_ok": "classmethod_ok",
    "staticmethod_ok": "staticmethod_ok",
    "generator_bad": "generator_bad",
    "generator_untyped_bad": "generator_untyped_bad",
    "async_generator_bad": "async_generator_bad",
    "async_generator_aio_bad": "async_generator_bad",
    "trace_posonly_ok": "trace_posonly_ok",
    "trace_generator_ok": "trace_generator_ok",
    "trace_varargs_bad": "trace_varargs_bad",
}


def _reported_defs(tmp_path, source: str, code: str) -> set[str]:
    """The defs the findings of ``code`` fall in (the nearest def at or above each finding's line)."""
    result = lint_result(tmp_path, source, select=[code])
    lines = source.lstrip("\n").split("\n")
    found = set()
    for finding in result.findings:
        if finding.code == code:
            at = finding.line - 1
            while not (match := re.match(r"\s*(?:async )?def (\w+)", lines[at])):
                at -= 1
            found.add(match.group(1))
    return found


@requires_sdk
def test_fly815_reports_exactly_the_signature_forms_that_fail(tmp_path):
    r = run_program(SIGNATURE_FORMS, entry="main")
    assert r.ok, r.summary()
    failed = {name for name, outcome in r.output.items() if outcome != "ok"}
    assert failed == {name for name in DEFS if name.endswith("_bad")}, r.output
    reported = _reported_defs(tmp_path, SIGNATURE_FORMS, "FLY815")
    assert reported == {DEFS[name] for name in failed}
    assert "positional-only arguments passed as keyword" in r.output["posonly_default_bad"]
    assert "Missing required inputs" in r.output["method_bad"]
    assert "multiple values for argument 'self'" in r.output["method_with_instance_bad"]
    assert "SyncTaskCallInAsyncContextError" in r.output["async_generator_bad"]
    assert "cannot have variable positional or keyword arguments" in r.output["trace_varargs_bad"]


@requires_sdk
@pytest.mark.parametrize(
    "signature",
    ["(*xs: int) -> int", "(x: int, **options: str) -> int", "(x, *rest, key: str = 'k') -> int"],
)
def test_fly815_star_parameters_fail_at_import(tmp_path, signature):
    source = f"""
import flyte

env = flyte.TaskEnvironment("demo")


@env.task
def child{signature}:
    return 1


@env.task
def main() -> int:
    return 1
"""
    r = run_program(source, entry="main")
    assert not r.ok and r.phase == "import" and "cannot have variable positional or keyword" in r.error, r.summary()
    assert _reported_defs(tmp_path, source, "FLY815") == {"child"}


# FLY803: each child `c_<name>` has one parameter defaulting to None; `main` converts each child's defaults the way a
# deploy does (flyte/_deploy.py: convert_upload_default_inputs) and runs each child with the argument omitted.
NONE_DEFAULT_ANNOTATIONS = {
    "int": "int",
    "str": "str",
    "bool": "bool",
    "float": "float",
    "list": "list[int]",
    "bare_list": "list",
    "dict": "dict[str, int]",
    "bare_dict": "dict",
    "tuple": "tuple[int, str]",
    "any": "Any",
    "object": "object",
    "missing": None,
    "dataclass": "Row",
    "pydantic": "Model",
    "enum": "Color",
    "union": "Union[int, str]",
    "pep604": "int | str",
    "file": "File",
    "string": "'list[int]'",
    "optional_ok": "Optional[int]",
    "pep604_none_ok": "int | None",
    "union_none_ok": "Union[int, str, None]",
    "optional_any_ok": "Optional[Any]",
    "alias_ok": "MaybeInt",
    "string_optional_ok": "'Optional[str]'",
}


def _none_default_program() -> str:
    children = []
    for name, annotation in NONE_DEFAULT_ANNOTATIONS.items():
        written = f"x: {annotation} = None" if annotation else "x=None"
        children.append(f"\n\n@env.task\ndef c_{name}({written}) -> str:\n    return repr(x)\n")
    return (
        """
import asyncio
from dataclasses import dataclass
from enum import Enum
from typing import Any, Optional, Union

import flyte
from flyte.io import File
from pydantic import BaseModel

env = flyte.TaskEnvironment("demo")
MaybeInt = Optional[int]


@dataclass
class Row:
    x: int = 0


class Model(BaseModel):
    x: int = 0


class Color(str, Enum):
    RED = "red"


# (a trace gets its omitted default as it is: FLY803 leaves traces alone)
@flyte.trace
async def traced_ok(x: int = None) -> str:
    return repr(x)
"""
        + "".join(children)
        + f"""

CHILDREN = [{", ".join(f"c_{name}" for name in NONE_DEFAULT_ANNOTATIONS)}]


@env.task
async def main() -> dict:
    from flyte._internal.runtime.convert import convert_upload_default_inputs

    out = {{}}
    for child in CHILDREN:
        try:
            await convert_upload_default_inputs(child.interface)
            deploy = "ok"
        except Exception as e:
            deploy = f"{{type(e).__name__}}: {{e}}"
        try:
            run = await child.aio()
        except Exception as e:
            run = f"failed: {{type(e).__name__}}"
        out[child.name.split(".c_", 1)[1]] = {{"deploy": deploy, "run": run}}
    out["traced_ok"] = {{"deploy": "ok", "run": await traced_ok()}}
    return out
"""
    )


@requires_sdk
def test_fly803_reports_exactly_the_none_defaults_a_deploy_rejects(tmp_path):
    source = _none_default_program()
    r = run_program(source, entry="main")
    assert r.ok, r.summary()
    rejected = {name for name, seen in r.output.items() if seen["deploy"] != "ok"}
    assert rejected == {name for name in NONE_DEFAULT_ANNOTATIONS if not name.endswith("_ok")}, r.output
    for name in rejected:
        assert "Failed to convert default value for parameter 'x'" in r.output[name]["deploy"]
        # omitted in a run: it fails, or the task gets another value than None
        assert r.output[name]["run"] != "None", (name, r.output[name])
    for name in NONE_DEFAULT_ANNOTATIONS.keys() - rejected:
        assert r.output[name]["run"] == "None", (name, r.output[name])
    assert r.output["bool"]["run"] == "False" and r.output["list"]["run"] == "[]"
    assert r.output["traced_ok"]["run"] == "None"
    assert _reported_defs(tmp_path, source, "FLY803") == {f"c_{name}" for name in rejected}


# FLY804: `main` calls each child with x=0, which takes the path the rule looks at; a child whose name ends in `_ok`
# must complete with its value, the others fail or (a tuple with no declared outputs) give None.
RETURNS = """
from typing import NoReturn, Optional

import flyte

env = flyte.TaskEnvironment("demo")


def fail(message: str) -> NoReturn:
    raise RuntimeError(message)


@env.task
def falls_off(x: int) -> str:
    if x:
        return "a"


@env.task
def return_none(x: int) -> int:
    if x:
        return x
    return None


@env.task
def bare_return(x: int) -> list[int]:
    if not x:
        return
    return [x]


@env.task
def loop_falls(x: int) -> dict[str, int]:
    for i in range(x):
        return {"i": i}


@env.task
def try_falls(x: int) -> int:
    try:
        return 1 // x
    except ZeroDivisionError:
        print("zero")


@env.task
def while_falls(x: int) -> tuple[int, str]:
    while x > 0:
        return x, "x"


@env.task
def match_falls(x: int) -> str:
    match x:
        case 1:
            return "one"


@env.task
def break_falls(x: int) -> float:
    while True:
        if not x:
            break
        return 1.0


@env.task
def none_value(x: int) -> None:
    return {"x": x}


@env.task
def untyped_value(x: int):
    return len([x])


@env.task
def untyped_tuple(x: int):
    return x, x


@env.task
def none_tuple(x: int) -> None:
    return x, x


@env.task
def forever_ok(x: int) -> int:
    while True:
        if x > 3:
            return x
        x += 1


@env.task
def branches_ok(x: int) -> str:
    if x > 0:
        return "pos"
    elif x < 0:
        return "neg"
    else:
        return "zero"


@env.task
def handled_ok(x: int) -> int:
    try:
        return 10 // x
    except ZeroDivisionError:
        return 0
    finally:
        print("done")


@env.task
def matched_ok(x: int) -> str:
    match x:
        case 1:
            return "one"
        case _:
            return "other"


@env.task
def helper_raises_ok(x: int) -> int:
    if not x:
        return 7
    fail("x")


@env.task
def optional_ok(x: int) -> Optional[int]:
    if x:
        return x


@env.task
def no_outputs_ok(x: int) -> None:
    print(x)
    return


@env.task
def untyped_none_ok(x: int):
    if x:
        return None
    return print(x)


@env.task
def nested_ok(x: int) -> int:
    def inner(y: int) -> int:
        if y:
            return y

    return inner(x) or 5


@env.task
def one_tuple_ok(x: int) -> int:
    return (x,)


@flyte.trace
async def trace_untyped_ok(x: int):
    return x


@flyte.trace
async def trace_falls_ok(x: int) -> int:
    if x:
        return x


TASKS = [v for k, v in dict(globals()).items() if isinstance(v, flyte.TaskTemplate) and k != "main"]


@env.task
async def main() -> dict:
    out = {}
    for t in TASKS:
        try:
            out[t.name.split(".", 1)[1]] = repr(await t.aio(0))
        except Exception as e:
            out[t.name.split(".", 1)[1]] = f"failed: {type(e).__name__}: {e}"
    for f in (trace_untyped_ok, trace_falls_ok):
        try:
            out[f.__name__] = repr(await f(0))
        except Exception as e:
            out[f.__name__] = f"failed: {type(e).__name__}: {e}"
    return out
"""


@requires_sdk
def test_fly804_reports_exactly_the_tasks_whose_return_fails_or_is_dropped(tmp_path):
    r = run_program(RETURNS, entry="main")
    assert r.ok, r.summary()
    outputs = r.output
    dropped = {"untyped_tuple", "none_tuple"}
    bad = {name for name, seen in outputs.items() if seen.startswith("failed") or name in dropped}
    assert bad == {name for name in outputs if not name.endswith("_ok")}, outputs
    assert outputs["untyped_tuple"] == outputs["none_tuple"] == "None"  # dropped silently
    assert "Expected no outputs" in outputs["untyped_value"] and "Expected no outputs" in outputs["none_value"]
    assert "Expected value of type <class 'str'> but got 'None'" in outputs["falls_off"]
    assert all(not seen.startswith("failed") for name, seen in outputs.items() if name.endswith("_ok")), outputs
    assert _reported_defs(tmp_path, RETURNS, "FLY804") == bad


# FLY809: `main` calls each child; a name ending in `_ok` must complete.
TUPLES = """
from typing import Any, NamedTuple, Optional, Tuple

import flyte

env = flyte.TaskEnvironment("demo")


class Stats(NamedTuple):
    low: int
    high: int


@env.task
def list_pair(x: int) -> list[int]:
    return x, x


@env.task
def bare_tuple(x: int) -> tuple:
    return x, x


@env.task
def optional_pair(x: int) -> Optional[tuple[int, int]]:
    return x, x


@env.task
def any_pair(x: int) -> Any:
    pair = (x, str(x))
    return pair


@env.task
def tuple_call(x: int) -> list[int]:
    return tuple([x, x])


@env.task
def three_for_two(x: int) -> tuple[int, str]:
    return x, "x", 3


@env.task
def list_for_two(x: int) -> tuple[int, str]:
    return [x, "x"]


@env.task
def pair_ok(x: int) -> tuple[int, str]:
    return x, str(x)


@env.task
def typing_pair_ok(x: int) -> Tuple[int, str]:
    result = (x, str(x))
    return result


@env.task
def stats_ok(x: int) -> Stats:
    return x, x + 1


@env.task
def one_item_ok(x: int) -> int:
    return (x,)


@env.task
def tuple_parameters_ok(t: tuple[int, str], u: tuple[int, ...]) -> int:
    return len(t) + len(u)


@flyte.trace
async def trace_pair(x: int) -> int:
    return x, x


@flyte.trace
async def trace_variable(x: int) -> tuple[int, ...]:
    return x, x


@flyte.trace
async def trace_one(x: int) -> Tuple[int]:
    return (x,)


@flyte.trace
async def trace_pair_ok(x: int) -> tuple[int, int]:
    return x, x


@env.task
async def main() -> dict:
    calls = {
        "tuple_parameters_ok": lambda: tuple_parameters_ok.aio((1, "a"), (1, 2, 3)),
        "trace_pair": lambda: trace_pair(3),
        "trace_variable": lambda: trace_variable(3),
        "trace_one": lambda: trace_one(3),
        "trace_pair_ok": lambda: trace_pair_ok(3),
    }
    for t in [list_pair, bare_tuple, optional_pair, any_pair, tuple_call, three_for_two, list_for_two, pair_ok,
              typing_pair_ok, stats_ok, one_item_ok]:
        calls[t.name.split(".", 1)[1]] = lambda t=t: t.aio(3)
    out = {}
    for name, call in calls.items():
        try:
            out[name] = repr(await call())
        except Exception as e:
            out[name] = f"failed: {type(e).__name__}: {e}"
    return out
"""


@requires_sdk
def test_fly809_reports_exactly_the_tuple_returns_that_fail(tmp_path):
    r = run_program(TUPLES, entry="main")
    assert r.ok, r.summary()
    failed = {name for name, seen in r.output.items() if seen.startswith("failed")}
    assert failed == {name for name in r.output if not name.endswith("_ok")}, r.output
    assert "Received 2 outputs but return annotation has 1" in r.output["list_pair"]
    assert "Received 3 outputs but return annotation has 2" in r.output["three_for_two"]
    assert "Received 1 outputs but return annotation has 2" in r.output["list_for_two"]
    assert "Variable length tuples are not supported" in r.output["trace_variable"]
    assert "found only one return variable" in r.output["trace_one"]
    assert _reported_defs(tmp_path, TUPLES, "FLY809") == failed


@requires_sdk
@pytest.mark.parametrize(
    ("annotation", "error"),
    [
        ("tuple[int, ...]", "Variable length tuples are not supported as return types"),
        ("Tuple[int]", "found only one return variable"),
        ("tuple[int]", "found only one return variable"),
    ],
)
def test_fly809_tuple_annotations_fail_at_import(tmp_path, annotation, error):
    source = f"""
from typing import Tuple

import flyte

env = flyte.TaskEnvironment("demo")


@env.task
def child(x: int) -> {annotation}:
    return (x,)


@env.task
def main() -> int:
    return 1
"""
    r = run_program(source, entry="main")
    assert not r.ok and r.phase == "import" and error in r.error, r.summary()
    assert _reported_defs(tmp_path, source, "FLY809") == {"child"}
