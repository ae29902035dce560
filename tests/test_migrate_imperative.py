"""`flyte-lint migrate`: Flyte 1's imperative workflows (``Workflow(name=...)`` with ``add_workflow_input``,
``add_entity`` and ``add_workflow_output``) become a task that calls the tasks, in the environment of the first
one. What the program computes is compared under both SDKs in tests/test_migrate_equivalence.py
("imperative-workflow")."""

from __future__ import annotations

from lintutil import write_project
from migrateutil import dedent, migrate, migrated

TASKS = dedent(
    """
    import typing

    from flytekit import task


    @task
    def slope(x: list[int], y: list[int]) -> float:
        return (y[-1] - y[0]) / (x[-1] - x[0])


    @task
    def stats(values: list[int]) -> typing.Tuple[int, float]:
        return len(values), sum(values) / len(values)


    @task
    def report(n: int, mean: float) -> str:
        return f"{n} values, mean {mean}"
    """
)

IMPERATIVE = dedent(
    """
    from flytekit import Workflow

    # the tasks
    from .tasks import report, slope, stats

    wf = Workflow(name="imperative")
    wf.add_workflow_input("x", list[int])
    wf.add_workflow_input("y", list[int])

    # the slope first
    s = wf.add_entity(slope, x=wf.inputs["x"], y=wf.inputs["y"])
    st = wf.add_task(stats, values=wf.inputs["y"])
    r = wf.add_entity(report, n=st.outputs["o0"], mean=st.outputs["o1"])

    wf.add_workflow_output("slope", s.outputs["o0"])
    wf.add_entity(report, n=3, mean=1.5)
    wf.add_workflow_output("text", r.outputs["o0"], python_type=str)
    """
)

IMPERATIVE_MIGRATED = dedent(
    """
    # the tasks
    from .tasks import report, slope, stats, env


    @env.task
    def wf(x: list[int], y: list[int]) -> tuple[float, str]:
        # the slope first
        s = slope(x=x, y=y)
        st = stats(values=y)
        r = report(n=st[0], mean=st[1])
        report(n=3, mean=1.5)
        return s, r
    """
)


def test_an_imperative_workflow_becomes_a_task_calling_tasks(tmp_path):
    files = {"pkg/__init__.py": "", "pkg/tasks.py": TASKS, "pkg/imperative.py": IMPERATIVE}
    code, text = migrated(tmp_path, files, path="pkg/imperative.py")
    assert code == 0
    assert text == IMPERATIVE_MIGRATED


def test_what_it_cannot_translate_gets_a_todo(tmp_path):
    files = {
        "pkg/__init__.py": "",
        "pkg/tasks.py": TASKS,
        "pkg/imperative.py": dedent(
            """
            from flytekit import Workflow

            from .tasks import slope

            wf = Workflow(name="imperative")
            wf.add_workflow_input("x", list[int])
            n = wf.add_entity(slope, x=wf.inputs["x"], y=[1, 2])
            wf.add_launch_plan(slope, x=n.outputs)
            wf.add_workflow_output("out", n.outputs["o0"])
            """
        ),
    }
    root = write_project(tmp_path / "project", files)
    assert migrate(root) == 1
    text = (root / "pkg" / "imperative.py").read_text(encoding="utf-8")
    assert (
        "# TODO(flyte-lint migrate): this imperative workflow binds `n.outputs`, which is not a workflow input or a "
        "node's output: write `wf` as a task calling tasks"
    ) in text
    assert 'wf = Workflow(name="imperative")' in text and "from flytekit import Workflow" in text
