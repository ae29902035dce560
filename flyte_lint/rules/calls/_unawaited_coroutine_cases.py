"""The cases of FLY103 beyond its documented example (see unawaited_coroutine.py)."""

from __future__ import annotations

from flyte_lint.rules.base import Case
from flyte_lint.rules.calls._cases import TASK_OBJECT_TOOLS, with_tasks
from flyte_lint.rules.calls._container_programs import DEAD_CONTAINERS
from flyte_lint.rules.calls._decorated_task_programs import AGENT_TOOL_RUN, TENACITY_RUN, WRAPPED_RUN
from flyte_lint.rules.calls._task_object_programs import TASK_OBJECTS_RUN

MORE_INVALID = [
    Case(
        with_tasks("""
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
        name="discarded-coroutines",
    ),
    Case(
        with_tasks("""
        async def helper(x: int) -> None:
            inc(x)  # expect: FLY103

        async def script() -> None:
            inc(1)  # expect: FLY103

        @env.task
        async def main(x: int) -> int:
            await helper(x)
            return x
    """),
        name="in-async-helper-and-script",
    ),
    Case(
        with_tasks("""
        @env.task
        async def main(x: int) -> int:
            return inc(x)  # expect: FLY103

        @env.task
        async def many(n: int) -> list[int]:
            return [inc(i) for i in range(n)]  # expect: FLY103
    """),
        name="returned-as-an-async-task-output",
    ),
    Case(
        """
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
        name="task-objects-made-in-the-task",
    ),
    Case(
        """
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
        name="container-of-tasks-cross-module-and-aliases",
    ),
    Case(
        """
        # file: deco.py
        def logged(fn):
            def wrapper(*args, **kwargs):
                return fn(*args, **kwargs)
            return wrapper
        # file: tools.py
        import flyte as fl
        from deco import logged

        env = fl.TaskEnvironment("tools")

        @logged  # expect: FLY109
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
        name="wrapped-task-defined-in-another-module",
    ),
    Case(
        """
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
        name="container-task-put-in-a-local-list-nothing-reads",
    ),
    # ContainerTasks and shell tasks are objects, not defs: their calls make coroutines too (flyte 2.12.1). A
    # ContainerTask makes one only inside a run (outside, its call fails); a shell task's call is `async def`.
    Case(
        TASK_OBJECT_TOOLS
        + """
        # file: main.py
        import flyte
        from tools import echo as container, sh, tools

        env = flyte.TaskEnvironment("main", depends_on=[tools, sh.env])


        async def helper(x: int) -> None:
            container(x=x)  # expect: FLY103


        def sync_helper(x: int) -> None:
            container(x=x)  # expect: FLY104


        async def outside_a_run(x: int) -> None:
            container(x=x)  # (no run: the call fails, it makes no coroutine)
            sh(x=x)  # expect: FLY103


        @env.task
        async def main(x: int) -> int:
            container(x=x)  # expect: FLY103
            container.aio(x=x)  # expect: FLY103
            sh(x=x)  # expect: FLY103
            unused = container(x=x)  # expect: FLY103
            await helper(x)
            return x


        @env.task
        async def returned(x: int) -> int:
            return container(x=x)  # expect: FLY103


        @env.task
        def sync_main(x: int) -> int:
            container(x=x)  # expect: FLY104
            sh(x=x)  # expect: FLY104
            sync_helper(x)
            return x
    """,
        name="task-objects",
    ),
    Case(
        with_tasks("""
        @env.task
        async def main(x: int) -> int:
            inc(x)  # expect: FLY103
            return x
    """),
        message="the coroutine of 'demo.inc' is discarded, so the child task never runs. Write `await inc(...)` or "
        "gather it",
        name="message",
    ),
    Case(
        TASK_OBJECT_TOOLS
        + """
        # file: main.py
        import flyte
        from tools import echo, tools

        env = flyte.TaskEnvironment("main", depends_on=[tools])


        @env.task
        async def main(x: int) -> int:
            echo(x=x)  # expect: FLY103
            return x
    """,
        message="the coroutine of ContainerTask 'echo' is discarded, so the task never runs. "
        "Write `await echo(...)` or gather it",
        name="task-object-message",
    ),
    # Programs the SDK also runs (tests/test_async_rules.py): the marks are what the runs show.
    Case(TASK_OBJECTS_RUN, name="task-objects-run"),
    Case(WRAPPED_RUN, name="wrapped-tasks-run"),
    Case(TENACITY_RUN, name="tenacity-retry-above-a-task-run"),
    Case(AGENT_TOOL_RUN, name="agent-tool-above-a-task-run"),
    Case(DEAD_CONTAINERS, name="coroutine-put-in-a-local-container-nothing-reads-run"),
]

MORE_VALID = [
    Case(
        with_tasks("""
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
        name="quiet",
    ),
    Case(
        """
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
        name="container-mutated-only-with-known-tasks-elsewhere-is-followed",
    ),
    Case(
        TASK_OBJECT_TOOLS
        + """
        # file: main.py
        import asyncio

        import flyte
        from flyteplugins.snowflake import Snowflake
        from tools import echo as container, sh, tools

        query = Snowflake(name="q", query_template="select 1")
        plugin = flyte.TaskEnvironment.from_task("plugin", query)
        env = flyte.TaskEnvironment("main", depends_on=[tools, sh.env, plugin])


        class ContainerTask:
            def __init__(self, **kwargs):
                pass

            def __call__(self, **kwargs):
                return 1


        lookalike = ContainerTask(name="l")


        @env.task
        async def main(x: int) -> int:
            a = await container(x=x)
            b = await container.aio(x=x)
            c = await sh(x=x)
            d = await asyncio.gather(container(x=1), sh(x=2))
            t = asyncio.create_task(container(x=x))
            later = container(x=x)
            e = await later
            run = lambda: container(x=x)
            f = await run()
            container.override(retries=1)(x=x)  # (a ContainerTask's override fails on its own)
            query()  # (a plugin's task class: its call may be sync)
            lookalike(x=1)
            return a + b + c + sum(d) + await t + e + f
    """,
        name="task-objects-quiet",
    ),
]
