"""FLY812's further VALID cases (the rule file stays under the 400-line limit)."""

from __future__ import annotations

from flyte_lint.rules.base import Case

VALID_MORE = [
    Case(
        """
        import enum
        from dataclasses import dataclass
        from enum import Enum, IntEnum, StrEnum, auto

        import flyte
        from mylib import Mixin

        env = flyte.TaskEnvironment("demo")

        class Size(IntEnum):
            S = 1

        class Named(StrEnum):
            A = auto()

        class Text(str, Enum):
            A = 1

        class StrFirst(Enum):
            A = "a"
            B = 2

        class Lower(Enum):
            def _generate_next_value_(name, start, count, last_values):
                return name.lower()
            A = auto()

        class Described(Enum):
            def __new__(cls, code, label):
                member = object.__new__(cls)
                member._value_ = label
                return member

            A = (1, "a")

        class Unknown(Mixin, Enum):
            A = 1

        class Plain(Enum):
            A = 1

        @dataclass
        class Holder:
            level: Plain

        @env.task
        def fine(s: Size, n: Named, t: Text, f: StrFirst, low: Lower, d: Described, u: Unknown) -> int:
            return 1

        @env.task
        def wrapped(h: Holder, pair: tuple[Plain, int], items: set[Plain]) -> Holder:
            return h

        def helper(p: Plain) -> Plain:
            return p
        """,
        name="int-str-enums-dataclass-fields-tuples-and-plain-functions",
    ),
    Case(
        """
        from enum import Enum

        class Env:
            def task(self, fn):
                return fn

        env = Env()

        class Plain(Enum):
            A = 1

        @env.task
        def helper(p: Plain) -> int:
            return 1
        """,
        name="another-library-task-decorator",
    ),
]
