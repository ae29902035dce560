"""A loop whose second task feeds the first on the next iteration (a loop-carried edge)."""
import flyte

env = flyte.TaskEnvironment("loop")


@env.task
async def a(x: int) -> int:
    return x + 1


@env.task
async def b(x: int) -> int:
    return x * 2


@env.task
async def c(x: int) -> int:
    return x


@env.task
async def looper(x: int = 0) -> int:
    for _ in range(3):
        x = await a(x)
        x = await b(x)
    return await c(x)
