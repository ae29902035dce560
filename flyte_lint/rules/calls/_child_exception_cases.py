"""FLY115's further cases (rules/calls/child_exception_unwrapped.py): the forms it finds, and the look-alikes it
leaves."""

from __future__ import annotations

from flyte_lint.rules.base import Case

_TASKS = """
import asyncio
import functools
import json

import flyte as fl
import flyte.errors
from flyte.errors import RuntimeUserError as RUE

env = fl.TaskEnvironment("demo")


class BadInput(ValueError):
    pass


@env.task
async def validate(x: int) -> int:
    if x < 0:
        raise BadInput("x must be positive")
    return x


@env.task
def check(x: int) -> int:
    if x < 0:
        raise ValueError("x must be positive")
    return x
"""

INVALID_MORE = [
    Case(
        _TASKS
        + """
@env.task
async def forms(x: int) -> int:
    try:
        y = await validate.aio(x)
        y += await validate.override(retries=2)(x)
        y += await check.aio(x)
    except (BadInput, ValueError):  # expect: FLY115
        y = 0
    try:
        ys = await asyncio.gather(validate(x), validate(x + 1))
    except BadInput as e:  # expect: FLY115
        ys = [str(e)]
    try:
        with fl.group("checks"):
            p = functools.partial(validate, x)
            await p()
    except KeyError:  # expect: FLY115
        pass
    return y + len(ys)


async def helper(x: int) -> int:  # (reached from a task: its calls run in the task's run)
    try:
        return await validate(x)
    except OSError:  # expect: FLY115
        return 0


@env.task
def sync_parent(x: int) -> int:
    try:
        return check(x)
    except ValueError:  # expect: FLY115
        return 0


@env.task
async def parent(x: int) -> int:
    return await helper(x) + await forms(x)


def script(x: int) -> int:  # (outside any run a sync task's own call wraps the error too)
    try:
        return check(x)
    except ValueError:  # expect: FLY115
        return -1
""",
        name="aio-override-gather-partial-group-helper-sync-and-outside-a-run",
    ),
    Case(
        """
        import logging

        import flyte

        env = flyte.TaskEnvironment("demo")
        logger = logging.getLogger(__name__)


        @env.task
        async def process(x: int) -> int:
            if x < 0:
                raise ValueError("negative")
            return x


        @env.task
        async def main(xs: list[int]) -> list[int]:
            results = []
            for x in xs:
                try:
                    results.append(await process(x))
                    logger.info("processed %s", x)
                    flyte.logger.info("done")
                except ValueError:  # expect: FLY115
                    logging.warning("skipped %s", x)
                    results.append(-1)
            return results
        """,
        name="a-loop-appending-and-logging",
    ),
    Case(
        """
        import json

        import flyte

        env = flyte.TaskEnvironment("demo")


        class QuotaExceeded(Exception):
            pass


        @env.task
        async def fetch(n: int) -> str:
            if n > 10:
                raise QuotaExceeded(f"{n} is over the quota")
            return "{}"


        @env.task
        async def main(n: str) -> dict:
            try:
                data = json.loads(await fetch(int(n)))
            except QuotaExceeded:  # expect: FLY115
                data = {}
            except ValueError:  # (int() and json.loads raise it themselves)
                data = {}
            return data
        """,
        message="`except QuotaExceeded` never catches what task 'demo.fetch' raises: the SDK raises "
        'flyte.errors.RuntimeUserError there, with `.code == "QuotaExceeded"`, so this handler does not run for '
        "it. Catch `flyte.errors.RuntimeUserError as e` and test `e.code`",
        name="a-type-the-task-visibly-raises-beside-other-raisers",
    ),
    Case(
        """
        # file: pkg/__init__.py
        # file: pkg/tasks.py
        import flyte

        env = flyte.TaskEnvironment("lib")

        @env.task
        async def validate(x: int) -> int:
            if x < 0:
                raise ValueError("x must be positive")
            return x
        # file: main.py
        import flyte
        import pkg.tasks
        from pkg.tasks import validate as v

        env = flyte.TaskEnvironment("main", depends_on=[pkg.tasks.env])


        @env.task
        async def main(x: int) -> str:
            try:
                await v(x)
                await pkg.tasks.validate(x)
            except ValueError:  # expect: FLY115
                return "invalid"
            return "ok"
        """,
        name="task-from-another-module",
    ),
    Case(
        """
        import flyte

        env = flyte.TaskEnvironment("demo")


        class UnknownThing(Exception):
            pass


        @env.task
        async def vague(x: int) -> int:
            raise UnknownThing("odd")


        @env.task
        async def main(x: int) -> int:
            try:
                return await vague(x)
            except UnknownThing:  # expect: FLY115
                return 0
        """,
        message="`except UnknownThing` never catches the error of the task called in this try: the SDK raises "
        "flyte.errors.RuntimeUserError (RuntimeUnknownError in a run, the class name holding 'Unknown') there, "
        'with `.code == "UnknownThing"`, so this handler does not run. Catch `flyte.errors.BaseRuntimeError as e` '
        "and test `e.code`",
        name="a-class-name-with-unknown-arrives-as-runtime-unknown-error",
    ),
]

VALID_MORE = [
    Case(
        _TASKS
        + """
@env.task
async def guarded(x: int) -> int:
    try:
        await validate(x)
    except RUE as e:  # (an alias of flyte.errors.RuntimeUserError)
        if e.code != "BadInput":
            raise
    try:
        await validate(x)
    except fl.errors.BaseRuntimeError:
        pass
    try:
        await validate(x)
    except (RuntimeError, KeyError):
        pass
    try:
        await validate(x)
    except Exception:
        pass
    try:
        await validate(x)
    except BaseException:
        raise
    try:
        await validate(x)
    except:  # noqa: E722
        pass
    try:
        await validate(x)
    except ValueError:  # (a flyte.errors handler of the same try: the author's own guard)
        pass
    except flyte.errors.RuntimeUserError:
        pass
    try:
        await validate(x)
    except asyncio.CancelledError:  # (not a child's error: the caller's own cancellation)
        raise
    return x
""",
        name="flyte-errors-bases-aliases-and-guards",
    ),
    Case(
        _TASKS
        + """
def parse(s: str) -> int:
    return int(s)


@env.task
async def other_raisers(s: str, d: dict) -> int:
    try:
        x = await validate(int(s))  # (int() raises ValueError itself)
    except ValueError:
        x = 0
    try:
        x = await validate(parse(s))
    except ValueError:
        x = 0
    try:
        x = await validate(d["k"])  # (the subscript raises KeyError itself)
    except KeyError:
        x = 0
    try:
        a, b = await validate(x)  # (unpacking raises ValueError itself)
    except ValueError:
        pass
    try:
        x = await validate(x)
        if x > 10:
            raise ValueError("too big")
    except ValueError:
        x = 0
    try:
        payload = json.loads(s)
        x = await validate(payload["x"])
    except json.JSONDecodeError:
        x = 0
    try:
        x = await validate.forward(x)  # (.forward runs the function itself: nothing is wrapped)
    except ValueError:
        x = 0
    try:
        results = await asyncio.gather(validate(1), return_exceptions=True)
    except ValueError:
        results = []
    try:
        x = await plain_async(x)  # (not a task)
    except ValueError:
        x = 0
    try:
        x = await validate(x)
        d.update(x=x)  # (dict.update raises ValueError and TypeError itself, and d could be anything)
    except ValueError:
        x = 0
    try:
        items = list(range(x, 10, d["step"]))  # (range raises ValueError for a zero step)
        x = await validate(len(items))
    except ValueError:
        x = 0
    try:
        x = await validate(x)
    except UnknownError:  # (not resolved: the model cannot tell what it catches)
        x = 0
    return x + len(results) + a + b


async def plain_async(x: int) -> int:
    return x


async def test_validate_directly():  # (an async task called directly outside a run raises the original)
    try:
        await validate(-1)
    except BadInput:
        pass
    try:
        await check.aio(-1)  # (.aio outside a run runs the function: the original too)
    except ValueError:
        pass
""",
        name="other-raisers-forward-nontask-and-outside-a-run",
    ),
]
