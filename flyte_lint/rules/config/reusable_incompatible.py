"""FLY315 reusable-incompatible: a setting a reusable task cannot take (`.override` or `@env.task` raises)."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.arguments import keyword_argument
from flyte_lint.model.constants import MISSING
from flyte_lint.model.values import EnvRef, Method
from flyte_lint.rules.base import Case, Edit, Finding, Fix, Outcome, Rule, RuntimeSpec, Scope, Suggestion, register
from flyte_lint.rules.config._reusable_cases import INVALID_MORE, VALID_MORE
from flyte_lint.rules.config._task_settings import (
    RAISE_ON_REUSABLE,
    certainly_not_none,
    env_reusable,
    env_setting,
    is_override,
    override_reusable,
)
from flyte_lint.rules.config._values import node_edit, q, when

_OFF = 'reusable="off"'


def _off_suggestion(call: nodes.Call) -> Suggestion:
    """``reusable="off"`` in the ``.override(...)`` call: in place of its ``reusable=`` value, else first."""
    given = keyword_argument(call, "reusable")
    if given is not None:
        return Suggestion(_OFF, (node_edit(given, '"off"'),))
    first = call.keywords[0]
    return Suggestion(_OFF, (Edit((first.lineno, first.col_offset), (first.lineno, first.col_offset), f"{_OFF}, "),))


@register
class ReusableIncompatible(Rule):
    code = "FLY315"
    symbol = "reusable-incompatible"
    pylint_number = 57  # its pylint message id is E6757; never change it once released
    scope = Scope.IMPORTERS  # (whether the receiver is a task, and its env, come from other modules)
    summary = (
        "Reports `.override(resources=|env_vars=|secrets=|service_account=...)` on a reusable task without "
        '`reusable="off"`, and `pod_template=` or another `service_account` on `@env.task` of a reusable env.'
    )
    rationale = (
        "A reusable env's replicas are started once with the env's resources, variables, secrets, service account "
        "and pod, so the SDK refuses task-level changes to them. `TaskTemplate.override` raises ValueError "
        "(\"Cannot override resources when reusable is set ... (set reusable='off')\") for `resources`, `env_vars`, "
        '`secrets` or `service_account` that are not None, unless the same call passes `reusable="off"` (an '
        "earlier override that turned it off counts too; `reusable=None` does not: it keeps the task's policy). "
        "Even `env_vars={}` raises there (the check is `is not None`). `TaskEnvironment.task` raises ValueError "
        '("Cannot set pod_template when environment is reusable.", "Cannot override service_account when '
        "environment is reusable.\") for a `pod_template`, or a `service_account` other than the env's, when the "
        "decorator is built: at import. The rule stays quiet where the env's reusability is not known."
        " Severity: error: the ValueError is raised in local runs and in a cluster alike, at import for the "
        "decorator and when the override line runs for `.override`."
    )
    fix = (
        'Pass `reusable="off"` in the same `.override(...)` call (the task then runs in a pod of its own with those '
        "settings); for `@env.task`, drop `pod_template=`/`service_account=` or define the task on an env that is "
        "not reusable."
    )
    fix_safety = (
        'Unsafe: with `reusable="off"` the call runs in a new pod of its own instead of a warm replica (a slower '
        "start; that is what the override needs)."
    )
    raises = "builtins.ValueError"
    runtime = RuntimeSpec(
        entry="main",
        args={"x": 3},
        bad=Outcome(ok=False, error_contains=("ValueError", "Cannot override resources when reusable is set")),
        good=Outcome(ok=True, output=6),
    )

    INVALID = [
        Case(
            """
            import flyte

            pool = flyte.TaskEnvironment("pool", reusable=flyte.ReusePolicy(replicas=2))
            env = flyte.TaskEnvironment("driver", depends_on=[pool])

            @pool.task
            async def score(x: int) -> int:
                return x * 2

            @env.task
            async def main(x: int) -> int:
                return await score.override(resources=flyte.Resources(cpu=2))(x)  # expect: FLY315
            """,
            message='`.override(resources=...)` raises ValueError when this line runs ("Cannot override resources '
            "when reusable is set\"): task 'pool.score' is reusable (env 'pool'), and its replicas keep the env's "
            'resources. Pass `reusable="off"` in the same call to run it in a pod of its own',
            fixed="""
            import flyte

            pool = flyte.TaskEnvironment("pool", reusable=flyte.ReusePolicy(replicas=2))
            env = flyte.TaskEnvironment("driver", depends_on=[pool])

            @pool.task
            async def score(x: int) -> int:
                return x * 2

            @env.task
            async def main(x: int) -> int:
                return await score.override(reusable="off", resources=flyte.Resources(cpu=2))(x)
            """,
        ),
        *INVALID_MORE,
    ]
    VALID = [
        Case(
            """
            import flyte

            pool = flyte.TaskEnvironment("pool", reusable=flyte.ReusePolicy(replicas=2))
            env = flyte.TaskEnvironment("driver", depends_on=[pool])

            @pool.task
            async def score(x: int) -> int:
                return x * 2

            @env.task
            async def main(x: int) -> int:
                return await score.override(reusable="off", resources=flyte.Resources(cpu=2))(x)
            """,
        ),
        *VALID_MORE,
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in analysis.calls:
            callee = call.callee
            if is_override(call.node, callee):
                yield from self._override(analysis, call)
            elif isinstance(callee, Method) and callee.name == "task" and isinstance(callee.owner, EnvRef):
                yield from self._decorator(analysis, call, callee.owner.env)

    def _override(self, analysis: Analysis, call) -> Iterable[Finding]:
        if override_reusable(analysis, call.node) is not True:
            return
        task = call.callee.owner.task
        given = keyword_argument(call.node, "reusable")
        why = (
            f"this call sets a ReusePolicy for task '{task.name}'"
            if given is not None
            else f"task '{task.name}' is reusable (env '{task.env.label}')"
        )
        fixed = False
        for kw in call.node.keywords or []:
            if kw.arg not in RAISE_ON_REUSABLE or not certainly_not_none(analysis, kw.value):
                continue
            word = RAISE_ON_REUSABLE[kw.arg]
            suggestion = _off_suggestion(call.node)
            fix = None if fixed else Fix(suggestion.edits, False, 'Pass `reusable="off"`')
            fixed = True
            yield self.finding(
                call.module,
                kw,
                f'`.override({kw.arg}=...)` raises ValueError {when(call.node)} ("Cannot override {word} when '
                f"reusable is set\"): {why}, and its replicas keep the env's {word}. Pass `{_OFF}` in the same "
                "call to run it in a pod of its own",
                fix,
                suggestions=[suggestion],
            )

    def _decorator(self, analysis: Analysis, call, env) -> Iterable[Finding]:
        if env_reusable(analysis, env) is not True:
            return
        template = keyword_argument(call.node, "pod_template")
        if template is not None and certainly_not_none(analysis, template):
            yield self.finding(
                call.module,
                template.parent,
                f"`pod_template=` on a task of reusable env '{env.label}': `env.task` raises ValueError "
                f'{when(call.node)} ("Cannot set pod_template when environment is reusable."). Drop it, or define '
                "the task on an env that is not reusable",
            )
        account = keyword_argument(call.node, "service_account")
        value = analysis.literal(account) if account is not None else MISSING
        known, own = env_setting(analysis, env, "service_account")
        if value is MISSING or value is None or not known or value == own:
            return
        has = f"runs as {q(own)}" if own is not None else "sets no service_account"
        yield self.finding(
            call.module,
            account.parent,
            f"`service_account={q(value)}` on a task of reusable env '{env.label}', which {has}: `env.task` raises "
            f'ValueError {when(call.node)} ("Cannot override service_account when environment is reusable."). '
            "Drop it: the task runs as the env's service account",
        )
