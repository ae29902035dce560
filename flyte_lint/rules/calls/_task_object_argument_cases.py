"""FLY106's cases on ContainerTask and shell task calls whose inputs it cannot check (inputs it cannot read,
defaults, look-alikes, calls outside a run or bound in a branch): it stays quiet (see task_call_arguments.py)."""

from __future__ import annotations

from flyte_lint.rules.base import Case

OBJECT_VALID = [
    Case(
        """
        import flyte
        from flyte.extras import ContainerTask

        INPUTS = {"x": int}
        dynamic = ContainerTask(name="dynamic", image="alpine", command=["echo"], inputs=INPUTS)
        defaults = ContainerTask(name="defaults", image="alpine", command=["echo"], inputs={"x": (int, 1)})
        fixed = ContainerTask(name="fixed", image="alpine", command=["echo"], inputs={"x": int})
        env = flyte.TaskEnvironment("m")


        class Local:
            def __init__(self, **kwargs):
                pass

            async def __call__(self, **kwargs):
                return 1


        ContainerLike = Local
        lookalike = ContainerLike(name="l", inputs={"x": int})


        def outside_a_run():
            return fixed(bogus=1)  # (no run: not the SDK's binding)


        @env.task
        async def main() -> int:
            await dynamic(bogus=1)
            await defaults()
            await fixed.override(retries=1)(bogus=1)  # (fails on its own: see _check_container_task)
            await fixed(**{"x": 1})
            await lookalike(bogus=1)
            if INPUTS:
                inner = ContainerTask(name="inner", image="alpine", command=["echo"], inputs={"x": int})
                await inner(bogus=1)  # (bound in a branch: not followed)
            return 1
    """,
        name="container-tasks-it-cannot-check-stay-quiet",
        select=["FLY106"],
    ),
    Case(
        """
        import flyte
        from flyte.extras import shell
        from flyte.io import File

        INPUTS = {"f": str}
        dynamic = shell.create("dynamic", image="debian:12-slim", inputs=INPUTS, script="true")
        some_defaults = {"f": "x"}
        defaulted = shell.create("defaulted", image="debian:12-slim", inputs={"f": str}, defaults=some_defaults,
                                 script="true")
        aliased = shell.create("aliased", image="debian:12-slim", inputs={"f": File | None, "g": "File"}, script="true")
        env = flyte.TaskEnvironment("m", depends_on=[dynamic.env, defaulted.env, aliased.env])


        @env.task
        async def main(extra: dict) -> int:
            await dynamic(bogus=1)
            await defaulted()
            await aliased()
            await aliased(**extra)
            return 1
    """,
        name="shell-tasks-it-cannot-check-stay-quiet",
        select=["FLY106"],
    ),
]
