"""A gather fan-out over a static list, a flyte.map over a range, and a join."""
import asyncio

import flyte

env = flyte.TaskEnvironment("fan")

SHARDS = ["a", "b", "c", "d"]


@env.task
async def process(shard: str) -> int:
    return len(shard)


@env.task
def square(x: int) -> int:
    return x * x


@env.task
async def combine(sizes: list[int], squares: list[int]) -> int:
    return sum(sizes) + sum(squares)


@env.task
async def fan() -> int:
    sizes = await asyncio.gather(*[process(s) for s in SHARDS])
    squares = list(flyte.map(square, range(8)))
    return await combine(list(sizes), squares)
