"""FLY511 v1-task-arguments: Flyte 1 `@task(...)` options that live elsewhere in Flyte 2."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.arguments import argument
from flyte_lint.model.flyte1_index import V1Index, flyte1_index, v1_symbol
from flyte_lint.model.project import Module
from flyte_lint.model.source import short_source
from flyte_lint.rules.base import Case, Finding, Scope, register
from flyte_lint.rules.flyte1._common import FLYTE1_CODES, MIGRATE_NOTE, V1Rule

TASK_OPTIONS = {
    "container_image": "`image=` on the TaskEnvironment",
    "requests": "one `resources=flyte.Resources(...)` on the TaskEnvironment (a `(request, limit)` tuple per value)",
    "limits": "one `resources=flyte.Resources(...)` on the TaskEnvironment (a `(request, limit)` tuple per value)",
    "resources": "`resources=` on the TaskEnvironment (or per call `t.override(resources=...)`)",
    "environment": "`env_vars=` on the TaskEnvironment",
    "secret_requests": "`secrets=[flyte.Secret(key=..., as_env_var=...)]` on the TaskEnvironment",
    "cache_version": '`cache=flyte.Cache(behavior="override", version_override=...)`',
    "accelerator": '`gpu=` of `flyte.Resources` (`gpu="A100:1"` or `flyte.GPU(...)`)',
    "shared_memory": "`shm=` of `flyte.Resources`",
    "pod_template_name": '`pod_template="<name>"` on the TaskEnvironment or `@env.task`',
    "task_config": "`plugin_config=` on the TaskEnvironment (a Flyte 2 plugin's config)",
    "enable_deck": "`report=True` on `@env.task` (write with `flyte.report`)",
    "disable_deck": "nothing: reports are off unless `@env.task(report=True)`",
    "deck_fields": "write what you need with `flyte.report`",
    "labels": "`labels=` of `flyte.PodTemplate(...)`, passed as `pod_template=`",
    "annotations": "`annotations=` of `flyte.PodTemplate(...)`, passed as `pod_template=`",
    "node_dependency_hints": "nothing: Flyte 2 finds the tasks a task calls at runtime",
    "pickle_untyped": "nothing: Flyte 2 pickles values without a type annotation",
    "deprecated": "no equivalent",
    "execution_mode": "no equivalent",
}


@register
class V1TaskArguments(V1Rule):
    code = "FLY511"
    symbol = "v1-task-arguments"
    pylint_number = 38
    scope = Scope.IMPORTERS
    summary = (
        "Reports Flyte 1 `@task(...)` options that live elsewhere in Flyte 2 (`requests=`, "
        "`container_image=`, `cache_version=`...), saying where each goes."
    )
    rationale = (
        "Flyte 2 splits Flyte 1's per-task options: the container (image, resources, environment variables, "
        "secrets) is configured once on the `flyte.TaskEnvironment`, and `@env.task(...)` keeps only per-task "
        "options (retries, timeout, cache, report...). `@env.task` rejects the Flyte 1 names with TypeError."
        " Severity: warning: a migration step: this is Flyte 1 code, which runs where flytekit is installed and "
        "fails under the Flyte 2 SDK alone; the code cannot show which one it is meant for."
    )
    INVALID = [
        Case(
            """
            from flytekit import Resources, task

            @task(requests=Resources(cpu="2", mem="4Gi"), container_image="python:3.11", cache=True, cache_version="1", retries=3)  # expect: FLY511
            def train() -> int:
                return 1
            """,
            message="`@task(...)` has Flyte 1 options; in Flyte 2: `requests=` → one "
            "`resources=flyte.Resources(...)` on the TaskEnvironment (a `(request, limit)` tuple per value); "
            '`container_image=` → `image=` on the TaskEnvironment; `cache=` → `cache="auto"`; '
            '`cache_version=` → `cache=flyte.Cache(behavior="override", version_override=...)`' + MIGRATE_NOTE,
        ),
        Case(
            """
            from datetime import timedelta

            import flytekit as fk
            from flytekit import Cache, Resources, Secret, task as t

            @t(  # expect: FLY511
                container_image="python:3.12",
                requests=Resources(cpu="1"),
                limits=Resources(cpu="2"),
                environment={"MODE": "prod"},
                secret_requests=[Secret(key="token")],
                cache=True,
                cache_version="3",
                retries=2,
                timeout=timedelta(minutes=5),
            )
            def a() -> int:
                return 1

            @fk.task(cache=Cache(version="7"), enable_deck=True, accelerator=None, pod_template_name="big")  # expect: FLY511
            def b() -> int:
                return 1

            @t(retries=3, timeout=60, interruptible=True)
            def c() -> int:
                return 1

            @t
            def d() -> int:
                return 1

            e = t(d, requests=Resources(mem="1Gi"))  # expect: FLY511
            """,
            name="says-where-each-option-goes",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo", image="python:3.11", resources=flyte.Resources(cpu="2", memory="4Gi"))

            @env.task(cache=flyte.Cache(behavior="override", version_override="1"), retries=3)
            def train() -> int:
                return 1
            """,
        ),
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo", image="python:3.12")

            @env.task(cache="auto", retries=2)
            def a() -> int:
                return 1
            """,
            select=FLYTE1_CODES,
            name="env-task",
        ),
    ]
    fix = (
        "Move the container options to `flyte.TaskEnvironment(...)` (`image=`, `resources=`, `env_vars=`, "
        "`secrets=`) and keep the per-task ones on `@env.task(...)`."
    )

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        idx = flyte1_index(analysis)
        for ref in idx.refs_to("task", "dynamic", "eager"):
            call = ref.call
            if call is None:
                continue
            moves: list[str] = []
            seen: set[str] = set()
            for kw in call.keywords or []:
                name = kw.arg
                if name == "cache":
                    advice = self._cache(idx, ref.module, kw.value)
                    if advice:
                        moves.append(f"`cache=` → {advice}")
                    continue
                if name not in TASK_OPTIONS or name in seen:
                    continue
                if name in ("requests", "limits"):
                    both = [k.arg for k in call.keywords if k.arg in ("requests", "limits")]
                    seen.update(both)
                    moves.append(f"{' and '.join(f'`{b}=`' for b in both)} → {TASK_OPTIONS[name]}")
                    continue
                seen.add(name)
                moves.append(f"`{name}=` → {TASK_OPTIONS[name]}")
            if moves:
                where = f"`@{ref.label}(...)`" if ref.decorated is not None else f"`{ref.label}(...)`"
                yield self.finding(ref.module, call, f"{where} has Flyte 1 options; in Flyte 2: " + "; ".join(moves))

    @staticmethod
    def _cache(idx: V1Index, module: Module, value: nodes.NodeNG) -> str | None:
        if isinstance(value, nodes.Const) and isinstance(value.value, bool):
            return '`cache="auto"`' if value.value else 'nothing (`cache="disable"` is the default)'
        if isinstance(value, nodes.Call) and v1_symbol(idx.analysis.resolver.value_of(value.func)) == "Cache":
            version = argument(value, 0, "version")
            if version is None:
                return '`cache=flyte.Cache(behavior="auto")`'
            return f'`cache=flyte.Cache(behavior="override", version_override={short_source(module, version, 20)})`'
        return None
