"""FLY307 duplicate-env-name: two environments with one name that can be deployed together."""

from __future__ import annotations

from collections.abc import Iterable

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.entities import Env
from flyte_lint.model.scopes import enclosing_function
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, register
from flyte_lint.rules.config._deploy_groups import deploy_groups, exclusive_branches
from flyte_lint.rules.config._values import q


@register
class DuplicateEnvName(Rule):
    code = "FLY307"
    symbol = "duplicate-env-name"
    pylint_number = 18
    scope = Scope.IMPORTERS
    summary = "Reports two environments with the same name that can be deployed together, at each definition after the first (in path and line order)."
    rationale = (
        "A task is named `<env name>.<function name>` and `flyte deploy` plans environments by name. Deploying "
        "two envs with the same name together (`flyte deploy --all`/`--recursive`, or one reached through "
        '`depends_on`) fails with ValueError at planning: "Duplicate environment name" (for two envs in one file '
        'the SDK misleadingly says the env "was imported twice under different module names"). Deployed apart, '
        "their tasks share the `<name>.` prefix, so a same-named function in either replaces the other. `clone_with` and `from_task` envs count too. "
        "Envs count as deployable together when they are in one file, in one package tree, or in modules connected "
        "by imports (a deploy script importing both connects them); independent scripts that only share a folder "
        "are not compared."
        " Severity: error: deploying the envs together fails at planning (a local run deploys nothing, so it "
        "never shows this)."
    )
    fix = "Give every environment its own name."

    # Deploying both envs (as `flyte deploy --all` does) stops at planning. Both envs sit in one file here,
    # which the SDK words as "Environment 'etl' ... was imported twice under different module names";
    # from two files it says "Duplicate environment name 'etl'".
    runtime = RuntimeSpec(
        entry="main",
        probe="plan:ingest_env, train_env",
        modes=("local",),
        bad=Outcome(ok=False, error_contains=("ValueError", "Environment 'etl'")),
        good=Outcome(ok=True, output=["etl"]),
    )
    INVALID = [
        Case(
            """
            import flyte

            ingest_env = flyte.TaskEnvironment("etl")
            train_env = flyte.TaskEnvironment("etl", resources=flyte.Resources(cpu=4))  # expect: FLY307

            @ingest_env.task
            def ingest() -> int:
                return 1

            @train_env.task
            def train() -> int:
                return 2
            """,
            message='environment name "etl" is already used by the env at line 3: deploying both fails with ValueError ("Duplicate environment name \'etl\'"; for two envs in one file the SDK says it was "imported twice under different module names"), and their tasks share the \'etl.\' namespace. Give this env its own name',
        ),
        Case(
            """
            import flyte

            a = flyte.TaskEnvironment("etl")
            b = flyte.TaskEnvironment("etl")  # expect: FLY307
            c = a.clone_with("etl")  # expect: FLY307
            d = flyte.TaskEnvironment.from_task("etl")  # expect: FLY307
            e = flyte.TaskEnvironment("train")
            """,
            name="same-file",
        ),
        Case(
            """
            # file: envs.py
            import flyte

            etl = flyte.TaskEnvironment("etl")
            # file: tasks.py
            import flyte
            from envs import etl

            other = flyte.TaskEnvironment("etl")  # expect: FLY307
            """,
            name="across-modules-connected-by-imports",
        ),
        Case(
            """
            # file: a.py
            import flyte

            env = flyte.TaskEnvironment("shared")
            # file: b.py
            import flyte

            env = flyte.TaskEnvironment("shared")  # expect: FLY307
            # file: deploy.py
            import flyte
            import a
            import b

            flyte.deploy(a.env, b.env)
            """,
            name="across-modules-through-a-deploy-script",
        ),
        Case(
            """
            # file: pipelines/__init__.py
            # file: pipelines/a.py
            import flyte

            env = flyte.TaskEnvironment("default")
            # file: pipelines/b.py
            import flyte

            env = flyte.TaskEnvironment("default")  # expect: FLY307
            """,
            name="in-one-package",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            ingest_env = flyte.TaskEnvironment("etl")
            train_env = flyte.TaskEnvironment("train", resources=flyte.Resources(cpu=4))

            @ingest_env.task
            def ingest() -> int:
                return 1

            @train_env.task
            def train() -> int:
                return 2
            """,
        ),
        Case(
            """
            # file: hello.py
            import flyte

            env = flyte.TaskEnvironment("hello")
            # file: hello_again.py
            import flyte

            env = flyte.TaskEnvironment("hello")
            # file: branches.py
            import os
            import flyte

            if os.environ.get("GPU"):
                env = flyte.TaskEnvironment("train", resources=flyte.Resources(gpu=1))
            else:
                env = flyte.TaskEnvironment("train")

            def make():
                return flyte.TaskEnvironment("train")
            """,
            name="quiet-for-independent-scripts-branches-and-factories",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        first: dict[tuple, list[Env]] = {}
        groups = deploy_groups(analysis)
        for env in sorted(analysis.envs, key=lambda e: (e.module.display_path, e.node.lineno, e.node.col_offset)):
            if env.name is None or enclosing_function(env.node) is not None:
                continue  # an env made in a function may never be built, or be built once per call
            key = (groups.get(env.module.path, env.module.path), env.name)
            # (the first earlier env that may run with this one is enough: not every pair is compared)
            other = next(
                (
                    e
                    for e in first.get(key, [])
                    if not (e.module is env.module and exclusive_branches(e.node, env.node))
                ),
                None,
            )
            first.setdefault(key, []).append(env)
            if other is None:
                continue
            where = (
                f"line {other.node.lineno}"
                if other.module is env.module
                else f"{other.module.display_path}:{other.node.lineno}"
            )
            same = (
                '; for two envs in one file the SDK says it was "imported twice under different module names"'
                if other.module is env.module
                else ""
            )
            yield self.finding(
                env.module,
                env.name_node or env.node,
                f"environment name {q(env.name)} is already used by the env at {where}: deploying both fails with "
                f"ValueError (\"Duplicate environment name '{env.name}'\"{same}), and their tasks share the "
                f"'{env.name}.' namespace. Give this env its own name",
            )
