"""Not fully static: the fan-out count is only known at run time."""
import asyncio

import flyte

env = flyte.TaskEnvironment("dyn")


@env.task
async def work(i: int) -> int:
    return i


@env.task
async def dynamic(n: int) -> list[int]:
    return list(await asyncio.gather(*[work(i) for i in range(n)]))
