"""The programs FLY401's cases (and tests/test_env_rules.py) start from: TASKS, a two-env project whose 'gpu' image
must be built (``with_tasks`` adds files to it); OBJECTS, task objects (ContainerTask, shell tasks, a plugin's task)
whose images must be built and the envs `from_task` gives them; ROOTED, a worker task calling a gpu task, with
``{mark}`` where the call's expect comment goes."""

from __future__ import annotations

import textwrap

# The callee env's image must be built: a child submitted into it needs the run's image cache to know it.
TASKS = """
# file: envs.py
import flyte

gpu = flyte.TaskEnvironment("gpu", image=flyte.Image.from_debian_base().with_pip_packages("torch"))
cpu = flyte.TaskEnvironment("cpu")
# file: gpu_tasks.py
from envs import gpu

@gpu.task
async def train(x: int) -> int:
    return x

@gpu.task
def strain(x: int) -> int:
    return x
"""


def with_tasks(source: str) -> str:
    """The two-env project above, plus more files."""
    return textwrap.dedent(TASKS) + textwrap.dedent(source)


# Task objects whose images must be built (a ContainerTask's own image, a shell task's), and one plugin task.
OBJECTS = """
# file: containers.py
import flyte
from flyte.extras import ContainerTask, shell
from flyteplugins.connectors.snowflake import Snowflake

tools = flyte.Image.from_debian_base().with_apt_packages("jq")
greet = ContainerTask(name="greet", image=tools, command=["echo"], inputs={"x": int}, outputs={"y": int})
query = Snowflake(name="q", query_template="select 1")
head = shell.create("head", image=tools, inputs={"f": str}, script="head {inputs.f}")
upper = shell.create("upper", image=tools, script="true")
lonely = ContainerTask(name="lonely", image=tools, command=["echo"])  # in no env
# file: object_envs.py
import flyte
import containers

greet_env = flyte.TaskEnvironment.from_task("greet_env", containers.greet, containers.query)
text_env = flyte.TaskEnvironment.from_task("text", containers.upper.as_task())
"""


ROOTED = """
# file: envs.py
import flyte

image = flyte.Image.from_debian_base().with_pip_packages("torch")
gpu = flyte.TaskEnvironment("gpu", image=image)
worker = flyte.TaskEnvironment("worker")
driver = flyte.TaskEnvironment("driver", depends_on=[worker, gpu])
# file: tasks.py
from envs import gpu, worker

@gpu.task
async def train(x: int) -> int:
    return x

@worker.task
async def step(x: int) -> int:
    return await train(x)  {mark}
"""
