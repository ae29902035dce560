"""The cases of FLY102 beyond its documented example (see sync_task_in_async.py)."""

from __future__ import annotations

from flyte_lint.rules.base import Case
from flyte_lint.rules.calls._cases import with_tasks

MORE_INVALID = [
    Case(
        with_tasks("""
        @env.task
        async def main(n: int) -> int:
            a = square(n)  # expect: FLY102
            square(n)  # expect: FLY102
            b = await asyncio.gather(square(1), inc(2))  # expect: FLY102
            c = await asyncio.gather(*[square(i) for i in range(n)])  # expect: FLY102
            d = [square(i) for i in range(n)]  # expect: FLY102
            e = sum(square(i) for i in range(n))  # expect: FLY102
            f = {i: square(i) for i in range(n)}  # expect: FLY102
            g = square.override(retries=1)(n)  # expect: FLY102
            h = partial(square, x=1)()  # expect: FLY102
            return a + sum(b) + sum(c) + sum(d) + e + len(f) + g + h
    """),
        name="direct-and-nested-expressions",
    ),
    Case(
        with_tasks("""
        async def helper(x: int) -> int:
            return square(x)  # expect: FLY102

        async def deeper(x: int) -> int:
            return await helper(x)

        @env.task
        async def main(x: int) -> int:
            return await deeper(x)
    """),
        name="in-async-helper-called-from-a-task",
    ),
    Case(
        """
        # file: tasks.py
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def square(x: int) -> int:
            return x * x
        # file: helpers.py
        from tasks import square

        async def helper(x: int) -> int:
            return square(x)  # expect: FLY102
        # file: main.py
        from tasks import env
        from helpers import helper

        @env.task
        async def main(x: int) -> int:
            return await helper(x)
    """,
        name="in-async-helper-in-another-module",
    ),
    Case(
        with_tasks("""
        @env.task
        async def main(n: int) -> list[int]:
            async def one(i: int) -> int:
                return square(i)  # expect: FLY102
            return list(await asyncio.gather(*(one(i) for i in range(n))))
    """),
        name="nested-async-def-in-a-task",
    ),
    Case(
        with_tasks("""
        @env.task
        def main(x: int) -> int:
            async def go() -> int:
                return square(x)  # expect: FLY102
            return asyncio.run(go())
    """),
        name="async-def-run-inside-a-sync-task",
    ),
    Case(
        with_tasks("""
        def helper(x: int) -> int:
            return square(x)  # expect: FLY102

        def outer(x: int) -> int:
            return helper(x)

        @env.task
        async def main(x: int) -> int:
            def inner(y: int) -> int:
                return square(y)  # expect: FLY102
            return outer(x) + inner(x)
    """),
        name="sync-helper-called-directly-from-async-task-code",
    ),
    Case(
        with_tasks("""
        def in_thread(fn):
            @functools.wraps(fn)
            async def wrapper(*args, **kwargs):
                return await asyncio.to_thread(fn, *args, **kwargs)
            return wrapper

        @in_thread
        def threaded(x: int) -> int:
            return square(x)

        @functools.lru_cache(maxsize=None)
        def cached(x: int) -> int:
            return square(x)  # expect: FLY102

        @env.task
        async def main(x: int) -> int:
            return await threaded(x) + cached(x)
    """),
        name="helper-behind-a-decorator",
    ),
    # The unsafe fix awaits the task's `.aio(...)` (`.aio` alone inside a gather); a call inside an expression gets
    # no fix.
    Case(
        with_tasks("""
        @env.task
        async def main(n: int) -> int:
            a = square(n)  # expect: FLY102
            b = await asyncio.gather(square(1), inc(2))  # expect: FLY102
            c = await asyncio.gather(*[square(i) for i in range(n)])  # expect: FLY102
            square(n)  # expect: FLY102
            d = square(n) + 1  # expect: FLY102
            return a + sum(b) + sum(c) + d
    """),
        fixed=with_tasks("""
        @env.task
        async def main(n: int) -> int:
            a = await square.aio(n)
            b = await asyncio.gather(square.aio(1), inc(2))
            c = await asyncio.gather(*[square.aio(i) for i in range(n)])
            await square.aio(n)
            d = square(n) + 1
            return a + sum(b) + sum(c) + d
    """),
        name="fixes",
    ),
    # `await` is not valid in a plain def: no fix there (the fixed source is the source).
    Case(
        with_tasks("""
        def helper(x: int) -> int:
            return square(x)  # expect: FLY102

        @env.task
        async def main(x: int) -> int:
            return helper(x)
    """),
        message="sync task 'demo.square' is called in `helper`, a plain function that async task code calls directly, "
        "so it runs on the event loop: the SDK raises SyncTaskCallInAsyncContextError. Run `helper` in a thread "
        "(`await asyncio.to_thread(helper, ...)`) or call `await square.aio(...)` from async code",
        fixed=with_tasks("""
        def helper(x: int) -> int:
            return square(x)

        @env.task
        async def main(x: int) -> int:
            return helper(x)
    """),
        select=["FLY102"],
        name="no-await-fix-in-a-sync-helper",
    ),
    Case(
        with_tasks("""
        @env.task
        async def main(x: int) -> int:
            return square(x)  # expect: FLY102
    """),
        message="sync task 'demo.square' is called without `.aio()` in async code: the SDK raises "
        "SyncTaskCallInAsyncContextError. Write `await square.aio(...)`",
        name="message",
    ),
    # A functools.partial has no `.aio`: the advice builds the partial on the task's async form.
    Case(
        with_tasks("""
        @env.task
        async def main(x: int) -> int:
            p = functools.partial(square, x=1)
            y = await p()  # expect: FLY101
            return y + partial(square, x=2)()  # expect: FLY102
    """),
        message="sync task 'demo.square' is called without `.aio()` in async code: the SDK raises "
        "SyncTaskCallInAsyncContextError. Write `await functools.partial(square.aio, ...)()`",
        name="message-for-a-partial",
    ),
]

MORE_VALID = [
    Case(
        with_tasks("""
        def helper(x: int) -> int:
            return square(x)  # only ever run in a thread or from sync tasks

        def sync_only(x: int) -> int:
            return square(x)

        async def script(x: int) -> int:
            return square(x)  # no task calls it: outside a run the SDK just calls the function

        @env.task
        def sync_parent(x: int) -> int:
            return square(x) + sync_only(x) + sum(square(i) for i in range(x))

        @env.task
        async def main(n: int) -> int:
            a = await square.aio(n)
            b = await asyncio.gather(*[square.aio(i) for i in range(n)])
            c = await asyncio.to_thread(square, n)
            d = await asyncio.to_thread(helper, n)
            loop = asyncio.get_running_loop()
            e = await loop.run_in_executor(None, square, n)
            f = await loop.run_in_executor(None, functools.partial(helper, n))

            def in_thread(y: int) -> int:
                return square(y)

            g = await asyncio.to_thread(in_thread, n)
            h = await asyncio.to_thread(lambda: square(n))
            i = square.forward(n)
            return a + sum(b) + c + d + e + f + g + h + i

        if __name__ == "__main__":
            print(asyncio.run(script(1)), square(2))
    """),
        select=["FLY101", "FLY102", "FLY103", "FLY104"],  # (FLY112: run_in_executor runs `square` as a plain function)
        name="quiet",
    ),
    Case(
        with_tasks("""
        def factory(n: int):
            square(n)

            def deco(f):
                return f
            return deco

        @env.task
        @factory(2)
        async def main(x: int, y: int = square(3)) -> int:
            return x + y
    """),
        name="quiet-in-a-decorator-factory-and-default-values",
    ),
    Case(
        with_tasks("""
        import wandb_helpers

        def elsewhere(fn):
            def wrapper(*args, **kwargs):
                return schedule(fn, *args, **kwargs)
            return wrapper

        def keyword(fn):
            def wrapper(*args, attempts=3, **kwargs):
                return fn(*args, **kwargs)
            return wrapper

        @elsewhere
        @env.task
        async def a(x: int) -> int:
            return x

        @keyword
        @env.task
        async def b(x: int) -> int:
            return x

        @wandb_helpers.wandb_init
        @env.task
        async def c(x: int) -> int:
            return x

        @env.task
        async def main(x: int) -> int:
            a(x)
            b(x)
            c(x)
            return x
    """),
        name="wrapped-task-quiet-when-the-wrapper-may-do-anything-else",
        select=["FLY101", "FLY102", "FLY103", "FLY104"],  # (FLY109: a pod loads each wrapper, not the task)
    ),
]
