import flyte

from pipeline.envs import report_env, train_env


@train_env.task(retries=2)
async def train(features: list[float], epochs: int, lr: float = 0.01) -> float:
    return min(1.0, 0.5 + epochs * lr)


@train_env.task
def evaluate(score: float) -> float:
    return score


@report_env.task
async def publish(score: float) -> str:
    return f"accuracy={score:.2f}"


@report_env.task(cache="disable", resources=flyte.Resources(cpu="1"))  # FLY302: resources belong on the env
def archive(score: float) -> None:
    print(score)
