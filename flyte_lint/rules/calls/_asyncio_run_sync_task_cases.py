"""FLY114's cases beyond its documented example (asyncio_run_sync_task.py): the event loop's run_until_complete,
import aliases, `__main__` blocks, overrides, partials, tasks from another module; and the correct look-alikes."""

from __future__ import annotations

from flyte_lint.rules.base import Case
from flyte_lint.rules.calls._cases import with_tasks

MORE_INVALID = [
    Case(
        with_tasks("""
        @env.task
        def main(x: int) -> int:
            loop = asyncio.new_event_loop()
            return loop.run_until_complete(square(x))  # expect: FLY114
        """),
        message="sync task 'demo.square' returns its result, not a coroutine: `loop.run_until_complete` of its "
        'call raises TypeError ("An asyncio.Future, a coroutine or an awaitable is required") once the task has '
        "run. Write `square(...)`",
        name="run-until-complete",
    ),
    Case(
        with_tasks("""
        import asyncio as aio
        from asyncio import run
        from asyncio import new_event_loop as make_loop

        fast = square.override(retries=2)

        @env.task
        def main(x: int) -> int:
            y = aio.run(square(x))  # expect: FLY114
            y += run(square.override(retries=3)(x))  # expect: FLY114
            y += run(fast(x))  # expect: FLY114
            y += asyncio.run(partial(square, x)())  # expect: FLY114
            y += asyncio.run(main=square(x))  # expect: FLY114
            y += asyncio.get_event_loop().run_until_complete(square(x))  # expect: FLY114
            loop = make_loop()
            y += loop.run_until_complete(future=square(x))  # expect: FLY114
            for t in [square, square.override(retries=1)]:
                y += asyncio.run(t(x))  # expect: FLY114
            return y
        """),
        name="aliases-overrides-partials",
    ),
    Case(
        with_tasks("""
        @env.task
        def main(x: int) -> int:
            return square(x)

        def script() -> None:
            print(asyncio.run(main(3)))  # expect: FLY114

        if __name__ == "__main__":
            asyncio.run(main(x=3))  # expect: FLY114
        """),
        name="main-block-and-script",
    ),
    Case(
        """
        # file: pkg/__init__.py
        from .tasks import square
        # file: pkg/tasks.py
        from flyte import TaskEnvironment as TE

        env = TE("lib")

        @env.task
        def square(x: int) -> int:
            return x * x
        # file: main.py
        import asyncio
        import flyte as fl
        import pkg
        from pkg.tasks import square as sq

        if __name__ == "__main__":
            fl.init_from_config()
            print(asyncio.run(pkg.square(3)))  # expect: FLY114
            print(asyncio.run(sq(3)))  # expect: FLY114
        """,
        name="task-from-another-module",
    ),
    Case(
        with_tasks("""
        @env.task
        def main(x: int) -> int:
            value = square(x)
            return asyncio.run(value)  # expect: FLY114

        if __name__ == "__main__":
            result = main(3)
            loop = asyncio.new_event_loop()
            loop.run_until_complete(result)  # expect: FLY114
        """),
        name="a-name-holding-the-result",
    ),
    Case(
        with_tasks("""
        @env.task
        def main(x: int) -> int:
            value = square.override(retries=2)(x)
            return asyncio.run(value)  # expect: FLY114
        """),
        message="sync task 'demo.square' returns its result, not a coroutine: `value` holds that result, so "
        '`asyncio.run` of it raises ValueError ("a coroutine was expected"). Use the value itself, without an event '
        "loop",
        name="held-result-message",
    ),
    Case(
        with_tasks("""
        @env.task
        def main(x: int) -> int:
            return asyncio.run(  # expect: FLY114
                square(
                    x,
                )
            )
        """),
        fixed=with_tasks("""
        @env.task
        def main(x: int) -> int:
            return square(
                    x,
                )
        """),
        name="fix-keeps-the-call-as-written",
    ),
]

MORE_VALID = [
    Case(
        with_tasks("""
        import asyncio as aio

        @env.task
        def main(x: int) -> int:
            y = asyncio.run(inc(x))
            y += asyncio.run(square.aio(x))
            y += aio.run(inc.override(retries=2)(x))
            y += asyncio.run(partial(inc, x)())
            loop = asyncio.new_event_loop()
            y += loop.run_until_complete(inc(x))
            y += loop.run_until_complete(square.aio(x))
            return y

        if __name__ == "__main__":
            print(asyncio.run(inc(3)))
            print(asyncio.run(flyte.run.aio(main, x=3)))
            print(asyncio.run(asyncio.to_thread(square, 3)))
        """),
        name="async-tasks-aio-and-coroutines",
    ),
    Case(
        with_tasks("""
        @env.task
        def main(x: int, fast: bool) -> int:
            coro = inc(x)
            y = asyncio.run(coro)
            aio = square.aio(x)
            y += asyncio.run(aio)
            either = inc(x)
            if fast:
                either = square(x)
            return y + asyncio.run(either)  # (bound twice: not known which)
        """),
        name="names-holding-coroutines",
    ),
    Case(
        with_tasks("""
        import trio

        class Runner:
            def run(self, value):
                return value

            def run_until_complete(self, value):
                return value

        def run(value):
            return value

        @env.task
        def main(x: int) -> int:
            y = Runner().run(square(x)) + run(square(x)) + Runner().run_until_complete(square(x))
            return y + trio.run(square.forward, x)
        """),
        name="look-alike-runners",
    ),
    Case(
        with_tasks("""
        @env.task
        def main(x: int) -> int:
            try:
                return asyncio.run(square(x))
            except ValueError:
                return square(x)
        """),
        name="author-guard",
    ),
    # On an event loop the sync task's call raises first (SyncTaskCallInAsyncContextError: FLY102 says so).
    Case(
        with_tasks("""
        def helper(x: int) -> int:
            return asyncio.run(square(x))  # (FLY102 reports the call of square)

        async def script() -> int:
            return asyncio.run(square(3))

        @env.task
        async def main(x: int) -> int:
            return helper(x)
        """),
        name="on-an-event-loop-the-task-call-fails-first",
    ),
]
