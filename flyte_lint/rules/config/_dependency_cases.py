"""FLY316's cases beyond its documented example (kept here so the rule file stays short)."""

from __future__ import annotations

from flyte_lint.rules.base import Case

INVALID_MORE = [
    Case(
        """
        import flyte as fl
        from flyte import TaskEnvironment as TE

        train_env = TE("train")
        report_env = fl.TaskEnvironment("report")

        @train_env.task
        async def train(x: int) -> int:
            return x

        @report_env.task
        async def report(x: int) -> int:
            return x

        DEPS = [train]  # expect: FLY316
        driver = TE("driver", depends_on=[report_env, train])  # expect: FLY316
        batch = TE("batch", depends_on=DEPS)
        again = TE("again", depends_on=DEPS)
        copy = driver.clone_with("copy", depends_on=(report,))  # expect: FLY316
        driver.add_dependency(report_env, report)  # expect: FLY316
        report_env.add_dependency(report)  # expect: FLY316

        def wire(train_env: str) -> None:
            driver.add_dependency(train)  # expect: FLY316
        """,
        fixed="""
        import flyte as fl
        from flyte import TaskEnvironment as TE

        train_env = TE("train")
        report_env = fl.TaskEnvironment("report")

        @train_env.task
        async def train(x: int) -> int:
            return x

        @report_env.task
        async def report(x: int) -> int:
            return x

        DEPS = [train_env]
        driver = TE("driver", depends_on=[report_env, train_env])
        batch = TE("batch", depends_on=DEPS)
        again = TE("again", depends_on=DEPS)
        copy = driver.clone_with("copy", depends_on=(report_env,))
        driver.add_dependency(report_env, report_env)
        report_env.add_dependency(report)

        def wire(train_env: str) -> None:
            driver.add_dependency(train.parent_env())
        """,
        name="aliases-forms-and-the-fix",
    ),
    Case(
        """
        # file: pkg/__init__.py
        # file: pkg/envs.py
        import flyte

        train_env = flyte.TaskEnvironment("train")
        # file: pkg/tasks.py
        from pkg.envs import train_env

        @train_env.task
        async def train(x: int) -> int:
            return x
        # file: pkg/more.py
        import flyte

        score_env = flyte.TaskEnvironment("score")

        @score_env.task
        async def score(x: int) -> int:
            return x
        # file: main.py
        import flyte
        from pkg import more
        from pkg.envs import train_env as te
        from pkg.tasks import train

        env = flyte.TaskEnvironment("main", depends_on=[train, more.score])  # expect: FLY316, FLY316
        """,
        fixed="""
        # file: pkg/__init__.py
        # file: pkg/envs.py
        import flyte

        train_env = flyte.TaskEnvironment("train")
        # file: pkg/tasks.py
        from pkg.envs import train_env

        @train_env.task
        async def train(x: int) -> int:
            return x
        # file: pkg/more.py
        import flyte

        score_env = flyte.TaskEnvironment("score")

        @score_env.task
        async def score(x: int) -> int:
            return x
        # file: main.py
        import flyte
        from pkg import more
        from pkg.envs import train_env as te
        from pkg.tasks import train

        env = flyte.TaskEnvironment("main", depends_on=[te, more.score_env])
        """,
        name="envs-and-tasks-in-other-modules",
    ),
    Case(
        """
        # file: pkg/__init__.py
        # file: pkg/tasks.py
        import flyte

        train_env = flyte.TaskEnvironment("train")

        @train_env.task
        async def train(x: int) -> int:
            return x
        # file: main.py
        import flyte
        from pkg.tasks import train

        env = flyte.TaskEnvironment("main", depends_on=[train])  # expect: FLY316
        """,
        message="task 'train.train' in `depends_on`: the env raises TypeError when the module is imported "
        "(\"Expected depends_on to be of type List[Environment], got <class '...TaskTemplate'>\"): it takes "
        "environments. Write `train.parent_env()`, the task's env",
        name="env-variable-not-imported-here",
    ),
    Case(
        """
        import flyte
        from flyte.app import AppEnvironment

        train_env = flyte.TaskEnvironment("train")

        @train_env.task
        async def train(x: int) -> int:
            return x

        app = AppEnvironment(name="dashboard", depends_on=[train])  # expect: FLY316
        app.add_dependency(train)  # expect: FLY316
        ok = AppEnvironment(name="ok", depends_on=[train_env])
        """,
        name="app-environment",
    ),
]

VALID_MORE = [
    Case(
        """
        import flyte

        train_env = flyte.TaskEnvironment("train")

        @train_env.task
        async def train(x: int) -> int:
            return x

        class Job:
            def add_dependency(self, *things) -> None:
                pass

        other = flyte.TaskEnvironment("other", depends_on=[train.parent_env()])
        later = flyte.TaskEnvironment("later")
        later.add_dependency(train_env)
        Job().add_dependency(train)
        graph = {"depends_on": [train]}

        def build(deps: list) -> flyte.TaskEnvironment:
            return flyte.TaskEnvironment("built", depends_on=deps)
        """,
        name="envs-and-look-alikes",
    ),
    Case(
        """
        import flyte

        train_env = flyte.TaskEnvironment("train")

        @train_env.task
        async def train(x: int) -> int:
            return x

        try:
            env = flyte.TaskEnvironment("driver", depends_on=[train])
        except TypeError:
            env = flyte.TaskEnvironment("driver", depends_on=[train_env])
        """,
        name="author-guard",
    ),
]
