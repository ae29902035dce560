from functools import partial

import flyte

from .envs import data_env


@data_env.task
def load_split(split: str, limit: int = 1000) -> list[float]:
    return [float(i) for i in range(limit)]


@data_env.task
async def normalize(values: list[float], scale: float) -> list[float]:
    return [v / scale for v in values]


@data_env.task
def featurize(value: float, power: int) -> float:
    return value**power


@data_env.task
def featurize_all(values: list[float]) -> list[float]:
    square = partial(featurize, power=2)
    return list(flyte.map(square, values))
