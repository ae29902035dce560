"""FLY321's cases (rules/config/sdk_call_arguments.py): what it reports, and the correct look-alikes it leaves."""

from __future__ import annotations

from flyte_lint.rules.base import Case

INVALID_CASES = [
    Case(
        """
        import flyte
        from flyte.io import File

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def main() -> str:
            f = File("s3://bucket/data.csv")  # expect: FLY321
            return f.path
        """,
        message="`File` takes no positional arguments but 1 was given: it fails with TypeError; give the last one "
        "by keyword (it takes `path=`, `name=`, ...)",
    ),
    Case(
        """
        from flyte.app.extras import FastAPIAppEnvironment

        app = object()
        env = FastAPIAppEnvironment(app)  # expect: FLY321
        """,
        message="`FastAPIAppEnvironment` is missing 1 required keyword-only argument `app`: it fails with TypeError; "
        "give it (`app=...`)",
        name="fastapi-app-environment-app-by-position",
    ),
    Case(
        """
        import flyte

        env = flyte.TaskEnvironment("demo", name="demo")  # expect: FLY321
        """,
        message="`flyte.TaskEnvironment` gets `name` twice, as positional argument 1 and as `name=`: it fails with "
        "TypeError (multiple values for argument 'name'); keep one of them",
        name="value-passed-twice",
    ),
    Case(
        """
        import flyte as fl
        import flyte.io
        from flyte.io import File as F

        env = fl.TaskEnvironment()  # expect: FLY321
        cache = fl.Cache()  # expect: FLY321
        a = F("s3://a")  # expect: FLY321
        b = flyte.io.Dir("s3://b", "name")  # expect: FLY321
        group = fl.group()  # expect: FLY321
        cron = fl.Cron("0 * * * *", "UTC", "extra")  # expect: FLY321
        """,
        name="aliases-and-module-paths",
    ),
    Case(
        """
        import flyte

        env = flyte.TaskEnvironment()  # expect: FLY321
        """,
        message="`flyte.TaskEnvironment` is missing 1 required argument `name`: it fails with TypeError; give it "
        "(`name=...`)",
        name="missing-positional-message",
    ),
    Case(
        """
        import flyte

        env = flyte.TaskEnvironment("demo")
        image = flyte.Image.from_debian_base()

        @env.task
        def work(x: int) -> int:
            return x

        @env.task
        async def main() -> int:
            gpu = env.clone_with()  # expect: FLY321
            img = image.clone("name", "extra", True, False, None, None, 1, 2, 3, 4)  # expect: FLY321
            run = flyte.with_runcontext("local", "name")  # expect: FLY321
            return work.override(1)(x=1)  # expect: FLY321
        """,
        name="methods-of-envs-images-and-tasks",
    ),
    Case(
        """
        # file: envs.py
        import flyte

        env = flyte.TaskEnvironment("demo")
        # file: main.py
        import flyte
        from envs import env

        gpu = env.clone_with()  # expect: FLY321

        @env.task(retries=2)
        async def main() -> int:
            r = await flyte.run.aio()  # expect: FLY321
            return 1
        """,
        name="env-in-another-module-and-aio",
    ),
]

VALID_CASES = [
    Case(
        """
        import flyte
        from flyte.io import File

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def main() -> str:
            f = File(path="s3://bucket/data.csv")
            return f.path
        """,
    ),
    Case(
        """
        import functools

        import flyte
        import flyte.io
        from flyte.app.extras import FastAPIAppEnvironment

        app = object()
        api = FastAPIAppEnvironment(name="api", app=app)
        env = flyte.TaskEnvironment("demo", resources=flyte.Resources(cpu=1))
        gpu = env.clone_with("gpu", image="auto")
        image = flyte.Image.from_debian_base().with_pip_packages("numpy", "pandas", pre=True)
        cache = flyte.Cache("auto")
        secret = flyte.Secret("token", "group")
        cron = flyte.Cron("0 * * * *", timezone="UTC")
        make_res = functools.partial(flyte.Resources, cpu=1)
        res = make_res()
        f = flyte.io.File(path="s3://x", name="x")

        @env.task(retries=1)
        def work(x: int) -> int:
            return x

        @env.task
        async def main() -> int:
            with flyte.group("g"):
                r = flyte.with_runcontext("local", name="n")
            out = list(flyte.map(work, [1, 2], concurrency=2))
            return work.override(retries=2)(1) + await work.override(retries=3).aio(x=1)
        """,
        name="correct-calls",
    ),
    Case(
        """
        import flyte

        args = ("demo",)
        kwargs = {"name": "demo"}
        a = flyte.TaskEnvironment(*args)
        b = flyte.TaskEnvironment(**kwargs)
        c = flyte.Cache(*args, **kwargs)
        d = flyte.io.File(*args)
        """,
        name="splats-are-not-checked",
    ),
    Case(
        """
        # file: lookalikes.py
        class TaskEnvironment:
            def __init__(self, *args, **kwargs):
                pass

        class File:
            def __init__(self, path):
                self.path = path
        # file: main.py
        import other_lib
        from lookalikes import TaskEnvironment, File
        from pathlib import Path

        a = TaskEnvironment()
        b = File("s3://x")
        c = other_lib.Cache()
        d = Path("x")
        """,
        name="lookalikes-from-other-libraries",
    ),
    Case(
        """
        import flyte

        image = flyte.Image.from_debian_base()
        cloned = flyte.Image.clone(image, name="x")

        try:
            f = flyte.io.File("s3://x")
        except TypeError:
            f = flyte.io.File(path="s3://x")

        g = flyte.group(nme="x")
        """,
        select=["FLY302", "FLY321"],
        name="unbound-methods-guards-and-misspelt-keywords",
    ),
]
