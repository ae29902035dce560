"""A chain: each task consumes the previous task's output."""
import flyte

env = flyte.TaskEnvironment("chain")


@env.task
async def load(path: str) -> list[int]:
    return [1, 2, 3]


@env.task
async def clean(rows: list[int]) -> list[int]:
    return [r for r in rows if r > 0]


@env.task
async def report(rows: list[int]) -> str:
    return str(sum(rows))


@env.task
async def pipeline(path: str = "data.csv") -> str:
    rows = await load(path)
    cleaned = await clean(rows)
    return await report(cleaned)
