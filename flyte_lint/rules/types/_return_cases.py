"""FLY804's VALID case of reachability look-alikes and exempt annotations (kept apart: the rule file stays short)."""

from __future__ import annotations

from flyte_lint.rules.base import Case

LOOK_ALIKES = Case(
    """
    import os
    import sys
    from typing import Any, NoReturn, Optional

    import flyte
    from mylib import Result

    env = flyte.TaskEnvironment("demo")

    def fail(message: str) -> NoReturn:
        raise RuntimeError(message)

    @env.task
    def raises(x: int) -> int:
        if x:
            return x
        raise ValueError(x)

    @env.task
    def forever(x: int) -> int:
        while True:
            if x > 3:
                return x
            x += 1

    @env.task
    def branches(x: int) -> str:
        if x > 0:
            return "pos"
        elif x < 0:
            return "neg"
        else:
            return "zero"

    @env.task
    def handled(x: int) -> int:
        try:
            return int(x)
        except ValueError:
            return 0
        finally:
            print("done")

    @env.task
    def matched(x: int) -> str:
        match x:
            case 1:
                return "one"
            case _:
                return "many"

    @env.task
    def with_block(path: str) -> str:
        with open(path) as f:
            return f.read()

    @env.task
    def exits(x: int) -> int:
        if x:
            return x
        sys.exit(1)

    @env.task
    def helper_raises(x: int) -> int:
        if x:
            return x
        fail("no x")

    @env.task
    def optional(x: int) -> Optional[int]:
        if x:
            return x

    @env.task
    def anything(x: int) -> Any:
        return None

    @env.task
    def unknown(x: int) -> Result:
        return None

    @env.task
    def no_outputs(x: int) -> None:
        print(x)
        return

    @env.task
    def no_annotation(x: int):
        if x:
            return None
        return print(x)

    @env.task
    def nested(x: int):
        def inner() -> int:
            return x
        callback = lambda: x
        return

    @env.task
    def outer(x: int) -> int:
        def inner(y: int) -> int:
            if y:
                return y
        return inner(x) or 0

    @env.task
    def one_tuple(x: int) -> int:
        return (x,)

    @env.task
    def generator(x: int) -> int:
        yield x

    @flyte.trace
    async def traced(x: int):
        return x

    @flyte.trace
    async def traced_int(x: int) -> int:
        if x:
            return x

    def plain(x: int) -> int:
        if x:
            return x
    """,
    name="reachability-look-alikes-and-exempt-annotations",
)
