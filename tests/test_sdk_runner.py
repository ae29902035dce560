"""Tests of the SDK harness itself: each program runs under the real flyte SDK, without a backend, in a
local run or (mode="cluster") with the task body on a main-thread event loop as a pod runs it."""

from __future__ import annotations

import pytest

from sdk_runner import MODES, RunResult, requires_cluster_mode, requires_sdk, run_program

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


# -- run modes ---------------------------------------------------------------------------------------------

WHERE = """
import threading

def where() -> dict:
    try:
        asyncio.get_running_loop()
        loop = True
    except RuntimeError:
        loop = False
    return {"thread": threading.current_thread().name,
            "main_thread": threading.current_thread() is threading.main_thread(), "loop": loop}

@env.task
def sync_leaf() -> dict:
    return where()

@env.task
async def async_leaf() -> dict:
    return where()

@env.task
async def main() -> dict:
    return {"main": where(), "async_leaf": await async_leaf(), "sync_leaf": await sync_leaf.aio()}
"""


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="mode must be one of"):
        run_program("import flyte\n", mode="remote")


@requires_cluster_mode
def test_the_mode_switch_moves_async_task_bodies_to_the_main_thread():
    local = run(WHERE)
    cluster = run(WHERE, mode="cluster")
    assert local.ok and cluster.ok, local.summary() + cluster.summary()
    assert (local.mode, cluster.mode) == ("local", "cluster")
    # A local run hops to the SDK's syncify thread: async task bodies run on its loop there.
    assert local.output["main"] == {"thread": "flyte_syncify", "main_thread": False, "loop": True}
    assert local.output["async_leaf"] == local.output["main"]
    # Cluster mode runs them on a main-thread event loop, as flyte/_bin/runtime.py does in a pod.
    assert cluster.output["main"] == {"thread": "MainThread", "main_thread": True, "loop": True}
    assert cluster.output["async_leaf"] == cluster.output["main"]
    assert cluster.entry_thread == "MainThread"
    # The harness's own record agrees with what the bodies saw.
    assert {c.task: c.thread for c in local.calls}["demo.main"] == "flyte_syncify"
    assert {c.task: c.thread for c in cluster.calls}["demo.main"] == "MainThread"
    # A sync body runs in a worker thread with no running loop in both modes.
    for r in (local, cluster):
        assert r.output["sync_leaf"]["main_thread"] is False and r.output["sync_leaf"]["loop"] is False
        assert r.callers("demo.sync_leaf") == {"demo.main"} and r.callers("demo.async_leaf") == {"demo.main"}


BLOCKING = """
@env.task
async def child(x: int) -> int:
    return x + 1

@env.task
async def main(x: int) -> int:
    run = flyte.run(child, x=x)
    return run.outputs()[0]
"""


@requires_cluster_mode
def test_a_blocking_syncified_call_fails_locally_and_works_in_cluster_mode():
    local = run(BLOCKING, args={"x": 1})
    assert not local.ok and "Deadlock detected" in local.error, local.summary()
    assert local.ran("demo.child") == 0
    cluster = run(BLOCKING, args={"x": 1}, mode="cluster")
    assert cluster.ok and cluster.output == 2, cluster.summary()
    # The nested run's entry has no parent task but was launched by main, on the syncify thread.
    (child,) = [c for c in cluster.calls if c.task == "demo.child"]
    assert child.parent is None and child.launched_by == "demo.main" and child.thread == "flyte_syncify"


@requires_cluster_mode
@pytest.mark.parametrize("mode", MODES)
def test_recording_is_exact_in_both_modes(mode):
    r = run(
        """
other = flyte.TaskEnvironment("other")

@other.task
def leaf(i: int) -> int:
    return i

@env.task
async def lost(i: int) -> int:
    return i

@env.task
def smid(i: int) -> int:
    return sum(flyte.map(leaf, [i, i + 1])) + leaf(i)

@env.task
async def main() -> int:
    lost(0)
    a = await asyncio.gather(*(smid.aio(i) for i in range(2)))
    b = await leaf.aio(5)
    return sum(a) + b
""",
        mode=mode,
    )
    assert r.ok and r.mode == mode, r.summary()
    assert r.output == (1 + 0) + (3 + 1) + 5
    assert r.ran("demo.smid") == 2 and r.ran("other.leaf") == 7 and r.ran("demo.lost") == 0
    assert r.callers("demo.smid") == {"demo.main"} and r.callers("other.leaf") == {"demo.smid", "demo.main"}
    assert any("was never awaited" in w for w in r.warnings), r.warnings


@requires_cluster_mode
def test_failures_and_phases_are_reported_in_cluster_mode():
    r = run(
        """
@env.task
def s(i: int) -> int:
    return i

@env.task
async def main() -> int:
    return await s(1)
""",
        mode="cluster",
    )
    assert not r.ok and r.phase == "run"
    assert r.error_code == "SyncTaskCallInAsyncContextError" and r.ran("demo.s") == 0
    imp = run_program("import flyte\nraise RuntimeError('at import')\n", mode="cluster")
    assert not imp.ok and imp.phase == "import" and imp.mode == "cluster"


@requires_sdk
def test_cluster_mode_refuses_an_sdk_it_was_not_checked_against(monkeypatch):
    import sdk_runner

    monkeypatch.setattr(sdk_runner, "CLUSTER_MODE_SDK_VERSION", "0.0.0")
    r = run_program(HEADER + "\n@env.task\nasync def main() -> int:\n    return 1\n", mode="cluster")
    assert not r.ok and r.phase == "bootstrap" and r.calls == []
    assert "_run_local" in r.error and "flyte==0.0.0" in r.error, r.summary()
