"""FLY501 flytekit-import: an import of flytekit (Flyte 1), with the Flyte 2 replacement of each name."""

from __future__ import annotations

import re
from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.flyte1_index import ImportStmt, Ref, V1Index, flyte1_index
from flyte_lint.rules.base import Case, Edit, Finding, Fix, Scope, register
from flyte_lint.rules.flyte1._common import FLYTE1_CODES, MAPPING, MIGRATE_NOTE, V1Rule

# Names whose Flyte 2 form has the same name and constructor in ``flyte``: FLY501 can rewrite their import.
ONE_TO_ONE = {"Resources", "Secret", "PodTemplate"}
FROM_RE = re.compile(r"from[ \t]+([\w.]+)")


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
            from flyte import Resources, Secret
            from flyte import PodTemplate as PT

            env = flyte.TaskEnvironment(
                "demo",
                resources=Resources(cpu="1", mem="2Gi"),
                secrets=[Secret(key="token", group="api")],
                pod_template=PT(primary_container_name="main"),
            )
            """,
            name="fix-rewrites-one-to-one-imports",
        ),
        Case(
            """
            import flyte
            from flytekit import (  # the old SDK  # expect: FLY501
                Resources,  # requests
            )

            env = flyte.TaskEnvironment("demo", resources=Resources(cpu="1"))
            """,
            fixed="""
            import flyte
            from flyte import (  # the old SDK
                Resources,  # requests
            )

            env = flyte.TaskEnvironment("demo", resources=Resources(cpu="1"))
            """,
            name="fix-keeps-parentheses-and-comments",
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
        "Unsafe, and only for a `from flytekit… import` whose every name has a same-named Flyte 2 class "
        "(`Resources`, `Secret`, `PodTemplate`) used only in calls with the parameters both versions share: "
        "`from flytekit import Resources, Secret` becomes `from flyte import Resources, Secret`. Values may "
        'still differ (Flyte 2 wants `memory="2Gi"`, not `mem=`; FLY301 then renames it).'
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
        node = stmt.node
        if not isinstance(node, nodes.ImportFrom) or not stmt.names:
            return None
        if not all(symbol in ONE_TO_ONE and orig == symbol for orig, _, symbol in stmt.names):
            return None
        for ref in idx.refs:
            if ref.module is stmt.module and node in ref.stmts and not _same_in_v2(ref):
                return None
        lines = (stmt.module.text or "").splitlines()
        if not 0 < node.lineno <= len(lines):
            return None
        # astroid columns are UTF-8 byte offsets, and so are Edit columns.
        rest = lines[node.lineno - 1].encode("utf-8")[node.col_offset :].decode("utf-8", errors="ignore")
        match = FROM_RE.match(rest)
        if match is None or match.group(1) != node.modname:
            return None  # a line continuation between `from` and the module: leave it
        begin = node.col_offset + len(match.group(0)) - len(node.modname)
        edit = Edit((node.lineno, begin), (node.lineno, begin + len(node.modname)), "flyte")
        return Fix((edit,), False, "Import from `flyte`")


# Keywords each one-to-one class shares with its Flyte 2 namesake (positional order matches for these).
SHARED_KEYWORDS = {
    "Resources": ({"cpu", "mem", "gpu", "ephemeral_storage"}, 4),
    "Secret": ({"key", "group"}, 0),  # Flyte 1 takes (group, key) by position, Flyte 2 (key, group)
    "PodTemplate": ({"pod_spec", "primary_container_name", "labels", "annotations"}, 4),
}


def _same_in_v2(ref: Ref) -> bool:
    """This use of a one-to-one class means the same with the Flyte 2 class: a call with shared parameters,
    or a type annotation."""
    if ref.symbol not in SHARED_KEYWORDS or not isinstance(ref.node, nodes.Name):
        return False
    call = ref.call
    if call is None:
        parent = ref.node.parent
        return (
            isinstance(parent, nodes.Arguments)
            or (isinstance(parent, nodes.FunctionDef) and parent.returns is ref.node)
            or (isinstance(parent, nodes.AnnAssign) and parent.annotation is ref.node)
        )
    allowed, positional = SHARED_KEYWORDS[ref.symbol]
    if len(call.args) > positional or any(isinstance(a, nodes.Starred) for a in call.args):
        return False
    return all(kw.arg in allowed for kw in call.keywords or [])
