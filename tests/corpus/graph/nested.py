"""Nested tasks: the entry calls a task that itself calls tasks."""
import flyte

env = flyte.TaskEnvironment("outer")
inner_env = flyte.TaskEnvironment("inner")


@inner_env.task
async def fetch(key: str) -> str:
    return key


@inner_env.task
async def parse(text: str) -> int:
    return len(text)


@env.task
async def ingest(key: str) -> int:
    text = await fetch(key)
    return await parse(text)


@env.task
async def summarize(n: int) -> str:
    return str(n)


@env.task
async def nested(key: str = "k") -> str:
    n = await ingest(key)
    return await summarize(n)
