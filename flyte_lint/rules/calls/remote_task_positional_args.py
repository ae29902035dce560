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
    runtime_untestable = "a remote task reference's call needs a backend before it checks its arguments"
    shows_no_rewrite = (
        "shows the form of a keyword call (`await ref(name=value)`): a remote task's parameter names are not "
        "known statically, so no concrete rewrite exists"
    )
    scope = Scope.IMPORTERS
    summary = "Reports positional arguments passed to a `flyte.remote.Task.get(...)` reference."
    rationale = (
        'A remote task reference only takes keyword arguments: the SDK rejects the call with "does not support positional arguments".'
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
            '("does not support positional arguments"). Pass every input by keyword: '
            "`await ref(name=value)`",
        ),
        Case(
            """
            import flyte
            import flyte.remote as fr
            from flyte import remote
            from flyte.remote import Task
            from flyte.remote import Task as RemoteTask

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def main(x: str) -> str:
                ref = remote.Task.get("other.process", auto_version="latest")
                a = await ref(x)  # expect: FLY107
                b = await ref.aio(x)  # expect: FLY107
                c = await Task.get("other.p", version="v1")(x, y=1)  # expect: FLY107
                r2 = RemoteTask.get("other.q", auto_version="latest")
                d = await r2(x)  # expect: FLY107
                e = await fr.Task.get(name="o.p", auto_version="latest")(x)  # expect: FLY107
                f = await ref.override(retries=2)(x)  # expect: FLY107
                return a + b + c + d + e + f
        """,
            name="positional-arguments-to-remote-references",
            select=["FLY107"],
        ),
        # Remote task references built in helpers (the model follows what a helper returns).
        Case(
            """
            # file: refs.py
            import functools

            import flyte.remote as rem
            from flyte import remote

            def summarize_ref():
                return remote.Task.get("analytics.summarize", version="v1")

            @functools.lru_cache
            def cached_ref():
                return rem.Task.get("analytics.cached", version="v1")

            _LAZY = None

            def lazy_ref():
                global _LAZY
                if _LAZY is None:
                    _LAZY = rem.Task.get("analytics.lazy", auto_version="latest")
                return _LAZY

            def unversioned():
                return remote.Task.get("analytics.bare")  # expect: FLY403

            make_ref = lambda: remote.Task.get("analytics.lambda", version="v1")
            # file: main.py
            import flyte
            import refs
            from refs import summarize_ref as make

            env = flyte.TaskEnvironment("reports")
            FACTORY = refs.summarize_ref()

            @env.task
            async def main(day: str) -> str:
                ref = make()
                a = await ref(day)  # expect: FLY107
                b = await refs.cached_ref()(day)  # expect: FLY107
                c = await refs.lazy_ref()(day)  # expect: FLY107
                d = await FACTORY(day)  # expect: FLY107
                e = await make().override(retries=2)(day)  # expect: FLY107
                f = await refs.make_ref()(day)  # expect: FLY107
                ok = await make()(day=day) + await refs.make_ref()(day=day)
                return a + b + c + d + e + f + ok
        """,
            select=["FLY107", "FLY403"],
            name="reference-built-in-a-helper",
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
        Case(
            """
            import flyte
            from flyte import remote
            from flyte.remote import Task

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def main(x: str) -> str:
                ref = remote.Task.get("other.process", auto_version="latest")
                a = await ref(x=x)
                b = await Task.get("other.p", version="v1")(x=x, y=1)
                c = await (await ref.override.aio(retries=2))(x=x)  # (sync .override blocks the loop: FLY105)
                d = await ref()
                return a + b + c + d
        """,
            name="quiet-with-keywords-only",
        ),
        Case(
            """
            import flyte
            from mylib import Task

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def main(x: str) -> str:
                ref = Task.get("other.process", auto_version="latest")
                return await ref(x)
        """,
            name="quiet-on-non-remote-get",
        ),
        Case(
            """
            import flyte
            from flyte import remote

            env = flyte.TaskEnvironment("reports")

            @env.task
            async def local_summarize(day: str) -> str:
                return day

            def maybe_ref(remote_ok: bool):
                if remote_ok:
                    return remote.Task.get("analytics.summarize", version="v1")
                return local_summarize

            def other(name: str):
                return remote.Task.get(name, version="v1") if name else None

            def decorated(fn):
                return fn

            @decorated
            def wrapped_ref():
                return remote.Task.get("analytics.summarize", version="v1")

            async def async_ref():
                return remote.Task.get("analytics.summarize", version="v1")

            class Registry:
                def get(self):
                    return "not a task"

            @env.task
            async def main(day: str) -> str:
                a = await maybe_ref(True)(day)
                b = await other("x")(day)
                c = await wrapped_ref()(day)
                d = await (await async_ref())(day=day)
                e = Registry().get()
                return a + b + c + d + e
        """,
            select=["FLY107", "FLY403"],
            name="helpers-quiet-when-the-return-is-not-one-reference",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for site in analysis.call_sites:
            if site.form == CallForm.REMOTE and site.node.args:
                ref = site.callee.owner if isinstance(site.callee, Method) else site.callee
                name = ref.name if isinstance(ref, RemoteTaskRef) else None
                label = f"remote task '{name}'" if name else "a remote task reference"
                effect = 'the SDK rejects them ("does not support positional arguments")'
                if site.via_aio:
                    # flyte.remote's LazyEntity has no ``.aio``: calling the reference is already async.
                    effect += ", and the reference has no `.aio` (AttributeError)"
                func = site.node.func
                if site.via_aio and isinstance(func, nodes.Attribute):
                    func = func.expr
                shown = short(rendered(func), 50)
                yield self.finding(
                    site.module,
                    site.node,
                    f"{label} is called with positional arguments: {effect}. Pass every input by keyword: "
                    f"`await {shown}(name=value)`",
                )
