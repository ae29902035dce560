"""The programs the calls family's cases start from: ``with_tasks`` puts a body after an env with a sync task
``square`` and an async task ``inc`` (asyncio, functools and partial imported); ``with_train_tasks`` after an env with
a sync task ``train(epochs, lr=0.1, *, seed=0)`` and an async task ``atrain(epochs, lr=0.1)``."""

from __future__ import annotations

import textwrap

TASKS = """\
import asyncio
import functools
from functools import partial

import flyte

env = flyte.TaskEnvironment("demo")


@env.task
def square(x: int) -> int:
    return x * x


@env.task
async def inc(x: int) -> int:
    return x + 1
"""

TRAIN_TASKS = """
import functools
import flyte

env = flyte.TaskEnvironment("demo")

@env.task
def train(epochs: int, lr: float = 0.1, *, seed: int = 0) -> float:
    return lr * epochs + seed

@env.task
async def atrain(epochs: int, lr: float = 0.1) -> float:
    return lr * epochs
"""

# Two task objects in tools.py, to put before a main.py (``# file:`` lines): a ContainerTask ``echo`` and a shell task
# ``sh``, both taking an int ``x``.
TASK_OBJECT_TOOLS = """
        # file: tools.py
        import flyte
        from flyte.extras import ContainerTask as CT
        from flyte.extras import shell

        echo = CT(name="echo", image="alpine", command=["echo"], inputs={"x": int}, outputs={"y": int})
        sh = shell.create(name="sh", image="alpine", script="echo {inputs.x}", inputs={"x": int})
        tools = flyte.TaskEnvironment.from_task("tools", echo)
"""


def with_tasks(body: str) -> str:
    """``body`` (indented as written) after TASKS, as one main.py."""
    return TASKS + "\n\n" + textwrap.dedent(body).strip("\n") + "\n"


def with_train_tasks(body: str) -> str:
    """``body`` (indented as written) after TRAIN_TASKS."""
    return TRAIN_TASKS + textwrap.dedent(body)
