"""FLY109's quiet cases beyond the documented example: the look-alikes a pod loads as the task itself, and the
forms it does not follow (see task_not_loadable.py)."""

from __future__ import annotations

from flyte_lint.rules.base import Case

MORE_VALID = [
    Case(
        """
        import functools

        import flyte
        from flyte import TaskEnvironment as TE
        from flyte.ai.agents import tool

        env = TE("demo")


        def timed(fn):
            @functools.wraps(fn)
            def wrapper(*args, **kwargs):
                return fn(*args, **kwargs)

            return wrapper


        def register(fn):
            REGISTRY.append(fn)
            return fn


        REGISTRY = []


        def t(x: int) -> int:
            return x


        t = env.task(t)


        @env.task
        def x(v: int) -> int:
            return v


        x = x.override(retries=2)


        @env.task
        @timed
        def below(v: int) -> int:
            return v


        @register
        @env.task
        def registered(v: int) -> int:
            return v


        @tool
        @env.task
        async def tooled(v: int) -> int:
            return v


        def make(n: int):
            @env.task
            def inner(v: int) -> int:
                return v + n

            return inner


        inner = make(1)
        timed_view = timed(x)
        partial_x = functools.partial(x, v=1)
        """,
        name="fine-forms",
    ),
    Case(
        """
        import flyte
        import mylib

        env = flyte.TaskEnvironment("demo")


        def _impl(x: int) -> int:
            return x


        custom = env.task(task_resolver=mylib.Resolver())(_impl)


        @mylib.instrument
        @env.task
        def unknown_wrapper(x: int) -> int:
            return x


        @env.task
        def process(x: int) -> int:
            return x


        process = mylib.timed(process)

        if mylib.FAST:
            @env.task
            def pick(x: int) -> int:
                return x
        else:
            @env.task
            def pick(x: int) -> int:
                return -x
        """,
        name="own-resolver-and-unknown-wrappers",
    ),
    Case(
        """
        import flyte

        env = flyte.TaskEnvironment("demo")


        def make():
            @env.task
            def made(x: int) -> int:
                return x

            return made


        globals()["made"] = make()
        """,
        name="bound-dynamically",
    ),
    Case(
        """
        import flyte

        env = flyte.TaskEnvironment("demo")


        @env.task
        def main(x: int) -> int:
            return x + 1


        if __name__ == "__main__":
            flyte.init_from_config()
            flyte.run(main, x=1)
        else:

            @env.task
            def imported_only(x: int) -> int:
                return x

        if __name__ != "__main__":

            @env.task
            def also_imported(x: int) -> int:
                return x
        """,
        name="main-guard-that-only-runs",
    ),
]
