"""FLY502 workflow-decorator: a Flyte 1 `@workflow`; in Flyte 2 a workflow is a task that calls tasks."""

from __future__ import annotations

from collections.abc import Iterable

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.flyte1_index import flyte1_index
from flyte_lint.model.source import short_source
from flyte_lint.rules.base import Case, Finding, Scope, register
from flyte_lint.rules.flyte1._common import FLYTE1_CODES, MIGRATE_NOTE, V1Rule, decorated_label

WORKFLOW_OPTIONS = {
    "on_failure": "call the handler in an `except` around the calls",
    "failure_policy": "catch a failing call with `try`/`except` and go on",
    "interruptible": "`interruptible=` on the TaskEnvironment or `@env.task`",
    "docs": "`docs=` on `@env.task`",
    "default_options": "options of `flyte.with_runcontext(...)`",
}


@register
class WorkflowDecorator(V1Rule):
    code = "FLY502"
    symbol = "workflow-decorator"
    pylint_number = 29
    scope = Scope.IMPORTERS
    summary = (
        "Reports a Flyte 1 `@workflow` (or imperative `Workflow`): in Flyte 2 a workflow is a task that calls tasks."
    )
    rationale = (
        "Flyte 2 has no workflows and no workflow DSL: the entry point is an ordinary task of a "
        "`flyte.TaskEnvironment` that calls other tasks. Its body is plain Python that runs, so values are real "
        "values (not promises), and loops, branches and try/except work."
        " Severity: warning: a migration step: this is Flyte 1 code, which runs where flytekit is installed and "
        "fails under the Flyte 2 SDK alone; the code cannot show which one it is meant for."
    )
    INVALID = [
        Case(
            """
            from flytekit import task, workflow

            @task
            def double(x: int) -> int:
                return x * 2

            @workflow  # expect: FLY502
            def main(x: int) -> int:
                return double(x=x)
            """,
            message="`@workflow` on `main` is Flyte 1: Flyte 2 has no workflows; make `main` an `@env.task` of a "
            "`flyte.TaskEnvironment` that calls the tasks" + MIGRATE_NOTE,
        ),
        Case(
            """
            import flytekit
            import flytekit as fk
            from flytekit import workflow
            from flytekit import workflow as wf
            from flytekit.core.workflow import workflow as core_workflow

            @workflow  # expect: FLY502
            def a() -> None: ...

            @flytekit.workflow  # expect: FLY502
            def b() -> None: ...

            @fk.workflow(on_failure=a)  # expect: FLY502
            def c() -> None: ...

            @wf  # expect: FLY502
            def d() -> None: ...

            @core_workflow  # expect: FLY502
            def e() -> None: ...

            later = workflow(e)  # expect: FLY502
            """,
            name="every-spelling",
        ),
        Case(
            """
            from flytekit import workflow

            def handler() -> None: ...

            @workflow(on_failure=handler)  # expect: FLY502
            def pipeline() -> None: ...
            """,
            message="`@workflow(on_failure=handler)` on `pipeline` is Flyte 1: Flyte 2 has no workflows; make "
            "`pipeline` an `@env.task` of a `flyte.TaskEnvironment` that calls the tasks; `on_failure=` → "
            "call the handler in an `except` around the calls" + MIGRATE_NOTE,
            name="on-failure-message",
        ),
        Case(
            """
            # file: compat.py
            from flytekit import task, workflow  # expect: FLY501
            # file: main.py
            import flyte
            from compat import task, workflow

            @workflow  # expect: FLY502
            def main() -> None: ...
            """,
            select=FLYTE1_CODES,
            name="cross-module-re-export",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def double(x: int) -> int:
                return x * 2

            @env.task
            def main(x: int) -> int:
                return double(x=x)
            """,
        ),
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            def workflow(fn):
                return fn

            @workflow
            def local() -> None: ...

            @env.task
            def main() -> None:
                local()
            """,
            select=FLYTE1_CODES,
            name="local-workflow-function-and-v2-code",
        ),
        Case(
            """
            try:
                import flyte
                env = flyte.TaskEnvironment("demo")
                task = env.task
            except ImportError:
                from flytekit import task, workflow

                @workflow
                def main() -> None: ...
            """,
            select=FLYTE1_CODES,
            name="guarded-uses-inside-the-guarded-branch",
        ),
        Case(
            """
            try:
                import flyte
                V2 = True
            except ImportError:
                import flytekit
                V2 = False

            if not V2:
                @flytekit.workflow
                def main() -> None: ...
            """,
            select=FLYTE1_CODES,
            name="guarded-name-bound-only-by-guarded-imports",
        ),
    ]
    fix = (
        "Make the workflow an `@env.task` (an `async def` that awaits the tasks it calls, or a sync one that "
        "calls them); `on_failure=` becomes a `try`/`except`."
    )

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for ref in flyte1_index(analysis).refs_to("workflow", "Workflow", "ImperativeWorkflow"):
            func = ref.decorated
            if ref.symbol != "workflow":
                msg = (
                    f"`{short_source(ref.module, ref.site, 40)}` is a Flyte 1 imperative workflow: Flyte 2 has no workflows; "
                    "write an `@env.task` that calls the tasks in order"
                )
            elif func is not None:
                msg = (
                    f"{decorated_label(ref)} is Flyte 1: Flyte 2 has no workflows; make `{func.name}` an "
                    "`@env.task` of a `flyte.TaskEnvironment` that calls the tasks"
                )
            else:
                msg = (
                    f"`{short_source(ref.module, ref.site, 40)}` is a Flyte 1 workflow: Flyte 2 has no workflows; use "
                    "`env.task(...)` of a `flyte.TaskEnvironment`"
                )
            hints = [
                f"`{kw.arg}=` → {WORKFLOW_OPTIONS[kw.arg]}"
                for kw in (ref.call.keywords or [] if ref.call else [])
                if kw.arg in WORKFLOW_OPTIONS
            ]
            yield self.finding(ref.module, ref.site, msg + ("; " + "; ".join(hints) if hints else ""))
