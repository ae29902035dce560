"""FLY205 map-exceptions-ignored, against the SDK: what `flyte.map` hands back for a failed item, which uses of the
results hide it (the parent completes: reported) and which surface it (the parent fails: quiet), in a local run and
in cluster mode alike. Each variant is linted and run."""

from __future__ import annotations

import pytest

from lintutil import lint
from sdk_runner import MODES, requires_cluster_mode, requires_sdk, run_program

HEADER = """\
import json
import logging

import flyte

env = flyte.TaskEnvironment("demo")
log = logging.getLogger(__name__)


@env.task
async def process(x: int) -> int:
    if x == 2:
        raise ValueError("bad item")
    return x * 2
"""

# name -> (main, reported by FLY205, what the run of main([1, 2, 3]) gives: an output, or the text of its error)
HIDDEN = {
    "len": (
        """
@env.task
async def main(items: list[int]) -> str:
    results = [r async for r in flyte.map.aio(process, items)]
    return f"processed {len(results)} items"
""",
        "processed 3 items",
    ),
    "sync map, len": (
        """
@env.task
def main(items: list[int]) -> int:
    return len(list(flyte.map(process, items)))
""",
        3,
    ),
    "str and logging": (
        """
@env.task
async def main(items: list[int]) -> str:
    results = [r async for r in flyte.map.aio(process, items)]
    log.warning("results: %s", results)
    return str(results)
""",
        "[2, RuntimeUserError('bad item'), 6]",
    ),
    "json with default": (
        """
@env.task
async def main(items: list[int]) -> str:
    return json.dumps([r async for r in flyte.map.aio(process, items)], default=str)
""",
        '[2, "bad item", 6]',
    ),
    "dropped after iteration": (
        """
@env.task
async def main(items: list[int]) -> int:
    async for _ in flyte.map.aio(process, items):
        pass
    return 0
""",
        0,
    ),
}

SURFACED = {
    "sum": (
        """
@env.task
async def main(items: list[int]) -> int:
    results = [r async for r in flyte.map.aio(process, items)]
    return sum(results)
""",
        "bad item",
    ),
    "typed list output": (
        """
@env.task
async def main(items: list[int]) -> list[int]:
    return [r async for r in flyte.map.aio(process, items)]
""",
        "failed to serialize",
    ),
    "return_exceptions=False": (
        """
@env.task
async def main(items: list[int]) -> str:
    results = [r async for r in flyte.map.aio(process, items, return_exceptions=False)]
    return f"processed {len(results)} items"
""",
        "bad item",
    ),
    "json without default": (
        """
@env.task
async def main(items: list[int]) -> str:
    return json.dumps([r async for r in flyte.map.aio(process, items)])
""",
        "is not JSON serializable",
    ),
    "number format": (
        """
@env.task
async def main(items: list[int]) -> str:
    return ", ".join([f"{r:.2f}" async for r in flyte.map.aio(process, items)])
""",
        "unsupported format string",
    ),
}

# The author looks at each result: quiet, and the failure shows in the output.
CHECKED = """
@env.task
async def main(items: list[int]) -> str:
    results = [r async for r in flyte.map.aio(process, items)]
    failed = [r for r in results if isinstance(r, Exception)]
    return f"{len(results) - len(failed)} ok, {len(failed)} failed: " + ", ".join(
        f"{type(r).__name__}({r.code})" for r in failed
    )
"""


# A map given no valid task fails before any item runs, so nothing is hidden (quiet; FLY202 reports it): here
# flyte.map refuses a partial that binds the first parameter by keyword (TypeError on the first iteration).
PROBE = """
import functools


@env.task
async def pair(name: str, batch: int) -> str:
    return f"{name}-{batch}"


@env.task
def main(items: list[int]) -> str:
    try:
        list(flyte.map(functools.partial(pair, name="a"), items))
    except TypeError as e:
        return f"refused: {type(e).__name__}"
    return "ran"
"""


def test_a_map_of_an_invalid_partial_is_quiet(tmp_path):
    assert lint(tmp_path, HEADER + PROBE, select=["FLY205"]) == []


@requires_sdk
def test_the_invalid_partial_raises_before_any_item_runs():
    r = run_program(HEADER + PROBE, entry="main", args={"items": [1, 2]})
    assert r.ok and r.output == "refused: TypeError" and r.ran("demo.pair") == 0, r.summary()


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_a_hiding_use_is_reported(tmp_path, name):
    found = lint(tmp_path, HEADER + HIDDEN[name][0], select=["FLY205"])
    assert [code for code, _, _ in found] == ["FLY205"], found


@pytest.mark.parametrize("name", sorted(SURFACED))
def test_a_surfacing_use_is_quiet(tmp_path, name):
    assert lint(tmp_path, HEADER + SURFACED[name][0], select=["FLY205"]) == []


def test_a_checked_map_is_quiet(tmp_path):
    assert lint(tmp_path, HEADER + CHECKED, select=["FLY205"]) == []


def _modes(names):
    return [
        pytest.param(name, mode, marks=[requires_cluster_mode] if mode == "cluster" else [], id=f"{name}-{mode}")
        for name in sorted(names)
        for mode in MODES
    ]


@requires_sdk
@pytest.mark.parametrize("name, mode", _modes(HIDDEN))
def test_a_hiding_use_completes_with_the_failure_hidden(name, mode):
    source, output = HIDDEN[name]
    r = run_program(HEADER + source, entry="main", args={"items": [1, 2, 3]}, mode=mode)
    assert r.ok and r.output == output and r.ran("demo.process") == 3, r.summary()


@requires_sdk
@pytest.mark.parametrize("name, mode", _modes(SURFACED))
def test_a_surfacing_use_fails_the_parent(name, mode):
    source, error = SURFACED[name]
    r = run_program(HEADER + source, entry="main", args={"items": [1, 2, 3]}, mode=mode)
    assert not r.ok and error in (r.error or ""), r.summary()


@requires_sdk
@pytest.mark.parametrize(
    "mode", [pytest.param(m, marks=[requires_cluster_mode] if m == "cluster" else []) for m in MODES]
)
def test_a_failed_item_comes_back_as_a_runtime_user_error_value(mode):
    r = run_program(HEADER + CHECKED, entry="main", args={"items": [1, 2, 3]}, mode=mode)
    assert r.ok and r.output == "2 ok, 1 failed: RuntimeUserError(ValueError)", r.summary()
