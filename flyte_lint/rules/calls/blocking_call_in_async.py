"""FLY105 blocking-call-in-async: a blocking flyte API with an async twin, called on a task's event loop."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint import sdk
from flyte_lint.model.analysis import Analysis, ResolvedCall
from flyte_lint.model.source import rendered
from flyte_lint.model.values import External, Method, RemoteTaskRef
from flyte_lint.rules.base import Case, Edit, Finding, Outcome, Rule, RuntimeSpec, Scope, Severity, Suggestion, register
from flyte_lint.rules.calls._cases import with_tasks
from flyte_lint.rules.calls._common import awaited
from flyte_lint.rules.maps._common import async_iteration


@register
class BlockingCallInAsync(Rule):
    code = "FLY105"
    symbol = "blocking-call-in-async"
    severity = Severity.WARNING
    pylint_number = 6
    advice_elsewhere = (
        (
            r"a plain function that async task code calls directly",
            "the rewrite belongs in the async code that calls the helper (a thread, or the async twin there), not here",
        ),
    )
    scope = Scope.IMPORTERS
    summary = (
        "Reports a blocking flyte API that has an async twin (`flyte.run`, `flyte.deploy`, sync `flyte.map`, "
        "`flyte.report.log`, `flyte.durable.sleep`, `.override(...)` of a `flyte.remote.Task.get(...)` reference…) "
        "called in code that runs on a task's event loop: async task code, or a plain function it calls directly."
    )
    rationale = (
        "These APIs (every syncified flyte API: `flyte.run`, `flyte.deploy`, sync `flyte.map`, "
        "`flyte.report.log`/`flush`/`replace`, `flyte.durable.sleep`/`time`/`now`, and `.override(...)`/`.fetch()` "
        "of a `flyte.remote.Task.get(...)` reference) run their work on the SDK's syncify thread and block the "
        "calling thread until it is done. "
        "A local run (`flyte.run`, `flyte run --local`) runs async task code on that very thread, so the SDK "
        'refuses the call: "Deadlock detected: blocking call used in syncify thread" (for sync `flyte.map`, '
        "each item comes back as that exception instead of its result). In a cluster the task runtime runs the "
        "task on a main-thread event loop: the call works, but that loop stands still until it returns, so the "
        "task's gathered coroutines, the submission and collection of its other children and the controller's "
        "watch all stall. "
        "Severity: warning: it fails only in local runs and stalls the task's event loop in a cluster."
    )
    fix = "Use the async twin: `await flyte.run.aio(...)`, `async for r in flyte.map.aio(...)`."
    # The nested run works from a main-thread loop in a cluster: the child runs (on the syncify thread) and main
    # returns.
    runtime = RuntimeSpec(
        entry="main",
        args={"x": 1},
        bad=Outcome(
            ok=False,
            error_contains=("Deadlock detected",),
            cluster=Outcome(ok=True, ran={"demo.child": 1}, last_launched_by="demo.main"),
        ),
        good=Outcome(ok=True, cluster=Outcome(ok=True, ran={"demo.child": 1})),
    )

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def child(x: int) -> int:
                return x + 1

            @env.task
            async def main(x: int) -> str:
                run = flyte.run(child, x=x)  # expect: FLY105
                return run.url
            """,
            message='`flyte.run` blocks inside async task code: a local run fails with "Deadlock detected"; in a '
            "cluster it blocks the task's event loop until it returns (gathered siblings and the controller "
            "stall). Use its async twin: `await flyte.run.aio(...)`",
        ),
        Case(
            with_tasks("""
            @env.task
            async def main(x: int) -> int:
                r1 = flyte.run(inc, x=x)  # expect: FLY105
                flyte.deploy(env)  # expect: FLY105
                r2 = flyte.with_runcontext(mode="local").run(inc, x=x)  # expect: FLY105
                rc = flyte.with_runcontext(mode="local")
                r3 = rc.run(inc, x=x)  # expect: FLY105
                results = list(flyte.map(square, range(3)))  # expect: FLY105, FLY205
                for r in flyte.map(square, range(3)):  # expect: FLY105, FLY205
                    print(r)
                return x
        """),
            name="blocking-flyte-calls-in-async-task",
        ),
        Case(
            with_tasks("""
            async def alaunch(x: int):
                return flyte.run(inc, x=x)  # expect: FLY105

            def launch(x: int):
                return flyte.run(inc, x=x)  # expect: FLY105

            @env.task
            async def main(x: int) -> int:
                await alaunch(x)
                launch(x)
                return x
        """),
            name="in-helpers-called-from-async-task",
        ),
        Case(
            """
            from flyte import *

            env = TaskEnvironment("demo")

            @env.task
            def square(x: int) -> int:
                return x * x

            @env.task
            async def main() -> list[int]:
                return list(map(square, [1, 2]))  # expect: FLY105
        """,
            name="star-import-map",
        ),
        Case(
            with_tasks("""
            @env.task
            async def main(x: int) -> int:
                flyte.run(inc, x=x)  # expect: FLY105
                return x
        """),
            message='`flyte.run` blocks inside async task code: a local run fails with "Deadlock detected"; in a '
            "cluster it blocks the task's event loop until it returns (gathered siblings and the controller "
            "stall). Use its async twin: `await flyte.run.aio(...)`",
            name="message",
        ),
        # The other syncified APIs of async task code (issue 23), through aliases, a helper and another module.
        Case(
            """
            # file: pkg/refs.py
            import flyte.remote

            TRAIN = flyte.remote.Task.get("ml.train", auto_version="latest")
            # file: pkg/main.py
            import flyte as fl
            import flyte.durable
            from flyte import report
            from flyte.durable import sleep as durable_sleep
            from flyte.remote import Task
            from pkg.refs import TRAIN

            env = fl.TaskEnvironment("demo")

            def publish(html: str) -> None:
                report.log(html)  # expect: FLY105

            @env.task(report=True)
            async def main(x: int) -> int:
                fl.report.log("<p>start</p>")  # expect: FLY105
                report.flush()  # expect: FLY105
                report.replace("<p>done</p>", do_flush=True)  # expect: FLY105
                publish("<p>x</p>")
                durable_sleep(5)  # expect: FLY105
                started = flyte.durable.time()  # expect: FLY105
                today = fl.durable.now()  # expect: FLY105
                ref = Task.get("ml.train", version="v1")
                fast = ref.override(short_name="fast")  # expect: FLY105
                details = ref.fetch()  # expect: FLY105
                big = TRAIN.override(resources=fl.Resources(cpu=4))  # expect: FLY105
                return await fast(x=x) + await big(x=x)
            """,
            name="report-durable-and-remote-reference-override",
        ),
        Case(
            """
            import flyte
            import flyte.remote

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def main(x: int) -> int:
                ref = flyte.remote.Task.get("ml.train", version="v1")
                fast = ref.override(short_name="fast")  # expect: FLY105
                return await fast(x=x)
            """,
            message='`ref.override` blocks inside async task code: a local run fails with "Deadlock detected"; in a '
            "cluster it blocks the task's event loop until it returns (gathered siblings and the controller "
            "stall). Use its async twin: `await ref.override.aio(...)`",
            name="message-for-a-remote-reference-override",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def child(x: int) -> int:
                return x + 1

            @env.task
            async def main(x: int) -> str:
                run = await flyte.run.aio(child, x=x)
                return run.url
            """,
        ),
        Case(
            with_tasks("""
            def launch(x: int):
                return flyte.run(inc, x=x)

            async def script() -> None:
                run = flyte.run(inc, x=1)
                print(run.url)

            @env.task
            async def main(x: int) -> int:
                r1 = await flyte.run.aio(inc, x=x)
                r2 = await flyte.with_runcontext(mode="local").run.aio(inc, x=x)
                r3 = await asyncio.to_thread(launch, x)
                total = 0
                async for r in flyte.map.aio(square, range(3)):
                    total += r
                return total

            @env.task
            def sync_parent(x: int) -> int:
                run = flyte.run(inc, x=x)
                return sum(flyte.map(square, range(x))) + len(launch(x).url)

            if __name__ == "__main__":
                flyte.init()
                flyte.run(main, x=1)
                asyncio.run(script())
        """),
            name="quiet",
        ),
        Case(
            """
            import flyte
            import flyte.durable
            import flyte.remote
            from flyte import report
            from mylib import report as lib_report

            env = flyte.TaskEnvironment("demo")
            ref = flyte.remote.Task.get("ml.train", version="v1")

            @env.task
            async def square(x: int) -> int:
                return x * x

            @env.task(report=True)
            async def main(x: int) -> int:
                await report.log.aio("<p>start</p>")
                await flyte.report.flush.aio()
                await report.replace.aio("<p>done</p>")
                report.get_tab("details").log("<p>tab</p>")
                lib_report.log("x")
                await flyte.durable.sleep.aio(5)
                started = await flyte.durable.time.aio()
                fast = await ref.override.aio(short_name="fast")
                y = await ref(x=x) + await fast(x=x)
                return y + await square.override(retries=2)(x)

            @env.task(report=True)
            def sync_main(x: int) -> int:
                report.log("<p>sync</p>")
                report.flush()
                flyte.durable.sleep(1)
                ref.override(short_name="fast")
                return x
            """,
            name="async-twins-tabs-sync-tasks-and-another-librarys-report",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in analysis.calls:
            path = _blocking_path(call.callee)
            if path is None or not sdk.has_async_twin(path):
                continue
            if not analysis.runs_on_event_loop(call.function):
                continue
            if path == "flyte.map" and isinstance(call.node.parent, nodes.AsyncFor):
                continue  # FLY203 reports it
            shown = rendered(call.node.func)
            suggestion = None
            if isinstance(call.function, nodes.AsyncFunctionDef):
                suggestion = _async_twin(call, path, shown)
                twin = f"`{suggestion.shown}`" if suggestion else _twin_hint(path, shown)
                message = (
                    f"`{shown}` blocks inside async task code: {_blocking_effects(path)}. Use its async twin: {twin}"
                )
            else:
                helper = call.function.name
                message = (
                    f"`{shown}` blocks in `{helper}`, a plain function that async task code calls directly "
                    f"(so it runs on the event loop): {_blocking_effects(path)}. Run "
                    f"`{helper}` in a thread (`await asyncio.to_thread({helper}, ...)`) or use the async twin "
                    f"from async code: {_twin_hint(path, shown)}"
                )
            yield self.finding(call.module, call.node, message, suggestions=[suggestion])


def _blocking_path(callee) -> str | None:
    if isinstance(callee, External) and callee.is_flyte and not callee.path.endswith(".aio"):
        return callee.path
    if isinstance(callee, Method) and isinstance(callee.owner, RemoteTaskRef) and callee.name != "aio":
        reference = sdk.returns("flyte.remote.Task.get")  # (a LazyEntity, whose `override` is syncified)
        return f"{reference}.{callee.name}" if reference else None
    return None


def _blocking_effects(path: str) -> str:
    """What a blocking syncified call on a task's event loop does, in a local run and in a cluster."""
    local = (
        'in a local run each item comes back as a "Deadlock detected" error instead of its result'
        if path == "flyte.map"
        else 'a local run fails with "Deadlock detected"'
    )
    return (
        f"{local}; in a cluster it blocks the task's event loop until it returns (gathered siblings and the "
        "controller stall)"
    )


def _async_twin(call: ResolvedCall, path: str, shown: str) -> Suggestion | None:
    """The blocking call ``call`` in an ``async def`` rewritten to its async twin: ``await x.aio(...)``, and for
    sync ``flyte.map`` an ``async for`` (or async comprehension) over ``flyte.map.aio(...)``."""
    node = call.node
    end = (node.func.end_lineno, node.func.end_col_offset)
    if path == "flyte.map":
        return async_iteration(call)
    return awaited(node, f"await {shown}.aio(...)", Edit(end, end, ".aio"))


def _twin_hint(path: str, shown: str) -> str:
    if path == "flyte.map":
        return f"`async for r in {shown}.aio(...)`"
    return f"`await {shown}.aio(...)`"
