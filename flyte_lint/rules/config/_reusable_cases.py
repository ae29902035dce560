"""FLY315's cases beyond its documented example (kept here so the rule file stays short)."""

from __future__ import annotations

from flyte_lint.rules.base import Case

INVALID_MORE = [
    Case(
        """
        import flyte

        POLICY = flyte.ReusePolicy(replicas=2)
        NO_VARS = {}
        pool = flyte.TaskEnvironment("pool", reusable=POLICY, service_account="etl")
        plain = flyte.TaskEnvironment("plain")

        @pool.task
        async def score(x: int) -> int:
            return x

        @plain.task
        async def other(x: int) -> int:
            return x

        @pool.task(pod_template="gpu-template")  # expect: FLY315
        async def templated(x: int) -> int:
            return x

        @pool.task(service_account="admin")  # expect: FLY315
        async def admin(x: int) -> int:
            return x

        @plain.task
        async def main(x: int) -> int:
            y = await score.override(env_vars={"A": "1"})(x)  # expect: FLY315
            y += await score.override(env_vars={})(x)  # expect: FLY315
            y += await score.override(env_vars=NO_VARS)(x)  # expect: FLY315
            y += await score.override(secrets=["token"])(x)  # expect: FLY315
            y += await score.override(service_account="etl")(x)  # expect: FLY315
            y += await score.override(reusable=None, resources=flyte.Resources(cpu=1))(x)  # expect: FLY315
            y += await score.override(retries=2).override(secrets="token")(x)  # expect: FLY315
            y += await score.override(resources=flyte.Resources(cpu=1), env_vars={"A": "1"})(x)  # expect: FLY315, FLY315
            y += await other.override(reusable=flyte.ReusePolicy(replicas=1), env_vars={"A": "1"})(x)  # expect: FLY315
            return y
        """,
        name="override-keywords-and-decorator-settings",
    ),
    Case(
        """
        # file: pkg/__init__.py
        # file: pkg/envs.py
        import flyte as fl
        from flyte import ReusePolicy as RP

        pool = fl.TaskEnvironment("pool", reusable=RP(replicas=2))
        warm = pool.clone_with("warm")
        # file: pkg/tasks.py
        from pkg.envs import pool, warm

        @pool.task
        async def score(x: int) -> int:
            return x

        @warm.task
        async def rank(x: int) -> int:
            return x
        # file: main.py
        import flyte
        from pkg import tasks
        from pkg.tasks import rank as rk

        env = flyte.TaskEnvironment("main")

        @env.task
        async def main(x: int) -> int:
            y = await tasks.score.override(resources=flyte.Resources(cpu=2)).aio(x)  # expect: FLY315
            y += await rk.override(env_vars={"A": "1"})(x)  # expect: FLY315
            return y
        """,
        name="env-in-another-module-aliases-and-a-clone-keeping-reusable",
    ),
    Case(
        """
        import flyte

        pool = flyte.TaskEnvironment("pool", reusable=flyte.ReusePolicy(replicas=2))

        @pool.task
        async def score(x: int) -> int:
            return x

        fast = score.override(reusable=None, secrets=["token"])  # expect: FLY315
        """,
        fixed="""
        import flyte

        pool = flyte.TaskEnvironment("pool", reusable=flyte.ReusePolicy(replicas=2))

        @pool.task
        async def score(x: int) -> int:
            return x

        fast = score.override(reusable="off", secrets=["token"])
        """,
        name="fix-turns-reusable-none-into-off",
    ),
]

VALID_MORE = [
    Case(
        """
        import functools

        import flyte

        pool = flyte.TaskEnvironment("pool", reusable=flyte.ReusePolicy(replicas=2), service_account="etl")
        plain = flyte.TaskEnvironment("plain")
        cold = pool.clone_with("cold", reusable=None)

        @pool.task(service_account="etl")
        async def score(x: int) -> int:
            return x

        @plain.task(pod_template="gpu-template", service_account="admin")
        async def other(x: int) -> int:
            return x

        @cold.task(pod_template="gpu-template")
        async def chilled(x: int) -> int:
            return x

        off = score.override(reusable="off")

        @plain.task
        async def main(x: int) -> int:
            y = await score.override(reusable="off", resources=flyte.Resources(cpu=2), env_vars={"A": "1"})(x)
            y += await off.override(secrets=["token"])(x)
            y += await score.override(retries=2, resources=None, env_vars=None, cache="auto")(x)
            y += await other.override(resources=flyte.Resources(cpu=2), env_vars={}, service_account="x")(x)
            y += await chilled.override(resources=flyte.Resources(cpu=2))(x)
            p = functools.partial(score, x)
            p.override(resources=flyte.Resources(cpu=2))  # (a partial has no .override: AttributeError)
            return y
        """,
        name="reusable-off-non-reusable-envs-none-values-and-a-partial",
    ),
    Case(
        """
        import flyte

        def policy():
            return None

        maybe = flyte.TaskEnvironment("maybe", reusable=policy())
        settings = {"reusable": flyte.ReusePolicy(replicas=2)}
        spread = flyte.TaskEnvironment("spread", **settings)

        @maybe.task(pod_template="t")
        async def a(x: int) -> int:
            return x

        @spread.task
        async def b(x: int) -> int:
            return x

        @maybe.task
        async def main(x: int, res: flyte.Resources) -> int:
            y = await a.override(resources=flyte.Resources(cpu=2))(x)
            y += await b.override(env_vars={"A": "1"})(x)
            y += await b.override(resources=res)(x)
            return y
        """,
        name="reusability-or-value-not-known",
    ),
    Case(
        """
        import flyte

        pool = flyte.TaskEnvironment("pool", reusable=flyte.ReusePolicy(replicas=2))

        @pool.task
        async def score(x: int) -> int:
            return x

        def tuned(cpu: int):
            try:
                return score.override(resources=flyte.Resources(cpu=cpu))
            except ValueError:
                return score.override(reusable="off", resources=flyte.Resources(cpu=cpu))
        """,
        name="author-guard",
    ),
]
