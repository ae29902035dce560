"""Coroutines kept in lists under a key known only at run time, each list gathered in its own flyte.group:
the calls run in the group where they are gathered (one node per group, each holding some of the runs)."""
import asyncio

import flyte

env = flyte.TaskEnvironment("buckets")


@env.task
async def square(x: int) -> int:
    return x * x


@env.task
async def report(small: list[int], large: list[int]) -> str:
    return f"{sum(small)} {sum(large)}"


@env.task
async def buckets(n: int = 6) -> str:
    pending: dict[str, list] = {"small": [], "large": []}
    for i in range(n):
        pending["small" if i < 3 else "large"].append(square(i))
    with flyte.group("small-ones"):
        small = await asyncio.gather(*pending["small"])
    with flyte.group("large-ones"):
        large = await asyncio.gather(*pending["large"])
    return await report(list(small), list(large))
