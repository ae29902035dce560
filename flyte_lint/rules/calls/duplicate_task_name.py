"""FLY110 duplicate-task-name: two tasks with the same function name on one env, anywhere in the project.

What the SDK does (flyte 2.12.1): ``TaskEnvironment.task`` names a task ``<env name>.<func.__name__>`` and keeps it
in ``env._tasks[name]``, so a second task of the same name replaces the first there; ``flyte deploy``
(``_deploy_task_env``) registers ``env.tasks.values()``: one task per name. tests/test_task_loading_sdk.py shows
what the deploy planner and ``translate_task_to_wire`` register for two modules on one env, for a clone and for
two envs.
"""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes
from astroid.nodes import are_exclusive

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.entities import Task
from flyte_lint.model.scopes import FUNCTION_NODES, enclosing_function
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, Severity, register
from flyte_lint.rules.calls._duplicate_task_name_cases import MORE_INVALID, MORE_VALID


@register
class DuplicateTaskName(Rule):
    code = "FLY110"
    symbol = "duplicate-task-name"
    severity = Severity.ERROR
    pylint_number = 47
    scope = Scope.COMPONENT  # (a task of another module on the same env, which need not import this one)
    summary = "Reports a task whose function name another task on the same env already has, anywhere in the project."
    rationale = (
        "A task is named `<env name>.<function name>`, and its env keeps one task per name (`env._tasks`): a "
        "second definition replaces the first there. So `flyte deploy`, which registers the env's tasks, registers "
        "one of them, and a run of that name (the UI, a trigger, `flyte.remote`) runs that one's code. In one "
        "module the later definition also rebinds the name: every call of it, even one written for the first, "
        "runs the later code. Tasks with the same function name on different envs (a `clone_with` copy is another "
        "env, with its own name) are distinct, and are fine."
        " Severity: error: one definition silently replaces the other, in local runs, in a cluster and at deploy."
    )
    fix = "Rename one of the functions, or put one of the tasks on another env."
    runtime = RuntimeSpec(
        entry="main",
        args={"rows": [3, -1, 3, 5]},
        bad=Outcome(ok=True, output=7),
        good=Outcome(ok=True, output=11),
    )

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("etl")


            @env.task
            def clean(rows: list[int]) -> list[int]:
                return [r for r in rows if r >= 0]


            @env.task
            def main(rows: list[int]) -> int:
                return sum(clean(rows))


            @env.task  # expect: FLY110
            def clean(rows: list[int]) -> list[int]:
                return sorted(set(rows))
            """,
            message="task 'etl.clean' is defined again on env 'etl' (first at line 6): the env keeps one task per "
            "name, so `flyte deploy` registers only this one, and every call of `clean` and every run of "
            "'etl.clean' by name runs this code. Rename one of the functions, or put one of the tasks on another env",
        ),
        *MORE_INVALID,  # (_duplicate_task_name_cases.py)
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("etl")


            @env.task
            def clean(rows: list[int]) -> list[int]:
                return [r for r in rows if r >= 0]


            @env.task
            def main(rows: list[int]) -> int:
                return sum(clean(rows))


            @env.task
            def dedupe(rows: list[int]) -> list[int]:
                return sorted(set(rows))
            """,
        ),
        *MORE_VALID,
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        groups: dict[tuple[int, str], list[Task]] = {}
        for task in analysis.tasks:
            if not _made_at_import(task):
                continue  # (a task made when a function runs is not on the env at deploy: FLY109 says the rest)
            groups.setdefault((id(task.env), task.func.name), []).append(task)
        for tasks in groups.values():
            if len(tasks) < 2:
                continue
            ordered = sorted(tasks, key=lambda t: _order(analysis, t))
            for index, later in enumerate(ordered[1:], 1):
                earlier = next((t for t in ordered[:index] if not _exclusive(t, later)), None)
                if earlier is not None:
                    yield self.finding(_module(analysis, later), later.decorator, _message(analysis, later, earlier))


def _message(analysis: Analysis, later: Task, earlier: Task) -> str:
    fix = "Rename one of the functions, or put one of the tasks on another env"
    env, name = later.env.label, later.name
    first = _module(analysis, earlier)
    if first is _module(analysis, later):
        return (
            f"task '{name}' is defined again on env '{env}' (first at line {earlier.decorator.lineno}): the env "
            f"keeps one task per name, so `flyte deploy` registers only this one, and every call of "
            f"`{later.func.name}` and every run of '{name}' by name runs this code. {fix}"
        )
    return (
        f"task '{name}' is also defined on env '{env}' in {first.display_path}:{earlier.decorator.lineno}: the env "
        "keeps one task per name (the last one imported), so `flyte deploy` registers only one of the two, and "
        f"every run of '{name}' by name runs that one's code. {fix}"
    )


def _made_at_import(task: Task) -> bool:
    """The task is made by the module's own code (not when a function runs)."""
    if enclosing_function(task.decorator) is not None:
        return False
    node = task.func.parent
    while node is not None and not isinstance(node, nodes.Module):
        if isinstance(node, (*FUNCTION_NODES, nodes.Lambda)):
            return False
        node = node.parent
    return True


def _exclusive(a: Task, b: Task) -> bool:
    """Only one of the two definitions runs (``if``/``else`` branches of one module)."""
    if a.decorator.root() is not b.decorator.root():
        return False
    try:
        return bool(are_exclusive(a.decorator.statement(), b.decorator.statement()))
    except Exception:  # astroid on odd trees  # pragma: no cover
        return False


def _module(analysis: Analysis, task: Task):
    return analysis.resolver.module_of(task.decorator)


def _order(analysis: Analysis, task: Task) -> tuple[str, int, int]:
    return (str(_module(analysis, task).path), task.decorator.lineno or 0, task.decorator.col_offset or 0)
