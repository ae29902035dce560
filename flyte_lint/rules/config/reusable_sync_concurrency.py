"""FLY313 reusable-sync-concurrency: a sync task in a reusable environment with concurrency above 1."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.arguments import sdk_arguments
from flyte_lint.model.constants import MISSING
from flyte_lint.model.entities import Env, Task
from flyte_lint.model.kinds import EnvOrigin
from flyte_lint.rules.base import Case, Edit, Finding, Outcome, Rule, RuntimeSpec, Scope, Suggestion, register
from flyte_lint.rules.config._values import callee_path, env_argument, node_edit


def _concurrency_one(analysis: Analysis, node: nodes.NodeNG, module) -> Suggestion:
    """``concurrency=1`` written where the ReusePolicy sets it (``node``), in this file or another."""
    where = analysis.resolver.module_of(node)
    return Suggestion("concurrency=1", (node_edit(node, "1"),), where.display_path if where is not module else None)


def _made_async(analysis: Analysis, task: Task, module) -> Suggestion | None:
    """``async`` written before the ``def`` of ``task``, when it is defined in ``module``."""
    func = task.func
    if analysis.resolver.module_of(func) is not module:
        return None
    # (astroid's lineno is the first decorator's line: find the `def` itself)
    lines = module.lines or []
    for number in range(func.lineno, min(func.body[0].lineno, len(lines)) + 1):
        text = lines[number - 1]
        if text.lstrip().startswith("def "):
            column = len(text[: len(text) - len(text.lstrip())].encode("utf-8"))
            return Suggestion("async def", (Edit((number, column), (number, column), "async "),))
    return None


def env_concurrency(analysis: Analysis, env: Env, depth: int = 0) -> tuple[int, nodes.NodeNG] | None:
    """The ReusePolicy concurrency of ``env`` when it is a literal, with the node that sets it."""
    if depth > 10:
        return None
    node = env_argument(analysis, env, "reusable")
    if node is None:
        if env.origin == EnvOrigin.CLONE_WITH and env.parent is not None:
            return env_concurrency(analysis, env.parent, depth + 1)
        return None
    call = analysis.definition(node)
    if not isinstance(call, nodes.Call) or callee_path(analysis, call) != "flyte.ReusePolicy":
        return None
    concurrency = sdk_arguments(call, "flyte.ReusePolicy").get("concurrency")
    value = analysis.literal(concurrency) if concurrency is not None else MISSING
    if isinstance(value, int) and not isinstance(value, bool):
        return value, concurrency
    return None


@register
class ReusableSyncConcurrency(Rule):
    code = "FLY313"
    symbol = "reusable-sync-concurrency"
    pylint_number = 24
    scope = Scope.IMPORTERS
    summary = "Reports a sync task in an environment whose `ReusePolicy` has `concurrency` greater than 1."
    rationale = (
        "A reusable environment with `concurrency > 1` runs several tasks at once in one replica, which the SDK "
        'supports only for `async def` tasks: `@env.task` on a sync function raises ValueError ("Reusable '
        'environments with concurrency greater than 1 are only supported for async tasks") when the decorator '
        "runs, at import."
        " Severity: error: the decorator fails at import, so local runs, deploys and the cluster fail alike."
    )
    fix = "Make the task `async def`, or set `concurrency=1`, or move the sync task to a non-reusable env."
    raises = "builtins.ValueError"  # (raised where the decorator is applied: the decorator, or `env.task(fn)`)

    runtime = RuntimeSpec(
        entry="main",
        args={"x": 3},
        modes=("local",),
        bad=Outcome(ok=False, error_contains=("ValueError", "concurrency greater than 1"), phase="import"),
        good=Outcome(ok=True, output=6),
    )
    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment(
                "scoring",
                reusable=flyte.ReusePolicy(replicas=2, concurrency=4),
            )

            @env.task  # expect: FLY313
            def main(x: int) -> int:
                return x * 2
            """,
            message="sync task 'scoring.main' is in env 'scoring', which is reusable with concurrency=4: `@env.task` raises ValueError (\"Reusable environments with concurrency greater than 1 are only supported for async tasks\") at import. Make it `async def`, or use concurrency=1",
        ),
        Case(
            """
            # file: envs.py
            import flyte

            POLICY = flyte.ReusePolicy(2, 30, 3)
            shared = flyte.TaskEnvironment("shared", reusable=POLICY)
            # file: main.py
            import flyte
            from flyte import ReusePolicy as RP
            from envs import shared
            import library

            env = flyte.TaskEnvironment("scoring", reusable=RP(replicas=2, concurrency=4))
            one = flyte.TaskEnvironment("one", reusable=RP(replicas=2, concurrency=1))
            clone = env.clone_with("clone")
            clone_off = env.clone_with("clone-off", reusable=None)

            @env.task  # expect: FLY313
            def sync_task(x: int) -> int:
                return x

            @env.task
            async def async_task(x: int) -> int:
                return x

            @one.task
            def sync_one(x: int) -> int:
                return x

            @clone.task  # expect: FLY313
            def sync_clone(x: int) -> int:
                return x

            @clone_off.task
            def sync_clone_off(x: int) -> int:
                return x

            @shared.task(retries=2)  # expect: FLY313
            def sync_shared(x: int) -> int:
                return x

            def plain(x: int) -> int:
                return x

            wrapped = env.task(plain)  # expect: FLY313
            wrapped_here = env.task(library.score)  # expect: FLY313
            # file: library.py
            def score(x: int) -> int:  # (a module that never mentions flyte: the finding is at the call above)
                return x
            """,
            name="sync-tasks-in-concurrent-reusable-envs",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment(
                "scoring",
                reusable=flyte.ReusePolicy(replicas=2, concurrency=4),
            )

            @env.task
            async def main(x: int) -> int:
                return x * 2
            """,
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for task in analysis.tasks:
            if task.is_async:
                continue
            found = env_concurrency(analysis, task.env)
            if found is None or found[0] <= 1:
                continue
            concurrency, node = found
            module = analysis.resolver.module_of(task.decorator)
            yield self.finding(
                module,
                task.decorator,  # (`env.task(fn)` may be elsewhere)
                f"sync task '{task.name}' is in env '{task.env.label}', which is reusable with concurrency={concurrency}: "
                '`@env.task` raises ValueError ("Reusable environments with concurrency greater than 1 are only '
                'supported for async tasks") at import. Make it `async def`, or use concurrency=1',
                suggestions=[_made_async(analysis, task, module), _concurrency_one(analysis, node, module)],
            )
