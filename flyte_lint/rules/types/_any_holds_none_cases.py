"""FLY801's cases beyond its documented example (kept apart so the rule file stays short)."""

from __future__ import annotations

from flyte_lint.rules.base import Case

MORE_INVALID = [
    Case(
        """
        import os
        from typing import Any, Optional

        import flyte

        env = flyte.TaskEnvironment("demo")

        def lookup(key: str) -> Optional[str]:
            return None if key else "x"

        @env.task
        def anything(flag: bool) -> Any:
            if flag:
                return None  # expect: FLY801
            return 1

        @env.task
        def bare(flag: bool) -> object:
            if flag:
                return  # expect: FLY801
            return 1

        @env.task
        def items(x: int) -> list[Any]:
            return [x, None]  # expect: FLY801

        @env.task
        def rows(x: int) -> list[dict[str, Any]]:
            row = {"x": x, "y": None}  # expect: FLY801
            return [row]

        @env.task
        def from_env(x: int) -> dict[str, Any]:
            return {"home": os.environ.get("HOME_DIR")}  # expect: FLY801

        @env.task
        def from_config(config: dict[str, str]) -> dict[str, object]:
            return {"user": config.get("user")}  # expect: FLY801

        @env.task
        def from_lookup(key: str) -> Any:
            return lookup(key)  # expect: FLY801

        @env.task
        def pair(x: int) -> tuple[int, Any]:
            return x, None  # expect: FLY801

        @env.task
        def passthrough(x: Optional[int] = None) -> Any:
            return x  # expect: FLY801
        """,
        name="outputs",
    ),
    Case(
        """
        import functools
        from typing import Any, Optional

        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def child(x: Any, y=0, *, z: dict[str, Any]) -> int:
            return 1

        @env.task
        def parent(maybe: Optional[int] = None) -> int:
            a = child(None, z={})  # expect: FLY801
            b = child(1, None, z={})  # expect: FLY801
            c = child(
                x=maybe,  # expect: FLY801
                z={"k": None},  # expect: FLY801
            )
            d = child.override(retries=2)(maybe, z={})  # expect: FLY801
            partly = functools.partial(child, 1)
            e = partly(None, z={})  # expect: FLY801
            return a + b + c + d + e
        """,
        name="arguments-override-partial",
    ),
    Case(
        """
        from typing import Any

        import flyte as fl

        env = fl.TaskEnvironment("demo")

        @fl.trace
        async def record(event: Any) -> int:
            return 1

        @fl.trace
        async def collect(n: int) -> list[Any]:
            return [n, None]  # expect: FLY801

        @env.task
        async def item(x: Any) -> int:
            return 1

        @env.task
        async def main() -> int:
            await record(None)  # expect: FLY801
            await collect(1)
            total = await item.aio(None)  # expect: FLY801
            async for r in fl.map.aio(item, [1, None]):  # expect: FLY801
                total += r
            return total
        """,
        name="traces-aio-and-map-items",
    ),
    Case(
        """
        # file: pkg/tasks.py
        from typing import Any

        from flyte import TaskEnvironment as Env

        env = Env("demo")

        @env.task
        def child(x: Any) -> int:
            return 1
        # file: pkg/main.py
        from pkg.tasks import child, env

        @env.task
        def main() -> int:
            return child(None)  # expect: FLY801
        """,
        name="task-from-another-module",
    ),
    Case(
        """
        from typing import Any

        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def child(x: Any, xs: list[Any]) -> int:
            return 1

        if __name__ == "__main__":
            flyte.init_from_config()
            flyte.run(child, x=None, xs=[])  # expect: FLY801
            flyte.with_runcontext(mode="local").run(child, 1, [1, None])  # expect: FLY801
            flyte.run(child, x=1, xs=[1, 2])
        """,
        name="flyte-run-arguments",
    ),
]

MORE_VALID = [
    Case(
        """
        from dataclasses import dataclass
        from typing import Any, Optional

        import flyte
        import pydantic

        env = flyte.TaskEnvironment("demo")

        @dataclass
        class Row:
            value: Any = None

        class Model(pydantic.BaseModel):
            value: Any = None

        @env.task
        def optional_any() -> Optional[Any]:
            return None

        @env.task
        def optional_values() -> dict[str, Optional[Any]]:
            return {"a": None}

        @env.task
        def bare_dict() -> dict:
            return {"a": None, "b": [None, {"c": None}]}

        @env.task
        def bare_list() -> list:
            return [None, {"a": None}]

        @env.task
        def list_of_dicts() -> list[dict]:
            return [{"a": None}]

        @env.task
        def int_keys() -> dict[int, Any]:
            return {1: None}

        @env.task
        def tuples_inside() -> list[tuple[int, Any]]:
            return [(1, None)]

        @env.task
        def takes_tuple(t: tuple[int, Any]) -> int:
            return 1

        @env.task
        def fields() -> Row:
            return Row(None)

        @env.task
        def model() -> Model:
            return Model(value=None)

        @env.task
        def nested_in_pickle() -> Any:
            return {"a": None}

        @env.task
        def nested_lists() -> list[Any]:
            return [[None]]

        @env.task
        def no_annotation(x: int):
            return None

        @flyte.trace
        async def traced_any(x: int) -> Any:
            return None

        @env.task
        def main() -> int:
            return takes_tuple((1, None))
        """,
        name="positions-that-travel",
    ),
    Case(
        """
        from typing import Any, Optional

        import flyte
        import requests

        env = flyte.TaskEnvironment("demo")

        @env.task
        def child(x: Any) -> int:
            return 1

        def helper(x: Optional[int]) -> int:
            return x or 0

        @env.task
        def guarded(maybe: Optional[int] = None, config: dict[str, str] = {}) -> int:
            if maybe is None:
                return 0
            a = child(maybe)
            b = child(config.get("user", "nobody"))
            c = child(requests.get("https://example.com"))
            d = child.forward(None)
            e = child(helper(None))
            return a + b + c + d + e

        @env.task
        def rebound(maybe: Optional[int] = None) -> Any:
            maybe = maybe or 1
            return maybe

        @env.task
        def overwritten() -> dict[str, Any]:
            row = {"a": None}
            row["a"] = 1
            return row

        child(None)  # (outside a run: a plain call)
        """,
        name="guards-defaults-and-plain-calls",
    ),
    Case(
        """
        from typing import Any

        class Env:
            def task(self, fn):
                return fn

        env = Env()

        @env.task
        def helper(x: int) -> Any:
            return None

        @env.task
        def main() -> int:
            return helper(None)
        """,
        name="another-library-task-decorator",
    ),
]
