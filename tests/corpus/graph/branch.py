"""A branch: one of two tasks runs depending on a parameter."""
import flyte

env = flyte.TaskEnvironment("branchy")


@env.task
async def measure(n: int) -> int:
    return n


@env.task
async def small(n: int) -> str:
    return "small"


@env.task
async def large(n: int) -> str:
    return "large"


@env.task
async def decide(n: int = 3) -> str:
    size = await measure(n)
    if size > 10:
        verdict = await large(size)
    else:
        verdict = await small(size)
    return verdict
