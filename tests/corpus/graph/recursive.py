"""A task that calls itself: the DAG cuts the recursion (FLY702)."""
import flyte

env = flyte.TaskEnvironment("rec")


@env.task
async def countdown(n: int = 3) -> int:
    if n <= 0:
        return 0
    return await countdown(n - 1)
