"""FLY812 enum-values: an Enum in a task or trace signature that the engine refuses: a Flag, or an Enum whose first
member's value is not a string and that is no IntEnum."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.annotations import TypeKind
from flyte_lint.model.values import ClassRef, External
from flyte_lint.rules.base import (
    Case,
    Finding,
    Outcome,
    Rule,
    RuntimeSpec,
    Scope,
    Severity,
    register,
)
from flyte_lint.rules.types._class_types import Position, engine_types, positions
from flyte_lint.rules.types._enum_cases import VALID_MORE

_FLAGS = ("enum.Flag", "enum.IntFlag")
_FINE = (
    "enum.IntEnum",
    "enum.StrEnum",
    "builtins.str",
)  # string values, or an IntEnum (sent by name)
_MAX_DEPTH = 12
# Methods that decide the members' values themselves (what `auto()` gives, what `_value_` a member gets).
_VALUE_HOOKS = ("_generate_next_value_", "__new__")


@register
class EnumValues(Rule):
    code = "FLY812"
    symbol = "enum-values"
    severity = Severity.ERROR
    pylint_number = 75  # its pylint message id is E6775; never change it once released
    scope = Scope.IMPORTERS  # (whether a def is a task: `env.task(fn)` in an importer makes one)
    summary = (
        "Reports an Enum class that a task or trace signature holds (directly, or in a `list[...]`, "
        "`dict[str, ...]`, `Optional[...]` or Union) when it is a `Flag`/`IntFlag`, or when its first member's "
        "value is not a string (an int, `auto()`, a float, a tuple) and it derives from neither `str`, `StrEnum` "
        "nor `IntEnum`. It reports at the class when the task's module defines it, else at the annotation."
    )
    rationale = (
        "The engine sends an enum member by name, but it first checks the enum's type (flyte/types/"
        "_type_engine.py, `_assert_transportable_enum`): when the first member's value is not a string, only an "
        "`IntEnum` passes, and a `Flag`/`IntFlag` never does (its composite members have no name to look up). "
        "Every call of the task, in a run and when a deploy serializes its interface, raises "
        '"Only string-valued enums and IntEnum are supported, got Color with int values" (or "Color is a Flag '
        'enum"); a `list[Color]` or `Optional[Color]` fails the same way, and so does a trace taking or '
        "returning one. The type check reads only the first member's value (a later member of another type "
        "fails only when it is the value sent, which this rule does not follow). As a field of a dataclass or "
        "pydantic model, or an item of a tuple, the enum works: those encoders write its value."
        " Severity: error: every run of the task fails, locally and in a cluster alike."
    )
    fix = (
        'Give the members string values (`RED = "red"`), or derive the class from `str` (`class Color(str, '
        "Enum)`), `StrEnum` or `IntEnum`; pass a Flag's combined value as an int."
    )
    runtime = RuntimeSpec(
        entry="main",
        bad=Outcome(
            ok=False,
            error_contains=("Only string-valued enums and IntEnum are supported",),
        ),
        good=Outcome(ok=True, output="RED"),
    )

    INVALID = [
        Case(
            """
            from enum import Enum

            import flyte

            env = flyte.TaskEnvironment("demo")

            class Color(Enum):  # expect: FLY812
                RED = 1
                GREEN = 2

            @env.task
            def paint(color: Color) -> str:
                return color.name

            @env.task
            def main() -> str:
                return paint(Color.RED)
            """,
            message="Enum `Color`'s first member `RED = 1` has an int value, and the class derives from neither "
            "`str`, `StrEnum` nor `IntEnum`: the engine refuses it wherever it crosses a task boundary, so task "
            "'demo.paint' (`color: Color`) fails on every call and when deployed (\"Only string-valued enums and "
            'IntEnum are supported, got Color with int values"). Give the members string values, or derive '
            "the class from `str` or `IntEnum`",
        ),
        Case(
            """
            import enum
            from enum import Flag, IntFlag, auto
            from typing import Optional

            import flyte

            env = flyte.TaskEnvironment("demo")

            class Auto(enum.Enum):  # expect: FLY812
                A = auto()
                B = auto()

            class Perm(Flag):  # expect: FLY812
                READ = auto()
                WRITE = auto()

            class Bits(IntFlag):  # expect: FLY812
                ONE = 1

            class Ratio(enum.Enum):  # expect: FLY812
                HALF = 0.5

            class Mixed(int, enum.Enum):  # expect: FLY812
                ONE = 1

            class Pair(enum.Enum):  # expect: FLY812
                A = (1, 2)

            @env.task
            def many(a: list[Auto], p: Optional[Perm] = None) -> dict[str, Bits]:
                return {}

            @env.task
            def more(r: Ratio | None, m: Mixed) -> list[Optional[Pair]]:
                return []
            """,
            name="auto-flags-floats-int-mixin-in-containers",
        ),
        Case(
            """
            # file: pkg/kinds.py
            from enum import Enum

            class Level(Enum):
                LOW = 1
                HIGH = 2
            # file: pkg/flow.py
            import flyte as fl
            from pkg.kinds import Level

            env = fl.TaskEnvironment("demo")

            @fl.trace
            async def describe(level: Level) -> str:  # expect: FLY812
                return level.name

            @env.task
            async def score(x: int) -> int:
                return x

            @env.task
            async def main(xs: list[int]) -> list[str]:
                return [await describe(Level.LOW) for _ in fl.map(score, xs)]
            """,
            name="enum-in-another-module-through-a-trace",
        ),
        Case(
            """
            # file: pkg/kinds.py
            from enum import Enum

            class Level(Enum):
                LOW = 1
            # file: pkg/flow.py
            import flyte
            from pkg.kinds import Level

            env = flyte.TaskEnvironment("demo")

            @env.task
            def rank(level: Level) -> int:  # expect: FLY812
                return 1

            @env.task
            def main() -> list[int]:
                return list(flyte.map(rank, [Level.LOW]))
            """,
            name="mapped-task-element",
        ),
    ]
    VALID = [
        Case(
            """
            from enum import Enum

            import flyte

            env = flyte.TaskEnvironment("demo")

            class Color(Enum):
                RED = "red"
                GREEN = "green"

            @env.task
            def paint(color: Color) -> str:
                return color.name

            @env.task
            def main() -> str:
                return paint(Color.RED)
            """,
        ),
        *VALID_MORE,
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        reported: set[int] = set()
        for position in positions(analysis):
            for found in engine_types(position.type):
                cls = found.cls
                if found.kind is not TypeKind.ENUM or cls is None:
                    continue
                # At the class when the boundary's module defines it; else at the annotation, in the boundary's
                # module (the class's may be one flyte-lint does not check: it does not mention flyte).
                home = analysis.resolver.module_of(cls)
                at = cls if home is position.boundary.module else found.node
                if at is None or id(at) in reported:
                    continue
                problem = _problem(analysis, cls)
                if problem is None:
                    continue
                reported.add(id(at))
                where = "" if at is cls else f"{home.name}."
                yield self.finding(
                    position.boundary.module,
                    at,
                    _message(cls, where, problem, position),
                )


def _message(cls: nodes.ClassDef, where: str, problem: tuple[str, str | None], position: Position) -> str:
    what, value_kind = problem
    boundary = position.boundary
    deployed = " and when deployed" if boundary.task is not None else ""
    message = (
        f"Enum `{where}{cls.name}`{what}: the engine refuses it wherever it crosses a task boundary, so "
        f"{boundary.label} ({position.where}) fails on every call{deployed}"
    )
    if value_kind is None:
        return message + f' ("{cls.name} is a Flag enum"). Pass the combined value as an int, or use an IntEnum'
    return message + (
        f' ("Only string-valued enums and IntEnum are supported, got {cls.name} with {value_kind} values"). Give '
        "the members string values, or derive the class from `str` or `IntEnum`"
    )


def _problem(analysis: Analysis, cls: nodes.ClassDef) -> tuple[str, str | None] | None:
    """Why the engine refuses the enum (what is wrong, and the type of the first value; None for a Flag), or None
    when it takes it (or we cannot tell)."""
    bases = _base_paths(analysis, cls, 0)
    if bases is None:
        return None
    if any(path in _FLAGS for path in bases):
        return " is a Flag", None
    if any(path in _FINE for path in bases) or any(_defines(analysis, cls, hook, 0) for hook in _VALUE_HOOKS):
        return None
    if any(not path.startswith("enum.") and path != "builtins.int" for path in bases):
        return None  # a mixin of a library, or of a builtin other than int: its values are not known
    member = _first_member(cls)
    if member is None:
        return None
    name, value = member
    kind = _value_type(analysis, value)
    if kind is None:
        return None
    if "builtins.int" in bases and kind != "int":
        return None  # (an int mixin makes every value an int; only an int value shows it as written)
    article = "an" if kind[0] in "aeiou" else "a"
    what = (
        f"'s first member `{name} = {value.as_string()}` has {article} {kind} value, and the class derives from "
        "neither `str`, `StrEnum` nor `IntEnum`"
    )
    return what, kind


def _base_paths(analysis: Analysis, cls: nodes.ClassDef, depth: int) -> set[str] | None:
    """The library bases of the class and of its project bases; None when one is not known."""
    paths: set[str] = set()
    for base in cls.bases:
        value = analysis.resolver.value_of(base)
        if isinstance(value, External):
            paths.add(value.path)
        elif isinstance(value, ClassRef) and value.cls is not cls and depth < _MAX_DEPTH:
            inherited = _base_paths(analysis, value.cls, depth + 1)
            if inherited is None:
                return None
            paths |= inherited
        else:
            return None
    return paths


def _defines(analysis: Analysis, cls: nodes.ClassDef, name: str, depth: int) -> bool:
    if name in cls.locals:
        return True
    for base in cls.bases:
        value = analysis.resolver.value_of(base)
        inherited = isinstance(value, ClassRef) and value.cls is not cls and depth < _MAX_DEPTH
        if inherited and _defines(analysis, value.cls, name, depth + 1):
            return True
    return False


def _first_member(cls: nodes.ClassDef) -> tuple[str, nodes.NodeNG] | None:
    """The first member's name and value expression (a plain ``NAME = value`` in the class body)."""
    for statement in cls.body:
        if isinstance(statement, nodes.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, nodes.AnnAssign) and statement.value is not None:
            target, value = statement.target, statement.value
        else:
            continue
        if not isinstance(target, nodes.AssignName):
            return None
        name = target.name
        if name.startswith("_") and name.endswith("_") or isinstance(value, nodes.Lambda):
            continue  # (_ignore_, _order_...; a function is no member)
        return name, value
    return None


def _value_type(analysis: Analysis, value: nodes.NodeNG) -> str | None:
    """The type of a member's value as the SDK's message names it (not a string), or None for a string or an
    expression we cannot read."""
    if isinstance(value, nodes.Const):
        if isinstance(value.value, str) or value.value is Ellipsis:
            return None
        return type(value.value).__name__
    if isinstance(value, nodes.Tuple):
        return "tuple"
    if isinstance(value, nodes.Call) and not value.args and not value.keywords:
        made = analysis.resolver.value_of(value.func)
        if isinstance(made, External) and made.path == "enum.auto":
            return "int"
    return None
