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

from lintutil import messages

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
# FLY601-FLY603: their cases are on the rules (flyte_lint/rules/trace/; FLY602's pin its message and unsafe fix);
# here the messages the tests read in part
# --------------------------------------------------------------------------------------------------------
# FLY601 trace-on-task
# --------------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------------
# FLY603 sync-trace-in-async
# --------------------------------------------------------------------------------------------------------


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
