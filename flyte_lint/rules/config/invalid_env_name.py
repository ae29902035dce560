"""FLY306 invalid-env-name: an environment name that is not snake_case or kebab-case."""

from __future__ import annotations

import re
from collections.abc import Iterable

from flyte_lint.model.analysis import Analysis
from flyte_lint.rules.base import Case, Finding, Fix, Outcome, Rule, RuntimeSpec, Scope, Suggestion, register
from flyte_lint.rules.config._values import q, string_edit, when

ENV_NAME = re.compile(r"^[a-z0-9]+([_-][a-z0-9]+)*$")


def kebab(name: str) -> str:
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", name)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1-\2", text)
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@register
class InvalidEnvName(Rule):
    code = "FLY306"
    symbol = "invalid-env-name"
    pylint_number = 17
    scope = Scope.IMPORTERS
    summary = "Reports an environment name that is not snake_case or kebab-case (`^[a-z0-9]+([_-][a-z0-9]+)*$`)."
    rationale = (
        '`TaskEnvironment`, `clone_with` and `from_task` check the name when the env is built: `"MyEnv"`, '
        '`"my env"`, `"my.env"`, `"my__env"`, `"_env"` and `"env_"` raise ValueError ("must be in '
        'snake_case or kebab-case format"), usually when the module is imported, so nothing runs or deploys.'
        " Severity: error: the env fails when it is built, so local runs, deploys and the cluster fail alike."
    )
    fix = "Use lowercase letters and digits separated by single `-` or `_`; the message suggests the kebab-case name."
    fix_safety = "Safe when the name is a literal: the original name never worked, so nothing can refer to it."
    raises = "builtins.ValueError"  # (raised by the call: a deliberate `except ValueError:` around it is quiet)

    runtime = RuntimeSpec(
        entry="main",
        modes=("local",),
        bad=Outcome(ok=False, error_contains=("ValueError", "snake_case or kebab-case"), phase="import"),
        good=Outcome(ok=True, output=1),
    )
    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("DataPrep")  # expect: FLY306

            @env.task
            def main() -> int:
                return 1
            """,
            message='environment name "DataPrep" is not snake_case or kebab-case: the env raises ValueError when the module is imported; did you mean "data-prep"?',
            fixed="""
            import flyte

            env = flyte.TaskEnvironment("data-prep")

            @env.task
            def main() -> int:
                return 1
            """,
        ),
        Case(
            """
            import flyte
            from flyte import TaskEnvironment as TE

            a = TE("DataPrep")  # expect: FLY306
            b = flyte.TaskEnvironment(name="my env")  # expect: FLY306
            c = TE("my.env")  # expect: FLY306
            d = TE("my__env")  # expect: FLY306
            e = TE("_env")  # expect: FLY306
            f = TE("env_")  # expect: FLY306
            g = a.clone_with("Bad Name")  # expect: FLY306
            h = TE("ok-env")
            i = TE("ok_env2")
            j = TE("1abc")
            """,
            name="names",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("data-prep")

            @env.task
            def main() -> int:
                return 1
            """,
        ),
        Case(
            """
            import os
            import flyte
            from flytekit import TaskEnvironment

            a = flyte.TaskEnvironment(os.environ["ENV_NAME"])
            b = flyte.TaskEnvironment(f"team-{os.getpid()}")
            c = TaskEnvironment("MyEnv")
            """,
            name="quiet-on-non-literal-and-other-libraries",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        taken = {env.name for env in analysis.envs if env.name is not None}
        for env in analysis.envs:
            if env.name is None or env.name_node is None or ENV_NAME.match(env.name):
                continue
            suggestion = kebab(env.name)
            advice = (
                f"; did you mean {q(suggestion)}?"
                if suggestion
                else ". Use lowercase letters and digits separated by - or _"
            )
            if suggestion in taken:
                advice = f"; the kebab-case form {q(suggestion)} is already used by another env, so pick a new name"
            fix = None
            if suggestion and suggestion not in taken:
                edit = string_edit(env.module, env.name_node, suggestion)
                fix = Fix((edit,), True, f"Rename the env to {q(suggestion)}") if edit else None
            yield self.finding(
                env.module,
                env.name_node,
                f"environment name {q(env.name)} is not snake_case or kebab-case: the env raises ValueError "
                f"{when(env.node)}{advice}",
                fix,
                suggestions=[Suggestion(q(suggestion), fix.edits) if fix else None],
            )
