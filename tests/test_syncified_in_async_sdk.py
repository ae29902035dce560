"""FLY105 on the other syncified flyte APIs of async task code (issue 23): `flyte.report.log/flush/replace`,
`flyte.durable.sleep/time/now`, and `.override(...)` (and `.fetch()`) of a `flyte.remote.Task.get(...)` reference
(LazyEntity's `override` and `fetch` are @syncify'd; flyte_lint/sdk/flyte_api.json records each one's `.aio`
twin). Each blocking call is reported, and under the SDK it fails a local run with "Deadlock detected" (the
syncify thread runs the task body) and completes in cluster mode (a main-thread loop), where `durable.sleep` holds
the task's event loop; each `.aio` twin is quiet and works in both modes."""

from __future__ import annotations

import pytest

from lintutil import lint
from sdk_runner import MODES, requires_cluster_mode, requires_sdk, run_program

PROGRAM = """\
import asyncio

import flyte
import flyte.durable
import flyte.remote
import flyte.report
from flyte.remote._task import TaskDetails
from flyteidl2.task import task_definition_pb2

env = flyte.TaskEnvironment("demo")


async def no_server() -> TaskDetails:  # (what the backend returns for the reference: no server here)
    return TaskDetails(pb2=task_definition_pb2.TaskDetails())


@env.task(report=True)
async def main(x: int) -> int:
    ref = flyte.remote.Task.get("ml.train", version="v1")
    ref._getter = no_server
    {call}
    return x
"""

# (the blocking call, its async twin)
CALLS = {
    "report.log": ('flyte.report.log("<p>x</p>")', 'await flyte.report.log.aio("<p>x</p>")'),
    "report.flush": ("flyte.report.flush()", "await flyte.report.flush.aio()"),
    "report.replace": ('flyte.report.replace("<p>y</p>")', 'await flyte.report.replace.aio("<p>y</p>")'),
    "durable.sleep": ("flyte.durable.sleep(0.01)", "await flyte.durable.sleep.aio(0.01)"),
    "durable.time": ("flyte.durable.time()", "await flyte.durable.time.aio()"),
    "durable.now": ("flyte.durable.now()", "await flyte.durable.now.aio()"),
    "remote override": ('ref.override(short_name="fast")', 'await ref.override.aio(short_name="fast")'),
    "remote fetch": ("ref.fetch()", "await ref.fetch.aio()"),
}


def _program(call: str) -> str:
    return PROGRAM.format(call=call)


def _line_of(program: str, text: str) -> int:
    return next(n for n, line in enumerate(program.splitlines(), 1) if line.strip() == text)


@pytest.mark.parametrize("api", sorted(CALLS))
def test_the_blocking_call_is_reported_and_its_twin_is_not(tmp_path, api):
    blocking, twin = CALLS[api]
    program = _program(blocking)
    assert [(c, line) for c, line, _ in lint(tmp_path / "bad", program, select=["FLY105"])] == [
        ("FLY105", _line_of(program, blocking))
    ]
    assert lint(tmp_path / "good", _program(twin), select=["FLY105"]) == []


def _with_mode(api: str, mode: str):
    marks = [requires_cluster_mode] if mode == "cluster" else []
    return pytest.param(api, mode, marks=marks, id=f"{api}-{mode}")


@requires_sdk
@pytest.mark.parametrize("api, mode", [_with_mode(api, mode) for api in sorted(CALLS) for mode in MODES])
def test_the_blocking_call_deadlocks_locally_and_completes_in_a_cluster(api, mode):
    blocking, twin = CALLS[api]
    bad = run_program(_program(blocking), entry="main", args={"x": 1}, mode=mode)
    if mode == "local":
        assert not bad.ok and "Deadlock detected" in (bad.error or ""), bad.summary()
    else:
        assert bad.ok and bad.output == 1, bad.summary()
    good = run_program(_program(twin), entry="main", args={"x": 1}, mode=mode)
    assert good.ok and good.output == 1 and not good.network_attempts, good.summary()


# In a cluster the blocking durable sleep holds the task's event loop: a gathered sibling waiting for an event set
# just before the call runs only after it returns; with the twin it runs during the sleep.
STALL = """\
import asyncio

import flyte
import flyte.durable

env = flyte.TaskEnvironment("demo")
events = []


async def sibling(started: asyncio.Event) -> None:
    await started.wait()
    events.append("sibling")


async def sleeper(started: asyncio.Event, blocking: bool) -> None:
    started.set()
    if blocking:
        flyte.durable.sleep(0.2)
    else:
        await flyte.durable.sleep.aio(0.2)
    events.append("slept")


@env.task
async def main(blocking: bool) -> list[str]:
    started = asyncio.Event()
    await asyncio.gather(sibling(started), sleeper(started, blocking))
    return events
"""


@requires_sdk
@requires_cluster_mode
def test_a_blocking_durable_sleep_holds_the_event_loop_in_a_cluster():
    blocked = run_program(STALL, entry="main", args={"blocking": True}, mode="cluster")
    assert blocked.ok and blocked.output == ["slept", "sibling"], blocked.summary()
    free = run_program(STALL, entry="main", args={"blocking": False}, mode="cluster")
    assert free.ok and free.output == ["sibling", "slept"], free.summary()
