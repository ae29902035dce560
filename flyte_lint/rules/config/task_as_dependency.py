"""FLY316 task-as-dependency: a task object where `depends_on` or `add_dependency` takes environments."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint import sdk
from flyte_lint.model.analysis import Analysis
from flyte_lint.model.arguments import argument, sdk_arguments
from flyte_lint.model.entities import Env
from flyte_lint.model.env_names import env_name_at
from flyte_lint.model.source import one_line_source
from flyte_lint.model.values import EnvRef, Method, TaskRef
from flyte_lint.rules.base import Case, Finding, Fix, Outcome, Rule, RuntimeSpec, Scope, Suggestion, register
from flyte_lint.rules.config._dependency_cases import INVALID_MORE, VALID_MORE
from flyte_lint.rules.config._values import node_edit, when

_DEPENDS_ON = "Expected depends_on to be of type List[Environment]"
_ADD = "Expected Environment"


def _environment_paths() -> frozenset[str]:
    """The SDK callables that make an environment and take ``depends_on`` (app envs too, which the model does not
    hold as envs): ``flyte.app.AppEnvironment``, ``flyte.TaskEnvironment.clone_with``..."""
    callables = sdk.table().get("callables", {})
    return frozenset(
        path
        for path, info in callables.items()
        if "Environment" in path and any(p.get("name") == "depends_on" for p in info.get("params", ()))
    )


def _declared(analysis: Analysis) -> Iterable[tuple[Env | None, nodes.NodeNG, str]]:
    """Each element of an env's ``depends_on`` list (written in place or a module constant) and each argument of
    its ``add_dependency(...)``, with the env (None: not one the model holds) and the TypeError text the SDK
    raises for a non-environment there."""
    for env in analysis.envs:
        yield from _listed(analysis, env, argument(env.node, None, "depends_on"))
    paths = _environment_paths()
    for call in analysis.calls:
        callee, path = call.callee, call.external_path or ""
        if isinstance(callee, Method) and callee.name == "add_dependency" and isinstance(callee.owner, EnvRef):
            owner = callee.owner.env
        elif path.endswith(".add_dependency") and path.rsplit(".", 1)[0] in paths:
            owner = None
        else:
            if path in paths:
                yield from _listed(analysis, None, sdk_arguments(call.node, path).get("depends_on"))
            continue
        for arg in call.node.args:
            if not isinstance(arg, nodes.Starred):
                yield owner, arg, _ADD


def _listed(analysis: Analysis, env: Env | None, declared: nodes.NodeNG | None):
    listed = analysis.definition(declared) if declared is not None else None
    if isinstance(listed, (nodes.List, nodes.Tuple)):
        for element in listed.elts:
            if not isinstance(element, nodes.Starred):
                yield env, element, _DEPENDS_ON


@register
class TaskAsDependency(Rule):
    code = "FLY316"
    symbol = "task-as-dependency"
    pylint_number = 58  # its pylint message id is E6758; never change it once released
    scope = Scope.IMPORTERS  # (whether a name is a task comes from other modules, and importers' env.task(fn))
    summary = "Reports a task object in an environment's `depends_on=[...]` or passed to `add_dependency(...)`."
    rationale = (
        "`depends_on` and `add_dependency` declare which environments deploy together; they take environments. "
        '`Environment.__post_init__` checks every element and raises TypeError ("Expected depends_on to be of '
        "type List[Environment], got <class 'flyte._task.AsyncFunctionTaskTemplate'>\"), and so does "
        '`clone_with(depends_on=...)`; `add_dependency` raises TypeError ("Expected Environment, got ..."). '
        "An env is usually built at module level, so its module cannot be imported at all (the same holds for "
        "`AppEnvironment` and the other environment classes)."
        " Severity: error: the TypeError is raised at import, in local runs, deploys and the cluster alike."
    )
    fix = (
        "Name the task's environment instead: its variable (`train_env`), or `train.parent_env()` where the env's "
        "variable is not at hand."
    )
    fix_safety = "Safe: the task's own environment takes its place, which is what the dependency means."
    raises = "builtins.TypeError"
    runtime = RuntimeSpec(
        entry="main",
        args={"x": 3},
        modes=("local",),
        bad=Outcome(ok=False, error_contains=("TypeError", _DEPENDS_ON), phase="import"),
        good=Outcome(ok=True, output=6),
    )

    INVALID = [
        Case(
            """
            import flyte

            train_env = flyte.TaskEnvironment("train")

            @train_env.task
            async def train(x: int) -> int:
                return x * 2

            env = flyte.TaskEnvironment("driver", depends_on=[train])  # expect: FLY316

            @env.task
            async def main(x: int) -> int:
                return await train(x)
            """,
            message="task 'train.train' in `depends_on`: the env raises TypeError when the module is imported "
            "(\"Expected depends_on to be of type List[Environment], got <class '...TaskTemplate'>\"): it takes "
            "environments. Write `train_env`, the task's env",
            fixed="""
            import flyte

            train_env = flyte.TaskEnvironment("train")

            @train_env.task
            async def train(x: int) -> int:
                return x * 2

            env = flyte.TaskEnvironment("driver", depends_on=[train_env])

            @env.task
            async def main(x: int) -> int:
                return await train(x)
            """,
        ),
        *INVALID_MORE,
    ]
    VALID = [
        Case(
            """
            import flyte

            train_env = flyte.TaskEnvironment("train")

            @train_env.task
            async def train(x: int) -> int:
                return x * 2

            env = flyte.TaskEnvironment("driver", depends_on=[train_env])

            @env.task
            async def main(x: int) -> int:
                return await train(x)
            """,
        ),
        *VALID_MORE,
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        seen: set[int] = set()
        for env, element, expected in _declared(analysis):
            if id(element) in seen:
                continue
            seen.add(id(element))
            value = analysis.resolver.value_of(element)
            if not isinstance(value, TaskRef):
                continue
            task = value.task
            module = analysis.resolver.module_of(element)
            where = "`depends_on`" if expected == _DEPENDS_ON else "`add_dependency(...)`"
            raised = (
                f"the env raises TypeError {when(element)}"
                if expected == _DEPENDS_ON
                else f"`add_dependency` raises TypeError {when(element)}"
            )
            head = (
                f"task '{task.name}' in {where}: {raised} (\"{expected}, got <class '...TaskTemplate'>\"): it takes "
                "environments."
            )
            if task.env is env:
                yield self.finding(
                    module, element, f"{head} The task's env is this env itself: drop it from the dependencies"
                )
                continue
            replacement = env_name_at(analysis, task.env, element, via=element)
            if replacement is None and not value.wrapped:
                text = one_line_source(module, element)
                replacement = (
                    f"{text}.parent_env()" if text and isinstance(element, (nodes.Name, nodes.Attribute)) else None
                )
            if replacement is None:
                yield self.finding(module, element, f"{head} Depend on the task's env '{task.env.label}' instead")
                continue
            edit = node_edit(element, replacement)
            yield self.finding(
                module,
                element,
                f"{head} Write `{replacement}`, the task's env",
                Fix((edit,), True, f"Replace with `{replacement}`"),
                suggestions=[Suggestion(replacement, (edit,))],
            )
