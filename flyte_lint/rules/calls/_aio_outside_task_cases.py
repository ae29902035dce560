"""FLY113's further cases (rules/calls/aio_outside_task.py): the forms it finds, and the look-alikes it leaves."""

from __future__ import annotations

from flyte_lint.rules.base import Case

_TASKS = """
import asyncio
import functools

import flyte as fl
from fastapi import APIRouter, FastAPI

env = fl.TaskEnvironment("demo")
app = FastAPI()
router = APIRouter()


@env.task
async def predict(x: int) -> int:
    return x * 2


@env.task
def square(x: int) -> int:
    return x * x
"""

INVALID_MORE = [
    Case(
        _TASKS
        + """
@app.get("/predict")
async def predict_route(x: int) -> dict:
    y = await predict.aio(x)  # expect: FLY113
    z = await predict.override(retries=2).aio(x)  # expect: FLY113
    ys = await asyncio.gather(predict.aio(1), predict.aio(2))  # expect: FLY113, FLY113
    return {"y": y, "z": z, "ys": ys, "w": await helper(x)}


@router.post("/score")
async def score_route(x: int) -> int:
    return await helper(x)


async def helper(x: int) -> int:
    return await predict.aio(x)  # expect: FLY113


if __name__ == "__main__":
    print(asyncio.run(predict.aio(3)))  # expect: FLY113
""",
        name="fastapi-routes-main-block-override-gather",
    ),
    Case(
        """
        # file: pkg/__init__.py
        # file: pkg/tasks.py
        import flyte
        from flyte import TaskEnvironment as TE

        env = TE("lib")

        @env.task
        async def predict(x: int) -> int:
            return x * 2
        # file: main.py
        import asyncio

        import pkg.tasks
        from pkg.tasks import predict as p


        async def run_all(x: int) -> int:
            a = await p.aio(x)  # expect: FLY113
            b = await pkg.tasks.predict.aio(x)  # expect: FLY113
            return a + b


        async def outer() -> int:
            return await run_all(1)


        if __name__ == "__main__":
            asyncio.run(outer())
        # file: other.py
        def unrelated(obj):  # (does not import main.py: its `run_all` is something else)
            return obj.run_all(1)
        """,
        name="task-from-another-module-and-a-chain-of-helpers",
    ),
]

VALID_MORE = [
    Case(
        _TASKS
        + """
@app.get("/square")
async def square_route(x: int) -> int:
    return await square.aio(x)  # (a sync task's .aio returns its value)


@app.get("/predict")
async def predict_route(x: int) -> int:
    return await predict(x)  # (runs the function directly)


class Client:
    async def aio(self, x: int) -> int:
        return x


async def lookalike(x: int) -> int:
    return await Client().aio(x)


if __name__ == "__main__":
    asyncio.run(lookalike(1))
""",
        name="sync-task-plain-call-and-a-lookalike",
    ),
    Case(
        _TASKS
        + """
async def shared(x: int) -> int:
    return await predict.aio(x)  # (a task reaches it: there .aio submits the task)


@env.task
async def parent(x: int) -> int:
    return await shared(x)


@fl.trace
async def traced(x: int) -> int:
    return await predict.aio(x)


@env.task
async def traced_parent(x: int) -> int:
    return await traced(x)


@app.get("/predict")
async def predict_route(x: int) -> int:
    return await shared(x)


if __name__ == "__main__":
    asyncio.run(shared(1))
    fl.run(parent, x=1)
""",
        name="reached-from-a-task",
    ),
    Case(
        _TASKS
        + """
async def exported(x: int) -> int:  # (no caller seen: another module may call it in a task)
    return await predict.aio(x)


async def handed(x: int) -> int:  # (passed as a value)
    return await predict.aio(x)


async def wrapped(x: int) -> int:  # (called through a partial: the model does not follow it)
    return await predict.aio(x)


def some_decorator(f):
    return f


@some_decorator
async def decorated(x: int) -> int:  # (a decorator the model cannot see through)
    return await predict.aio(x)


class Service:
    async def run(self, x: int) -> int:  # (a method: its callers are not all seen)
        return await predict.aio(x)


async def called_as_attribute(x: int) -> int:
    return await predict.aio(x)


async def main(obj) -> None:
    await decorated(1)
    await Service().run(1)
    await obj.called_as_attribute(1)  # (an attribute of something unknown: maybe this function)
    await called_as_attribute(1)
    await functools.partial(wrapped, 1)()


CALLBACKS = [handed]

if __name__ == "__main__":
    asyncio.run(main(None))
    asyncio.run(handed(1))
""",
        name="callers-not-all-seen",
    ),
    Case(
        """
        # file: pkg/__init__.py
        # file: pkg/tasks.py
        import asyncio

        import flyte

        env = flyte.TaskEnvironment("lib")

        @env.task
        async def predict(x: int) -> int:
            return x * 2


        async def helper(x: int) -> int:
            return await predict.aio(x)


        async def script_helper(x: int) -> int:
            return await predict.aio(x)


        if __name__ == "__main__":
            asyncio.run(script_helper(1))
        # file: main.py
        import asyncio

        import flyte
        from pkg.tasks import env, helper


        @env.task
        async def main(x: int) -> int:
            return await helper(x)


        if __name__ == "__main__":
            asyncio.run(helper(1))
        # file: app.py
        import asyncio

        import pkg.tasks


        async def later(obj) -> int:  # (imports pkg.tasks: `obj.script_helper` may be its function)
            return await obj.script_helper(1)
        """,
        name="helper-reached-from-a-task-in-another-module",
    ),
    Case(
        _TASKS
        + """
async def score(x: int) -> int:
    if fl.ctx():  # (the author's own guard: .aio only where a task context is active)
        return await predict.aio(x)
    return await predict(x)


if __name__ == "__main__":
    asyncio.run(score(1))
""",
        name="guarded-by-flyte-ctx",
    ),
    Case(
        """
        import flyte
        import uvicorn
        from fastapi import FastAPI

        env = flyte.TaskEnvironment("demo")
        app = FastAPI()


        @env.task
        async def predict(x: int) -> int:
            return x * 2


        @app.get("/predict")
        async def predict_route(x: int) -> int:  # (served from inside a task's run: its context may be the task's)
            return await predict.aio(x)


        @env.task
        def serve() -> None:
            uvicorn.run(app, port=8080)
        """,
        name="an-app-served-inside-a-task",
    ),
]
