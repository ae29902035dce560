"""`flyte-lint migrate`: @reference_task / @reference_workflow / @reference_launch_plan become
flyte.remote.Task.get(name, project=, domain=, version=) references; the workflows calling them become async and
await them (a remote task's call is a coroutine), with keyword arguments (FLY107) and a version (FLY403)."""

from __future__ import annotations

from lintutil import write_project
from migrateutil import dedent, migrate, migrated, run_script
from sdk_runner import requires_sdk, sdk_python

REFS = """
from flytekit import reference_launch_plan, reference_task


# the joiner, deployed by the strings team
@reference_task(
    project="flytesnacks",
    domain="development",
    name="recipes.aaa.simple.join_strings",
    version="553018f39e519bdb2597b652639c30ce16b99c79",
)
def join_strings(a: list[str]) -> str:
    \"\"\"Joins.\"\"\"
    ...


@reference_launch_plan("flytesnacks", "development", "recipes.lp.greet", "v1")
def greet_lp(name: str) -> str: ...
"""

REFS_MIGRATED = dedent(
    """
    import flyte
    import flyte.remote


    # the joiner, deployed by the strings team
    join_strings = flyte.remote.Task.get(
        "recipes.aaa.simple.join_strings",
        project="flytesnacks",
        domain="development",
        version="553018f39e519bdb2597b652639c30ce16b99c79",
    )


    greet_lp = flyte.remote.Task.get(
        "recipes.lp.greet",
        project="flytesnacks",
        domain="development",
        version="v1",
    )
    """
)

MAIN = """
from flytekit import task, workflow

from refs import greet_lp, join_strings


@task
def upper(s: str) -> str:
    return s.upper()


@workflow
def wf(a: list[str]) -> str:
    joined = join_strings(a=a)
    return upper(s=greet_lp(name=joined))


@workflow
def outer(a: list[str]) -> str:
    return wf(a=a)
"""

MAIN_MIGRATED_TAIL = dedent(
    """
    @env.task
    async def wf(a: list[str]) -> str:
        joined = await join_strings(a=a)
        return await upper.aio(s=await greet_lp(name=joined))


    @env.task
    async def outer(a: list[str]) -> str:
        return await wf(a=a)
    """
)

PROJECT = {"refs.py": dedent(REFS), "main.py": dedent(MAIN)}

CHECK = """
import flyte
import flyte.remote._task as remote_task

asked = []
real_get = remote_task.TaskDetails.get


def recording_get(name, **kwargs):
    asked.append((name, kwargs))
    return real_get(name, **kwargs)


remote_task.TaskDetails.get = recording_get

import refs  # noqa: E402
import main  # noqa: E402

for name, kwargs in asked:
    print(name, kwargs["project"], kwargs["domain"], kwargs["version"])
print(type(refs.join_strings).__name__, refs.join_strings.name)


async def fake_join(a: list[str]) -> str:
    return "-".join(a)


async def fake_greet(name: str) -> str:
    return f"hi {name}"


main.join_strings, main.greet_lp = fake_join, fake_greet  # (no server here: what the references return)
flyte.init()
print(flyte.with_runcontext(mode="local").run(main.outer, a=["x", "y"]).outputs()[0])
"""


def test_references_become_remote_task_references(tmp_path):
    code, text = migrated(tmp_path, PROJECT, path="refs.py")
    assert code == 0
    assert text == REFS_MIGRATED
    main = (tmp_path / "project" / "main.py").read_text(encoding="utf-8")
    assert main.endswith(MAIN_MIGRATED_TAIL)


def test_a_reference_called_from_sync_code_gets_a_todo(tmp_path):
    files = dedent(
        """
        from flytekit import reference_task


        @reference_task(project="p", domain="d", name="t", version="1")
        def ref(x: int) -> int: ...


        def helper() -> int:
            return ref(x=1)
        """
    )
    code, text = migrated(tmp_path, files)
    assert code == 1
    assert 'ref = flyte.remote.Task.get("t", project="p", domain="d", version="1")\n' in text
    assert "    # TODO(flyte-lint migrate): `ref` is a flyte.remote.Task reference: its call is awaited" in text


@requires_sdk
def test_migrated_references_ask_for_the_right_remote_tasks_and_are_awaited(tmp_path):
    plain = "import main\nimport refs\n\nprint(refs.join_strings.name, main.greet_lp.name)\n"
    root = write_project(tmp_path / "project", {**PROJECT, "check.py": CHECK, "plain.py": plain})
    assert migrate(root) == 0
    done = run_script(root, "plain.py", sdk_python())  # (the module loads flyte.remote itself)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["recipes.aaa.simple.join_strings", "recipes.lp.greet"]
    done = run_script(root, "check.py", sdk_python())
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-4:] == [
        "recipes.aaa.simple.join_strings flytesnacks development 553018f39e519bdb2597b652639c30ce16b99c79",
        "recipes.lp.greet flytesnacks development v1",
        "LazyEntity recipes.aaa.simple.join_strings",
        "HI X-Y",
    ]


def test_a_reference_without_a_version_takes_the_latest_with_a_todo(tmp_path):
    """flytekit requires a version (flyte-migrate's shim does not): Flyte 2's Task.get needs version= or
    auto_version= (FLY403), and the newest deployed one is what an unversioned reference can mean."""
    files = dedent(
        """
        from flytekit import reference_task


        @reference_task(project="p", domain="d", name="env.greet")
        def greet(name: str) -> str: ...
        """
    )
    code, text = migrated(tmp_path, files)
    assert code == 1
    assert 'greet = flyte.remote.Task.get("env.greet", project="p", domain="d", auto_version="latest")\n' in text
    assert '# TODO(flyte-lint migrate): the reference names no version: auto_version="latest"' in text
