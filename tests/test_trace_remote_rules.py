"""FLY601–FLY603: `flyte.trace` misuse (FLY403's tests are in test_env_rules.py).

What the SDK really does (flyte 2.12.1, checked by running programs locally with tests/sdk_runner.py):
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
# FLY601-FLY603: their cases are on the rules (flyte_lint/rules/trace/; FLY602's pin its message and unsafe fix);
# here the messages the tests read in part
# --------------------------------------------------------------------------------------------------------
# FLY601 trace-on-task
# --------------------------------------------------------------------------------------------------------


def test_fly601_message(tmp_path):
    msgs = messages(
        tmp_path,
        """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @flyte.trace
        @env.task
        async def fetch(x: int) -> int:
            return x + 1
    """,
        select=["FLY601"],
    )
    assert "'demo.fetch'" in msgs[0] and "AttributeError" in msgs[0] and "below `@env.task`" in msgs[0]


# --------------------------------------------------------------------------------------------------------
# FLY603 sync-trace-in-async
# --------------------------------------------------------------------------------------------------------


def test_fly603_message(tmp_path):
    msgs = messages(
        tmp_path,
        """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @flyte.trace
        def normalize(x: float) -> float:
            return x / 100

        @env.task
        async def main(x: float) -> float:
            return normalize(x)
    """,
        select=["FLY603"],
    )
    assert "'normalize'" in msgs[0] and "'demo.main'" in msgs[0] and "Deadlock detected" in msgs[0]
    assert "async def" in msgs[0] and "asyncio.to_thread(normalize, ...)" in msgs[0]
