"""FLY506 current-context: Flyte 1 `current_context()`; Flyte 2 has `flyte.ctx()`, secrets in env vars."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.flyte1_index import flyte1_index
from flyte_lint.model.source import short_source
from flyte_lint.rules.base import Case, Finding, Scope, register
from flyte_lint.rules.flyte1._common import FLYTE1_CODES, MIGRATE_NOTE, V1Rule

CONTEXT_HINTS = {
    "secrets": "declare `secrets=[flyte.Secret(key=..., as_env_var=...)]` on the TaskEnvironment and read `os.environ[...]`",
    "working_directory": "use `os.getcwd()` or `tempfile.mkdtemp()`",
    "execution_id": "`flyte.ctx().action` has `run_name`, `name`, `project`, `domain`",
    "default_deck": "write reports with `flyte.report` in a task with `report=True`",
    "decks": "write reports with `flyte.report` in a task with `report=True`",
    "logging": "use `logging` (or `flyte.logger`)",
    "raw_output_prefix": "`flyte.ctx().raw_data_path`",
}


@register
class CurrentContext(V1Rule):
    code = "FLY506"
    symbol = "current-context"
    pylint_number = 33
    scope = Scope.IMPORTERS
    summary = (
        "Reports Flyte 1 `current_context()`: Flyte 2 has `flyte.ctx()`, and secrets come from environment variables."
    )
    rationale = (
        "`flytekit.current_context()` does not exist in Flyte 2. `flyte.ctx()` gives the task context (the "
        "action, the run name, paths), secrets declared on the TaskEnvironment are environment variables, and "
        "the working directory is the process's own."
        " Severity: warning: a migration step: this is Flyte 1 code, which runs where flytekit is installed and "
        "fails under the Flyte 2 SDK alone; the code cannot show which one it is meant for."
    )
    INVALID = [
        Case(
            """
            from flytekit import Secret, current_context, task

            @task(secret_requests=[Secret(group="db", key="password")])
            def connect() -> int:
                password = current_context().secrets.get(group="db", key="password")  # expect: FLY506
                return len(password)
            """,
            message="`current_context()` is Flyte 1: use `flyte.ctx()`; for `.secrets`: declare "
            "`secrets=[flyte.Secret(key=..., as_env_var=...)]` on the TaskEnvironment and read "
            "`os.environ[...]`" + MIGRATE_NOTE,
        ),
        Case(
            """
            import flytekit
            from flytekit import current_context, task
            from flytekit.core.context_manager import FlyteContextManager

            @task
            def work() -> str:
                token = current_context().secrets.get(group="api", key="token")  # expect: FLY506
                folder = flytekit.current_context().working_directory  # expect: FLY506
                run = current_context().execution_id.name  # expect: FLY506
                ctx = current_context()  # expect: FLY506
                raw = FlyteContextManager.current_context()  # expect: FLY506
                return token + folder + run
            """,
            name="current-context-forms",
        ),
    ]
    VALID = [
        Case(
            """
            import os

            import flyte

            env = flyte.TaskEnvironment("demo", secrets=[flyte.Secret(key="password", group="db", as_env_var="DB_PASSWORD")])

            @env.task
            def connect() -> int:
                password = os.environ["DB_PASSWORD"]
                return len(password)
            """,
        ),
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            def current_context():
                return None

            @env.task
            def work() -> str:
                current_context()
                return str(flyte.ctx().action.run_name)
            """,
            select=FLYTE1_CODES,
            name="flyte-ctx",
        ),
        Case(
            """
            try:
                from flytekit import current_context, workflow
            except (ValueError, ModuleNotFoundError):
                import flyte
                current_context = flyte.ctx

            def info():
                return current_context()
            """,
            select=FLYTE1_CODES,
            name="guarded-flytekit-first-module-not-found-in-a-tuple",
        ),
    ]
    fix = "Use `flyte.ctx()` for the run and action; read secrets from `os.environ`; use `os.getcwd()` for the working directory."

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for ref in flyte1_index(analysis).refs_to("current_context"):
            site = ref.site
            hint = ""
            parent = site.parent
            if ref.call is not None and isinstance(parent, nodes.Attribute) and parent.expr is site:
                found = CONTEXT_HINTS.get(parent.attrname)
                hint = f"; for `.{parent.attrname}`: {found}" if found else ""
            yield self.finding(
                ref.module, site, f"`{short_source(ref.module, site, 40)}` is Flyte 1: use `flyte.ctx()`{hint}"
            )
