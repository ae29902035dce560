"""flyte.group blocks: tasks inside show as a cluster / subgraph."""
import flyte

env = flyte.TaskEnvironment("groups")


@env.task
async def prepare() -> int:
    return 1


@env.task
async def train(x: int) -> int:
    return x + 1


@env.task
async def evaluate(x: int) -> float:
    return x / 2


@env.task
async def grouped() -> float:
    x = await prepare()
    with flyte.group("training"):
        model = await train(x)
        score = await evaluate(model)
    return score
