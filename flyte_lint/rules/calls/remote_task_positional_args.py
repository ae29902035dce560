"""FLY107 remote-task-positional-args: a remote task reference called with positional arguments."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.kinds import CallForm
from flyte_lint.model.source import rendered, short
from flyte_lint.model.values import Method, RemoteTaskRef
from flyte_lint.rules.base import Case, Finding, Rule, Scope, register


@register
class RemoteTaskPositionalArgs(Rule):
    code = "FLY107"
    symbol = "remote-task-positional-args"
    pylint_number = 8
    scope = Scope.IMPORTERS
    summary = "Reports positional arguments passed to a `flyte.remote.Task.get(...)` reference."
    rationale = (
        "A remote task reference only takes keyword arguments: the SDK rejects the call with \"does not support positional arguments\"."
        " Severity: error: the reference rejects the call wherever it runs, in local runs and in a cluster "
        "alike."
    )
    fix = "Pass every input by name: `await ref(x=...)`."

    INVALID = [
        Case(
            """
            import flyte
            from flyte import remote

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def main(x: str) -> str:
                ref = remote.Task.get("other_env.process", auto_version="latest")
                return await ref(x)  # expect: FLY107
            """,
            message="remote task 'other_env.process' is called with positional arguments: the SDK rejects them "
                    "(\"does not support positional arguments\"). Pass every input by keyword: "
                    "`await ref(name=value)`",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte
            from flyte import remote

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def main(x: str) -> str:
                ref = remote.Task.get("other_env.process", auto_version="latest")
                return await ref(x=x)
            """,
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for site in analysis.call_sites:
            if site.form == CallForm.REMOTE and site.node.args:
                ref = site.callee.owner if isinstance(site.callee, Method) else site.callee
                name = ref.name if isinstance(ref, RemoteTaskRef) else None
                label = f"remote task '{name}'" if name else "a remote task reference"
                effect = "the SDK rejects them (\"does not support positional arguments\")"
                if site.via_aio:
                    # flyte.remote's LazyEntity has no ``.aio``: calling the reference is already async.
                    effect += ", and the reference has no `.aio` (AttributeError)"
                func = site.node.func
                if site.via_aio and isinstance(func, nodes.Attribute):
                    func = func.expr
                shown = short(rendered(func), 50)
                yield self.finding(
                    site.module, site.node,
                    f"{label} is called with positional arguments: {effect}. Pass every input by keyword: "
                    f"`await {shown}(name=value)`",
                )
