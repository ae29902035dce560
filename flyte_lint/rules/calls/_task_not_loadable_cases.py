"""FLY109's cases beyond the documented example: each form of task a pod cannot load, and the look-alikes that
load (see task_not_loadable.py)."""

from __future__ import annotations

from flyte_lint.rules.base import Case

NO_ATTRIBUTE = "AttributeError: 'function' object has no attribute 'native_interface'"

MORE_INVALID = [
    Case(
        """
        # file: lib/text.py
        def dedupe(words: list[str]) -> list[str]:
            return sorted(set(words))
        # file: lib/envs.py
        import flyte

        env = flyte.TaskEnvironment("demo")
        # file: main.py
        from lib.envs import env
        from lib.text import dedupe

        dedupe = env.task(dedupe)  # expect: FLY109
        """,
        message="task 'demo.dedupe' cannot be loaded in a pod: it wraps `dedupe` of `lib.text`, and the pod loads "
        f"`lib.text.dedupe`, the plain function, so the task fails in a cluster ({NO_ATTRIBUTE}). Put "
        "`@env.task` on the function in `lib.text`, or define a task here that calls it",
        name="imported-function-wrapped",
    ),
    Case(
        """
        # file: lib/text.py
        def dedupe(words: list[str]) -> list[str]:
            return sorted(set(words))


        def split(text: str) -> list[str]:
            return text.split()
        # file: lib/envs.py
        import flyte

        env = flyte.TaskEnvironment("demo")
        # file: main.py
        import flyte as fl
        from lib import text
        from lib.envs import env
        from lib.text import split as sp

        other = fl.TaskEnvironment("other")
        again = env.task(retries=2)(sp)  # expect: FLY109
        third = other.task(text.dedupe)  # expect: FLY109
        """,
        name="imported-function-forms",
    ),
    Case(
        """
        import flyte

        env = flyte.TaskEnvironment("demo")


        def make(n: int):
            @env.task  # expect: FLY109
            def add(x: int) -> int:
                return x + n

            return add


        add_one = make(1)
        """,
        message="task 'demo.add' cannot be loaded in a pod: it is defined inside function `make`, and the pod "
        "loads it as `main.add`, a name module `main` does not bind, so the task fails in a cluster "
        "(AttributeError: module 'main' has no attribute 'add'). Define it at module level, or bind the "
        "factory's result under the function's name: `add = make(...)`",
        name="defined-in-a-function",
    ),
    Case(
        """
        import flyte

        env = flyte.TaskEnvironment("demo")


        def build():
            def inner(x: int) -> int:
                return x

            return env.task(inner)  # expect: FLY109


        class Steps:
            @env.task  # expect: FLY109
            def step(x: int) -> int:
                return x


        @env.task
        async def main() -> int:
            @env.task  # expect: FLY109
            async def child(x: int) -> int:
                return x

            return await child(1)


        built = build()
        """,
        name="defined-in-a-function-or-class",
    ),
    Case(
        """
        import flyte

        env = flyte.TaskEnvironment("demo")


        @env.task
        async def main(x: int) -> int:
            @env.task  # expect: FLY109
            async def child(y: int) -> int:
                return y + 1

            return await child(x)
        """,
        message="task 'demo.child' cannot be loaded in a pod: it is defined inside function `main`, and the pod "
        "loads it as `main.child`, a name module `main` does not bind, so the task fails in a cluster "
        "(AttributeError: module 'main' has no attribute 'child'). Define it at module level",
        name="defined-in-a-task-body",
    ),
    Case(
        """
        import flyte

        env = flyte.TaskEnvironment("demo")


        def make(n: int):
            @env.task
            def add(x: int) -> int:
                return x + n

            return add


        add = make(1)
        add_two = make(2)  # expect: FLY109
        """,
        message="task 'demo.add' cannot be loaded in a pod: `add_two = make(2)` binds a task `make` makes under "
        "another name than its function's, and the pod loads every task `make` makes as `main.add`, the one bound "
        "under that name, so this one runs that one's code in a cluster. Define one task at module level and pass "
        "what differs as an input",
        name="factory-result-under-another-name-too",
    ),
    Case(
        """
        import flyte

        env = flyte.TaskEnvironment("demo")
        TASKS = []

        for factor in (2, 3):
            @env.task  # expect: FLY109
            def scale(x: int, factor: int = factor) -> int:
                return x * factor

            TASKS.append(scale)
        """,
        message="task 'demo.scale' cannot be loaded in a pod: it is defined in a loop, and the pod loads every "
        "iteration's task as `main.scale`, the last iteration's, so the others run the wrong code in a "
        "cluster. Define one task at module level and pass the loop's value as an input",
        name="defined-in-a-loop",
    ),
    Case(
        """
        import functools

        import flyte

        env = flyte.TaskEnvironment("demo")


        @env.task
        def scale(x: int, factor: int) -> int:
            return x * factor


        scale = functools.partial(scale, factor=2)  # expect: FLY109
        """,
        message="task 'demo.scale' cannot be loaded in a pod: `scale = functools.partial(scale, factor=2)` rebinds "
        "the task's name to a functools.partial object, and the pod loads `main.scale`, that object, not the task, "
        "so the task fails in a cluster (AttributeError: 'functools.partial' object has no attribute "
        "'native_interface'). Bind the partial to another name",
        name="rebound-to-a-partial",
    ),
    Case(
        """
        from functools import partial

        import flyte as fl

        env = fl.TaskEnvironment("demo")


        @env.task
        def shift(x: int, by: int) -> int:
            return x + by


        shift_one = partial(shift, by=1)
        shift = partial(shift, by=2)  # expect: FLY109
        """,
        name="partial-under-the-name-not-under-another",
    ),
    Case(
        """
        import functools

        import flyte

        env = flyte.TaskEnvironment("demo")


        def timed(fn):
            @functools.wraps(fn)
            def wrapper(*args, **kwargs):
                return fn(*args, **kwargs)

            return wrapper


        @env.task
        def process(x: int) -> int:
            return x + 1


        process = timed(process)  # expect: FLY109
        """,
        message="task 'demo.process' cannot be loaded in a pod: `process = timed(process)` rebinds the task's "
        "name to the function `timed` returns, and the pod loads `main.process`, that wrapper, not the task, so "
        f"the task fails in a cluster ({NO_ATTRIBUTE}). Keep the task under its name: put the wrapper below "
        "`@env.task` (with functools.wraps), or bind the wrapped function to another name",
        name="rebound-to-a-wrapper",
    ),
    Case(
        """
        import functools

        import flyte

        env = flyte.TaskEnvironment("demo")


        def timed(fn):
            @functools.wraps(fn)
            def wrapper(*args, **kwargs):
                return fn(*args, **kwargs)

            return wrapper


        @timed  # expect: FLY109
        @env.task
        def stacked(x: int) -> int:
            return x
        """,
        message="task 'demo.stacked' cannot be loaded in a pod: `@timed` above `@env.task` binds `stacked` to the "
        "function it returns, and the pod loads `main.stacked`, that wrapper, not the task, so the task fails in "
        f"a cluster ({NO_ATTRIBUTE}). Put `@timed` below `@env.task` (with functools.wraps), or call the task "
        "from a wrapper of another name",
        name="wrapper-stacked-above-the-task",
    ),
    Case(
        """
        import functools

        import flyte
        import tenacity
        from tenacity import retry, stop_after_attempt

        env = flyte.TaskEnvironment("demo")


        def logged(prefix: str):
            def decorate(fn):
                def wrapper(*args, **kwargs):
                    print(prefix)
                    return fn(*args, **kwargs)

                return wrapper

            return decorate


        def identity(fn):
            return fn


        @logged("go")  # expect: FLY109
        @env.task
        async def factory_made(x: int) -> int:
            return x


        @tenacity.retry  # expect: FLY109
        @env.task
        def retried(x: int) -> int:
            return x


        @identity
        @retry(stop=stop_after_attempt(3))  # expect: FLY109
        @identity
        @env.task
        def retried_three(x: int) -> int:
            return x


        @env.task
        def later(x: int) -> int:
            return x


        later = tenacity.retry(later)  # expect: FLY109
        """,
        name="wrapper-forms",
    ),
    Case(
        """
        import flyte

        env = flyte.TaskEnvironment("demo")

        if __name__ == "__main__":

            @env.task  # expect: FLY109
            def main(x: int) -> int:
                return x + 1

            flyte.init_from_config()
            flyte.run(main, x=1)
        """,
        message="task 'demo.main' cannot be loaded in a pod: it is defined under "
        '`if __name__ == "__main__":`, and the '
        "pod imports `main` as a module, where that block does not run, so the task fails in a cluster "
        "(AttributeError: module 'main' has no attribute 'main'). Define it at module level, above the "
        '`if __name__ == "__main__":` block',
        name="defined-under-the-main-guard",
    ),
    Case(
        """
        import flyte

        env = flyte.TaskEnvironment("demo")


        def _double(x: int) -> int:
            return x * 2


        if "__main__" == __name__:
            double = env.task(_double)  # expect: FLY109

            def triple(x: int) -> int:
                return x * 3

            triple = env.task(triple)  # expect: FLY109
            flyte.run(triple, x=1)
        """,
        name="main-guard-forms",
    ),
]
