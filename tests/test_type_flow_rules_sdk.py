"""FLY802, FLY805 and FLY808 against the SDK: each program holds children and a task `main` that calls each form
through the engine (a run) and records which fail. A form is a line `"name": lambda: ...,` of main's `calls`
(the value crosses the engine there), or a child def of that name (the child's return crosses it). The rule must
report exactly the forms that fail: a finding on a `calls` line names that form, one in a child def names the def."""

from __future__ import annotations

import re

import pytest

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


@flyte.trace
def sync_trace(x: float) -> float:
    return x


@flyte.trace
def sync_trace_output(n: int) -> float:
    return n


@env.task
def sync_trace_input_caller(n: int) -> float:
    return sync_trace(n)


@env.task
def sync_trace_output_caller(n: int) -> float:
    return sync_trace_output(n)


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
        "sync_trace_input_caller": lambda: sync_trace_input_caller.aio(1),
        "sync_trace_output": lambda: sync_trace_output_caller.aio(1),
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
    "sync_trace_input_caller": "but got '1' of type <class 'int'>",
    "sync_trace_output": "In task sync_trace_output variable o0",
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


BOUNDARY_FORMS = (
    """
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass
from pathlib import Path

import flyte
from pydantic import BaseModel

env = flyte.TaskEnvironment("demo")


@dataclass
class Point:
    x: int


class Model(BaseModel):
    x: int


@env.task
def take_dict(x: dict[str, int]) -> int:
    return 1


@env.task
def take_bare_dict(x: dict) -> int:
    return 1


@env.task
def take_list(x: list[int]) -> int:
    return 1


@env.task
def take_bare_list(x: list) -> int:
    return 1


@env.task
def take_pairs(x: list[tuple[int, int]]) -> int:
    return 1


@env.task
def take_names(x: list[str]) -> int:
    return 1


@env.task
def take_str(x: str) -> int:
    return 1


@env.task
def take_int(x: int) -> int:
    return 1


@env.task
def take_bool(x: bool) -> int:
    return 1


@env.task
def take_point(x: Point) -> int:
    return 1


@env.task
def take_model(x: Model) -> int:
    return 1


@env.task
def take_set(x: set[int]) -> int:
    return 1


@env.task
def take_bytes(x: bytes) -> int:
    return 1


@env.task
def make_str(n: int) -> str:
    return "3"


@env.task
def make_float(n: int) -> float:
    return 3.0


@env.task
def make_ids(n: int) -> list[int]:
    return [n]


@env.task
def make_pair(n: int) -> tuple[int, int]:
    return n, n


@env.task
def make_point(n: int) -> Point:
    return Point(x=n)


@env.task
def make_model(n: int) -> Model:
    return Model(x=n)


@env.task
def returns_counter(n: int) -> dict[str, int]:
    return Counter("ab")


@env.task
def returns_set(n: int) -> list[int]:
    return {1, 2}


@env.task
def returns_generator(n: int) -> list[int]:
    return (i for i in range(3))


@env.task
def returns_path(n: int) -> str:
    return Path("/tmp") / "a"


@env.task
def returns_division(n: int) -> int:
    return n / 2


@env.task
def returns_int_keys(n: int) -> dict[str, int]:
    return {1: 2}


@env.task
def returns_floordiv_ok(n: int) -> int:
    return n // 2


@flyte.trace
async def trace_input(x: list[int]) -> int:
    return 1


@env.task
async def main() -> dict:
    text = await make_str.aio(1)
    number = await make_float.aio(1)
    point = await make_point.aio(1)
    ids = await make_ids.aio(1)
    pair = await make_pair.aio(1)
    model = await make_model.aio(1)

    async def raised(results):
        async for result in results:
            if isinstance(result, Exception):
                raise result

    calls = {
        "counter": lambda: take_dict.aio(Counter("ab")),
        "defaultdict": lambda: take_dict.aio(defaultdict(int, a=1)),
        "ordereddict": lambda: take_dict.aio(OrderedDict(a=1)),
        "counter_for_bare_dict": lambda: take_bare_dict.aio(Counter("ab")),
        "set": lambda: take_list.aio({1, 2}),
        "generator": lambda: take_list.aio(x for x in range(2)),
        "map": lambda: take_list.aio(map(int, "12")),
        "filter": lambda: take_list.aio(filter(None, [1, 2])),
        "zip": lambda: take_pairs.aio(zip([1], [2])),
        "range": lambda: take_list.aio(range(3)),
        "keys": lambda: take_names.aio({"a": 1}.keys()),
        "tuple_call": lambda: take_list.aio(tuple([1, 2])),
        "tuple_display": lambda: take_list.aio((1, 2)),
        "set_call": lambda: take_list.aio(set([1, 2])),
        "path": lambda: take_str.aio(Path("/tmp")),
        "bytes": lambda: take_str.aio(b"x"),
        "int_keys": lambda: take_dict.aio({1: 2}),
        "division": lambda: take_int.aio(4 / 2),
        "int_for_str": lambda: take_str.aio(3),
        "int_for_bool": lambda: take_bool.aio(1),
        "str_output_for_int": lambda: take_int.aio(text),
        "float_output_for_int": lambda: take_int.aio(number),
        "int_list_output_for_str_list": lambda: take_names.aio(ids),
        "tuple_output_for_list": lambda: take_list.aio(pair),
        "dataclass_output_for_dict": lambda: take_dict.aio(point),
        "dataclass_output_for_model": lambda: take_model.aio(point),
        "model_output_for_dataclass": lambda: take_point.aio(model),
        "map_item": lambda: raised(flyte.map.aio(take_list, [[1], (1, 2)], return_exceptions=True)),
        "trace_input": lambda: trace_input(range(2)),
        "set_for_bare_list_ok": lambda: take_bare_list.aio({1, 2}),
        "range_for_bare_list_ok": lambda: take_bare_list.aio(range(2)),
        "dict_for_dataclass_ok": lambda: take_point.aio({"x": 1}),
        "dict_for_model_ok": lambda: take_model.aio({"x": 1}),
        "set_for_set_ok": lambda: take_set.aio({1}),
        "list_for_set_ok": lambda: take_set.aio([1]),
        "str_for_bytes_ok": lambda: take_bytes.aio("text"),
        "returns_counter": lambda: returns_counter.aio(1),
        "returns_set": lambda: returns_set.aio(1),
        "returns_generator": lambda: returns_generator.aio(1),
        "returns_path": lambda: returns_path.aio(1),
        "returns_division": lambda: returns_division.aio(1),
        "returns_int_keys": lambda: returns_int_keys.aio(1),
        "returns_floordiv_ok": lambda: returns_floordiv_ok.aio(1),
    }
"""
    + RUNNER
)

BOUNDARY_ERRORS = {
    "counter": "Expected a dict",
    "defaultdict": "Expected a dict",
    "ordereddict": "Expected a dict",
    "counter_for_bare_dict": "Expected a dict",
    "set": "is not of container type <class 'list'>",
    "generator": "is not of container type <class 'list'>",
    "map": "is not of container type <class 'list'>",
    "filter": "is not of container type <class 'list'>",
    "zip": "is not of container type <class 'list'>",
    "range": "is not of container type <class 'list'>",
    "keys": "is not of container type <class 'list'>",
    "tuple_call": "is not of container type <class 'list'>",
    "tuple_display": "is not of container type <class 'list'>",
    "set_call": "is not of container type <class 'list'>",
    "path": "of type <class 'pathlib.PosixPath'>",
    "bytes": "of type <class 'bytes'>",
    "int_keys": "Flyte MapType expects all keys to be strings",
    "division": "Expected value of type <class 'int'> but got '2.0' of type <class 'float'>",
    "int_for_str": "Expected value of type <class 'str'> but got '3' of type <class 'int'>",
    "int_for_bool": "of type <class 'int'>",
    "str_output_for_int": "but got '3' of type <class 'str'>",
    "float_output_for_int": "but got '3.0' of type <class 'float'>",
    "int_list_output_for_str_list": "Expected value of type <class 'str'> but got '1' of type <class 'int'>",
    "tuple_output_for_list": "is not of container type <class 'list'>",
    "dataclass_output_for_dict": "is not of container type <class 'dict'>",
    "dataclass_output_for_model": "has no attribute 'model_dump_json'",
    "model_output_for_dataclass": "must be called with a dataclass type or instance",
    "map_item": "is not of container type <class 'list'>",
    "trace_input": "is not of container type <class 'list'>",
    "returns_counter": "Expected a dict",
    "returns_set": "is not of container type <class 'list'>",
    "returns_generator": "is not of container type <class 'list'>",
    "returns_path": "of type <class 'pathlib.PosixPath'>",
    "returns_division": "but got '0.5' of type <class 'float'>",
    "returns_int_keys": "Flyte MapType expects all keys to be strings",
}


@requires_sdk
def test_fly808_reports_exactly_the_boundary_type_forms_that_fail(tmp_path):
    _check_forms(tmp_path, BOUNDARY_FORMS, "FLY808", BOUNDARY_ERRORS)


PATH_FORMS = (
    """
import os
import tempfile
from pathlib import Path
from typing import Optional

import flyte
from flyte.io import DataFrame, Dir, File

env = flyte.TaskEnvironment("demo")
ROOT = tempfile.mkdtemp()
LOCAL = os.path.join(ROOT, "a.txt")
with open(LOCAL, "w") as handle:
    handle.write("hi")


@env.task
def take_file(x: File) -> int:
    return 1


@env.task
def take_optional_file(x: Optional[File]) -> int:
    return 1


@env.task
def take_dir(x: Dir) -> int:
    return 1


@env.task
def take_files(x: list[File]) -> int:
    return 1


@env.task
def take_frame(x: DataFrame) -> int:
    return 1


@env.task
def defaulted_file(x: File = "a.txt") -> int:
    return 1


@env.task
def returns_join(n: int) -> File:
    return os.path.join(ROOT, "a.txt")


@env.task
def returns_path(n: int) -> File:
    return Path(ROOT) / "a.txt"


@env.task
def returns_tempdir(n: int) -> Dir:
    return tempfile.mkdtemp()


@env.task
def returns_fstring(n: int) -> File:
    return f"{ROOT}/a.txt"


@env.task
def returns_uri(n: int) -> File:
    return "s3://bucket/a.txt"


@env.task
def returns_files(n: int) -> list[File]:
    return [LOCAL]


@env.task
async def returns_unawaited(n: int) -> File:
    return File.from_local(LOCAL)


@env.task
def returns_frame_path(n: int) -> DataFrame:
    return "data.parquet"


@env.task
async def returns_awaited_ok(n: int) -> File:
    return await File.from_local(LOCAL)


@env.task
def returns_sync_upload_ok(n: int) -> File:
    return File.from_local_sync(LOCAL)


@env.task
def returns_remote_ok(n: int) -> File:
    return File.from_existing_remote(LOCAL)


@env.task
def returns_str_ok(n: int) -> str:
    return os.path.join(ROOT, "a.txt")


@flyte.trace
async def trace_file(x: File) -> int:
    return 1


@env.task
async def main() -> dict:
    uploaded = await File.from_local(LOCAL)

    async def raised(results):
        async for result in results:
            if isinstance(result, Exception):
                raise result

    calls = {
        "str_arg": lambda: take_file.aio(LOCAL),
        "path_arg": lambda: take_file.aio(Path(LOCAL)),
        "fstring_arg": lambda: take_file.aio(f"{ROOT}/a.txt"),
        "join_arg": lambda: take_file.aio(os.path.join(ROOT, "a.txt")),
        "optional_arg": lambda: take_optional_file.aio(Path(LOCAL)),
        "tempdir_arg": lambda: take_dir.aio(tempfile.mkdtemp()),
        "list_item": lambda: take_files.aio([uploaded, LOCAL]),
        "frame_arg": lambda: take_frame.aio({"a": [1]}),
        "map_item": lambda: raised(flyte.map.aio(take_file, [Path(LOCAL)], return_exceptions=True)),
        "trace_arg": lambda: trace_file(Path(LOCAL)),
        "defaulted_file": lambda: defaulted_file.aio(),
        "uploaded_ok": lambda: take_file.aio(uploaded),
        "files_ok": lambda: take_files.aio([uploaded]),
        "returns_join": lambda: returns_join.aio(1),
        "returns_path": lambda: returns_path.aio(1),
        "returns_tempdir": lambda: returns_tempdir.aio(1),
        "returns_fstring": lambda: returns_fstring.aio(1),
        "returns_uri": lambda: returns_uri.aio(1),
        "returns_files": lambda: returns_files.aio(1),
        "returns_unawaited": lambda: returns_unawaited.aio(1),
        "returns_frame_path": lambda: returns_frame_path.aio(1),
        "returns_awaited_ok": lambda: returns_awaited_ok.aio(1),
        "returns_sync_upload_ok": lambda: returns_sync_upload_ok.aio(1),
        "returns_remote_ok": lambda: returns_remote_ok.aio(1),
        "returns_str_ok": lambda: returns_str_ok.aio(1),
    }
"""
    + RUNNER
)


FILE = "Expected value of type <class 'flyte.io._file.File'>"
PATH_ERRORS = {
    "str_arg": FILE,
    "path_arg": f"{FILE} but got",
    "fstring_arg": FILE,
    "join_arg": FILE,
    "optional_arg": "is not of type typing.Optional[flyte.io._file.File]",
    "tempdir_arg": "Expected value of type <class 'flyte.io._dir.Dir'>",
    "list_item": f"{FILE} but got",
    "frame_arg": "Expected a DataFrame instance, but got <class 'dict'> instead",
    "map_item": "of type <class 'pathlib.PosixPath'>",
    "trace_arg": "of type <class 'pathlib.PosixPath'>",
    "defaulted_file": "but got 'a.txt' of type <class 'str'>",
    "returns_join": FILE,
    "returns_path": "of type <class 'pathlib.PosixPath'>",
    "returns_tempdir": "Expected value of type <class 'flyte.io._dir.Dir'>",
    "returns_fstring": FILE,
    "returns_uri": "but got 's3://bucket/a.txt' of type <class 'str'>",
    "returns_files": FILE,
    "returns_unawaited": "of type <class 'coroutine'>",
    "returns_frame_path": "Expected a DataFrame instance, but got <class 'str'> instead",
}


@requires_sdk
def test_fly805_reports_exactly_the_path_for_file_forms_that_fail(tmp_path):
    _check_forms(tmp_path, PATH_FORMS, "FLY805", PATH_ERRORS)


NUMPY_FORMS = (
    """
import flyte
import numpy as np

env = flyte.TaskEnvironment("demo")


@env.task
def take_int(x: int) -> int:
    return 1


@env.task
def take_bool(x: bool) -> int:
    return 1


@env.task
def take_float(x: float) -> int:
    return 1


@env.task
def take_list(x: list[int]) -> int:
    return 1


@env.task
def returns_sum(n: int) -> int:
    return np.sum([1, 2])


@env.task
def returns_argmax(n: int) -> int:
    return np.argmax([1, 2])


@env.task
def returns_any(n: int) -> bool:
    return np.any([True])


@env.task
def returns_array(n: int) -> list[int]:
    return np.array([1, 2])


@env.task
def returns_mean_ok(n: int) -> float:
    return np.mean([1, 2])


@env.task
def returns_allclose_ok(n: int) -> bool:
    return np.allclose([1.0], [1.0])


@env.task
async def main() -> dict:
    xs = [1, 2, 3]
    calls = {
        "sum_for_int": lambda: take_int.aio(np.sum(xs)),
        "argmax_for_int": lambda: take_int.aio(np.argmax(xs)),
        "any_for_bool": lambda: take_bool.aio(np.any(xs)),
        "argmax_for_float": lambda: take_float.aio(np.argmax(xs)),
        "array_for_list": lambda: take_list.aio(np.array(xs)),
        "mean_for_float_ok": lambda: take_float.aio(np.mean(xs)),
        "float64_ok": lambda: take_float.aio(np.float64(1)),
        "returns_sum": lambda: returns_sum.aio(1),
        "returns_argmax": lambda: returns_argmax.aio(1),
        "returns_any": lambda: returns_any.aio(1),
        "returns_array": lambda: returns_array.aio(1),
        "returns_mean_ok": lambda: returns_mean_ok.aio(1),
        "returns_allclose_ok": lambda: returns_allclose_ok.aio(1),
    }
"""
    + RUNNER
)

NUMPY_ERRORS = {
    "sum_for_int": "Expected value of type <class 'int'> but got '6' of type <class 'numpy.int64'>",
    "argmax_for_int": "of type <class 'numpy.int64'>",
    "any_for_bool": "Expected value of type <class 'bool'> but got 'True' of type <class 'numpy.bool'>",
    "argmax_for_float": "Expected value of type <class 'float'> but got '2' of type <class 'numpy.int64'>",
    "array_for_list": "is not of container type <class 'list'>",
    "returns_sum": "of type <class 'numpy.int64'>",
    "returns_argmax": "of type <class 'numpy.int64'>",
    "returns_any": "of type <class 'numpy.bool'>",
    "returns_array": "is not of container type <class 'list'>",
}


@requires_sdk
def test_fly808_reports_exactly_the_numpy_forms_that_fail(tmp_path):
    # (numpy is not in the test extra: measured with numpy 2.4 on PYTHONPATH, which the SDK's subprocess inherits)
    pytest.importorskip("numpy")
    _check_forms(tmp_path, NUMPY_FORMS, "FLY808", NUMPY_ERRORS)


PANDAS_FORMS = (
    """
import flyte
import pandas as pd
from flyte.io import DataFrame

env = flyte.TaskEnvironment("demo")


@env.task
def take_frame(x: DataFrame) -> int:
    return 1


@env.task
def take_pandas(x: pd.DataFrame) -> int:
    return len(x)


@env.task
def returns_pandas(n: int) -> DataFrame:
    return pd.DataFrame({"a": [n]})


@env.task
def returns_wrapped_ok(n: int) -> DataFrame:
    return DataFrame.from_df(pd.DataFrame({"a": [n]}))


@env.task
def returns_pandas_declared_ok(n: int) -> pd.DataFrame:
    return pd.DataFrame({"a": [n]})


@env.task
async def main() -> dict:
    calls = {
        "pandas_arg": lambda: take_frame.aio(pd.DataFrame({"a": [1]})),
        "wrapped_arg_ok": lambda: take_frame.aio(DataFrame.from_df(pd.DataFrame({"a": [1]}))),
        "pandas_for_pandas_ok": lambda: take_pandas.aio(pd.DataFrame({"a": [1]})),
        "returns_pandas": lambda: returns_pandas.aio(1),
        "returns_wrapped_ok": lambda: returns_wrapped_ok.aio(1),
        "returns_pandas_declared_ok": lambda: returns_pandas_declared_ok.aio(1),
    }
"""
    + RUNNER
)

PANDAS_ERRORS = {
    "pandas_arg": "Expected a DataFrame instance, but got <class 'pandas.DataFrame'> instead",
    "returns_pandas": "Expected a DataFrame instance, but got <class 'pandas.DataFrame'> instead",
}


@requires_sdk
def test_fly805_reports_a_pandas_dataframe_for_a_flyte_dataframe(tmp_path):
    # (pandas and pyarrow are not in the test extra: measured with pandas 3.1 and pyarrow 26)
    pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    _check_forms(tmp_path, PANDAS_FORMS, "FLY805", PANDAS_ERRORS)
