"""The program the map family's cases start from: ``with_header`` puts a body after an env ``demo`` with a sync task
``process(x)``, async tasks ``aprocess(x)`` and ``two(x, y)``, a logger ``log`` (functools, logging imported); ``HELPER_MAPS`` is a
module of helpers that make and return maps, and a module calling them; ``SHELL_MAPPED`` maps a shell task (flyte.extras.shell.create),
its ``.as_task()`` and a ContainerTask."""

from __future__ import annotations

import textwrap

HEADER = """
import functools
import logging
import flyte

log = logging.getLogger(__name__)
env = flyte.TaskEnvironment("demo")

@env.task
def process(x: int) -> int:
    return x * 2

@env.task
async def aprocess(x: int) -> int:
    return x * 2

@env.task
async def two(x: int, y: int) -> int:
    return x + y
"""


def with_header(body: str) -> str:
    return HEADER + textwrap.dedent(body)


# fanout.py builds maps in helpers and returns them; main.py drops, ignores or iterates what they return.
HELPER_MAPS = """
# file: fanout.py
import flyte as fl

env = fl.TaskEnvironment("fanout")


@env.task
def double(x: int) -> int:
    return x * 2


@env.task
async def adouble(x: int) -> int:
    return x * 2


def fan(xs: list[int]):
    return fl.map(double, xs)


def fan_aio(xs: list[int]):
    gen = fl.map.aio(adouble, xs)
    return gen


def fan_again(xs: list[int]):
    return fan(xs)
# file: main.py
import flyte
import fanout
from fanout import fan as spread

env = flyte.TaskEnvironment("main", depends_on=[fanout.env])


@env.task
def bad(xs: list[int]) -> str:
    spread(xs)  # expect: FLY201
    unused = fanout.fan_again(xs)  # expect: FLY201
    print(fanout.fan(xs))  # expect: FLY201
    return "parent ok"


@env.task
async def bad_aio(xs: list[int]) -> str:
    fanout.fan_aio(xs)  # expect: FLY201
    return "parent ok"


@env.task
def good(xs: list[int]) -> list[int]:
    results = spread(xs)
    return list(results) + list(fanout.fan_again(xs))


@env.task
async def good_aio(xs: list[int]) -> list[int]:
    return [r async for r in fanout.fan_aio(xs)]
"""


# A shell task (flyte.extras.shell.create) is no task template: flyte.map calls its `.aio`, which it lacks.
SHELL_MAPPED = """
# file: tools.py
from flyte.extras import shell as sh

count = sh.create("count", image="debian:12-slim", inputs={"x": int}, script="echo {inputs.x}")
# file: main.py
import flyte
from flyte.extras import ContainerTask
from tools import count as counter

echo = ContainerTask(name="echo", image="alpine", command=["echo"], inputs={"x": int}, outputs={"y": int})
echo_env = flyte.TaskEnvironment.from_task("echo_env", echo)
env = flyte.TaskEnvironment("m", depends_on=[counter.env, echo_env])


class shell:  # (a local lookalike)
    @staticmethod
    def create(*args, **kwargs):
        return print


local = shell.create("local")


@env.task
def bad() -> list[str]:
    return [type(r).__name__ for r in flyte.map(counter, [1, 2])]  # expect: FLY202


@env.task
async def bad_aio() -> list[str]:
    return [type(r).__name__ async for r in flyte.map.aio(counter, [1, 2])]  # expect: FLY202


@env.task
async def good() -> list[str]:
    a = [str(r)[:40] async for r in flyte.map.aio(counter.as_task(), [1, 2])]
    b = [str(r)[:40] async for r in flyte.map.aio(echo, [1, 2])]
    return a + b


def lookalike() -> list:
    return list(flyte.map(local, [1]))
"""
