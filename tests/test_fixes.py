"""Autofix mechanics: exact edits, unsafe gating, overlaps, idempotence, never writing code that does not parse."""

from __future__ import annotations

import ast

import pytest

from flyte_lint.findings import Edit, Finding, Fix, Severity
from flyte_lint.fixes import apply_edits, fixed_text
from lintutil import lint_result, split_files
from sdk_runner import requires_cluster_mode, requires_sdk, run_program

MAP_DISCARDED = """
import flyte

env = flyte.TaskEnvironment("demo")

@env.task
def process(x: int) -> int:
    return x * 2

@env.task
def main(items: list[int]) -> None:
    flyte.map(process, items)  # keep this comment
"""

MAP_AIO_DISCARDED = """
import flyte

env = flyte.TaskEnvironment("demo")

@env.task
async def process(x: int) -> int:
    return x * 2

@env.task
async def main(items: list[int]) -> None:
    flyte.map.aio(process, items)
"""


def _fix(tmp_path, source, unsafe):
    result = lint_result(tmp_path, source)
    module = result.files[0]
    return fixed_text(module.text, result.findings, unsafe)


def test_unconsumed_map_fix_is_unsafe_and_wraps_in_list(tmp_path):
    text, applied = _fix(tmp_path, MAP_DISCARDED, unsafe=False)
    assert applied == [] and "list(" not in text
    text, applied = _fix(tmp_path, MAP_DISCARDED, unsafe=True)
    assert [f.code for f in applied] == ["FLY201"]
    assert "    list(flyte.map(process, items, return_exceptions=False))  # keep this comment\n" in text
    ast.parse(text)


def test_unconsumed_map_aio_fix_uses_an_async_comprehension(tmp_path):
    text, applied = _fix(tmp_path, MAP_AIO_DISCARDED, unsafe=True)
    assert "[r async for r in flyte.map.aio(process, items, return_exceptions=False)]" in text
    ast.parse(text)


def test_fixing_twice_changes_nothing_more(tmp_path):
    text, _ = _fix(tmp_path, MAP_DISCARDED, unsafe=True)
    again, applied = _fix(tmp_path / "again", text, unsafe=True)
    assert again == text and applied == []


def _finding(line, col, end_col, fix):
    return Finding("FLY999", "x", Severity.ERROR, "m", "f.py", line, col + 1, line, end_col + 1, fix=fix)


def test_overlapping_fixes_apply_one_and_leave_the_other_for_the_next_run():
    text = "a = foo(bar)\n"
    first = _finding(1, 4, 12, Fix((Edit((1, 4), (1, 7), "baz"),), True, "rename"))
    second = _finding(1, 4, 12, Fix((Edit((1, 4), (1, 12), "qux()"),), True, "replace"))
    new, applied = fixed_text(text, [first, second], unsafe=False)
    assert len(applied) == 1 and new in ("a = baz(bar)\n", "a = qux()\n")


def test_edits_use_utf8_byte_columns_as_astroid_does():
    text = 'x = "é"; y = f(1)\n'
    column = len('x = "é"; y = '.encode())  # astroid's col_offset counts bytes
    assert apply_edits(text, [Edit((1, column), (1, column + 1), "g")]) == 'x = "é"; y = g(1)\n'


# FLY201's fix and advice follow the code they are in: `list(flyte.map(...))` in sync code, an async
# comprehension over `flyte.map.aio(...)` in async code (a sync map there blocks the loop: FLY105), and never
# `list(flyte.map.aio(...))` (FLY203).

SYNC_MAP_IN_ASYNC = """
import flyte
from flyte import map as fmap

env = flyte.TaskEnvironment("demo")

@env.task
def process(x: int) -> int:
    return x * 2

@env.task
async def main(items: list[int]) -> None:
    flyte.map(process, items)
    fmap(process, items)
"""

AIO_MAP_IN_SYNC = """
import flyte

env = flyte.TaskEnvironment("demo")

@env.task
async def process(x: int) -> int:
    return x * 2

@env.task
def main(items: list[int]) -> None:
    flyte.map.aio(process, items)
"""

BOUND_AIO_MAP = """
import flyte

env = flyte.TaskEnvironment("demo")

@env.task
async def process(x: int) -> int:
    return x * 2

@env.task
async def main(items: list[int]) -> None:
    results = flyte.map.aio(process, items)
    print(results)
"""

HELPER_ON_THE_LOOP = """
import flyte

env = flyte.TaskEnvironment("demo")

@env.task
def process(x: int) -> int:
    return x * 2

def submit(items: list[int]) -> None:
    flyte.map(process, items)

@env.task
async def main(items: list[int]) -> None:
    submit(items)
"""


def _lint_fixed(tmp_path, source, unsafe=True):
    text, applied = _fix(tmp_path, source, unsafe)
    return text, applied, lint_result(tmp_path / "fixed", text).findings


def test_unconsumed_sync_map_in_async_code_is_fixed_with_the_async_twin(tmp_path):
    text, applied, left = _lint_fixed(tmp_path, SYNC_MAP_IN_ASYNC)
    assert "    [r async for r in flyte.map.aio(process, items, return_exceptions=False)]\n" in text
    assert "    [r async for r in fmap.aio(process, items, return_exceptions=False)]\n" in text
    assert "list(" not in text and left == []


def test_unconsumed_sync_map_in_async_code_is_advised_the_async_twin(tmp_path):
    found = [f for f in lint_result(tmp_path, SYNC_MAP_IN_ASYNC).findings if f.code == "FLY201"]
    assert [f.message.rsplit("e.g. ", 1)[1] for f in found] == [
        "`[r async for r in flyte.map.aio(..., return_exceptions=False)]`",
        "`[r async for r in fmap.aio(..., return_exceptions=False)]`",
    ]


def test_unconsumed_aio_map_in_sync_code_is_fixed_with_the_sync_map(tmp_path):
    text, applied, left = _lint_fixed(tmp_path, AIO_MAP_IN_SYNC)
    assert "    list(flyte.map(process, items, return_exceptions=False))\n" in text and left == []
    message = [f.message for f in applied][0]
    assert message.endswith("e.g. `list(flyte.map(..., return_exceptions=False))`")


def test_a_bound_async_map_is_advised_an_async_comprehension_not_list(tmp_path):
    (finding,) = [f for f in lint_result(tmp_path, BOUND_AIO_MAP).findings if f.code == "FLY201"]
    assert "`[r async for r in flyte.map.aio(..., return_exceptions=False)]` where it is made" in finding.message
    assert "list(" not in finding.message
    (rewrite,) = finding.suggestions
    text = apply_edits(BOUND_AIO_MAP.lstrip("\n"), list(rewrite.edits))
    assert "    results = [r async for r in flyte.map.aio(process, items, return_exceptions=False)]\n" in text
    assert lint_result(tmp_path / "rewritten", text).findings == []


def test_a_map_in_a_helper_on_the_event_loop_gets_no_fix_that_would_block_it(tmp_path):
    found = [f for f in lint_result(tmp_path, HELPER_ON_THE_LOOP).findings if f.code == "FLY201"]
    assert len(found) == 1 and found[0].fix is None and found[0].suggestions == ()
    assert "list(" not in found[0].message and "`submit` runs on a task's event loop" in found[0].message


# The forms FLY201 and FLY203 write, run under the SDK: every item runs, in a local run and in a cluster, for
# sync and async mapped tasks alike.
MAPPED = """
import flyte

env = flyte.TaskEnvironment("demo")

@env.task
{kind}def process(x: int) -> int:
    return x * 2

@env.task
{main}def main(items: list[int]) -> list[int]:
    return {iterate}
"""

FORMS = {
    "sync": ("", "list(flyte.map(process, items))"),
    "async": ("async ", "[r async for r in flyte.map.aio(process, items)]"),
}


@requires_sdk
@pytest.mark.parametrize("mode", ["local", pytest.param("cluster", marks=requires_cluster_mode)])
@pytest.mark.parametrize("mapped", ["", "async "], ids=["sync-task", "async-task"])
@pytest.mark.parametrize("caller", sorted(FORMS))
def test_the_iterated_forms_run_every_item(mode, mapped, caller):
    main, iterate = FORMS[caller]
    result = run_program(MAPPED.format(kind=mapped, main=main, iterate=iterate), args={"items": [1, 2, 3]}, mode=mode)
    assert result.ok, result.error
    assert result.output == [2, 4, 6] and result.ran("demo.process") == 3


@requires_sdk
def test_the_old_fix_in_async_code_did_not_run_the_items_locally():
    """`list(flyte.map(...))` in an async task, what the unsafe fix used to write: locally each item comes back as
    a "Deadlock detected" error, not its result."""
    source = MAPPED.format(kind="", main="async ", iterate="list(flyte.map(process, items))")
    result = run_program(source, args={"items": [1, 2, 3]})
    assert not result.ok and "Deadlock detected" in result.error and result.ran("demo.process") == 0


# FLY104's `asyncio.run(...)`: written where it works (a sync task body runs in a worker thread, local and cluster
# runs alike), never in a plain function that runs on a task's event loop (asyncio.run raises RuntimeError there).


def _rewritten(tmp_path, source, code):
    source = split_files(source)["main.py"]  # (the text linted: dedented, without its leading blank line)
    (finding,) = [f for f in lint_result(tmp_path, source).findings if f.code == code]
    (rewrite,) = finding.suggestions
    return finding, apply_edits(source, list(rewrite.edits))


@requires_sdk
@pytest.mark.parametrize("mode", ["local", pytest.param("cluster", marks=requires_cluster_mode)])
def test_fly104_asyncio_run_rewrite_runs_the_child(tmp_path, mode):
    from flyte_lint.rules import REGISTRY

    source = REGISTRY["FLY104"].example("bad")
    finding, text = _rewritten(tmp_path, source, "FLY104")
    assert "import asyncio\n" in text and "    asyncio.run(fetch(n))\n" in text
    assert lint_result(tmp_path / "rewritten", text).findings == []
    result = run_program(text, args={"n": 2}, mode=mode)
    assert result.ok and result.output == 2 and result.ran("demo.fetch") == 1, result.error


def test_fly104_in_a_helper_on_the_event_loop_does_not_advise_asyncio_run(tmp_path):
    source = """
import flyte

env = flyte.TaskEnvironment("demo")

@env.task
async def fetch(n: int) -> int:
    return n

def helper(n: int) -> None:
    fetch(n)

@env.task
async def main(n: int) -> None:
    helper(n)
"""
    found = [f for f in lint_result(tmp_path, source).findings if f.code == "FLY104"]
    assert len(found) == 1 and "asyncio.run" not in found[0].message.replace("`asyncio.run` fails", "")
    assert found[0].suggestions == ()


@requires_sdk
@pytest.mark.parametrize("mode", ["local", pytest.param("cluster", marks=requires_cluster_mode)])
def test_fly603_to_thread_rewrite_runs_the_traced_step(tmp_path, mode):
    """The bad example fails locally ("Deadlock detected"); `await asyncio.to_thread(normalize, x)`, the rewrite
    FLY603 carries, runs it in both modes and lints clean."""
    from flyte_lint.rules import REGISTRY

    source = REGISTRY["FLY603"].example("bad")
    finding, text = _rewritten(tmp_path, source, "FLY603")
    assert "    return await asyncio.to_thread(normalize, x)\n" in text and text.startswith("import asyncio\n")
    assert lint_result(tmp_path / "rewritten", text).findings == []
    result = run_program(text, args={"x": 50.0}, mode=mode)
    assert result.ok and result.output == 0.5, result.error


PARTIAL_OF_SYNC = """
import flyte
from functools import partial

env = flyte.TaskEnvironment("demo")

@env.task
def square(x: int, y: int) -> int:
    return x * y

@env.task
async def main(x: int) -> int:
    p = partial(square, y=2)
    return await p(x)
"""


@requires_sdk
def test_a_partial_of_a_sync_task_is_rewritten_on_its_async_form(tmp_path):
    """FLY101 on `await p(x)` for `p = partial(sync_task, ...)`: the rewrite builds the partial on `.aio` with the
    same bound arguments (importing functools), lints clean, and runs under the SDK."""
    finding, text = _rewritten(tmp_path, PARTIAL_OF_SYNC, "FLY101")
    assert finding.message.endswith("Write `await functools.partial(square.aio, ...)(...)`")
    assert "    return await functools.partial(square.aio, y=2)(x)\n" in text and "import functools\n" in text
    assert lint_result(tmp_path / "rewritten", text).findings == []
    result = run_program(text, args={"x": 3})
    assert result.ok and result.output == 6 and result.ran("demo.square") == 1, result.error
