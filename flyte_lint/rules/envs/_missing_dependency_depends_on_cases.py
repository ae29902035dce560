"""FLY401's cases on how an env's ``depends_on`` is read (transitive dependencies, ``clone_with`` keeping, replacing or
clearing them) beyond its documented example (see missing_env_dependency.py)."""

from __future__ import annotations

from flyte_lint.rules.base import Case

DEPENDS_ON_INVALID = [
    Case(
        """
        import flyte

        gpu = flyte.TaskEnvironment("gpu", image=flyte.Image.from_debian_base().with_pip_packages("torch"))
        other = flyte.TaskEnvironment("other")
        base = flyte.TaskEnvironment("base", depends_on=[gpu])
        big = base.clone_with("big", depends_on=[other])

        @gpu.task
        async def train(x: int) -> int:
            return x

        @big.task
        async def main(x: int) -> int:
            return await train(x)  # expect: FLY401
        """,
        name="clone-with-replacing-depends-on",
    ),
]

DEPENDS_ON_VALID = [
    Case(
        """
        import flyte

        gpu = flyte.TaskEnvironment("gpu", image=flyte.Image.from_debian_base().with_pip_packages("torch"))
        middle = flyte.TaskEnvironment("middle", depends_on=[gpu])
        top = flyte.TaskEnvironment("top", depends_on=[middle])

        @gpu.task
        async def train(x: int) -> int:
            return x

        @top.task
        async def main(x: int) -> int:
            return await train(x)
        """,
        name="transitive-dependencies",
    ),
    Case(
        """
        import flyte

        gpu = flyte.TaskEnvironment("gpu", image=flyte.Image.from_debian_base().with_pip_packages("torch"))
        base = flyte.TaskEnvironment("base", depends_on=[gpu])
        big = base.clone_with("big", resources=flyte.Resources(cpu="8"))

        @gpu.task
        async def train(x: int) -> int:
            return x

        @big.task
        async def main(x: int) -> int:
            return await train(x)
        """,
        name="clone-with-inherits-depends-on",
    ),
    Case(
        """
        import flyte

        gpu = flyte.TaskEnvironment("gpu", image=flyte.Image.from_debian_base().with_pip_packages("torch"))
        base = flyte.TaskEnvironment("base", depends_on=[gpu])
        big = base.clone_with("big", depends_on=None)

        @gpu.task
        async def train(x: int) -> int:
            return x

        @big.task
        async def main(x: int) -> int:
            return await train(x)
        """,
        name="clone-with-passes-depends-on-none",
    ),
]
