"""`flyte-lint migrate`: Flyte 1 constructs with no mechanical translation (gates, ShellTask, ContainerTask, custom
type transformers and task types) get a TODO naming their Flyte 2 counterpart; the installed SDK has each name."""

from __future__ import annotations

from flyte_lint.migrate.transforms.counterparts import BASES, CALLS
from lintutil import write_project
from migrateutil import migrate
from sdk_runner import requires_sdk, run_program

GATES = """
from datetime import timedelta

from flytekit import approve, sleep, task, wait_for_input, workflow
from flytekit.core.type_engine import TypeTransformer
from flytekit.extras.tasks.shell import ShellTask


class MyTransformer(TypeTransformer[int]):
    pass


shell = ShellTask(name="s", script="echo hi")


@task
def double(x: int) -> int:
    return x * 2


@workflow
def gated(x: int) -> int:
    sleep(timedelta(seconds=1))
    y = wait_for_input("y", timeout=timedelta(hours=1), expected_type=int)
    approved = approve(double(x=y), "ok", timeout=timedelta(hours=1))
    return approved
"""


def test_each_construct_gets_a_todo_naming_its_counterpart(tmp_path):
    root = write_project(tmp_path / "project", GATES)
    assert migrate(root) == 1
    text = (root / "main.py").read_text(encoding="utf-8")
    assert migrate(root) == 1 and (root / "main.py").read_text(encoding="utf-8") == text  # (idempotent)
    for message in (BASES["TypeTransformer"], CALLS["ShellTask"], CALLS["sleep"], CALLS["wait_for_input"]):
        assert text.count(f"# TODO(flyte-lint migrate): {message}") == 1, message
    assert f"# TODO(flyte-lint migrate): {CALLS['approve']}" in text
    assert "    sleep(timedelta(seconds=1))\n" in text  # (left as it was)


COUNTERPARTS = """
import flyte
import flyte.durable
import flyte.extras
import flyte.extras.shell
import flyte.types

env = flyte.TaskEnvironment("e")


@env.task
def main() -> str:
    assert callable(flyte.new_condition) and callable(flyte.new_condition.aio)
    assert callable(flyte.durable.sleep) and callable(flyte.durable.sleep.aio)
    assert callable(flyte.extras.shell.create) and isinstance(flyte.extras.ContainerTask, type)
    assert callable(flyte.TaskEnvironment.from_task)
    assert callable(flyte.types.TypeEngine.register)
    assert issubclass(flyte.extras.ContainerTask, flyte.TaskTemplate)
    import inspect
    assert list(inspect.signature(flyte.new_condition).parameters)[:1] == ["name"]
    assert {"data_type", "timeout"} <= set(inspect.signature(flyte.new_condition).parameters)
    assert inspect.iscoroutinefunction(flyte.types.TypeTransformer.to_literal)
    assert inspect.iscoroutinefunction(flyte.types.TypeTransformer.to_python_value)
    assert {"image", "inputs", "outputs", "script"} <= set(inspect.signature(flyte.extras.shell.create).parameters)
    return "ok"
"""


@requires_sdk
def test_the_counterparts_named_exist_in_the_sdk(tmp_path):
    result = run_program(COUNTERPARTS)
    assert result.ok and result.output == "ok", result.summary()
