"""FLY403, FLY601–FLY603: remote task versions and `flyte.trace` misuse.

What the SDK really does (flyte 2.12.1, checked by running programs locally with tests/sdk_runner.py):
- ``flyte.remote.Task.get(name)`` without version/auto_version: ValueError "Either version or auto_version
  must be provided"; ``auto_version="newest"``: ValueError "auto_version must be either 'latest' or 'current'";
  with ``auto_version="latest"`` the reference is made lazily, without a backend.
- ``@flyte.trace`` above ``@env.task`` and ``flyte.trace(task)``: calls in a run fail with AttributeError
  ("'AsyncFunctionTaskTemplate' object has no attribute '__name__'"); ``@env.task`` above ``@flyte.trace`` works.
- a task called (sync or async) or mapped inside a traced function, inside a helper the traced function
  calls, or inside a task whose body is traced: TraceDoesNotAllowNestedTasksError; ``.forward`` works.
- a sync traced function (or sync traced generator) called in an async task, directly or through a plain
  helper: "Deadlock detected: blocking call used in syncify thread"; via ``asyncio.to_thread``: works; in a
  sync task: works.
"""

from __future__ import annotations

from expectutil import check
from flyte_lint.fixes import fixed_text
from lintutil import lint_result, messages

# --------------------------------------------------------------------------------------------------------
# FLY403 remote-task-version (its cases are on the rule: flyte_lint/rules/envs/remote_task_version.py;
# here the messages of a case with several findings)
# --------------------------------------------------------------------------------------------------------


def test_fly403_messages(tmp_path):
    msgs = messages(tmp_path, """
        import flyte.remote

        a = flyte.remote.Task.get("analytics.summarize")
        b = flyte.remote.Task.get("x.y", auto_version="Latest")
    """, select=["FLY403"])
    assert "Either version or auto_version must be provided" in msgs[0] and "imported" in msgs[0]
    assert 'auto_version="latest"' in msgs[0] and 'auto_version="current"' in msgs[0]
    assert 'did you mean auto_version="latest"?' in msgs[1]


def test_fly403_hint_direct_call_when_the_task_is_local_and_a_dependency(tmp_path):
    source = """
        # file: analytics.py
        import flyte

        analytics = flyte.TaskEnvironment("analytics")

        @analytics.task
        async def summarize(day: str) -> str:
            return day
        # file: main.py
        import flyte
        import flyte.remote
        from analytics import analytics

        reports = flyte.TaskEnvironment("reports", depends_on=[analytics])
        other = flyte.TaskEnvironment("other")
        summarize_ref = flyte.remote.Task.get("analytics.summarize")

        @reports.task
        async def main(day: str) -> str:
            return await summarize_ref(day=day)

        @other.task
        async def elsewhere(day: str) -> str:
            ref = flyte.remote.Task.get("analytics.summarize")
            return await ref(day=day)
    """
    msgs = messages(tmp_path, source, select=["FLY403"])
    assert len(msgs) == 2
    assert "defined in this project" in msgs[0] and "'reports'" in msgs[0] and "`summarize(...)` directly" in msgs[0]
    assert "defined in this project" not in msgs[1]  # 'other' does not depend on 'analytics'


# --------------------------------------------------------------------------------------------------------
# FLY601 trace-on-task
# --------------------------------------------------------------------------------------------------------


def test_fly601_trace_above_task(tmp_path):
    check(tmp_path, """
        import flyte
        from flyte import trace

        env = flyte.TaskEnvironment("demo")

        @flyte.trace  # expect: FLY601
        @env.task
        async def fetch(x: int) -> int:
            return x + 1

        @trace  # expect: FLY601
        @env.task(retries=2)
        def fetch_sync(x: int) -> int:
            return x + 1

        @env.task
        @flyte.trace
        async def fine(x: int) -> int:
            return x + 1

        traced = flyte.trace(fine)  # expect: FLY601

        @flyte.trace
        async def helper(x: int) -> int:
            return x
    """, select=["FLY601"])


def test_fly601_message(tmp_path):
    msgs = messages(tmp_path, """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @flyte.trace
        @env.task
        async def fetch(x: int) -> int:
            return x + 1
    """, select=["FLY601"])
    assert "'demo.fetch'" in msgs[0] and "AttributeError" in msgs[0] and "below `@env.task`" in msgs[0]


def test_fly601_quiet_on_other_trace_decorators(tmp_path):
    check(tmp_path, """
        import flyte
        from opentelemetry import trace
        from mylib import tracing

        env = flyte.TaskEnvironment("demo")

        @trace
        @env.task
        async def a(x: int) -> int:
            return x

        @tracing.trace
        @env.task
        async def b(x: int) -> int:
            return x
    """, select=["FLY601"])


# --------------------------------------------------------------------------------------------------------
# FLY602 task-in-trace
# --------------------------------------------------------------------------------------------------------


def test_fly602_tasks_inside_traced_code(tmp_path):
    check(tmp_path, """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def square(x: int) -> int:
            return x * x

        @env.task
        def ssquare(x: int) -> int:
            return x * x

        @flyte.trace
        async def helper(x: int) -> int:
            a = await square(x)  # expect: FLY602
            b = await square.forward(x)
            c = await inner(x)
            d = [r async for r in flyte.map.aio(square, range(x))]  # expect: FLY602
            e = await square.aio(x)  # expect: FLY602
            return a + b + c

        async def inner(x):
            return await square(x)  # expect: FLY602

        async def shared(x):
            return await square(x)

        @flyte.trace
        async def helper2(x: int) -> int:
            return await shared(x)

        @env.task
        async def main(x: int) -> int:
            return await shared(x) + await helper2(x) + await helper(x)

        @env.task
        @flyte.trace
        async def traced_task(x: int) -> int:
            return await square(x)  # expect: FLY602

        @flyte.trace
        def sync_helper(x: int) -> int:
            return ssquare(x)  # expect: FLY602

        async def wrapped(x: int) -> int:
            return await square(x)  # expect: FLY602

        traced_wrapped = flyte.trace(wrapped)
    """, select=["FLY602"])


def test_fly602_message_and_unsafe_fix(tmp_path):
    source = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def square(x: int) -> int:
            return x * x

        @flyte.trace
        async def helper(x: int) -> int:
            return await square(x)
    """
    result = lint_result(tmp_path, source, select=["FLY602"])
    (finding,) = result.findings
    assert "TraceDoesNotAllowNestedTasksError" in finding.message and "`square.forward(...)`" in finding.message
    assert finding.fix is not None and not finding.fix.safe
    text = (tmp_path / "project" / "main.py").read_text()
    assert "return await square.forward(x)" in fixed_text(text, result.findings, unsafe=True)[0]


def test_fly602_quiet_outside_traces(tmp_path):
    check(tmp_path, """
        import flyte
        from opentelemetry import trace

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def square(x: int) -> int:
            return x * x

        @trace
        async def otel_helper(x: int) -> int:
            return await square(x)

        @env.task
        async def main(x: int) -> int:
            return await square(x)

        @flyte.trace
        @env.task
        async def above(x: int) -> int:  # FLY601's business; its body is not traced
            return await square(x)
    """, select=["FLY602"])


# --------------------------------------------------------------------------------------------------------
# FLY603 sync-trace-in-async
# --------------------------------------------------------------------------------------------------------


def test_fly603_sync_trace_on_the_event_loop(tmp_path):
    check(tmp_path, """
        import asyncio
        import flyte

        env = flyte.TaskEnvironment("demo")

        @flyte.trace
        def normalize(x: float) -> float:
            return x / 100

        @flyte.trace
        def numbers(n: int):
            yield from range(n)

        @flyte.trace
        async def anormalize(x: float) -> float:
            return x / 100

        def plain_outer(x):
            return normalize(x)  # expect: FLY603

        traced_round = flyte.trace(round)

        def rounder(x: float) -> float:
            return round(x)

        traced_rounder = flyte.trace(rounder)

        @env.task
        async def amain(x: float) -> float:
            a = normalize(x)  # expect: FLY603
            b = await asyncio.to_thread(normalize, x)
            c = plain_outer(x)
            d = await anormalize(x)
            e = sum(numbers(3))  # expect: FLY603
            f = traced_rounder(x)  # expect: FLY603
            g = await asyncio.get_running_loop().run_in_executor(None, normalize, x)
            return a + b + c + d + e + f + g

        @env.task
        def smain(x: float) -> float:
            return normalize(x) + plain_outer(x)

        def script(x: float) -> float:
            return normalize(x)
    """, select=["FLY603"])


def test_fly603_message(tmp_path):
    msgs = messages(tmp_path, """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @flyte.trace
        def normalize(x: float) -> float:
            return x / 100

        @env.task
        async def main(x: float) -> float:
            return normalize(x)
    """, select=["FLY603"])
    assert "'normalize'" in msgs[0] and "'demo.main'" in msgs[0] and "Deadlock detected" in msgs[0]
    assert "async def" in msgs[0] and "asyncio.to_thread(normalize, ...)" in msgs[0]


def test_fly603_cross_module(tmp_path):
    check(tmp_path, """
        # file: helpers.py
        import flyte

        @flyte.trace
        def normalize(x: float) -> float:
            return x / 100
        # file: main.py
        import flyte
        from helpers import normalize

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def main(x: float) -> float:
            return normalize(x)  # expect: FLY603
    """, select=["FLY603"])
