"""FLY817 ambiguous-union: a Union of dataclasses (or of pydantic models) in a task signature where one member's
required fields are all fields of another member: a value of the other decodes as both."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.annotations import TypeKind, TypeNode
from flyte_lint.model.class_fields import ClassField, class_fields, is_model
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, Severity, register
from flyte_lint.rules.types._class_types import Position, engine_types, positions


@register
class AmbiguousUnion(Rule):
    code = "FLY817"
    symbol = "ambiguous-union"
    severity = Severity.ERROR
    pylint_number = 80  # its pylint message id is E6780; never change it once released
    scope = Scope.IMPORTERS  # (whether a def is a task: `env.task(fn)` in an importer makes one)
    summary = (
        "Reports a Union in a task signature (directly, or in a `list[...]`, `dict[str, ...]` or `Optional[...]`) "
        "of two dataclasses, or two pydantic models, where every required field of one is a field of the other "
        "with the same type."
    )
    rationale = (
        "The engine sends a Union value tagged with its transformer's name, which is the same for every dataclass "
        "(and for every pydantic model), then decodes it on the receiving side with each member of that kind in "
        "turn. When every required field of `Point` is also a field of `Point3D`, a `Point3D` value decodes as "
        'both (extra fields are ignored), and the receiver fails: "Ambiguous choice of variant for union type". '
        "The sender succeeds, so a task's input fails in the child and an output fails in the caller; classes "
        "with the same fields fail both ways. A dataclass and a pydantic model, classes each of which has "
        "a required field the other lacks, `int | str` and `Union[Model, dict]` work. A trace's inputs and "
        "outputs reach the function and its caller unchanged, so traces are left alone; so are unions in a "
        "dataclass field, which do not fail (its decoder takes the first member that fits: a `Point3D` comes back "
        "as a `Point`, silently)."
        " Severity: error: every call passing the wider member fails, locally and in a cluster alike."
    )
    fix = (
        "Make the members distinguishable: give each a required field the other lacks, or take the classes in "
        "separate parameters (or tasks)."
    )
    runtime = RuntimeSpec(
        entry="main",
        bad=Outcome(ok=False, error_contains=("Ambiguous choice of variant for union type",)),
        good=Outcome(ok=True, output=3.0),
    )

    INVALID = [
        Case(
            """
            from dataclasses import dataclass
            from typing import Union

            import flyte

            env = flyte.TaskEnvironment("demo")

            @dataclass
            class Point:
                x: float
                y: float

            @dataclass
            class Point3D:
                x: float
                y: float
                z: float

            @env.task
            def norm(p: Union[Point, Point3D]) -> float:  # expect: FLY817
                return p.x + p.y

            @env.task
            def main() -> float:
                return norm(Point3D(1.0, 2.0, 3.0))
            """,
            message="task 'demo.norm' (`p: Union[Point, Point3D]`): every required field of `Point` (x, y) is also "
            "a field of `Point3D` of the same type, so the engine decodes a `Point3D` value as both and the "
            'receiving side fails ("Ambiguous choice of variant for union type"). Give each class a required '
            "field the other lacks, or take them in separate parameters",
        ),
        Case(
            """
            from dataclasses import dataclass, field
            from typing import Optional

            from pydantic import BaseModel, Field

            import flyte as fl

            env = fl.TaskEnvironment("demo")

            @dataclass
            class Base:
                x: int

            @dataclass
            class Tagged(Base):
                tag: str = "t"

            @dataclass
            class Same:
                x: int
                note: str = field(default="")

            class Small(BaseModel):
                name: str

            class Large(BaseModel):
                name: str
                size: int = Field(default=1)

            @env.task
            async def defaults(v: Base | Tagged) -> int:  # expect: FLY817
                return 1

            @env.task
            async def optional(v: Optional[Base | Same] = None) -> int:  # expect: FLY817
                return 1

            @env.task
            async def listed(vs: list[Small | Large]) -> int:  # expect: FLY817
                return 1

            @env.task
            async def returned(k: int) -> dict[str, Small | Large]:  # expect: FLY817
                return {}
            """,
            name="inherited-defaulted-pydantic-containers-returns",
        ),
        Case(
            """
            # file: pkg/shapes.py
            from dataclasses import dataclass

            @dataclass
            class Point:
                x: float

            @dataclass
            class Point3D:
                x: float
                z: float
            # file: pkg/flow.py
            from typing import Union

            import flyte
            from flyte import TaskEnvironment as Env
            from pkg.shapes import Point, Point3D

            env = Env("demo")

            @env.task
            def norm(p: Union[Point, Point3D]) -> float:  # expect: FLY817
                return p.x

            @env.task
            def main(ps: list[Point3D]) -> list[float]:
                return list(flyte.map(norm, ps))
            """,
            name="classes-from-another-module-and-map",
        ),
    ]
    VALID = [
        Case(
            """
            from dataclasses import dataclass
            from typing import Union

            import flyte

            env = flyte.TaskEnvironment("demo")

            @dataclass
            class Point:
                x: float
                y: float

            @dataclass
            class Circle:
                r: float

            @env.task
            def norm(p: Union[Point, Circle]) -> float:
                return p.x + p.y if isinstance(p, Point) else p.r

            @env.task
            def main() -> float:
                return norm(Point(1.0, 2.0))
            """,
        ),
        Case(
            """
            from dataclasses import dataclass
            from typing import Any, Optional, Union

            from pydantic import BaseModel

            import flyte
            from mylib import Row

            env = flyte.TaskEnvironment("demo")

            @dataclass
            class A:
                x: int

            @dataclass
            class Other:
                y: str
                z: int

            @dataclass
            class WithRow:
                x: int
                r: Row

            class Model(BaseModel):
                x: int

            class Strict(BaseModel):
                model_config = {"extra": "forbid"}
                x: int

            class Wide(BaseModel):
                x: int
                y: int

            @dataclass
            class Holder:
                v: Union[A, WithRow]

            @env.task
            def mixed(
                v: Union[A, Model], w: Union[Model, dict], n: int | str, s: Optional[Union[str, list[str]]]
            ) -> int:
                return 1

            @env.task
            def typed(v: Union[A, Other], h: Holder, strict: Union[Strict, Wide], u: Union[A, Row]) -> int:
                return 1

            @flyte.trace
            async def traced(v: Union[A, WithRow]) -> Union[A, WithRow]:
                return v

            def plain(v: Union[A, WithRow]) -> int:
                return 1
            """,
            name="disjoint-mixed-kinds-field-unions-traces-and-unknowns",
        ),
        Case(
            """
            from dataclasses import dataclass

            @dataclass
            class A:
                x: int

            @dataclass
            class B:
                x: int
                y: int

            class Env:
                def task(self, fn):
                    return fn

            env = Env()

            @env.task
            def helper(v: A | B) -> int:
                return 1
            """,
            name="another-library-task-decorator",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for position in positions(analysis, traces=False):
            for found in engine_types(position.type):
                if found.kind is not TypeKind.UNION or found.node is None:
                    continue
                pair = next(_ambiguous_pairs(analysis, found), None)
                if pair is not None:
                    yield self.finding(position.boundary.module, found.node, _message(position, *pair))


def _ambiguous_pairs(
    analysis: Analysis, union: TypeNode
) -> Iterator[tuple[nodes.ClassDef, tuple[ClassField, ...], nodes.ClassDef]]:
    """(narrow, its required fields, wide): a ``wide`` value decodes as ``narrow`` too."""
    members = [m for m in union.without_none if is_model(m)]
    for narrow in members:
        for wide in members:
            if narrow.cls is wide.cls or narrow.kind is not wide.kind:
                continue
            required = _required_fields(analysis, narrow)
            wide_fields = _fields_by_name(analysis, wide)
            if required is None or wide_fields is None or _forbids_extra(analysis, narrow):
                continue
            if all(f.name in wide_fields and _same_type(f.type, wide_fields[f.name].type) for f in required):
                yield narrow.cls, required, wide.cls


def _required_fields(analysis: Analysis, member: TypeNode) -> tuple[ClassField, ...] | None:
    fields = class_fields(analysis, member.cls)
    return None if fields is None else tuple(f for f in fields if f.required)


def _fields_by_name(analysis: Analysis, member: TypeNode) -> dict[str, ClassField] | None:
    fields = class_fields(analysis, member.cls)
    return None if fields is None else {f.name: f for f in fields}


def _forbids_extra(analysis: Analysis, member: TypeNode) -> bool:
    """A pydantic model whose config may refuse extra fields (``extra="forbid"``): it does not decode a wider
    model's value."""
    if member.kind is not TypeKind.PYDANTIC:
        return False
    return any("extra" in statement.as_string() for statement in member.cls.body if _is_config(statement))


def _is_config(statement: nodes.NodeNG) -> bool:
    if isinstance(statement, nodes.ClassDef):
        return statement.name == "Config"
    targets = statement.targets if isinstance(statement, nodes.Assign) else []
    if isinstance(statement, nodes.AnnAssign):
        targets = [statement.target]
    return any(isinstance(t, nodes.AssignName) and t.name == "model_config" for t in targets)


def _same_type(a: TypeNode, b: TypeNode, depth: int = 0) -> bool:
    """The two annotations denote the same known type."""
    if depth > 8 or not a.known or not b.known or a.kind is not b.kind:
        return False
    if a.kind in (TypeKind.UNKNOWN, TypeKind.LITERAL) or a.path != b.path or a.cls is not b.cls:
        return False
    return len(a.args) == len(b.args) and all(_same_type(x, y, depth + 1) for x, y in zip(a.args, b.args, strict=True))


def _message(position: Position, narrow: nodes.ClassDef, required: tuple[ClassField, ...], wide: nodes.ClassDef) -> str:
    names = ", ".join(f.name for f in required) or "none"
    return (
        f"{position.boundary.label} ({position.where}): every required field of `{narrow.name}` ({names}) is also a "
        f"field of `{wide.name}` of the same type, so the engine decodes a `{wide.name}` value as both and the "
        'receiving side fails ("Ambiguous choice of variant for union type"). Give each class a required field '
        "the other lacks, or take them in separate parameters"
    )
