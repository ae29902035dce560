"""The fields of a project dataclass or pydantic model, as the engine's encoders (mashumaro, pydantic) see them:
each annotated class attribute (``ClassVar`` ones left out), its type as ``annotations.annotation_type`` reads it,
and whether a value must be given for it (no default, no ``default_factory``). Inherited fields of project base
classes come first, as ``dataclasses.fields`` orders them. ``None`` when a base is not a project class the model
sees (a library base may add fields)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from astroid import nodes

from flyte_lint.model.annotations import TypeKind, TypeNode, annotation_type
from flyte_lint.model.values import ClassRef, External

if TYPE_CHECKING:
    from flyte_lint.model.analysis import Analysis

_FIELD_MAKERS = ("dataclasses.field", "pydantic.Field", "pydantic.fields.Field")
_MODEL_BASES = ("pydantic.BaseModel", "pydantic.main.BaseModel")
_MAX_DEPTH = 12


@dataclass(frozen=True, eq=False)
class ClassField:
    name: str
    node: nodes.AnnAssign  # where it is declared (maybe in a base class)
    type: TypeNode
    required: bool  # no default: every value must be given


def class_fields(analysis: Analysis, cls: nodes.ClassDef) -> tuple[ClassField, ...] | None:
    """The fields of a project dataclass or pydantic model (memoised per class); None when not all are known."""
    return analysis.memo(("class_fields", id(cls)), lambda: _fields(analysis, cls, 0))


def _fields(analysis: Analysis, cls: nodes.ClassDef, depth: int) -> tuple[ClassField, ...] | None:
    if depth > _MAX_DEPTH:
        return None
    inherited: dict[str, ClassField] = {}
    for base in cls.bases:
        value = analysis.resolver.value_of(base)
        if isinstance(value, ClassRef) and value.cls is not cls:
            found = _fields(analysis, value.cls, depth + 1)
            if found is None:
                return None
            inherited.update((f.name, f) for f in found)
        elif not (isinstance(value, External) and (value.path in _MODEL_BASES or value.path == "builtins.object")):
            return None
    private = "_" if _is_pydantic(analysis, cls, depth) else "__"  # (pydantic: `_x` is a private attribute)
    for statement in cls.body:
        if not isinstance(statement, nodes.AnnAssign) or not isinstance(statement.target, nodes.AssignName):
            continue
        kind = annotation_type(analysis, statement.annotation)
        if _is_class_var(analysis, statement.annotation) or statement.target.name.startswith(private):
            continue
        inherited[statement.target.name] = ClassField(
            statement.target.name, statement, kind, _required(analysis, statement.value)
        )
    return tuple(inherited.values())


def _is_pydantic(analysis: Analysis, cls: nodes.ClassDef, depth: int) -> bool:
    for base in cls.bases:
        value = analysis.resolver.value_of(base)
        if isinstance(value, External) and value.path in _MODEL_BASES:
            return True
        inherited = isinstance(value, ClassRef) and value.cls is not cls and depth < _MAX_DEPTH
        if inherited and _is_pydantic(analysis, value.cls, depth + 1):
            return True
    return False


def _is_class_var(analysis: Analysis, annotation: nodes.NodeNG) -> bool:
    if isinstance(annotation, nodes.Const) and isinstance(annotation.value, str):
        return annotation.value.startswith(("ClassVar", "typing.ClassVar"))
    target = annotation.value if isinstance(annotation, nodes.Subscript) else annotation
    value = analysis.resolver.value_of(target)
    return isinstance(value, External) and value.path in ("typing.ClassVar", "typing_extensions.ClassVar")


def _required(analysis: Analysis, value: nodes.NodeNG | None) -> bool:
    if value is None:
        return True
    if isinstance(value, nodes.Call):
        made = analysis.resolver.value_of(value.func)
        if isinstance(made, External) and made.path in _FIELD_MAKERS:
            keywords = {k.arg for k in value.keywords or []}
            if keywords & {"default", "default_factory"}:
                return False
            first = value.args[0] if value.args else None
            if made.path == "dataclasses.field" or first is None:
                return True
            return isinstance(first, nodes.Const) and first.value is Ellipsis  # Field(...) is required
    return False


def is_model(node: TypeNode) -> bool:
    """A project dataclass or pydantic model (the kinds whose fields the engine encodes)."""
    return node.kind in (TypeKind.DATACLASS, TypeKind.PYDANTIC) and node.cls is not None
