"""FLY314's cases beyond its documented example (kept here so the rule file stays short)."""

from __future__ import annotations

from flyte_lint.rules.base import Case

INVALID_MORE = [
    Case(
        """
        import flyte

        NO_QUEUE = ""

        class Docs:
            def get_link(self, **kwargs) -> str:
                return "https://example.com"

        env = flyte.TaskEnvironment(
            "demo", env_vars={"MODE": "full"}, secrets=["token"], service_account="etl", queue="gpu", pod_template="t"
        )

        @env.task(retries=2, timeout=600, max_inline_io_bytes=1024, links=(Docs(),))
        async def work(x: int) -> int:
            return x

        @env.task
        async def main(x: int) -> int:
            y = await work.override(retries=0)(x)  # expect: FLY314
            y += await work.override(timeout=0)(x)  # expect: FLY314
            y += await work.override(env_vars={})(x)  # expect: FLY314
            y += await work.override(secrets=[])(x)  # expect: FLY314
            y += await work.override(max_inline_io_bytes=0)(x)  # expect: FLY314
            y += await work.override(service_account="")(x)  # expect: FLY314
            y += await work.override(queue=NO_QUEUE)(x)  # expect: FLY314
            y += await work.override(pod_template=None)(x)  # expect: FLY314
            y += await work.override(links=())(x)  # expect: FLY314
            y += await work.override(timeout=None, retries=False)(x)  # expect: FLY314, FLY314
            y += await work.override(retries=2, timeout=60, env_vars={"MODE": "lite"}, queue="cpu")(x)
            return y
        """,
        name="every-setting-merged-with-or",
    ),
    Case(
        """
        import functools

        import flyte as fl
        from flyte import TaskEnvironment as TE

        env = TE("demo", env_vars={"MODE": "full"})
        pool = fl.TaskEnvironment("pool", reusable=fl.ReusePolicy(replicas=2), env_vars={"MODE": "full"})

        @env.task(retries=3)
        async def work(x: int) -> int:
            return x

        @pool.task
        async def warm(x: int) -> int:
            return x

        once = work.override(retries=0)  # expect: FLY314

        @env.task
        async def main(x: int) -> int:
            y = await work.override(retries=0).aio(x)  # expect: FLY314
            y += await once(x)
            y += await work.override(queue="a").override(retries=0)(x)  # expect: FLY314
            y += await work.override(retries=5).override(retries=0)(x)  # expect: FLY314
            y += await warm.override(env_vars=None)(x)  # expect: FLY314
            y += await functools.partial(work.override(env_vars={}), x)()  # expect: FLY314
            return y
        """,
        name="aliases-forms-and-a-reusable-env-given-none",
    ),
    Case(
        """
        # file: pkg/__init__.py
        # file: pkg/envs.py
        import flyte

        base = flyte.TaskEnvironment("base", env_vars={"MODE": "full"}, secrets=["token"])
        copy = base.clone_with("copy")
        # file: pkg/tasks.py
        from pkg.envs import base, copy

        @base.task
        async def train(x: int) -> int:
            return x

        @copy.task
        async def score(x: int) -> int:
            return x
        # file: main.py
        import flyte
        from pkg import tasks
        from pkg.tasks import score as sc

        env = flyte.TaskEnvironment("main")

        @env.task
        async def main(x: int) -> int:
            y = await tasks.train.override(env_vars={})(x)  # expect: FLY314
            y += await sc.override(secrets=())(x)  # expect: FLY314
            return y
        """,
        name="task-and-env-in-other-modules-and-a-clone",
    ),
    Case(
        """
        import flyte as fl

        env = fl.TaskEnvironment("demo")

        @env.task(retries=3)
        def work(x: int) -> int:
            return x

        @env.task
        def main(x: int) -> int:
            return work.override(retries=0)(x)  # expect: FLY314
        """,
        message="`retries=0` in `.override(...)` is ignored: the SDK merges it as `retries or task.retries`, so "
        "task 'demo.work' keeps its own retries. To turn retries off, write `retries=fl.RetryStrategy(count=0)`",
        name="sync-task-and-flyte-imported-as-fl",
    ),
]

VALID_MORE = [
    Case(
        """
        import flyte

        env = flyte.TaskEnvironment("demo", env_vars={"MODE": "full"})

        @env.task(retries=3, timeout=600)
        async def work(x: int) -> int:
            return x

        @env.task
        async def main(x: int) -> int:
            y = await work.override(retries=1, timeout=60, env_vars={"MODE": "lite"}, queue="cpu")(x)
            y += await work.override(interruptible=False, entrypoint=False, produces_artifacts=False)(x)
            y += await work.override(retries=flyte.RetryStrategy(count=0))(x)
            return y
        """,
        name="truthy-values-and-settings-merged-with-is-not-none",
    ),
    Case(
        """
        import flyte

        env = flyte.TaskEnvironment("demo")
        same = env.clone_with("same")

        @env.task
        async def work(x: int) -> int:
            return x

        @same.task(retries=0)
        async def other(x: int) -> int:
            return x

        @env.task
        async def main(x: int) -> int:
            y = await work.override(retries=0, timeout=0, env_vars={}, secrets=None, queue=None, links=())(x)
            y += await other.override(retries=0, service_account="", pod_template=None)(x)
            return y
        """,
        name="the-task-has-no-such-setting-of-its-own",
    ),
    Case(
        """
        import functools

        import flyte

        pool = flyte.TaskEnvironment("pool", reusable=flyte.ReusePolicy(replicas=2), env_vars={"MODE": "full"})
        env = flyte.TaskEnvironment("demo", env_vars={"MODE": "full"})

        class Job:
            def override(self, **kwargs) -> "Job":
                return self

        @pool.task
        async def warm(x: int) -> int:
            return x

        @env.task(retries=3)
        async def work(x: int) -> int:
            return x

        @env.task
        async def main(x: int, n: int) -> int:
            y = await warm.override(env_vars={})(x)  # (raises on a reusable env: FLY315)
            y += await work.override(retries=n)(x)
            Job().override(retries=0, env_vars={})
            p = functools.partial(work, x)
            p.override(retries=0)  # (a partial has no .override: AttributeError)
            return y
        """,
        name="reusable-raises-instead-unknown-values-and-look-alikes",
    ),
]
