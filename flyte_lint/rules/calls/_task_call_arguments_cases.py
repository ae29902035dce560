"""The cases of FLY106 beyond its documented example (see task_call_arguments.py)."""

from __future__ import annotations

from flyte_lint.rules.base import Case
from flyte_lint.rules.calls._cases import with_train_tasks
from flyte_lint.rules.calls._container_programs import CHOICE_KEYWORDS
from flyte_lint.rules.calls._task_object_argument_cases import OBJECT_VALID
from flyte_lint.rules.calls._task_object_programs import CONTAINER_CALLS, SHELL_CALLS

MORE_INVALID = [
    Case(
        with_train_tasks("""
        @env.task
        def main() -> float:
            return train(1, 0.5, 3, 4)  # expect: FLY106
    """),
        name="too-many-positional",
    ),
    Case(
        with_train_tasks("""
        @env.task
        def main() -> float:
            a = train()  # expect: FLY106
            b = train(lr=0.5)  # expect: FLY106
            return a + b
    """),
        name="missing-required",
    ),
    Case(
        with_train_tasks("""
        @env.task
        def main() -> float:
            return train(1, epochs=2)  # expect: FLY106
    """),
        name="value-passed-twice",
    ),
    Case(
        with_train_tasks("""
        @env.task
        async def main() -> float:
            a = await atrain.aio(epochs=1, lrr=0.5)  # expect: FLY106
            b = await train.aio()  # expect: FLY106
            c = await atrain(1, 2.0, 3.0)  # expect: FLY106
            return a + b + c
    """),
        name="via-aio-and-plain-async-call",
    ),
    Case(
        with_train_tasks("""
        @env.task
        def main() -> float:
            a = train.override(retries=2)(epochs=1, bogus=1)  # expect: FLY106
            b = train.override(retries=2)(epochs=1)
            return a + b
    """),
        name="via-override",
    ),
    Case(
        with_train_tasks("""
        from functools import partial

        @env.task
        def main() -> float:
            p = functools.partial(train, 1)
            a = p(0.5)
            b = p(0.5, 3)  # expect: FLY106
            c = p(epochs=2)  # expect: FLY106
            q = partial(train, lr=0.5)
            d = q(3)
            e = q()  # expect: FLY106
            f = q(3, lrr=1.0)  # expect: FLY106
            return a + b + c + d + e + f
    """),
        name="functools-partial-counts-bound-arguments",
    ),
    Case(
        """
        # file: pkg/__init__.py
        # file: pkg/envs.py
        import flyte

        env = flyte.TaskEnvironment("demo")
        # file: pkg/train.py
        from pkg.envs import env

        @env.task
        def fit(data: str, epochs: int = 1) -> float:
            return 0.5
        # file: pkg/main.py
        from pkg.envs import env
        from pkg import train as training
        from .train import fit

        @env.task
        def main() -> float:
            a = fit(data="x", epoch=3)  # expect: FLY106
            b = training.fit("x", 3, 4)  # expect: FLY106
            return a + b
    """,
        name="cross-module-task",
    ),
    Case(
        with_train_tasks("""
        @env.task
        def main(x: int) -> float:
            return train(epochs=x)

        if __name__ == "__main__":
            flyte.init()
            flyte.run(main, x=1, y=1)  # expect: FLY106
            flyte.run(main)  # expect: FLY106
            flyte.run(main, 1)
            flyte.run(main, x=1)
            flyte.with_runcontext(mode="local").run(main, x=1, xx=1)  # expect: FLY106
            flyte.with_runcontext(mode="local").run(main, x=1)
    """),
        name="flyte-run-binds-the-task-inputs",
    ),
    Case(
        with_train_tasks("""
        @env.task
        async def main(x: int) -> float:
            return await atrain.aio(epochs=x)

        async def launch() -> None:
            await flyte.run.aio(main, 1, 2)  # expect: FLY106
            await flyte.run.aio(main, x=1)
    """),
        name="flyte-run-aio",
    ),
    Case(
        """
        import functools
        import flyte

        env = flyte.TaskEnvironment("demo")

        def logged(fn):
            @functools.wraps(fn)
            def inner(*args, **kwargs):
                return fn(*args, **kwargs)
            return inner

        @env.task
        @logged
        def fetch(x: int) -> int:
            return x

        @env.task
        def main() -> int:
            return fetch(x=1) + fetch(x=1, y=2)  # expect: FLY106
    """,
        name="checks-a-task-below-a-wraps-preserving-decorator",
    ),
    Case(
        with_train_tasks("""
        @env.task
        def main() -> float:
            p = functools.partial(train, rate=0.5)  # expect: FLY106
            return p(3)
    """),
        message="`functools.partial` of task 'demo.train' binds `rate=`, which is not a parameter of the task: the "
        "value never arrives (inside a run the SDK drops it or rejects the call). Remove it",
        name="partial-binding-an-unknown-keyword",
    ),
    Case(
        with_train_tasks("""
        @env.task
        def main(xs: list[int]) -> list[float]:
            return list(map(lambda x: train(epochs=x, lrr=0.5), xs))  # expect: FLY106
    """),
        message="task 'demo.train' has no parameter `lrr`: inside a run the SDK silently drops the value; did you "
        "mean `lr`?",
        name="call-in-a-lambda-inside-a-task-is-bound-by-the-sdk",
    ),
    # convert_to_kwargs: {x, y} are 2 keywords for 1 input -> "Too many keyword arguments provided".
    Case(
        """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def one(x: int) -> int:
            return x

        @env.task
        def main() -> int:
            return one(x=1, y=2)  # expect: FLY106
    """,
        message="task 'demo.one' has no parameter `y`: the call fails (\"Too many keyword arguments provided\"). "
        "Pass only the task's parameters",
        name="keyword-count-over-the-inputs-fails-instead-of-dropping",
    ),
    Case(
        with_train_tasks("""
        @env.task
        def main() -> float:
            a = train(epochs=3, lrr=0.01)  # expect: FLY106
            b = train(epochs=3, learning_rate=0.01)  # expect: FLY106
            return a + b
    """),
        name="unknown-keyword-with-did-you-mean",
    ),
    Case(
        with_train_tasks("""
        @env.task
        def main() -> float:
            return train.forward(1, epochs=2)  # expect: FLY106

        if __name__ == "__main__":
            train(epochs=1, bogus=1)  # expect: FLY106
    """),
        name="outside-a-run-and-forward",
    ),
    # Programs the SDK also runs (tests/test_argument_rules.py): the marks are what the runs show.
    Case(CONTAINER_CALLS, select=["FLY106"], name="container-task-inputs-run"),
    Case(SHELL_CALLS, select=["FLY106"], name="shell-task-inputs-run"),
    Case(CHOICE_KEYWORDS, name="call-of-one-of-several-tasks-run"),
]

MORE_VALID = [
    Case(
        with_train_tasks("""
        @env.task
        def main() -> float:
            p = functools.partial(train, lr=0.5)
            return p(epochs=3, lr=0.25)
    """),
        name="partial-keyword-overridden-by-the-call-is-fine",
    ),
    Case(
        with_train_tasks("""
        @env.task
        def main(args: list[int], kwargs: dict[str, float]) -> float:
            a = train(*args)
            b = train(**kwargs)
            c = train(1, *args)
            d = train(epochs=1, **kwargs)
            p = functools.partial(train, *args)
            e = p(9, 9, 9, 9)
            q = functools.partial(train, **kwargs)
            f = q(bogus=1)
            return a + b + c + d + e + f
    """),
        name="quiet-on-star-args-and-star-kwargs",
        select=["FLY106"],
    ),
    Case(
        with_train_tasks("""
        @env.task
        def main() -> float:
            a = train(1)
            b = train(1, 0.5)
            c = train(1, seed=3)
            d = train(epochs=1, lr=0.5, seed=3)
            e = train(seed=3, epochs=1)
            return a + b + c + d + e
    """),
        name="quiet-on-defaults-and-keyword-only",
    ),
    Case(
        """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def loose(x: int, *args, **kwargs) -> int:
            return x

        @env.task
        def main() -> int:
            return loose(1, 2, 3, anything=4, other=5)
    """,
        name="quiet-on-a-task-with-var-keyword",
        select=["FLY106"],
    ),
    Case(
        """
        # file: tasks.py
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def process(x: int) -> int:
            return x
        # file: util.py
        def process(x, y, *, mode):
            return x
        # file: main.py
        from tasks import env
        from util import process

        @env.task
        def main() -> int:
            return process(1, 2, mode="fast")
    """,
        name="quiet-on-plain-function-with-a-task-name-in-another-module",
    ),
    Case(
        with_train_tasks("""
        def helper(train, data):
            return train(data, bogus=True)

        @env.task
        def main() -> float:
            out = 0.0
            for train in [max, min]:
                out += train(1, 2, 3)
            return out
    """),
        name="quiet-when-the-task-name-is-shadowed",
    ),
    Case(
        """
        import flyte

        env = flyte.TaskEnvironment("demo")

        def with_retries(fn):
            def wrapper(*args, attempts=3, **kwargs):
                return fn(*args, **kwargs)
            return wrapper

        @with_retries
        @env.task
        def fetch(x: int) -> int:
            return x

        @env.task
        def main() -> int:
            return fetch(x=1, attempts=5)
    """,
        name="quiet-when-an-unknown-decorator-wraps-the-task",
        select=["FLY106"],
    ),
    *OBJECT_VALID,  # (ContainerTask and shell task calls it cannot check: _task_object_argument_cases.py)
]
