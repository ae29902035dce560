"""FLY112's cases beyond its documented example (task_in_executor.py): every executor form, bound to names, with
import aliases, partials, overrides and tasks from another module; and the look-alikes it stays quiet on."""

from __future__ import annotations

from flyte_lint.rules.base import Case
from flyte_lint.rules.calls._cases import with_tasks

MORE_INVALID = [
    Case(
        with_tasks("""
        import threading
        import concurrent.futures
        from concurrent.futures import ThreadPoolExecutor

        @env.task
        async def main(x: int) -> int:
            loop = asyncio.get_running_loop()
            y = await loop.run_in_executor(None, square, x)  # expect: FLY112
            y += await asyncio.get_event_loop().run_in_executor(None, square, x)  # expect: FLY112
            with ThreadPoolExecutor() as pool:
                y += pool.submit(square, x).result()  # expect: FLY112
                y += sum(pool.map(square, [x, x]))  # expect: FLY112
            pool2 = concurrent.futures.ThreadPoolExecutor(max_workers=2)
            y += pool2.submit(square, x).result()  # expect: FLY112
            y += await loop.run_in_executor(pool2, square, x)  # expect: FLY112
            worker = threading.Thread(target=square, args=(x,))  # expect: FLY112
            worker.start()
            threading.Timer(1.0, square, args=(x,)).start()  # expect: FLY112
            return y
        """),
        name="every-executor-form",
    ),
    Case(
        with_tasks("""
        from concurrent.futures import ThreadPoolExecutor as TPE
        import concurrent.futures as cf
        from threading import Thread

        fast = square.override(retries=3)

        @env.task
        def main(x: int) -> int:
            with TPE(max_workers=4) as pool:
                a = pool.submit(functools.partial(square, x)).result()  # expect: FLY112
                b = pool.submit(partial(square, x=x)).result()  # expect: FLY112
                c = pool.submit(square.override(retries=2), x).result()  # expect: FLY112
                d = list(pool.map(fast, [x]))  # expect: FLY112
                e = list(pool.map(fn=square, timeout=3))  # expect: FLY112
            with cf.ThreadPoolExecutor() as other:
                f = other.submit(square, x).result()  # expect: FLY112
            Thread(target=square, args=(x,)).start()  # expect: FLY112
            return a + b + c + sum(d) + sum(e) + f
        """),
        name="aliases-partials-overrides",
    ),
    Case(
        with_tasks("""
        from concurrent.futures import ThreadPoolExecutor

        TOOLS = [square, inc]

        @env.task
        async def main(x: int) -> int:
            loop = asyncio.get_running_loop()
            coro = await loop.run_in_executor(None, inc, x)  # expect: FLY112
            for tool in TOOLS:
                await loop.run_in_executor(None, tool, x)  # expect: FLY112
            return await coro
        """),
        name="async-task-and-one-of-several",
    ),
    Case(
        with_tasks("""
        @env.task
        async def main(x: int) -> int:
            loop = asyncio.get_running_loop()
            coro = await loop.run_in_executor(None, inc, x)  # expect: FLY112
            return await coro
        """),
        message="task 'demo.inc' handed to `loop.run_in_executor` is called outside the run: the executor's thread "
        "does not copy the run's context, so an async task gives back its function's coroutine and no task "
        "action starts. Await its .aio(...) calls in the task (asyncio.gather to run several)",
        name="async-task-message",
    ),
    Case(
        with_tasks("""
        import threading
        from concurrent.futures import ThreadPoolExecutor

        @env.task
        async def main(x: int) -> int:
            out = []
            loop = asyncio.get_running_loop()
            y = await loop.run_in_executor(None, lambda: square(x) + 1)  # expect: FLY112
            threading.Thread(target=lambda: out.append(square(x))).start()  # expect: FLY112
            with ThreadPoolExecutor() as pool:
                y += pool.submit(lambda: square.override(retries=2)(x)).result()  # expect: FLY112
                y += pool.submit(lambda: partial(square, x)()).result()  # expect: FLY112
            return y
        """),
        name="a-lambda-calling-a-task",
    ),
    Case(
        with_tasks("""
        from concurrent.futures import ThreadPoolExecutor

        def process_one(x: int) -> int:
            y = square(x)
            return y + 1

        def later(x: int) -> int:
            def inner() -> int:
                return square(x)  # (a def inside: not run by the hand-off)
            return x

        @env.task
        def main(xs: list[int]) -> int:
            with ThreadPoolExecutor() as pool:
                total = sum(pool.map(process_one, xs))  # expect: FLY112
                total += pool.submit(functools.partial(process_one, 1)).result()  # expect: FLY112
                total += pool.submit(later, 2).result()
            return total
        """),
        name="a-function-calling-a-task",
    ),
    Case(
        with_tasks("""
        from concurrent.futures import ThreadPoolExecutor

        def process_one(x: int) -> int:
            return square(x)

        @env.task
        def main(xs: list[int]) -> list[int]:
            with ThreadPoolExecutor() as pool:
                return list(pool.map(process_one, xs))  # expect: FLY112
        """),
        message="task 'demo.square' called in `process_one` handed to `pool.map` runs as a plain function: the "
        "executor's thread does not copy the run's context, so no task action starts (no retries, no cache, no "
        "resources of its own). Use asyncio.to_thread, which copies the context, or flyte.map to run it as a task",
        name="function-message",
    ),
    Case(
        with_tasks("""
        @env.task
        async def main(x: int) -> int:
            return await asyncio.get_running_loop().run_in_executor(None, lambda: square(x))  # expect: FLY112
        """),
        message="task 'demo.square' called in the lambda handed to `asyncio.get_running_loop().run_in_executor` runs "
        "as a plain function: the executor's thread does not copy the run's context, so no task action starts (no "
        "retries, no cache, no resources of its own). Use asyncio.to_thread, which copies the context, or flyte.map "
        "to run it as a task",
        name="lambda-message",
    ),
    Case(
        with_tasks("""
        import threading

        @env.task
        def main(x: int) -> int:
            threading.Thread(target=square, args=(x,)).start()  # expect: FLY112
            return x
        """),
        message="task 'demo.square' handed to `threading.Thread` runs as a plain function: the new thread does not "
        "copy the run's context, so no task action starts (no retries, no cache, no resources of its own). Use "
        "asyncio.to_thread, which copies the context, or flyte.map to run it as a task",
        name="thread-message",
    ),
    Case(
        with_tasks("""
        from concurrent.futures import ProcessPoolExecutor

        def fan_out(xs: list[int]) -> list[int]:
            with ProcessPoolExecutor() as pool:
                return list(pool.map(square, xs))  # expect: FLY112

        if __name__ == "__main__":
            with ProcessPoolExecutor() as pool:
                print(pool.submit(square, 3).result())  # expect: FLY112
        """),
        name="process-pool-fails-everywhere",
    ),
    Case(
        with_tasks("""
        from concurrent.futures import ProcessPoolExecutor

        @env.task
        def main(x: int) -> int:
            with ProcessPoolExecutor() as pool:
                return pool.submit(square, x).result()  # expect: FLY112
        """),
        message="task 'demo.square' handed to a ProcessPoolExecutor (`pool.submit`) fails: the pool pickles the "
        "callable by its module attribute, which is the task object, not the function (PicklingError \"Can't pickle "
        "<function square>: it's not the same object as main.square\"). Use flyte.map to run it in parallel as tasks",
        name="process-pool-message",
    ),
    Case(
        with_tasks("""
        from concurrent.futures import ThreadPoolExecutor

        def run_all(xs: list[int]) -> list[int]:
            with ThreadPoolExecutor() as pool:
                return list(pool.map(square, xs))  # expect: FLY112

        @env.task
        def main(xs: list[int]) -> list[int]:
            return run_all(xs)
        """),
        name="helper-called-from-a-task",
    ),
    Case(
        """
        # file: pkg/__init__.py
        # file: pkg/tasks.py
        import flyte

        env = flyte.TaskEnvironment("lib")

        @env.task
        def square(x: int) -> int:
            return x * x
        # file: main.py
        import asyncio
        import flyte as fl
        from pkg import tasks
        from pkg.tasks import square as sq

        env = fl.TaskEnvironment("main", depends_on=[tasks.env])

        @env.task
        async def main(x: int) -> int:
            loop = asyncio.get_running_loop()
            y = await loop.run_in_executor(None, sq, x)  # expect: FLY112
            return y + await loop.run_in_executor(None, tasks.square, x)  # expect: FLY112
        """,
        name="task-from-another-module",
    ),
    Case(
        """
        # file: pools.py
        import asyncio
        from concurrent.futures import ThreadPoolExecutor

        POOL = ThreadPoolExecutor(max_workers=4)
        # file: main.py
        import asyncio
        import flyte
        import pools
        from pools import POOL

        env = flyte.TaskEnvironment("demo")
        _io = pools.POOL

        @env.task
        def square(x: int) -> int:
            return x * x

        @env.task
        async def main(x: int) -> int:
            y = POOL.submit(square, x).result()  # expect: FLY112
            y += pools.POOL.submit(square, x).result()  # expect: FLY112
            return y + await asyncio.get_running_loop().run_in_executor(_io, square, x)  # expect: FLY112
        """,
        name="pool-from-another-module",
    ),
]

MORE_VALID = [
    Case(
        with_tasks("""
        import contextvars
        import threading
        from concurrent.futures import ThreadPoolExecutor, ProcessPoolExecutor

        def plain(x: int) -> int:
            return x * x

        @env.task
        async def main(x: int) -> int:
            loop = asyncio.get_running_loop()
            y = await asyncio.to_thread(square, x)
            y += await asyncio.to_thread(functools.partial(square, x))
            y += await loop.run_in_executor(None, plain, x)
            y += await loop.run_in_executor(None, square.forward, x)
            with ThreadPoolExecutor() as pool:
                y += pool.submit(contextvars.copy_context().run, square, x).result()
                y += pool.submit(plain, x).result()
                y += pool.submit(square.forward, x).result()
            with ProcessPoolExecutor() as procs:
                y += procs.submit(plain, x).result()
            threading.Thread(target=plain, args=(x,)).start()
            y += await square.aio(x) + await inc(x)
            return y
        """),
        name="to-thread-plain-functions-and-forward",
    ),
    Case(
        with_tasks("""
        from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

        @env.task
        async def main(x: int) -> int:
            loop = asyncio.get_running_loop()
            y = await asyncio.to_thread(lambda: square(x))
            y += await loop.run_in_executor(None, lambda: square.forward(x))
            y += await loop.run_in_executor(None, lambda: inc(x))  # (an async task's coroutine: not this rule's)
            with ThreadPoolExecutor() as pool:
                y += pool.submit(lambda: (lambda: square(x))).result()()
            with ProcessPoolExecutor() as procs:
                y += procs.submit(lambda: square(x)).result()  # (no lambda pickles: not the task's failure)
            return y
        """),
        name="lambdas-it-stays-quiet-on",
    ),
    Case(
        with_tasks("""
        from concurrent.futures import ThreadPoolExecutor

        class Client:
            def submit(self, fn, *args):
                return fn(*args)

            def map(self, fn, items):
                return [fn(i) for i in items]

            def run_in_executor(self, executor, fn, *args):
                return fn(*args)

        def use(pool, x: int) -> int:
            return pool.submit(square, x).result()  # (a pool it is given: not known to be one)

        @env.task
        def main(x: int) -> int:
            client = Client()
            y = client.submit(square, x) + sum(client.map(square, [x]))
            y += client.run_in_executor(None, square, x)
            with ThreadPoolExecutor() as pool:
                y += use(pool, x)
            return y + sum(map(square, [x]))
        """),
        name="look-alike-executors",
    ),
    Case(
        with_tasks("""
        from concurrent.futures import ThreadPoolExecutor

        if __name__ == "__main__":
            with ThreadPoolExecutor() as pool:  # (outside a run a task call runs its function anyway)
                print(list(pool.map(square, [1, 2])))
            loop = asyncio.new_event_loop()
            print(loop.run_until_complete(loop.run_in_executor(None, square, 3)))
        """),
        name="outside-a-run",
    ),
]
