"""FLY304 invalid-cache: a cache behaviour the SDK rejects, or a `cache=False` it silently ignores."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.arguments import sdk_arguments
from flyte_lint.model.constants import MISSING
from flyte_lint.model.entities import Env, Task
from flyte_lint.model.kinds import EnvOrigin
from flyte_lint.model.values import EnvRef, Method, TaskRef
from flyte_lint.rules.base import Case, Finding, Fix, Outcome, Rule, RuntimeSpec, Scope, Severity, register
from flyte_lint.rules.config._cache import (
    cache_behavior,
    cache_suggestion,
    decorator_applied_at,
    env_cache_state,
    task_cache_state,
)
from flyte_lint.rules.config._values import env_argument, q, string_edit, value_suggestion, when


@register
class InvalidCache(Rule):
    code = "FLY304"
    symbol = "invalid-cache"
    pylint_number = 15
    scope = Scope.IMPORTERS
    summary = "Reports a cache behaviour the SDK rejects, or a `cache=False` it silently ignores, in `@env.task`, `TaskEnvironment`, `clone_with`, `.override` and `flyte.Cache`."
    rationale = (
        'A cache behaviour is `"auto"`, `"override"` or `"disable"` (exactly; the aliases enable/enabled/on/'
        'true/yes and off/false/no/none are matched case-insensitively). `@env.task(cache="always")` and '
        "`@env.task(cache=True)` raise ValueError when the decorator runs, at import. On a TaskEnvironment the "
        'value is only checked by the first `@env.task` that does not set its own cache: `cache="always"`, '
        "`cache=False` and `cache=None` there raise ValueError at that decorator, and `cache=True` raises "
        "TypeError when the env is built. `flyte.Cache(behavior=...)` and `t.override(cache=...)` check when "
        "they run. `cache=False` on `@env.task` or `.override` is falsy, so the SDK ignores it and keeps the "
        "env's (or task's) cache: a task meant to skip the cache still uses it."
        " Severity: error: a rejected behaviour fails when the decorator or env is built, so local runs, "
        "deploys and the cluster fail alike; a falsy `cache=False` runs everywhere with the cache it falls back "
        "to, which changes a result only for a task whose output is not a function of its inputs, so that "
        "finding is a warning."
    )
    fix = 'Use `"auto"` (cache, versioned by the function body), `"override"` (with `flyte.Cache("override", version_override=...)`) or `"disable"`.'
    fix_safety = 'Safe: only fixes the letter case of a behaviour the SDK rejects (`"Disable"` → `"disable"`).'

    runtime = RuntimeSpec(
        entry="main",
        args={"day": "mon"},
        modes=("local",),
        bad=Outcome(ok=False, error_contains=("ValueError", "Invalid cache behavior"), phase="import"),
        good=Outcome(ok=True, output="rows for mon"),
    )
    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("etl")

            @env.task(cache="always")  # expect: FLY304
            def main(day: str) -> str:
                return f"rows for {day}"
            """,
            message='cache="always" is not a cache behaviour: `@env.task` raises ValueError ("Invalid cache behavior") when the decorator runs, at import; did you mean cache="auto"? (accepted: "auto", "override", "disable")',
        ),
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("etl")

            @env.task(cache='Disable')  # expect: FLY304
            def a(x: int) -> int:
                return x
            """,
            fixed="""
            import flyte

            env = flyte.TaskEnvironment("etl")

            @env.task(cache='disable')
            def a(x: int) -> int:
                return x
            """,
            name="case-fix",
        ),
        Case(
            """
            import flyte
            from flyte import Cache

            base = flyte.TaskEnvironment("base", cache="auto")
            e1 = flyte.TaskEnvironment("e1", cache="always")  # expect: FLY304
            e2 = flyte.TaskEnvironment("e2", cache=True)  # expect: FLY304
            e3 = flyte.TaskEnvironment("e3", cache=False)  # expect: FLY304
            e4 = flyte.TaskEnvironment("e4", cache=None)  # expect: FLY304
            e5 = base.clone_with("e5", cache=True)  # expect: FLY304
            e6 = base.clone_with("e6", cache=None)
            c1 = Cache("never")  # expect: FLY304
            c2 = Cache(behavior="Disable")  # expect: FLY304
            c3 = Cache(False)  # expect: FLY304
            c4 = Cache("ENABLED")
            c5 = Cache("override", version_override="v1")

            @base.task(cache="always")  # expect: FLY304
            def a(x: int) -> int:
                return x

            @base.task(cache=True)  # expect: FLY304
            def b(x: int) -> int:
                return x

            @base.task(cache="AUTO")  # expect: FLY304
            def c(x: int) -> int:
                return x

            @base.task(cache="off")
            def d(x: int) -> int:
                return x

            @base.task
            def main(x: int) -> int:
                return a.override(cache="sometimes")(x)  # expect: FLY304
            """,
            name="rejected-behaviours",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("etl")

            @env.task(cache="auto")
            def main(day: str) -> str:
                return f"rows for {day}"
            """,
        ),
        Case(
            """
            import os
            import flyte
            import flytekit

            MODE = os.environ.get("CACHE", "auto")
            env = flyte.TaskEnvironment("etl", cache=MODE)

            @env.task(cache=MODE)
            def a(x: int) -> int:
                return x

            @flytekit.task(cache=True)
            def b(x: int) -> int:
                return x

            c = flytekit.Cache("always")
            """,
            name="quiet-on-non-literals-and-look-alikes",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in analysis.calls:
            callee = call.callee
            if call.external_path == "flyte.Cache":
                node = sdk_arguments(call.node, "flyte.Cache").get("behavior")
                if node is not None:
                    yield from self._check_value(
                        analysis, call.module, node, "flyte.Cache(behavior=...)", "cache", call.node
                    )
            elif isinstance(callee, Method) and isinstance(callee.owner, EnvRef) and callee.name == "task":
                node = sdk_arguments(call.node, "flyte.TaskEnvironment.task").get("cache")
                if node is not None:
                    yield from self._check_value(
                        analysis, call.module, node, "@env.task", "task", call.node, env=callee.owner.env
                    )
            elif isinstance(callee, Method) and isinstance(callee.owner, TaskRef) and callee.name == "override":
                node = sdk_arguments(call.node, "flyte.TaskTemplate.override").get("cache")
                if node is not None:
                    yield from self._check_value(
                        analysis, call.module, node, "`.override`", "override", call.node, task=callee.owner.task
                    )
        for env in analysis.envs:
            node = env_argument(analysis, env, "cache")
            if node is not None:
                where = "clone_with" if env.origin == EnvOrigin.CLONE_WITH else "TaskEnvironment"
                yield from self._check_value(
                    analysis, env.module, node, f"{where}(cache=...)", "env", env.node, env=env
                )

    def _check_value(self, analysis, module, node, label, kind, site, env: Env | None = None, task: Task | None = None):
        value = analysis.literal(node)
        if value is MISSING:
            return
        if (value is False and kind != "cache") or (kind in ("task", "override") and value in (None, "")):
            yield from self._falsy(analysis, module, node, value, label, kind, env, task)
            return
        if cache_behavior(value) is not None:
            return
        if kind == "env" and value is None and env is not None and env.origin == EnvOrigin.CLONE_WITH:
            return  # clone_with(cache=None) keeps the source env's cache
        suggestion = cache_suggestion(value)
        shown = q(value)
        if kind == "env" and value is True:
            effect = f'the env raises TypeError {when(site)} ("Expected cache to be of type str or Cache")'
        elif kind == "env":
            effect = (
                "the SDK stores it, then every `@env.task` of this env that does not set its own `cache=` raises "
                'ValueError ("Invalid cache behavior") when it decorates, at import'
            )
        elif kind == "task":
            effect = '`@env.task` raises ValueError ("Invalid cache behavior") when the decorator runs, at import'
        elif kind == "override":
            effect = '`.override` raises ValueError ("Invalid cache behavior") when it runs'
        else:
            effect = f'`flyte.Cache` raises ValueError ("Invalid cache behavior") {when(site)}'
        fix = None
        if isinstance(value, str) and value.lower() == suggestion and isinstance(node, nodes.Const):
            edit = string_edit(module, node, suggestion)
            fix = Fix((edit,), True, f"Replace with {q(suggestion)}") if edit else None
        keyword = "behavior" if kind == "cache" else "cache"
        # What it raises where: the env's constructor (cache=True), the call (flyte.Cache, .override), the decorator
        # where it is applied; an env's other values raise at each `@env.task` that inherits them, not here.
        raises, raised_at = {
            "cache": ("builtins.ValueError", site),
            "override": ("builtins.ValueError", site),
            "task": ("builtins.ValueError", decorator_applied_at(site)),
            "env": ("builtins.TypeError", site) if value is True else (None, None),
        }[kind]
        yield self.finding(
            module,
            node,
            f"{keyword}={shown} is not a cache behaviour: {effect}; did you mean {keyword}={q(suggestion)}? "
            '(accepted: "auto", "override", "disable")',
            fix,
            suggestions=[value_suggestion(module, node, f"{keyword}={q(suggestion)}", suggestion)],
            raises=raises if raised_at is not None else None,
            raised_at=raised_at,
        )

    def _falsy(self, analysis, module, node, value, label, kind, env, task):
        shown = q(value)
        if kind == "env":
            if env is not None and env.origin == EnvOrigin.CLONE_WITH and value is None:
                return
            yield self.finding(
                module,
                node,
                f"cache={shown} on a TaskEnvironment is not a cache behaviour: every `@env.task` of this env that "
                'does not set its own `cache=` raises ValueError ("Invalid cache behavior") when it decorates, at '
                'import. Write cache="disable"',
                suggestions=[value_suggestion(module, node, 'cache="disable"', "disable")],
            )
            return
        if kind == "task":
            inherited = env_cache_state(analysis, env) if env is not None else None
            owner = f"env '{env.label}'" if env is not None else "the env"
        else:
            inherited = task_cache_state(analysis, task) if task is not None else None
            owner = f"task '{task.name}'" if task is not None else "the task"
        if value is None or value == "" or inherited == "disable":
            return  # falls back to a cache that is off anyway
        now = f"{q(inherited)}" if inherited else "whatever it is"
        yield self.finding(
            module,
            node,
            f"cache={shown} in {label} is falsy, so the SDK ignores it and keeps the cache of {owner} ({now}): "
            'the task is still cached. Write cache="disable"',
            severity=Severity.WARNING,
            suggestions=[value_suggestion(module, node, 'cache="disable"', "disable")],
        )
