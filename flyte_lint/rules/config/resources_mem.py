"""FLY301 resources-mem: `flyte.Resources(mem=...)`, Flyte 1's spelling of `memory=`."""

from __future__ import annotations

from collections.abc import Iterable

from flyte_lint.model.analysis import Analysis
from flyte_lint.rules.base import Case, Finding, Fix, Outcome, Rule, RuntimeSpec, Scope, Suggestion, register
from flyte_lint.rules.calls._common import rename_keyword


@register
class ResourcesMem(Rule):
    code = "FLY301"
    symbol = "resources-mem"
    pylint_number = 12
    scope = Scope.MODULE
    summary = "Reports `flyte.Resources(mem=...)`: Flyte 2 calls it `memory=`."
    rationale = (
        "`flyte.Resources` has no `mem` parameter (that is Flyte 1's spelling): the module fails to import with TypeError: unexpected keyword argument 'mem'."
        " Severity: error: the module fails to import, so local runs, deploys and the cluster fail alike."
    )
    fix = "Rename the keyword to `memory=`."
    fix_safety = "Safe: renames the keyword; the value is kept."
    raises = "builtins.TypeError"  # (at the call: a deliberate ``except TypeError:`` probe around it is quiet)

    runtime = RuntimeSpec(
        entry="main",
        probe="plan:env",
        modes=("local",),
        bad=Outcome(ok=False, error_contains=("TypeError", "mem"), phase="import"),
        good=Outcome(ok=True),
    )
    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo", resources=flyte.Resources(cpu="1", mem="2Gi"))  # expect: FLY301
            """,
            message="`flyte.Resources` has no `mem` parameter: it fails with TypeError. Write `memory=`",
            fixed="""
            import flyte

            env = flyte.TaskEnvironment("demo", resources=flyte.Resources(cpu="1", memory="2Gi"))
            """,
        ),
        Case(
            """
            import flyte
            from flyte import Resources as R
            import flyte as f

            env = flyte.TaskEnvironment("demo", resources=flyte.Resources(cpu="1", mem="2Gi"))  # expect: FLY301
            env2 = flyte.TaskEnvironment("demo2", resources=R(mem="1Gi"))  # expect: FLY301
            big = f.Resources(
                cpu="4",
                mem="16Gi",  # expect: FLY301
            )

            @env.task
            def work() -> int:
                return 1

            @env.task
            def main() -> int:
                return work.override(resources=flyte.Resources(mem="4Gi"))()  # expect: FLY301
            """,
            name="mem-keyword",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo", resources=flyte.Resources(cpu="1", memory="2Gi"))
            """,
        ),
        # flytekit here is on purpose: Flyte 1 migration rules would fire
        Case(
            """
            # file: main.py
            import flytekit
            import some_lib
            from kubernetes import client
            from local_res import Resources as LocalResources

            class Resources:
                def __init__(self, mem):
                    self.mem = mem

            a = flytekit.Resources(mem="1Gi")
            b = some_lib.Resources(mem="1Gi")
            c = Resources(mem="1Gi")
            d = client.V1ResourceRequirements(mem="1Gi")
            e = some_lib.configure(mem="1Gi")
            f = LocalResources(mem="1Gi")

            def build(flyte):
                return flyte.Resources(mem="1Gi")
            # file: local_res.py
            class Resources:
                def __init__(self, mem):
                    self.mem = mem
            """,
            select=["FLY302"],
            name="quiet-on-other-resources",
        ),
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo", resources=flyte.Resources(cpu="1", memory="2Gi", disk="10Gi"))
            """,
            name="quiet-on-memory",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in analysis.calls:
            if call.external_path != "flyte.Resources":
                continue
            given = {k.arg for k in call.node.keywords or []}
            for kw in call.node.keywords or []:
                if kw.arg == "mem":
                    fix = (
                        None if "memory" in given else Fix((rename_keyword(kw, "memory"),), True, "Rename to `memory=`")
                    )
                    yield self.finding(
                        call.module,
                        kw,
                        "`flyte.Resources` has no `mem` parameter: it fails with TypeError. "
                        + ("Write `memory=`" if fix else "Remove it: `memory=` is given too"),
                        fix,
                        suggestions=[Suggestion("memory=", fix.edits) if fix else None],
                    )
