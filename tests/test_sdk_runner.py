"""Tests of the SDK harness itself: each program runs under the real flyte SDK, locally."""

from __future__ import annotations

import pytest
from sdk_runner import RunResult, requires_sdk, run_program

pytestmark = requires_sdk

HEADER = """\
import asyncio
import flyte

env = flyte.TaskEnvironment("demo")
"""


def run(body: str, **kwargs) -> RunResult:
    r = run_program(HEADER + body, **kwargs)
    # Whatever the program does, the harness must stay offline and self-consistent.
    assert r.network_attempts == [], r.summary()
    assert r.harness_errors == [], r.summary()
    return r


def test_sync_chain_records_each_parent():
    r = run(
        """
@env.task
def b(x: int) -> int:
    return x + 1

@env.task
def a(x: int) -> int:
    return b(x) * 2

@env.task
def main(x: int) -> int:
    return a(x)
""",
        args={"x": 3},
    )
    assert r.ok, r.summary()
    assert r.output == 8
    assert r.tasks == ["demo.main", "demo.a", "demo.b"]
    assert [c.parent for c in r.calls] == [None, "demo.main", "demo.a"]
    assert r.edges == {("demo.main", "demo.a"), ("demo.a", "demo.b")}
    assert all(c.ok for c in r.calls)


def test_async_gather_fan_out():
    r = run(
        """
@env.task
async def leaf(i: int) -> int:
    await asyncio.sleep(0.01 * (3 - i))  # finish in reverse order
    return i * 10

@env.task
async def main() -> list[int]:
    return list(await asyncio.gather(*(leaf(i) for i in range(3))))
"""
    )
    assert r.ok, r.summary()
    assert r.output == [0, 10, 20]
    assert r.ran("demo.leaf") == 3
    assert r.callers("demo.leaf") == {"demo.main"}
    assert r.callers("demo.main") == {None}
    assert len({c.action for c in r.calls}) == 4  # three distinct child actions


def test_sync_flyte_map_over_four_items():
    r = run(
        """
@env.task
def square(i: int) -> int:
    return i * i

@env.task
def main() -> list[int]:
    return list(flyte.map(square, [1, 2, 3, 4]))
"""
    )
    assert r.ok, r.summary()
    assert r.output == [1, 4, 9, 16]
    assert r.ran("demo.square") == 4
    assert r.callers("demo.square") == {"demo.main"}


def test_nested_task_parent_is_the_intermediate_task():
    r = run(
        """
@env.task
async def leaf(i: int) -> int:
    return i

@env.task
async def sub(i: int) -> int:
    return await leaf(i) + 1

@env.task
async def main() -> int:
    return await sub(1)
"""
    )
    assert r.ok, r.summary()
    assert r.output == 2
    assert r.callers("demo.leaf") == {"demo.sub"}
    assert r.callers("demo.sub") == {"demo.main"}
    assert r.tasks == ["demo.main", "demo.sub", "demo.leaf"]


def test_mixed_concurrency_parents_are_exact():
    # Sync bodies run in threads, .aio() of sync tasks on another loop, flyte.map on the
    # syncify loop: every child must still be attributed to the task that called it.
    r = run(
        """
other = flyte.TaskEnvironment("other")

@other.task
def leaf(i: int) -> int:
    return i

@env.task
def smid(i: int) -> int:
    return sum(flyte.map(leaf, [i, i + 1])) + leaf(i)

@env.task
async def amid(i: int) -> int:
    a = await smid.aio(i)
    b = await asyncio.gather(leaf.aio(i), leaf.aio(i))
    return a + sum(b)

@env.task
async def main() -> int:
    xs = await asyncio.gather(*(amid(i) for i in range(3)))
    return sum(xs)
"""
    )
    assert r.ok, r.summary()
    assert r.output == sum((3 * i + 1) + 2 * i for i in range(3))  # smid + two leaves
    assert r.ran("demo.amid") == 3 and r.ran("demo.smid") == 3 and r.ran("other.leaf") == 15
    by_action = {c.action: c for c in r.calls}
    for c in r.calls:
        if c.parent is not None:
            assert by_action[c.parent_action].task == c.parent
    leaf_parents = [by_action[c.parent_action].task for c in r.calls if c.task == "other.leaf"]
    assert leaf_parents.count("demo.smid") == 9 and leaf_parents.count("demo.amid") == 6
    # each smid call has exactly its own three leaves
    for c in r.calls:
        if c.task == "demo.smid":
            assert sum(1 for d in r.calls if d.parent_action == c.action) == 3


def test_async_task_called_without_await_never_runs():
    r = run(
        """
@env.task
async def child(i: int) -> int:
    return i

@env.task
async def main() -> int:
    child(1)
    return 0
"""
    )
    assert r.ok, r.summary()
    assert r.output == 0
    assert r.ran("demo.child") == 0
    assert r.tasks == ["demo.main"]
    assert any(w.startswith("RuntimeWarning:") and "was never awaited" in w for w in r.warnings), r.warnings


def test_sync_task_awaited_in_async_task_fails():
    r = run(
        """
@env.task
def s(i: int) -> int:
    return i

@env.task
async def main() -> int:
    return await s(1)
"""
    )
    assert not r.ok
    assert r.phase == "run"
    assert r.error_type == "RuntimeUserError"
    assert r.error_code == "SyncTaskCallInAsyncContextError"
    assert "SyncTaskCallInAsyncContextError" in r.error_types
    assert "called in a blocking way from async code" in r.error
    assert r.ran("demo.s") == 0
    main = r.calls[0]
    assert main.task == "demo.main" and main.ok is False
    assert main.error_type == "SyncTaskCallInAsyncContextError"


def test_failing_task_reports_message_and_original_class():
    r = run(
        """
@env.task
def boom(i: int) -> int:
    raise ValueError(f"bad value {i}")

@env.task
def main() -> int:
    return boom(7)
"""
    )
    assert not r.ok
    assert r.error_type == "RuntimeUserError"
    assert "ValueError" in r.error_types
    assert "bad value 7" in r.error
    assert r.ran("demo.boom") == 1
    boom = next(c for c in r.calls if c.task == "demo.boom")
    assert boom.ok is False and boom.parent == "demo.main"
    assert "ValueError" in boom.error_types and "bad value 7" in boom.error


def test_flyte_map_generator_never_iterated_runs_nothing():
    r = run(
        """
@env.task
def square(i: int) -> int:
    return i * i

@env.task
def main() -> int:
    flyte.map(square, [1, 2, 3])
    return 0
"""
    )
    assert r.ok, r.summary()
    assert r.output == 0
    assert r.ran("demo.square") == 0
    assert r.tasks == ["demo.main"]


def test_multi_file_program_and_module_entry():
    r = run_program(
        {
            "pkg/__init__.py": "",
            "pkg/envs.py": 'import flyte\nenv = flyte.TaskEnvironment("multi")\n',
            "pkg/tasks.py": """\
from pkg.envs import env

@env.task
def double(x: int) -> int:
    return 2 * x
""",
            "pkg/wf.py": """\
from pkg.envs import env
from pkg.tasks import double

@env.task
def wf(xs: list[int]) -> dict[str, int]:
    return {str(x): double(x) for x in xs}
""",
        },
        entry="pkg.wf:wf",
        args={"xs": [1, 2]},
    )
    assert r.ok, r.summary()
    assert r.output == {"1": 2, "2": 4}
    assert r.callers("multi.double") == {"multi.wf"}


def test_import_error_is_reported_with_phase():
    r = run_program("import flyte\nraise RuntimeError('at import')\n")
    assert not r.ok
    assert r.phase == "import"
    assert r.error_type == "RuntimeError" and "at import" in r.error
    assert r.calls == []


@pytest.mark.parametrize("timeout", [3])
def test_timeout_kills_the_program_and_keeps_started_calls(timeout):
    r = run_program(
        HEADER
        + """
import time

@env.task
def hang() -> int:
    time.sleep(60)
    return 1

@env.task
def main() -> int:
    return hang()
""",
        timeout=timeout,
    )
    assert not r.ok
    assert r.phase == "timeout" and r.error_type == "TimeoutExpired"
    assert r.duration < timeout + 5
    assert [(c.task, c.parent) for c in r.calls] == [("demo.main", None), ("demo.hang", "demo.main")]
