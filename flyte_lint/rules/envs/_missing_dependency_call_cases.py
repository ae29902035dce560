"""FLY401's cases on how a task is called (every call form, task objects, helpers, nested functions and lambdas
that tasks call) beyond its documented example (see missing_env_dependency.py)."""

from __future__ import annotations

import textwrap

from flyte_lint.rules.base import Case
from flyte_lint.rules.envs._cases import OBJECTS, with_tasks

CALL_INVALID = [
    # Each cpu task is a root (no task calls it): its run plans 'cpu' only.
    Case(
        with_tasks("""
        # file: main.py
        import functools
        import flyte
        from envs import cpu
        from gpu_tasks import strain, train

        @cpu.task
        async def direct(x: int) -> int:
            return await train(x)  # expect: FLY401

        @cpu.task
        async def via_aio(x: int) -> int:
            return await strain.aio(x)  # expect: FLY401

        @cpu.task
        async def via_override(x: int) -> int:
            return await train.override(retries=1)(x)  # expect: FLY401

        @cpu.task
        async def via_partial(x: int) -> int:
            p = functools.partial(train)
            return await p(x)  # expect: FLY401

        @cpu.task
        async def via_map(xs: list[int]) -> list[int]:
            return [r async for r in flyte.map.aio(train, xs)]  # expect: FLY401

        @cpu.task
        def via_sync_map(xs: list[int]) -> list[int]:
            return list(flyte.map(functools.partial(strain), xs))  # expect: FLY401

        @cpu.task
        def via_forward(x: int) -> int:
            return strain.forward(x)  # (runs the body in this task: no child is submitted)
    """),
        name="every-call-form",
    ),
    # A ContainerTask or a shell task runs in the env `from_task` gives it (the module that calls `from_task`
    # need not be imported by the caller), a shell task otherwise in an env of its own. Its own image decides.
    Case(
        textwrap.dedent(OBJECTS)
        + textwrap.dedent("""
        # file: main.py
        import flyte
        import containers
        from containers import greet, head, lonely, query, upper as up

        cpu = flyte.TaskEnvironment("cpu")

        @cpu.task
        async def main(x: int) -> int:
            await greet(x=x)  # expect: FLY401
            await greet.aio(x=x)  # expect: FLY401
            await greet.override(retries=2)(x=x)  # expect: FLY401
            await containers.greet(x=x)  # expect: FLY401
            await query()  # (a plugin's task: how it is serialized is not known)
            await head(f=x)  # expect: FLY401
            await up()  # expect: FLY401
            greet.forward(x=x)  # (runs the container in this task)
            await lonely()  # (in no env the model knows)
            return x

        @cpu.task
        async def fan_out(xs: list[int]) -> list[int]:
            mapped = [y async for y in flyte.map.aio(greet, xs)]  # expect: FLY401
            return mapped + [y async for y in flyte.map.aio(head, xs)]  # (a shell task mapped runs nothing: FLY202)

        @cpu.task
        def fan_out_sync(xs: list[int]) -> list[int]:
            return list(flyte.map(containers.greet.override(retries=1), xs))  # expect: FLY401
    """),
        name="task-objects-made-outside-env-task",
    ),
    # (`head.env` names an env: the others of the list are still checked)
    Case(
        textwrap.dedent(OBJECTS)
        + textwrap.dedent("""
        # file: main.py
        import flyte
        from containers import greet, head

        cpu = flyte.TaskEnvironment("cpu", depends_on=[head.env])
        gpu = flyte.TaskEnvironment("gpu")
        gpu.add_dependency(head.env)

        @cpu.task
        async def main(x: int) -> int:
            await head(f=x)
            return await greet(x=x)  # expect: FLY401

        @gpu.task
        async def other(x: int) -> int:
            return await head(f=x)
    """),
        name="a-shell-tasks-env-in-depends-on-is-known",
    ),
    Case(
        with_tasks("""
        # file: helpers.py
        from gpu_tasks import strain

        def run_training(x):
            return strain(x)  # expect: FLY401

        def unused_helper(x):
            return strain(x)
        # file: main.py
        from envs import cpu
        from helpers import run_training

        @cpu.task
        def main(x: int) -> int:
            return run_training(x)
    """),
        name="call-from-a-plain-helper-a-task-calls",
    ),
    Case(
        with_tasks("""
        # file: main.py
        from envs import cpu
        from gpu_tasks import strain

        @cpu.task
        def main(xs: list[int]) -> list[int]:
            def one(x):
                return strain(x)  # expect: FLY401
            return [one(x) for x in xs]
    """),
        name="nested-function-inside-a-task",
    ),
    Case(
        with_tasks("""
        # file: main.py
        from envs import cpu
        from gpu_tasks import strain

        @cpu.task
        def main(xs: list[int]) -> list[int]:
            return sorted(xs, key=lambda x: strain(x))  # expect: FLY401

        if __name__ == "__main__":
            print(sorted([3, 1], key=lambda x: strain(x)))
    """),
        name="call-inside-a-lambda-inside-a-task",
    ),
]

CALL_VALID = [
    # A ContainerTask's or a shell task's image given as a URI string is used as is: no dependency needed (the
    # shell task's env exists: another env's depends_on reads `head.env`).
    Case(
        """
        # file: main.py
        import flyte
        from flyte.extras import ContainerTask, shell

        greet = ContainerTask(name="greet", image="alpine:3.20", command=["echo"], inputs={"x": int})
        greet_env = flyte.TaskEnvironment.from_task("greet_env", greet)
        head = shell.create("head", image="debian:12-slim", inputs={"f": str}, script="head {inputs.f}")
        other = flyte.TaskEnvironment("other", depends_on=[head.env])
        cpu = flyte.TaskEnvironment("cpu")

        @cpu.task
        async def main(x: int) -> int:
            await greet(x=x)
            await head(f="a")
            return x
    """,
        name="task-objects-whose-image-needs-no-build-stay-quiet",
    ),
    Case(
        textwrap.dedent(OBJECTS)
        + textwrap.dedent("""
        # file: main.py
        import flyte
        from containers import greet, head, query, upper
        from object_envs import greet_env, text_env

        cpu = flyte.TaskEnvironment("cpu", depends_on=[greet_env, text_env, head.env])

        @cpu.task
        async def main(x: int) -> int:
            await greet(x=x)
            await query()
            await head(f=x)
            await upper()
            return x + len([y async for y in flyte.map.aio(greet, [x], return_exceptions=False)])
    """),
        name="task-objects-whose-env-is-a-dependency-stay-quiet",
    ),
    Case(
        """
        # file: main.py
        import flyte
        from flyte.extras import ContainerTask

        tools = flyte.Image.from_debian_base().with_apt_packages("jq")
        cpu = flyte.TaskEnvironment("cpu")
        greet = ContainerTask(name="greet", image=tools, command=["echo"])
        if flyte.__version__:
            greet = ContainerTask(name="other", image=tools, command=["echo"])
        group = flyte.TaskEnvironment.from_task("group", greet)

        class Runner:
            def __call__(self):
                return 1

        runner = Runner()

        @cpu.task
        async def main(x: int) -> int:
            await greet()  # (bound twice: which object is not known)
            local = ContainerTask(name="local", image=tools, command=["echo"])
            grouped = flyte.TaskEnvironment.from_task("grouped", local)
            await local()  # (its env is made as the task runs: no deploy plans it)
            return runner()
    """,
        name="task-objects-that-look-alike-stay-quiet",
    ),
    Case(
        with_tasks("""
        # file: more_gpu.py
        from envs import gpu
        from gpu_tasks import strain, train

        @gpu.task
        async def main(x: int) -> int:
            return await train(x) + await strain.aio(x)
        # file: run.py
        import flyte
        from gpu_tasks import strain

        def helper_nobody_calls(x):
            return strain(x)

        if __name__ == "__main__":
            flyte.init()
            print(strain(1))
            flyte.run(strain, x=1)
    """),
        name="quiet-within-the-same-env-and-outside-tasks",
    ),
]
