"""FLY808's INVALID cases of task-to-task flows and numpy values (kept apart: the rule file stays short)."""

from __future__ import annotations

from flyte_lint.rules.base import Case

TASK_FLOWS = Case(
    """
    from dataclasses import dataclass

    import flyte as fl
    from pydantic import BaseModel

    env = fl.TaskEnvironment("demo")

    @dataclass
    class Point:
        x: int

    class Model(BaseModel):
        x: int

    @env.task
    def label(n: int) -> str:
        return str(n)

    @env.task
    def ids(n: int) -> list[int]:
        return [n]

    @env.task
    def pair(n: int) -> tuple[int, int]:
        return n, n

    @env.task
    def point(n: int) -> Point:
        return Point(x=n)

    @env.task
    def model(n: int) -> Model:
        return Model(x=n)

    @env.task
    def take_int(n: int) -> int:
        return n

    @env.task
    def take_names(names: list[str]) -> int:
        return len(names)

    @env.task
    def take_list(xs: list[int]) -> int:
        return len(xs)

    @env.task
    def take_dict(d: dict[str, int]) -> int:
        return len(d)

    @env.task
    def take_model(m: Model) -> int:
        return m.x

    @env.task
    def take_point(p: Point) -> int:
        return p.x

    @fl.trace
    async def traced(n: int) -> int:
        return n

    @env.task
    async def main(n: int) -> int:
        text = await label.aio(n)
        await take_int.aio(text)  # expect: FLY808
        await take_names.aio(await ids.aio(n))  # expect: FLY808
        await take_list.aio(await pair.aio(n))  # expect: FLY808
        p = await point.aio(n)
        await take_dict.aio(p)  # expect: FLY808
        await take_model.aio(p)  # expect: FLY808
        await take_point.aio(await model.aio(n))  # expect: FLY808
        await traced(n / 2)  # expect: FLY808
        return n
    """,
    name="task-to-task-flows-and-traces",
)

NUMPY_VALUES = Case(
    """
    import flyte
    import numpy as np

    env = flyte.TaskEnvironment("demo")

    @env.task
    def best(scores: list[float]) -> int:
        return np.argmax(scores)  # expect: FLY808

    @env.task
    def any_positive(xs: list[int]) -> bool:
        return np.any(np.array(xs) > 0)  # expect: FLY808

    @env.task
    def total(xs: list[int]) -> int:
        return np.sum(xs)  # expect: FLY808

    @env.task
    def as_array(xs: list[int]) -> list[int]:
        return np.array(xs)  # expect: FLY808

    @env.task
    def mean(xs: list[float]) -> float:
        return np.mean(xs)

    @env.task
    def same(xs: list[int]) -> bool:
        return np.allclose(xs, xs)

    @env.task
    def per_column(xs: list[list[int]]) -> int:
        return np.sum(xs, axis=0)
    """,
    name="numpy-reductions-and-arrays",
)
