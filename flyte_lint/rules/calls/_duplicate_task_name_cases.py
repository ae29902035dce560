"""FLY110's cases beyond the documented example: duplicates across the modules of a project, several of them, the
call form; and the look-alikes that are distinct tasks (see duplicate_task_name.py)."""

from __future__ import annotations

from flyte_lint.rules.base import Case

MORE_INVALID = [
    Case(
        """
        # file: pipeline/envs.py
        import flyte

        env = flyte.TaskEnvironment("shared")
        # file: pipeline/a.py
        from pipeline.envs import env


        @env.task
        def process(x: int) -> int:
            return x + 1
        # file: pipeline/b.py
        import pipeline.envs as envs


        @envs.env.task(retries=2)  # expect: FLY110
        def process(x: int) -> int:
            return x * 2
        """,
        message="task 'shared.process' is also defined on env 'shared' in pipeline/a.py:4: the env keeps one task per "
        "name (the last one imported), so `flyte deploy` registers only one of the two, and every run of "
        "'shared.process' by name runs that one's code. Rename one of the functions, or put one of the tasks on "
        "another env",
        name="across-modules-of-a-project",
    ),
    Case(
        """
        import flyte as fl
        from flyte import TaskEnvironment as TE

        env = TE("demo")


        def _impl(x: int) -> int:
            return x


        @env.task
        async def step(x: int) -> int:
            return x


        @env.task  # expect: FLY110
        async def step(x: int) -> int:
            return x + 1


        first = env.task(_impl)
        second = env.task(retries=3)(_impl)  # expect: FLY110


        class Steps:
            @env.task  # expect: FLY110
            def step(x: int) -> int:
                return x
        """,
        name="several-definitions-and-forms",
    ),
]

MORE_VALID = [
    Case(
        """
        import flyte

        base = flyte.TaskEnvironment("base")
        gpu = base.clone_with("gpu")
        other = flyte.TaskEnvironment("other")


        @base.task
        def train(x: int) -> int:
            return x


        @gpu.task
        def train(x: int) -> int:  # (another env: 'gpu.train')
            return x


        @other.task
        def train(x: int) -> int:  # (another env: 'other.train')
            return x


        @base.task
        def score(x: int) -> int:
            return x


        score = score.override(retries=2)
        """,
        name="same-name-on-other-envs-and-clones",
    ),
    Case(
        """
        # file: pipeline/envs.py
        import flyte

        env = flyte.TaskEnvironment("shared")
        # file: pipeline/a.py
        import flyte

        from pipeline.envs import env

        local = flyte.TaskEnvironment("a_local")


        @env.task
        def load(x: int) -> int:
            return x


        @local.task
        def process(x: int) -> int:
            return x
        # file: pipeline/b.py
        import flyte

        from pipeline.envs import env

        local = flyte.TaskEnvironment("b_local")


        @env.task
        def save(x: int) -> int:
            return x


        @local.task
        def process(x: int) -> int:
            return x
        """,
        name="modules-sharing-an-env-with-distinct-names",
    ),
    Case(
        """
        import os

        import flyte

        env = flyte.TaskEnvironment("demo")

        if os.environ.get("GPU"):
            @env.task
            def train(x: int) -> int:
                return x * 2
        else:
            @env.task
            def train(x: int) -> int:
                return x


        def make(n: int):
            @env.task
            def train(x: int) -> int:  # (made when make() runs: FLY109's)
                return x + n

            return train
        """,
        name="alternatives-and-tasks-made-by-a-function",
    ),
    Case(
        """
        import flyte
        import otherlib

        env = flyte.TaskEnvironment("demo")
        lookalike = otherlib.Environment("demo")


        @env.task
        def run(x: int) -> int:
            return x


        @lookalike.task
        def run(x: int) -> int:
            return x
        """,
        name="look-alike-env-of-another-library",
    ),
]
