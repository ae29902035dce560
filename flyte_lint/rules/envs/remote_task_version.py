"""FLY403 remote-task-version: `flyte.remote.Task.get(...)` without a version, or with an auto_version the SDK
refuses.

What the SDK does (flyte 2.12.1): without ``version``/``auto_version`` it raises ValueError ("Either version or
auto_version must be provided"); an ``auto_version`` other than "latest"/"current" raises ValueError."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis, ResolvedCall
from flyte_lint.model.arguments import sdk_arguments
from flyte_lint.model.constants import MISSING
from flyte_lint.model.entities import Task
from flyte_lint.model.kinds import CallForm
from flyte_lint.model.suggest import closest
from flyte_lint.model.values import Method, RemoteTaskRef
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, keyword_added, register
from flyte_lint.rules.config._values import q, value_suggestion, when

AUTO_VERSIONS = ("latest", "current")


@register
class RemoteTaskVersion(Rule):
    code = "FLY403"
    symbol = "remote-task-version"
    pylint_number = 27
    advice_elsewhere = (
        (
            r"directly instead",
            "names the project's own task as an alternative to the remote reference: a refactor of its callers",
        ),
    )
    scope = Scope.IMPORTERS  # the hint reads which tasks call the reference and their envs
    summary = 'Reports `flyte.remote.Task.get(...)` without `version=` or `auto_version=`, or with an `auto_version` other than "latest"/"current".'
    rationale = (
        "`flyte.remote.Task.get` needs to know which deployed version to call: without `version` or "
        '`auto_version` it raises ValueError ("Either version or auto_version must be provided") when it runs, '
        'usually at import since references are often made at module level; `auto_version` must be "latest" '
        '(the newest deployed version) or "current" (the version the calling code was deployed with).'
        " Severity: error: the reference fails when it is made, usually at import, in local runs and in a "
        "cluster alike."
    )
    fix = 'Add `auto_version="latest"` or `auto_version="current"`, or pin `version="..."`; for a task of this project whose env is a dependency, call the task directly.'
    raises = "builtins.ValueError"  # (raised by the call: a deliberate `except ValueError:` around it is quiet)
    # The good reference imports; calling it needs a backend, which local runs do not have.
    runtime = RuntimeSpec(
        entry="main",
        args={"day": "mon"},
        modes=("local",),
        bad=Outcome(
            ok=False, error_contains=("ValueError", "Either version or auto_version must be provided"), phase="import"
        ),
        good=Outcome(phase="run", error_excludes=("version",), no_network=True),
    )

    INVALID = [
        Case(
            """
            import flyte
            import flyte.remote

            env = flyte.TaskEnvironment("reports")
            summarize = flyte.remote.Task.get("analytics.summarize")  # expect: FLY403

            @env.task
            async def main(day: str) -> str:
                return await summarize(day=day)
            """,
            message='`remote.Task.get("analytics.summarize")` has neither version= nor auto_version=: it raises '
            'ValueError ("Either version or auto_version must be provided") when the module is imported. Add '
            'auto_version="latest" (newest deployed version) or auto_version="current" (the version this '
            'code was deployed with), or pin version="..."',
        ),
        Case(
            """
            import flyte
            import flyte.remote
            from flyte import remote
            from flyte.remote import Task as RTask

            a = flyte.remote.Task.get("analytics.summarize")  # expect: FLY403
            b = remote.Task.get("x.y", auto_version="newest")  # expect: FLY403
            c = RTask.get("x.y", auto_version="Latest")  # expect: FLY403
            d = RTask.get("x.y", version=None)  # expect: FLY403
            e = RTask.get(name="x.y", project="p", domain="development")  # expect: FLY403
            ok1 = RTask.get("x.y", version="v1")
            ok2 = RTask.get(name="x.y", auto_version="current")
            ok3 = RTask.get("x.y", None, None, "v3")
            ok4 = RTask.get("x.y", auto_version="latest")

            env = flyte.TaskEnvironment("reports")

            @env.task
            async def main(day: str) -> str:
                ref = remote.Task.get("analytics.summarize")  # expect: FLY403
                return await ref(day=day)
            """,
            name="missing-or-invalid-version",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte
            import flyte.remote

            env = flyte.TaskEnvironment("reports")
            summarize = flyte.remote.Task.get("analytics.summarize", auto_version="latest")

            @env.task
            async def main(day: str) -> str:
                return await summarize(day=day)
            """,
        ),
        Case(
            """
            import os
            import flyte.remote
            from flytekit.remote import FlyteRemote

            kwargs = {"auto_version": "latest"}
            a = flyte.remote.Task.get("x.y", **kwargs)
            b = flyte.remote.Task.get("x.y", auto_version=os.environ["MODE"])
            c = flyte.remote.Task.get("x.y", version=os.environ["VERSION"])
            d = FlyteRemote(config=None).fetch_task(name="x.y")
            """,
            name="non-literals-and-look-alikes",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in analysis.calls:
            if call.external_path != "flyte.remote.Task.get":
                continue
            if any(isinstance(a, nodes.Starred) for a in call.node.args) or any(
                k.arg is None for k in call.node.keywords or []
            ):
                continue
            args = sdk_arguments(call.node, "flyte.remote.Task.get")
            version = analysis.literal(args["version"]) if "version" in args else None
            auto = analysis.literal(args["auto_version"]) if "auto_version" in args else None
            name = analysis.literal(args["name"]) if "name" in args else MISSING
            shown = f"`remote.Task.get({q(name)})`" if isinstance(name, str) else "`remote.Task.get(...)`"
            if isinstance(auto, str) and auto not in AUTO_VERSIONS:
                guess = auto.lower() if auto.lower() in AUTO_VERSIONS else closest(auto.lower(), AUTO_VERSIONS, 0.4)
                advice = f"; did you mean auto_version={q(guess)}?" if guess else '. Use "latest" or "current"'
                yield self.finding(
                    call.module,
                    args["auto_version"],
                    f'auto_version={q(auto)} in {shown} is not "latest" or "current": it raises ValueError {when(call.node)}{advice}',
                    suggestions=[
                        value_suggestion(call.module, args["auto_version"], f"auto_version={q(guess)}", guess)
                        if guess
                        else None
                    ],
                )
                continue
            if version is not None or auto is not None:
                continue  # given (a literal or not)
            hint = self._direct_call_hint(analysis, call, name)
            yield self.finding(
                call.module,
                call.node,
                f'{shown} has neither version= nor auto_version=: it raises ValueError ("Either version or '
                f'auto_version must be provided") {when(call.node)}. Add auto_version="latest" (newest deployed '
                f'version) or auto_version="current" (the version this code was deployed with), or pin version="..."{hint}',
                suggestions=[
                    keyword_added(call.node, 'auto_version="latest"'),
                    keyword_added(call.node, 'auto_version="current"'),
                ],
            )

    @staticmethod
    def _direct_call_hint(analysis: Analysis, call: ResolvedCall, name) -> str:
        if not isinstance(name, str):
            return ""
        local = [t for t in analysis.tasks if t.name == name]
        if len(local) != 1:
            return ""
        task = local[0]
        callers: set[Task] = set(analysis.context_tasks(call.function))
        for site in analysis.call_sites:
            ref = site.callee.owner if isinstance(site.callee, Method) else site.callee
            if site.form == CallForm.REMOTE and isinstance(ref, RemoteTaskRef) and ref.call is call.node:
                callers |= analysis.context_tasks(site.function)
        envs = {id(c.env): c.env for c in callers}
        if not envs or not all(analysis.depends_on(env, task.env) for env in envs.values()):
            return ""
        labels = ", ".join(sorted(f"'{e.label}'" for e in envs.values()))
        return (
            f". Task '{name}' is defined in this project and its env '{task.env.label}' is a dependency of {labels}: "
            f"you can call `{task.func.name}(...)` directly instead"
        )
