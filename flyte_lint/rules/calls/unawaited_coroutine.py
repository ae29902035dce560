"""FLY103 unawaited-coroutine: a task's coroutine in async code that nothing ever awaits."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.kinds import CoroutineRuns
from flyte_lint.model.source import rendered
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, register
from flyte_lint.rules.calls._cases import with_tasks
from flyte_lint.rules.calls._common import (
    awaited, callee_text, coroutine_lost, lost_task_objects, object_label, task_label, task_sites,
)
from flyte_lint.rules.calls._dead_containers import dead_container_message, kept_in_dead_container


@register
class UnawaitedCoroutine(Rule):
    code = "FLY103"
    symbol = "unawaited-coroutine"
    pylint_number = 4
    scope = Scope.IMPORTERS
    summary = (
        "Reports a coroutine from an async task, from `.aio()`, from a remote task reference, a ContainerTask or "
        "a shell task that is discarded, bound to a name that is never used, put in a local list, dict or set that "
        "nothing reads, or returned as an async task's output, in async code."
    )
    rationale = (
        "Calling an async task only creates a coroutine; the child task runs when the coroutine is awaited "
        "(directly, via `asyncio.gather`, or `asyncio.create_task`). A discarded coroutine never runs: the "
        "parent succeeds and the child silently never happens, with at most a RuntimeWarning in the logs. "
        "So does one put in a list, dict or set made in the function and read only to add to it or by `len()` "
        "(never iterated, gathered, passed, returned or read by a nested function): a container read in any "
        "other way may be awaited later, and the rule stays silent. "
        "Returned as a task's output, the coroutine fails to serialize."
        " Severity: error: the child never runs (or the output fails to serialize), in local runs and in a "
        "cluster alike."
    )
    fix = "Await the call, gather it, or hand it to `asyncio.create_task(...)`."
    runtime_effect = "child never runs"
    runtime = RuntimeSpec(
        entry="main",
        bad=Outcome(ok=True, ran={"demo.notify": 0}, warning_contains=("never awaited",)),
        good=Outcome(ok=True, ran={"demo.notify": 1}),
    )

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def notify(msg: str) -> None:
                print(msg)

            @env.task
            async def main() -> str:
                notify("started")  # expect: FLY103
                return "done"
            """,
            message="the coroutine of 'demo.notify' is discarded, so the child task never runs. "
                    "Write `await notify(...)` or gather it",
        ),
        Case(with_tasks("""
            from flyte import remote

            ref = remote.Task.get("proj.wf", auto_version="latest")

            @env.task
            async def main(x: int) -> int:
                inc(x)  # expect: FLY103
                square.aio(x)  # expect: FLY103
                inc.aio(x)  # expect: FLY103
                inc.override(retries=2)(x)  # expect: FLY103
                partial(inc, x=1)()  # expect: FLY103
                ref(x=1)  # expect: FLY103
                ref.aio(x=1)  # expect: FLY103
                unused = inc(x)  # expect: FLY103
                _ = inc(x)  # expect: FLY103
                never = [inc(i) for i in range(x)]  # expect: FLY103
                return x
        """),
            name="discarded-coroutines"),
        Case(with_tasks("""
            async def helper(x: int) -> None:
                inc(x)  # expect: FLY103

            async def script() -> None:
                inc(1)  # expect: FLY103

            @env.task
            async def main(x: int) -> int:
                await helper(x)
                return x
        """),
            name="in-async-helper-and-script"),
        Case(with_tasks("""
            @env.task
            async def main(x: int) -> int:
                return inc(x)  # expect: FLY103

            @env.task
            async def many(n: int) -> list[int]:
                return [inc(i) for i in range(n)]  # expect: FLY103
        """),
            name="returned-as-an-async-task-output"),
        Case("""
            # file: main.py
            import flyte
            from flyte.extras import ContainerTask

            env = flyte.TaskEnvironment("main")


            @env.task
            async def main(x: int, fast: bool) -> int:
                runner = ContainerTask(name="runner", image="alpine", command=["echo"], inputs={"a": int}, outputs={"r": int})
                runner(a=x)  # expect: FLY103
                await runner(a=x, b=2)  # expect: FLY106
                for i in range(3):
                    await runner(a=i)
                if fast:
                    maybe = ContainerTask(name="maybe", image="alpine", command=["echo"], inputs={"a": int})
                    maybe(a=x)
                twice = ContainerTask(name="one", image="alpine", command=["echo"], inputs={"a": int})
                twice = ContainerTask(name="two", image="alpine", command=["echo"], inputs={"b": int})
                twice(b=x)
                await twice(a=x)

                def inner() -> None:
                    runner(a=x)  # (a closure: not followed)

                inner()
                return await runner(a=x)
        """,
            name="task-objects-made-in-the-task"),
        Case("""
            # file: tools.py
            import flyte as fl

            env = fl.TaskEnvironment("tools")

            @env.task
            async def search(q: str) -> str:
                return q

            @env.task
            async def summarize(q: str) -> str:
                return q

            TOOLS = {"search": search, "summarize": summarize}
            ALL = [search, summarize]
            # file: main.py
            import flyte
            import tools
            from tools import TOOLS as T

            env = flyte.TaskEnvironment("main", depends_on=[tools.env])

            @env.task
            async def main(k: str) -> str:
                T[k](k)  # expect: FLY103
                tools.TOOLS[k].aio(k)  # expect: FLY103
                tool_map = {t.name: t for t in tools.ALL}
                tool_map[k](k)  # expect: FLY103
                return await T[k](k)
        """,
            name="container-of-tasks-cross-module-and-aliases"),
        Case("""
            # file: deco.py
            def logged(fn):
                def wrapper(*args, **kwargs):
                    return fn(*args, **kwargs)
                return wrapper
            # file: tools.py
            import flyte as fl
            from deco import logged

            env = fl.TaskEnvironment("tools")

            @logged
            @env.task
            async def fetch(x: int) -> int:
                return x
            # file: main.py
            import flyte
            from tools import fetch as get
            import tools

            env = flyte.TaskEnvironment("main", depends_on=[tools.env])

            @env.task
            async def main(x: int) -> int:
                get(x)  # expect: FLY103
                tools.fetch(x)  # expect: FLY103
                return await get(x)
        """,
            name="wrapped-task-defined-in-another-module"),
        Case("""
            # file: main.py
            import flyte
            from flyte.extras import ContainerTask

            hello = ContainerTask(name="hello", image="alpine", command=["echo"], inputs={"x": int}, outputs={"z": int})
            cenv = flyte.TaskEnvironment.from_task("cenv", hello)
            env = flyte.TaskEnvironment("m", depends_on=[cenv])


            @env.task
            async def main(n: int) -> int:
                pending = []
                for i in range(n):
                    pending.append(hello(x=i))  # expect: FLY103
                return len(pending)


            @env.task
            async def gathered(n: int) -> list[int]:
                pending = [hello(x=i) for i in range(n)]
                return [await p for p in pending]
        """,
            name="container-task-put-in-a-local-list-nothing-reads"),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def notify(msg: str) -> None:
                print(msg)

            @env.task
            async def main() -> str:
                await notify("started")
                return "done"
            """,
        ),
        Case(with_tasks("""
            async def consume(coro) -> int:
                return await coro

            async def make(x: int):
                return inc(x)  # the caller gets the coroutine and awaits it

            @env.task
            async def main(n: int) -> int:
                a = await inc(n)
                coros = []
                for i in range(n):
                    coros.append(inc(i))
                b = await asyncio.gather(*coros)
                t = asyncio.create_task(inc(n))
                later = inc(n)
                c = await later
                d = await consume(inc(n))
                e = await asyncio.wait_for(inc(n), timeout=5)
                f = await (await make(n))
                g = await asyncio.gather(*(inc(i) for i in range(n)))
                pending = [inc.aio(i) for i in range(n)]
                h = await asyncio.gather(*pending)
                async with asyncio.TaskGroup() as tg:
                    tg.create_task(inc(n))
                return a + sum(b) + await t + c + d + e + f + sum(g) + sum(h)
        """),
            name="quiet"),
        Case("""
            # file: tools.py
            import flyte

            env = flyte.TaskEnvironment("tools")

            @env.task
            async def a(x: int) -> int:
                return x

            REGISTRY = {"a": a}
            # file: main.py
            import flyte
            import tools
            from tools import REGISTRY

            env = flyte.TaskEnvironment("main", depends_on=[tools.env])

            def plain(x: int) -> int:
                return x

            REGISTRY["plain"] = plain

            @env.task
            async def main(k: str, x: int) -> int:
                REGISTRY[k](x)
                return x
        """,
            name="container-mutated-only-with-known-tasks-elsewhere-is-followed"),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for site in task_sites(analysis):
            if not site.makes_coroutine or site.awaited or not site.in_async_function:
                continue
            why = coroutine_lost(analysis, site.node, site.function)
            if why is None:
                kept = kept_in_dead_container(site.node, site.function)
                if kept is not None:
                    yield self.finding(site.module, site.node, dead_container_message(task_label(site), "child task", *kept))
                continue
            shown = f"await {callee_text(site)}(...)"
            yield self.finding(
                site.module, site.node,
                f"the coroutine of {task_label(site)} {why}, so the child task never runs. "
                f"Write `{shown}` or gather it",
                suggestions=[awaited(site.node, shown)],
            )
        for used in analysis.task_object_calls:
            call = used.call.node
            if used.coroutine is None or isinstance(call.parent, nodes.Await):
                continue
            if used.coroutine == CoroutineRuns.IN_A_RUN and not analysis.in_task_context(used.call.function):
                continue
            if coroutine_lost(analysis, call, used.call.function) is None:
                kept = kept_in_dead_container(call, used.call.function)
                if kept is not None:
                    yield self.finding(used.call.module, call, dead_container_message(object_label(used), "task", *kept))
        for used, why in lost_task_objects(analysis, in_async=True):
            call = used.call.node
            shown = f"await {rendered(call.func)}(...)"
            yield self.finding(
                used.call.module, call,
                f"the coroutine of {object_label(used)} {why}, so the task never runs. "
                f"Write `{shown}` or gather it",
                suggestions=[awaited(call, shown)],
            )
