"""What the class-level types rules (FLY811, FLY812, FLY817) share: the types a boundary's signature holds, and
the project classes reachable from it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.annotations import TypeKind, TypeNode, signature_types
from flyte_lint.rules.types._common import Boundary, boundaries

# The kinds whose arguments the engine converts with the engine again (a Union's members, a list's element, a
# dict's value). Tuples and NamedTuples are wrapped in a generated pydantic model, and sets are pickled.
ENGINE_CONTAINERS = (TypeKind.UNION, TypeKind.LIST, TypeKind.DICT)


@dataclass(frozen=True, eq=False)
class Position:
    """Where a type occurs in a boundary's signature: a parameter's annotation or the return annotation."""

    boundary: Boundary
    name: str | None  # the parameter's name; None for the return annotation
    type: TypeNode

    @property
    def where(self) -> str:
        return f"`{self.name}: {self.type.label()}`" if self.name else f"its return annotation `{self.type.label()}`"


def positions(analysis: Analysis, traces: bool = True) -> Iterator[Position]:
    """Every annotated position of every boundary (tasks, and traces when ``traces``)."""
    for boundary in boundaries(analysis, traces=traces):
        signature = signature_types(analysis, boundary.func)
        for param in signature.params:
            yield Position(boundary, param.name, param.type)
        yield Position(boundary, None, signature.returns)


def engine_types(node: TypeNode, depth: int = 0) -> Iterator[TypeNode]:
    """``node`` and what the engine converts as a type of its own inside it: Union members, list elements and
    dict values, at any depth (not dataclass or pydantic fields, not tuple items: those their own encoders
    read)."""
    yield node
    if depth > 12 or node.kind not in ENGINE_CONTAINERS:
        return
    args = node.args[1:] if node.kind is TypeKind.DICT else node.args
    for arg in args:
        yield from engine_types(arg, depth + 1)
