"""FLY811's further INVALID and VALID cases (the rule file stays under the 400-line limit)."""

from __future__ import annotations

from flyte_lint.rules.base import Case

INVALID_MORE = [
    Case(
        """
        from dataclasses import dataclass, field
        from typing import Optional

        import numpy as np
        from pydantic import BaseModel, ConfigDict

        import flyte as fl

        env = fl.TaskEnvironment("demo")

        class Plain:
            pass

        class Client(Plain):
            pass

        @dataclass
        class Inner:
            p: Plain  # expect: FLY811

        @dataclass
        class Outer:
            inner: Optional[Inner] = None
            clients: list[Client] = field(default_factory=list)  # expect: FLY811

        @dataclass
        class Arrays:
            values: np.ndarray  # expect: FLY811

        @dataclass
        class Traced:
            p: dict[str, Plain]  # expect: FLY811

        class Arbitrary(BaseModel):
            model_config = ConfigDict(arbitrary_types_allowed=True)
            p: Plain  # expect: FLY811

        class Legacy(BaseModel):
            class Config:
                arbitrary_types_allowed = True

            ps: list[Plain]  # expect: FLY811

        @env.task
        async def nested(items: list[Outer]) -> Optional[Arrays]:
            return None

        @fl.trace
        async def traced(t: Traced) -> int:
            return 1

        @env.task
        async def models(a: Arbitrary, b: dict[str, Legacy]) -> int:
            return 1
        """,
        name="nested-optional-list-library-trace-and-pydantic",
    ),
    Case(
        """
        # file: pkg/models.py
        from dataclasses import dataclass

        class Plain:
            pass

        @dataclass
        class Holder:
            p: Plain
        # file: pkg/flow.py
        import flyte
        from pkg.models import Holder

        env = flyte.TaskEnvironment("demo")

        def score(h: Holder) -> int:  # expect: FLY811
            return 1

        score_task = env.task(score)

        @env.task
        def main(hs: list[Holder]) -> list[int]:  # expect: FLY811
            return list(flyte.map(score_task, hs))
        """,
        name="classes-in-another-module-task-made-by-call-and-map",
    ),
]

VALID_MORE = [
    Case(
        """
        from dataclasses import dataclass, field
        from typing import Any, Optional

        from mashumaro.types import SerializableType
        from pydantic import BaseModel, ConfigDict

        import flyte
        from flyte.io import DataFrame, File
        from mylib import Widget

        env = flyte.TaskEnvironment("demo")

        class Plain:
            pass

        class Custom(SerializableType):
            def _serialize(self):
                return 1

        @dataclass
        class Point:
            x: int

        @dataclass
        class Fine:
            anything: Any
            file: Optional[File] = None
            frame: Optional[DataFrame] = None
            points: dict[str, list[Point]] = field(default_factory=dict)
            custom: Optional[Custom] = None
            widget: Optional[Widget] = None

        @dataclass
        class Described:
            p: Plain = field(default=None, metadata={"serialize": lambda p: 1, "deserialize": lambda v: Plain()})

        class Unused(BaseModel):
            model_config = ConfigDict(arbitrary_types_allowed=True)
            x: int
            files: list[File] = []

        @dataclass
        class InTuple:
            p: Plain

        @env.task
        def fine(f: Fine, d: Described, u: Unused, p: Plain, ps: list[Plain], t: tuple[int, str]) -> int:
            return 1

        @dataclass
        class Unreached:
            p: Plain

        def plain(u: Unreached) -> int:
            return 1
        """,
        name="encodable-fields-hooks-parameters-and-plain-functions",
    ),
    Case(
        """
        from dataclasses import dataclass

        class Plain:
            pass

        @dataclass
        class Holder:
            p: Plain

        class Env:
            def task(self, fn):
                return fn

        env = Env()

        @env.task
        def helper(h: Holder) -> int:
            return 1
        """,
        name="another-library-task-decorator",
    ),
]
