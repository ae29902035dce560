"""Programs on ContainerTasks and shell tasks that both the calls family's cases lint and the SDK runs
(tests/test_async_rules.py, tests/test_argument_rules.py): one text, whose ``# expect:`` marks say what the rules
report and whose runs show what the SDK does."""

from __future__ import annotations

TASK_OBJECTS_RUN = """
    import asyncio

    import flyte
    from flyte.extras import ContainerTask, shell

    echo = ContainerTask(name="echo", image="alpine", command=["echo"], inputs={"x": int}, outputs={"y": int})
    sh = shell.create(name="sh", image="alpine", script="echo {inputs.x}", inputs={"x": int})
    tools = flyte.TaskEnvironment.from_task("tools", echo)
    env = flyte.TaskEnvironment("m", depends_on=[tools, sh.env])


    async def attempt(make) -> str:
        try:
            await make()
        except BaseException as e:  # (a task that runs needs Docker here: RuntimeUserError)
            return type(e).__name__ + ": " + str(e)[:80]
        return "ran"


    @env.task
    async def bad() -> str:
        echo(x=1)  # expect: FLY103
        echo.aio(x=2)  # expect: FLY103
        sh(x=3)  # expect: FLY103
        return "parent ok"


    @env.task
    def bad_sync() -> str:
        echo(x=1)  # expect: FLY104
        return "parent ok"


    @env.task
    async def good() -> list[str]:
        return [await attempt(lambda: echo(x=1)), await attempt(lambda: echo.aio(x=2)), await attempt(lambda: sh(x=3))]


    @env.task
    def good_sync() -> str:
        try:
            asyncio.run(echo(x=1))
        except BaseException as e:
            return type(e).__name__ + ": " + str(e)[:80]
        return "ran"
"""


CONTAINER_CALLS = """
import flyte
from flyte.extras import ContainerTask

hello = ContainerTask(name="hello", image="alpine", command=["echo"], inputs={"x": int, "y": str}, outputs={"z": int})
cenv = flyte.TaskEnvironment.from_task("cenv", hello)
env = flyte.TaskEnvironment("m", depends_on=[cenv])


async def attempt(fn) -> str:
    try:
        await fn()
    except BaseException as e:  # (a call that binds goes on to need Docker: RuntimeUserError)
        return type(e).__name__ + ": " + str(e)[:120]
    return "ok"


@env.task
async def main() -> list[str]:
    return [
        await attempt(lambda: hello(x=1, bogus=2)),  # expect: FLY106 FLY106
        await attempt(lambda: hello(1, "a", 3)),  # expect: FLY106
        await attempt(lambda: hello(1, x=2, y="a")),  # expect: FLY106
        await attempt(lambda: hello.aio(x=1, y="a", bogus=2)),  # expect: FLY106
        await attempt(lambda: hello(x=1, y="a")),
        await attempt(lambda: hello(1, "a")),
    ]
"""


SHELL_CALLS = """
from typing import Optional

import flyte
from flyte.extras import shell
from flyte.io import File

MaybeFile = Optional[File]
sh = shell.create("s", image="debian:12-slim", inputs={"f": str, "o": str | None, "m": MaybeFile, "d": int},
                  defaults={"d": 1}, script="echo {inputs.f}")
env = flyte.TaskEnvironment("m", depends_on=[sh.env])


async def attempt(fn) -> str:
    try:
        await fn()
    except BaseException as e:  # (a call that gets through goes on to need Docker: RuntimeUserError)
        return type(e).__name__ + ": " + str(e)[:120]
    return "ok"


@env.task
async def main() -> list[str]:
    return [
        await attempt(lambda: sh(f="a", bogus=1)),  # expect: FLY106
        await attempt(lambda: sh("a")),  # expect: FLY106
        await attempt(lambda: sh()),  # expect: FLY106
        await attempt(lambda: sh(f="a")),
        await attempt(lambda: sh(f="a", o=None, m=None)),
    ]
"""


OBJECT_METHODS = """
# file: tools.py
from flyte.extras import ContainerTask
from flyte.extras import shell as sh

count = sh.create("count", image="debian:12-slim", inputs={"x": int}, script="echo {inputs.x}")
echo = ContainerTask(name="echo", image="alpine", command=["echo"], inputs={"x": int}, outputs={"y": int})
# file: main.py
import flyte
import tools
from tools import count as counter, echo

env = flyte.TaskEnvironment("main", depends_on=[counter.env])


class shell:  # (a local lookalike)
    @staticmethod
    def create(*args, **kwargs):
        return env


@env.task
async def square(x: int) -> int:
    return x * x


async def attempt(make) -> str:
    try:
        await make()
    except BaseException as e:
        return type(e).__name__
    return "ok"


def make_faster():
    return counter.override(retries=3)  # expect: FLY108


@env.task
async def main(x: int) -> list[str]:
    return [
        await attempt(lambda: counter.aio(x=x)),  # expect: FLY108
        await attempt(lambda: tools.count.forward(x=x)),  # expect: FLY108
        await attempt(lambda: counter.override(retries=2)(x=x)),  # expect: FLY108
        await attempt(lambda: make_faster()(x=x)),
        await attempt(lambda: echo.forward(x=x)),  # expect: FLY108
        await attempt(lambda: square.forward(x)),
        await attempt(lambda: square.aio(x)),
        await attempt(lambda: echo.aio(x=x)),
        await attempt(lambda: counter.as_task()(x=x)),
        str(shell.create("local").name),
    ]
"""
