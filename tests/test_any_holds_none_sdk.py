"""FLY801 against the SDK: each form below is a task that `main` runs through the engine; a form whose name ends in
`_bad` must fail ("Cannot pickle None Value."), one ending in `_ok` must work, and the rule must report exactly
inside the failing forms (or the def a failing form calls, as DEFS says)."""

from __future__ import annotations

import re

import pytest

from lintutil import lint_result
from sdk_runner import MODES, requires_cluster_mode, requires_sdk, run_program

NONE_FORMS = """
import functools
import os
from dataclasses import dataclass
from typing import Any, Optional

import flyte
import pydantic

env = flyte.TaskEnvironment("demo")


def lookup(key: str) -> Optional[str]:
    return None if not key else key


@dataclass
class Row:
    value: Any = None


class Model(pydantic.BaseModel):
    value: Any = None


@env.task
def child(x: Any) -> int:
    return 1


@env.task
def untyped(x) -> int:
    return 1


@env.task
def takes_dict(d: dict[str, Any]) -> int:
    return 1


@env.task
def two(a: int, b: Any) -> int:
    return a


@env.task
def takes_tuple(t: tuple[int, Any]) -> int:
    return t[0]


@env.task
def item(x: Any) -> int:
    return 1


@flyte.trace
async def record(event: Any) -> int:
    return 1


@flyte.trace
async def collect(n: int) -> list[Any]:
    return [n, None]


@flyte.trace
async def traced_any(n: int) -> Any:
    return None


# -- outputs --------------------------------------------------------------------------------------------
@env.task
def any_none_bad() -> Any:
    return None


@env.task
def object_bare_bad() -> object:
    return


@env.task
def list_any_bad() -> list[Any]:
    return [1, None]


@env.task
def dict_any_bad() -> dict[str, Any]:
    return {"a": 1, "b": None}


@env.task
def rows_bad() -> list[dict[str, Any]]:
    row = {"a": None}
    return [row]


@env.task
def environ_bad() -> dict[str, Any]:
    return {"home": os.environ.get("FLY801_SURELY_UNSET")}


@env.task
def config_get_bad() -> dict[str, object]:
    config = {"a": "1"}
    return {"user": config.get("user")}


@env.task
def lookup_bad() -> Any:
    return lookup("")


@env.task
def pair_bad() -> tuple[int, Any]:
    return 1, None


@env.task
def passthrough_bad(x: Optional[int] = None) -> Any:
    return x


@env.task
def optional_any_ok() -> Optional[Any]:
    return None


@env.task
def optional_values_ok() -> dict[str, Optional[Any]]:
    return {"a": None}


@env.task
def bare_dict_ok() -> dict:
    return {"a": None, "b": [None, {"c": None}]}


@env.task
def bare_list_ok() -> list:
    return [None, {"a": None}]


@env.task
def list_of_dicts_ok() -> list[dict]:
    return [{"a": None}]


@env.task
def int_keys_ok() -> dict[int, Any]:
    return {1: None}


@env.task
def tuples_inside_ok() -> list[tuple[int, Any]]:
    return [(1, None)]


@env.task
def dataclass_ok() -> Row:
    return Row(None)


@env.task
def pydantic_ok() -> Model:
    return Model(value=None)


@env.task
def nested_in_pickle_ok() -> Any:
    return {"a": None}


@env.task
def nested_lists_ok() -> list[Any]:
    return [[None]]


@env.task
def no_annotation_ok():
    return None


@env.task
def get_default_ok() -> dict[str, Any]:
    config = {"a": "1"}
    return {"user": config.get("user", "nobody")}


@env.task
def rebound_ok(maybe: Optional[int] = None) -> Any:
    maybe = maybe or 1
    return maybe


@env.task
def overwritten_ok() -> dict[str, Any]:
    row = {"a": None}
    row["a"] = 1
    return row


# -- inputs ---------------------------------------------------------------------------------------------
@env.task
def arg_none_bad() -> int:
    return child(None)


@env.task
def arg_unannotated_bad() -> int:
    return untyped(None)


@env.task
def arg_dict_bad() -> int:
    return takes_dict({"k": None})


@env.task
def arg_optional_bad(maybe: Optional[int] = None) -> int:
    return child(maybe)


@env.task
def arg_override_bad() -> int:
    return child.override(retries=0)(None)


@env.task
def arg_partial_bad() -> int:
    partly = functools.partial(two, 1)
    return partly(None)


@env.task
async def arg_aio_bad() -> int:
    return await child.aio(None)


@env.task
async def trace_arg_bad() -> int:
    return await record(None)


@env.task
async def trace_output_bad() -> int:
    return len(await collect(1))


@env.task
def map_bad() -> int:
    results = list(flyte.map(item, [1, None]))
    for r in results:
        if isinstance(r, Exception):
            raise r
    return len(results)


@env.task
def run_bad() -> int:
    return flyte.run(child, x=None).outputs()[0]


@env.task
def takes_tuple_ok() -> int:
    return takes_tuple((1, None))


@env.task
async def trace_output_ok() -> int:
    await traced_any(1)
    return 1


@env.task
def guarded_ok(maybe: Optional[int] = None) -> int:
    if maybe is None:
        return 0
    return child(maybe)


@env.task
def forward_ok() -> int:
    return child.forward(None)


FORMS = [name for name in list(globals()) if name.endswith(("_bad", "_ok"))]


@env.task
async def main() -> dict:
    out = {}
    for name in FORMS:
        try:
            await globals()[name].aio()
            out[name] = "ok"
        except Exception as e:
            out[name] = f"{type(e).__name__}: {e}"
    return out
"""

# The def a finding falls in -> the form it makes fail (a form's own def unless listed).
DEFS = {"collect": "trace_output_bad"}


def _reported_forms(tmp_path, source: str, code: str) -> set[str]:
    result = lint_result(tmp_path, source, select=[code])
    lines = source.lstrip("\n").split("\n")
    found = set()
    for finding in result.findings:
        at = finding.line - 1
        while not (match := re.match(r"\s*(?:async )?def (\w+)", lines[at])):
            at -= 1
        found.add(DEFS.get(match.group(1), match.group(1)))
    return found


@requires_sdk
@pytest.mark.parametrize(
    "mode", [pytest.param(m, marks=[requires_cluster_mode] if m == "cluster" else []) for m in MODES]
)
def test_fly801_reports_exactly_the_forms_that_fail(tmp_path, mode):
    r = run_program(NONE_FORMS, entry="main", mode=mode)
    assert r.ok, r.summary()
    failed = {name for name, outcome in r.output.items() if outcome != "ok"}
    assert failed == {name for name in r.output if name.endswith("_bad")}, r.output
    for name in failed:
        assert "Cannot pickle None Value" in r.output[name], (name, r.output[name])
    assert _reported_forms(tmp_path, NONE_FORMS, "FLY801") == failed
