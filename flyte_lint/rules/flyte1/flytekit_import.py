"""FLY501 flytekit-import: an import of flytekit (Flyte 1), with the Flyte 2 replacement of each name."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.fixes import whole_lines_edit
from flyte_lint.model.analysis import Analysis
from flyte_lint.model.flyte1_index import ImportStmt, V1Index, flyte1_index
from flyte_lint.rules.base import Case, Finding, Fix, Scope, register
from flyte_lint.rules.flyte1._common import FLYTE1_CODES, MAPPING, MIGRATE_NOTE, V1Rule

# Names whose Flyte 2 form has the same name and constructor in ``flyte``: FLY501 can rewrite their import.
ONE_TO_ONE = {"Resources", "Secret", "PodTemplate"}


@register
class FlytekitImport(V1Rule):
    code = "FLY501"
    symbol = "flytekit-import"
    pylint_number = 28
    scope = Scope.IMPORTERS
    summary = "Reports an import of `flytekit` (Flyte 1), naming the Flyte 2 replacement of each imported name."
    rationale = (
        "flytekit is the Flyte 1 SDK. Flyte 2 is the `flyte` package, with a different model: a "
        "`flyte.TaskEnvironment` holds the configuration, `@env.task` makes tasks, and workflows are tasks that "
        "call tasks. flytekit code is correct Flyte 1 code, but it does not run on the Flyte 2 SDK, so each "
        "flytekit import is a migration step. A flytekit import inside a function of a module that is Flyte 2 "
        "code (it imports `flyte`, or defines or calls Flyte 2 tasks) is not: it uses flytekit as a library, which "
        "works where that task's image installs it, so no FLY5xx rule reports it or the names it binds; a "
        "top-level flytekit import is still reported."
        " Severity: warning: a migration step: flytekit code runs where flytekit is installed (an image that "
        "pip-installs it, or a migration shim) and fails with ImportError elsewhere, which the code cannot "
        "show."
    )
    INVALID = [
        Case(
            """
            from flytekit import Resources, task  # expect: FLY501

            @task(requests=Resources(cpu="1", mem="2Gi"))
            def work() -> int:
                return 1
            """,
            message="`flytekit` is Flyte 1; in Flyte 2 (`flyte`): `Resources` → `flyte.Resources` (`mem=` is "
            "`memory=`, `ephemeral_storage=` is `disk=`); `task` → `env.task` on a `flyte.TaskEnvironment`"
            + MIGRATE_NOTE,
        ),
        Case(
            """
            import os, flytekit  # expect: FLY501
            import flytekit as fk  # expect: FLY501
            import flytekit.types.file  # expect: FLY501
            from flytekit import task, workflow  # expect: FLY501
            from flytekit.types.file import FlyteFile  # expect: FLY501
            from flytekit.core.task import task as make_task  # expect: FLY501
            from flytekit import (  # expect: FLY501
                ImageSpec,
                map_task,
            )
            import json
            import flyte
            from flyte.io import File
            """,
            name="one-finding-per-import-statement",
        ),
        Case(
            """
            import flytekit as fk  # expect: FLY501

            @fk.task(requests=fk.Resources(cpu="1"))
            def work() -> int:
                return 1
            """,
            message="`import flytekit as fk` is Flyte 1; Flyte 2 is `import flyte`: `Resources` → `flyte.Resources` "
            "(`mem=` is `memory=`, `ephemeral_storage=` is `disk=`); `task` → `env.task` on a "
            "`flyte.TaskEnvironment`" + MIGRATE_NOTE,
            name="plain-import-lists-the-attributes-used",
        ),
        Case(
            """
            import flyte
            from flytekit import Resources, Secret  # expect: FLY501
            from flytekit.core.pod_template import PodTemplate as PT  # expect: FLY501

            env = flyte.TaskEnvironment(
                "demo",
                resources=Resources(cpu="1", mem="2Gi"),
                secrets=[Secret(key="token", group="api")],
                pod_template=PT(primary_container_name="main"),
            )
            """,
            fixed="""
            import flyte

            env = flyte.TaskEnvironment(
                "demo",
                resources=flyte.Resources(cpu="1", memory="2Gi"),
                secrets=[flyte.Secret(key="token", group="api")],
                pod_template=flyte.PodTemplate(primary_container_name="main"),
            )
            """,
            name="fix-is-the-edit-migrate-makes",
        ),
        Case(
            """
            from flytekit import Secret  # expect: FLY501
            import flyte

            # Flyte 1 takes (group, key) by position
            env = flyte.TaskEnvironment("demo", secrets=[Secret("api", "token.v2")])
            """,
            fixed="""
            import flyte

            # Flyte 1 takes (group, key) by position
            env = flyte.TaskEnvironment("demo", secrets=[flyte.Secret(key="token.v2", group="api", as_env_var="API_TOKEN_V2")])
            """,
            name="fix-names-the-env-var-flyte-2-would-refuse",
        ),
        Case(
            """
            # file: v1.py
            def make():
                from flytekit import workflow  # expect: FLY501

                @workflow  # expect: FLY502
                def work() -> int:
                    return 1
                return work
            # file: mixed.py
            import flyte
            import flytekit  # expect: FLY501

            env = flyte.TaskEnvironment("mixed")

            @env.task
            def version() -> str:
                flytekit.current_context()  # expect: FLY506
                return flytekit.__version__
            """,
            select=FLYTE1_CODES,
            name="flyte1-modules-and-top-level-imports",
        ),
        Case(
            """
            try:
                from flytekit import task  # expect: FLY501
            except ImportError:
                task = None

            try:
                from flytekit import workflow  # expect: FLY501
            except Exception:
                import flyte

            try:
                import flyte
                from flytekit import map_task  # expect: FLY501
            except ImportError:
                pass

            try:
                import flyte
            except ImportError:
                pass
            else:
                import flytekit  # expect: FLY501
            """,
            select=FLYTE1_CODES,
            name="guards-that-do-not-count",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo", resources=flyte.Resources(cpu="1", memory="2Gi"))

            @env.task
            def work() -> int:
                return 1
            """,
        ),
        Case(
            """
            # file: flytekit_utils.py
            def task(fn):
                return fn
            # file: main.py
            import flyte
            import flytekit_utils
            from flytekit_utils import task
            from flytekit_helpers import workflow
            from flytekitplugins.spark import Spark
            from flyte import Resources

            @task
            def f() -> int:
                return 1
            """,
            select=FLYTE1_CODES,
            name="lookalikes",
        ),
        Case(
            """
            # file: flytekit/__init__.py
            def workflow(fn):
                return fn
            # file: main.py
            import flyte
            from flytekit import workflow

            @workflow
            def f() -> int:
                return 1
            """,
            select=FLYTE1_CODES,
            name="project-package-named-flytekit",
        ),
        Case(
            """
            # file: envs.py
            import flyte as fl

            lib_env = fl.TaskEnvironment("lib", image=fl.Image.from_debian_base().with_pip_packages("flytekit"))
            # file: main.py
            from envs import lib_env

            @lib_env.task
            async def version() -> str:
                import flytekit
                from flytekit import current_context

                current_context()
                return flytekit.__version__

            def helper() -> str:
                import flytekit as fk
                return fk.__version__
            # file: caller.py
            from main import version

            async def report() -> str:
                from flytekit.core.context_manager import FlyteContextManager
                FlyteContextManager.current_context()
                return await version()
            """,
            select=FLYTE1_CODES,
            name="flytekit-as-a-library-inside-flyte2-code",
        ),
    ]
    fix = (
        "Import from `flyte` instead (the message names the replacement of each name): `task`, `workflow` and "
        "`dynamic` become `@env.task` on a `flyte.TaskEnvironment`, `map_task` becomes `flyte.map` or "
        "`asyncio.gather`, `ImageSpec` becomes `flyte.Image`, `current_context()` becomes `flyte.ctx()`, "
        "`LaunchPlan`/`CronSchedule`/`FixedRate` become `flyte.Trigger`/`flyte.Cron`/`flyte.FixedRate`, "
        "`FlyteFile`/`FlyteDirectory`/`StructuredDataset` become `flyte.io.File`/`Dir`/`DataFrame`."
    )
    fix_safety = (
        "Unsafe, and only in a module whose every flytekit import names classes with a Flyte 2 namesake "
        "(`Resources`, `Secret`, `PodTemplate`), used in ways `flyte-lint migrate` translates with no TODO: the "
        "fix is the edit `migrate` makes to the module. The imports go, `import flyte` comes, and each call "
        "becomes `flyte.Resources(...)` with Flyte 2's keywords (`memory=`, `disk=`), `flyte.Secret(key=..., "
        "group=...)` (by keyword: Flyte 1 takes `(group, key)` by position, Flyte 2 `(key, group)`), "
        "`flyte.PodTemplate(...)`. It is offered on the module's first flytekit import. Unsafe because a Flyte 1 "
        "`Resources` value means requests or limits by where it is passed, and a Flyte 2 one is a request (a "
        "`(request, limit)` tuple sets both; flyte 2.12.1's resources_serde)."
    )

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        idx = flyte1_index(analysis)
        for stmt in idx.imports:
            yield self.finding(stmt.module, stmt.node, self._message(idx, stmt), self._fix(idx, stmt))

    def _message(self, idx: V1Index, stmt: ImportStmt) -> str:
        if isinstance(stmt.node, nodes.Import):
            shown = ", ".join(f"{d} as {a}" if a else d for d, a, _ in stmt.names)
            used = sorted({r.symbol for r in idx.refs if r.module is stmt.module and stmt.node in r.stmts})
            head = f"`import {shown}` is Flyte 1; Flyte 2 is `import flyte`"
            mapped = [f"`{s}` → {MAPPING[s]}" for s in used if s in MAPPING]
            return head + (": " + "; ".join(mapped) if mapped else "")
        if any(orig == "*" for orig, _, _ in stmt.names):
            return f"`from {stmt.node.modname} import *` is Flyte 1; Flyte 2 is `flyte`"
        parts, unknown = [], []
        for orig, _, symbol in stmt.names:
            if symbol in MAPPING:
                parts.append(f"`{orig}` → {MAPPING[symbol]}")
            else:
                unknown.append(f"`{orig}`")
        if unknown:
            parts.append(f"{', '.join(unknown)}: no direct Flyte 2 replacement")
        return f"`{stmt.node.modname}` is Flyte 1; in Flyte 2 (`flyte`): " + "; ".join(parts)

    def _fix(self, idx: V1Index, stmt: ImportStmt) -> Fix | None:
        """The edit `flyte-lint migrate` makes to the module, on its first flytekit import, when every flytekit
        import there names one-to-one classes only (and the migration leaves no TODO)."""
        mine = [s for s in idx.imports if s.module is stmt.module]
        if mine[0] is not stmt or not all(_one_to_one(s) for s in mine):
            return None
        from flyte_lint.migrate.rewrite import migrated_module  # (LibCST loads only when a fix may be offered)

        old = stmt.module.text
        new = migrated_module(idx.analysis, stmt.module)
        if old is None or new is None or new == old:
            return None
        return Fix((whole_lines_edit(old, new),), False, "Migrate to `flyte` as `flyte-lint migrate` does")


def _one_to_one(stmt: ImportStmt) -> bool:
    return (
        isinstance(stmt.node, nodes.ImportFrom)
        and bool(stmt.names)
        and all(symbol in ONE_TO_ONE and orig == symbol for orig, _, symbol in stmt.names)
    )
