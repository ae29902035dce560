"""Every kind of node: task, map, remote, trace and unknown."""
import flyte
import flyte.remote

env = flyte.TaskEnvironment("kinds")

scorer = flyte.remote.Task.get("project.scorer", auto_version="latest")


@flyte.trace
async def fetch_config(name: str) -> dict:
    return {"name": name}


@env.task
def double(x: int) -> int:
    return 2 * x


@env.task
async def summarize(values: list[int], score: float) -> str:
    return f"{sum(values)} {score}"


@env.task
async def kinds(name: str = "cfg") -> str:
    config = await fetch_config(name)
    doubled = list(flyte.map(double, [1, 2, 3]))
    score = await scorer(values=doubled)
    extra = await getattr(flyte, config["name"])(score)
    return await summarize(doubled, extra)
