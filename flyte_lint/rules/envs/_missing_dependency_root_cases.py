"""FLY401's cases on which runs reach a call: the roots a run starts at (no caller, `flyte.run`, a trigger, a
task under a decorator), what their envs' depends_on hold (clones, add_dependency in other modules, lists the
model cannot follow), and the advice when adding the dependency would close a cycle."""

from __future__ import annotations

import textwrap

from flyte_lint.rules.base import Case
from flyte_lint.rules.envs._cases import ROOTED, with_tasks

RUN_ROOT_MESSAGE = (
    "task 'worker.step' (env 'worker') calls task 'gpu.train' of env 'gpu', whose image must be built "
    "(`.with_pip_packages(...)`): a remote run of 'worker.step' (run by `flyte.run`) builds images only for env "
    "'worker' and its depends_on, which do not include 'gpu', so submitting 'gpu.train' there fails with "
    "\"Environment 'gpu' not found in image cache\" (a local run works). Add `depends_on=[gpu]` to env 'worker'"
)


def _run_at(run: str) -> str:
    """ROOTED with step's call marked, and a main module whose `__main__` block starts a run of step with ``run``."""
    return ROOTED.format(mark="# expect: FLY401") + textwrap.dedent(f"""
            # file: main.py
            import asyncio
            import flyte
            import flyte as fl
            from envs import driver
            from tasks import step

            @driver.task
            async def main(x: int) -> int:
                return await step(x)

            if __name__ == "__main__":
                flyte.init_from_config()
                {run}
        """)


# `flyte.run(step)` (also through with_runcontext, and .aio) starts a run at step: it plans 'worker' only.
RUN_ROOTS = [
    Case(_run_at(run), message=RUN_ROOT_MESSAGE, name=f"a-task-passed-to-flyte-run-is-a-root-{index}")
    for index, run in enumerate(
        (
            "flyte.run(step, x=1)",
            'flyte.with_runcontext(mode="remote").run(step, x=1)',
            "asyncio.run(flyte.run.aio(step, x=1))",
            "asyncio.run(fl.with_runcontext().run.aio(step, x=1))",
        )
    )
]

ROOT_INVALID = [
    *RUN_ROOTS,
    # clone_with copies depends_on when it runs: 'late' gets 'gpu' only on its source, after the clone;
    # 'early' is cloned after the add_dependency and has it; where the order is not known, the rule is silent.
    Case(
        """
        # file: main.py
        import flyte

        gpu = flyte.TaskEnvironment("gpu", image=flyte.Image.from_debian_base().with_pip_packages("torch"))
        base = flyte.TaskEnvironment("base")
        late = base.clone_with("late")
        base.add_dependency(gpu)
        early = base.clone_with("early")
        other = flyte.TaskEnvironment("other")
        unordered = other.clone_with("unordered")

        @gpu.task
        async def train(x: int) -> int:
            return x

        @late.task
        async def late_main(x: int) -> int:
            return await train(x)  # expect: FLY401

        @early.task
        async def early_main(x: int) -> int:
            return await train(x)

        @unordered.task
        async def unordered_main(x: int) -> int:
            return await train(x)
        # file: wiring.py
        from main import gpu, other

        other.add_dependency(gpu)
    """,
        name="a-dependency-added-to-the-source-after-the-clone-does-not-reach-it",
    ),
    # A task picked from a literal container (Analysis.choice_sites) is reported when every candidate is a task of
    # the same env; candidates of several envs are left alone. The candidates count as called: no roots.
    Case(
        """
        # file: main.py
        import flyte

        tools = flyte.TaskEnvironment("tools", image=flyte.Image.from_debian_base().with_pip_packages("httpx"))
        other = flyte.TaskEnvironment("other", image=flyte.Image.from_debian_base().with_pip_packages("numpy"))
        agent = flyte.TaskEnvironment("agent")

        @tools.task
        async def search(q: str) -> str:
            return q

        @tools.task
        async def fetch(q: str) -> str:
            return q

        @other.task
        async def crunch(q: str) -> str:
            return q

        TOOLS = {"search": search, "fetch": fetch}
        MIXED = {"search": search, "crunch": crunch}

        @agent.task
        async def run_tool(name: str, q: str) -> str:
            await MIXED[name](q)
            return await TOOLS[name](q)  # expect: FLY401
    """,
        name="a-call-of-one-of-several-tasks-of-one-env",
    ),
    # `@wandb_init` above the task: calls through its name are not seen. Nothing uses the name `pipeline`: it is
    # a root (`flyte run ... pipeline`). `experiment`'s name is rebound and handed on: its calls may be hidden.
    Case(
        """
        # file: main.py
        import dataclasses
        import flyte
        from flyteplugins.wandb import wandb_init
        from tools import run_all

        gpu = flyte.TaskEnvironment("gpu", image=flyte.Image.from_debian_base().with_pip_packages("torch"))
        driver = flyte.TaskEnvironment("driver")

        @gpu.task
        async def train(x: int) -> int:
            return x

        @wandb_init(project="demo")
        @driver.task
        async def pipeline(x: int) -> int:
            return await train(x)  # expect: FLY401

        @wandb_init
        @driver.task
        async def experiment(x: int) -> int:
            return await train(x)

        experiment = dataclasses.replace(experiment, name="x")

        @gpu.task
        async def batch(xs: list[int]) -> list[int]:
            return await run_all(experiment, xs)
    """,
        name="a-task-under-a-decorator-the-model-cannot-see-through",
    ),
    # Two roots reach step: driver.main covers 'gpu', other.entry does not; the finding names the latter.
    Case(
        ROOTED.format(mark="# expect: FLY401")
        + textwrap.dedent("""
        # file: main.py
        import flyte
        from envs import driver, worker
        from tasks import step

        other = flyte.TaskEnvironment("other", depends_on=[worker])

        @driver.task
        async def main(x: int) -> int:
            return await step(x)

        @other.task
        async def entry(x: int) -> int:
            return await step(x)
    """),
        message="task 'worker.step' (env 'worker') calls task 'gpu.train' of env 'gpu', whose image must be built "
        "(`.with_pip_packages(...)`): a remote run started at root task 'other.entry' (env 'other': no task "
        "calls it) builds images only for env 'other' and its depends_on, which do not include 'gpu', so "
        "submitting 'gpu.train' there fails with \"Environment 'gpu' not found in image cache\" (a local run "
        "works). Add `depends_on=[gpu]` to env 'other' (the env of root task 'other.entry')",
        name="names-the-uncovered-root-of-a-deep-call",
    ),
    Case(
        """
        import flyte

        gpu = flyte.TaskEnvironment("gpu", image=flyte.Image.from_debian_base().with_pip_packages("torch"))
        cpu = flyte.TaskEnvironment("cpu")

        @gpu.task
        async def train(x: int) -> int:
            return x

        @cpu.task
        async def ping(x: int) -> int:
            return await pong(x - 1) if x else await train(x)  # expect: FLY401

        @cpu.task
        async def pong(x: int) -> int:
            return await ping(x)
    """,
        name="tasks-calling-one-another-with-no-outside-caller-are-roots",
    ),
    # 'gpu' depends on 'driver' (its tasks call the driver's): `depends_on=[gpu]` on 'driver' would make
    # planning recurse forever (FLY402). The advice is a separate driver env.
    Case(
        """
        import flyte

        driver = flyte.TaskEnvironment("driver")
        gpu = flyte.TaskEnvironment("gpu", image=flyte.Image.from_debian_base().with_pip_packages("torch"),
                                    depends_on=[driver])

        @driver.task
        async def log(x: int) -> int:
            return x

        @gpu.task
        async def train(x: int) -> int:
            return await log(x)

        @driver.task
        async def main(x: int) -> int:
            return await train(x)  # expect: FLY401
    """,
        message="task 'driver.main' (env 'driver') calls task 'gpu.train' of env 'gpu', whose image must be built "
        "(`.with_pip_packages(...)`): a remote run of 'driver.main' (no task calls it) builds images only "
        "for env 'driver' and its depends_on, which do not include 'gpu', so submitting 'gpu.train' there "
        "fails with \"Environment 'gpu' not found in image cache\" (a local run works). 'gpu' already "
        "depends on 'driver', so `depends_on=[gpu]` on 'driver' would close a cycle: run 'driver.main' in a "
        'new driver env that depends on both, e.g. `driver.clone_with("driver-driver", depends_on=[driver, '
        "gpu])` (a clone keeps its image)",
        name="never-suggests-a-dependency-that-closes-a-cycle",
    ),
]

ROOT_VALID = [
    Case(
        with_tasks("""
        # file: main.py
        from envs import cpu
        from gpu_tasks import train

        @cpu.task
        async def main(x: int) -> int:
            return await train(x)
        # file: deploy.py
        import flyte
        from envs import cpu, gpu

        cpu.add_dependency(gpu)

        if __name__ == "__main__":
            flyte.init_from_config()
            flyte.deploy(cpu)
    """),
        name="quiet-with-add-dependency-in-a-separate-deploy-module",
    ),
    Case(
        """
        # file: registry.py
        def get_envs():
            return []
        # file: main.py
        import flyte
        from registry import get_envs
        from somewhere import external_env

        extra = [flyte.TaskEnvironment("extra")]
        gpu = flyte.TaskEnvironment("gpu", image=flyte.Image.from_debian_base().with_pip_packages("torch"))
        a = flyte.TaskEnvironment("a", depends_on=get_envs())
        b = flyte.TaskEnvironment("b", depends_on=[*extra])
        c = flyte.TaskEnvironment("c", depends_on=[external_env])
        d = a.clone_with("d")

        @gpu.task
        async def train(x: int) -> int:
            return x

        @a.task
        async def ta(x: int) -> int:
            return await train(x)

        @b.task
        async def tb(x: int) -> int:
            return await train(x)

        @c.task
        async def tc(x: int) -> int:
            return await train(x)

        @d.task
        async def td(x: int) -> int:
            return await train(x)
    """,
        name="quiet-when-depends-on-cannot-be-resolved",
    ),
    # 'worker' does not depend on 'gpu', but every run that reaches step starts at driver.main, whose env does.
    Case(
        ROOTED.format(mark="")
        + textwrap.dedent("""
        # file: main.py
        import flyte
        from envs import driver
        from tasks import step

        @driver.task
        async def main(x: int) -> int:
            return await step(x)

        if __name__ == "__main__":
            flyte.init_from_config()
            flyte.run(main, x=1)
    """),
        name="quiet-when-the-root-env-covers-the-callee",
    ),
    # `fan_out` hands `step` to a helper that maps it: step is called by fan_out's run (env 'driver', which covers
    # 'gpu'), not a root. `register([alone])` at import hands `alone` to code that may call it: not a root either.
    Case(
        ROOTED.format(mark="")
        + textwrap.dedent("""
        # file: helpers.py
        import flyte

        async def map_all(task, xs):
            return [y async for y in flyte.map.aio(task, xs)]

        def register(tasks):
            return tasks
        # file: main.py
        from envs import driver, worker
        from helpers import map_all, register
        from tasks import train

        @driver.task
        async def fan_out(xs: list[int]) -> list[int]:
            return await map_all(step_alias, xs)

        @worker.task
        async def alone(x: int) -> int:
            return await train(x)

        from tasks import step as step_alias
        register([alone])
    """),
        name="a-task-handed-to-other-code-is-no-root",
    ),
    Case(
        ROOTED.format(mark="")
        + textwrap.dedent("""
        # file: main.py
        import flyte
        from envs import driver
        from tasks import step
        from scheduler import Runner

        @driver.task
        async def main(x: int) -> int:
            return await step(x)

        if __name__ == "__main__":
            Runner().run(step, x=1)
            flyte.with_runcontext(mode="local").run(step, x=1)  # (in this process: no image is looked up)
    """),
        name="a-run-method-of-another-library-or-a-local-run-makes-no-root",
    ),
]
