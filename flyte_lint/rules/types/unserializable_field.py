"""FLY811 unserializable-field: a field the engine cannot encode, in a dataclass (or a pydantic model allowing
arbitrary types) that a task or trace signature holds."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.annotations import TypeKind, TypeNode
from flyte_lint.model.class_fields import ClassField, class_fields
from flyte_lint.model.values import ClassRef, External
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, Severity, register
from flyte_lint.rules.types._class_types import Position, engine_types, positions
from flyte_lint.rules.types._field_cases import INVALID_MORE, VALID_MORE

# Library classes neither mashumaro nor pydantic can encode as a field (flyte.io's File/Dir/DataFrame can).
LIBRARY_CLASSES = {
    "numpy.ndarray": "a numpy array",
    "pandas.DataFrame": "a pandas DataFrame",
    "pandas.core.frame.DataFrame": "a pandas DataFrame",
    "pyarrow.Table": "a pyarrow Table",
    "torch.Tensor": "a torch Tensor",
}
_MAX_DEPTH = 8


@register
class UnserializableField(Rule):
    code = "FLY811"
    symbol = "unserializable-field"
    severity = Severity.ERROR
    pylint_number = 74  # its pylint message id is E6774; never change it once released
    scope = Scope.IMPORTERS  # (whether a def is a task: `env.task(fn)` in an importer makes one)
    summary = (
        "Reports a field typed with a plain class of the project (or a numpy array, pandas DataFrame, pyarrow "
        "Table or torch Tensor), directly or in a list/dict/Optional, in a dataclass that a task or trace "
        "signature holds (nested dataclasses and `list[...]`/`dict[str, ...]`/`Optional[...]` positions "
        "included), and such a field of a pydantic model with `arbitrary_types_allowed=True`. It reports at the "
        "field when the task's module declares it, else at the annotation."
    )
    rationale = (
        "The engine encodes a dataclass with mashumaro's MessagePackEncoder, built for the class on the first "
        "call: a field of a type it has no encoder for (a plain class, an ndarray, a DataFrame) raises "
        '"Field "p" of type Plain in Holder is not serializable" on every call, whatever the value (None '
        "too), while a deploy only logs the failed schema and succeeds. A pydantic model with "
        "`arbitrary_types_allowed=True` validates such a field, but the engine needs its JSON schema, which "
        'pydantic cannot make ("Cannot generate a JsonSchema for core_schema.IsInstanceSchema"): the deploy '
        "and every call fail (with only encodable fields, a File say, the setting is harmless). The same class "
        "as a parameter of its own is pickled and works, and so do `Any` fields, flyte.io File/Dir/DataFrame "
        "fields and nested dataclasses of encodable fields."
        " Severity: error: every call of the task (or trace) fails, locally and in a cluster alike."
    )
    fix = (
        "Make the field's class a dataclass (or pydantic model) of encodable fields, keep only what it needs "
        "(a list, a path, a flyte.io.File), or pass the object as a parameter of its own (it is then pickled)."
    )
    runtime = RuntimeSpec(
        entry="main",
        bad=Outcome(ok=False, error_contains=("is not serializable",)),
        good=Outcome(ok=True, output=3),
    )

    INVALID = [
        Case(
            """
            from dataclasses import dataclass

            import flyte

            env = flyte.TaskEnvironment("demo")

            class Point:
                def __init__(self, x: int, y: int):
                    self.x, self.y = x, y

            @dataclass
            class Shape:
                name: str
                origin: Point  # expect: FLY811

            @env.task
            def area(shape: Shape) -> int:
                return shape.origin.x + shape.origin.y

            @env.task
            def main() -> int:
                return area(Shape("box", Point(1, 2)))
            """,
            message="Field `origin: Point` of dataclass `Shape` holds `Point`, a plain class, which the engine's "
            "dataclass encoder (mashumaro) cannot encode: task 'demo.area' (`shape: Shape`) deploys, but every "
            'call fails ("Field "origin" of type Point in Shape is not serializable"). Make `Point` a dataclass, '
            "keep encodable values in the field, or pass the object as a parameter of its own (it is then pickled)",
        ),
        *INVALID_MORE,
    ]
    VALID = [
        Case(
            """
            from dataclasses import dataclass

            import flyte

            env = flyte.TaskEnvironment("demo")

            @dataclass
            class Point:
                x: int
                y: int

            @dataclass
            class Shape:
                name: str
                origin: Point

            @env.task
            def area(shape: Shape) -> int:
                return shape.origin.x + shape.origin.y

            @env.task
            def main() -> int:
                return area(Shape("box", Point(1, 2)))
            """,
        ),
        *VALID_MORE,
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        reported: set[int] = set()
        for position in positions(analysis):
            for found in engine_types(position.type):
                if found.kind not in (TypeKind.DATACLASS, TypeKind.PYDANTIC) or found.cls is None:
                    continue
                for owner, field, what, kind in _bad_fields(analysis, found.cls, found.kind, set(), 0):
                    # At the field when the boundary's module declares it; else at the annotation, in the
                    # boundary's module (the class's may be one flyte-lint does not check: no flyte in it).
                    at = field.node if field.node.root() is position.boundary.func.root() else found.node
                    if at is None or id(at) in reported:
                        continue
                    reported.add(id(at))
                    message = _message(owner, field, what, kind, position)
                    yield self.finding(position.boundary.module, at, message)


def _bad_fields(
    analysis: Analysis, cls: nodes.ClassDef, kind: TypeKind, seen: set[int], depth: int
) -> Iterator[tuple[nodes.ClassDef, ClassField, tuple[str, str], TypeKind]]:
    """(owner class, field, what its type is) for each field of ``cls`` (and of the dataclasses or models its fields
    hold) that the engine cannot encode."""
    if id(cls) in seen or depth > _MAX_DEPTH:
        return
    seen.add(id(cls))
    fields = class_fields(analysis, cls)
    if fields is None or (kind is TypeKind.DATACLASS and _customised(analysis, cls, fields)):
        return
    if kind is TypeKind.PYDANTIC and not _allows_arbitrary_types(analysis, cls, 0):
        return  # (without it, pydantic refuses the class when the module is imported: its own error)
    for field in fields:
        for part in _field_parts(field.type, 0):
            what = _unencodable(analysis, part)
            if what is not None:
                yield field.node.parent, field, what, kind
                break
            if part.kind is kind and part.cls is not None:
                yield from _bad_fields(analysis, part.cls, kind, seen, depth + 1)


def _field_parts(node: TypeNode, depth: int) -> Iterator[TypeNode]:
    """The type and the types it holds (members, elements, keys and values, items)."""
    yield node
    if depth < _MAX_DEPTH and node.kind in (TypeKind.UNION, TypeKind.LIST, TypeKind.DICT, TypeKind.SET, TypeKind.TUPLE):
        for arg in node.args:
            yield from _field_parts(arg, depth + 1)


def _unencodable(analysis: Analysis, node: TypeNode) -> tuple[str, str] | None:
    """What the type is and its class's name, when no encoder knows it."""
    if node.kind is not TypeKind.CLASS:
        return None
    if node.cls is None:
        what = LIBRARY_CLASSES.get(node.path or "")
        return (what, (node.path or "").rsplit(".", 1)[-1]) if what else None
    return ("a plain class", node.cls.name) if _plain(analysis, node.cls, 0) else None


def _plain(analysis: Analysis, cls: nodes.ClassDef, depth: int) -> bool:
    """A project class of no library base, no decorator and no serialization hooks: nothing mashumaro or pydantic
    knows how to encode."""
    if cls.decorators is not None or depth > _MAX_DEPTH:
        return False
    if any(name in cls.locals for name in ("_serialize", "__get_pydantic_core_schema__", "__get_validators__")):
        return False
    for base in cls.bases:
        value = analysis.resolver.value_of(base)
        if isinstance(value, External) and value.path == "builtins.object":
            continue
        if not (isinstance(value, ClassRef) and value.cls is not cls and _plain(analysis, value.cls, depth + 1)):
            return False
    return True


def _customised(analysis: Analysis, cls: nodes.ClassDef, fields: tuple[ClassField, ...]) -> bool:
    """The dataclass tells mashumaro how to encode some field (a ``Config`` class, or a field's metadata)."""
    if "Config" in cls.locals:
        return True
    for field in fields:
        value = field.node.value
        if isinstance(value, nodes.Call) and any(k.arg == "metadata" for k in value.keywords or []):
            return True
    return False


def _allows_arbitrary_types(analysis: Analysis, cls: nodes.ClassDef, depth: int) -> bool:
    """The pydantic model (or a project base) sets ``arbitrary_types_allowed=True``: in ``model_config``, a
    ``Config`` class or the class keywords."""
    if depth > _MAX_DEPTH:
        return False
    if any(k.arg == "arbitrary_types_allowed" and _is_true(k.value) for k in cls.keywords or []):
        return True
    for statement in cls.body:
        config = (
            statement.name == "Config" if isinstance(statement, nodes.ClassDef) else _assigns_model_config(statement)
        )
        if config and any(
            _sets_arbitrary(part) for part in statement.nodes_of_class((nodes.Keyword, nodes.Dict, nodes.Assign))
        ):
            return True
    for base in cls.bases:
        value = analysis.resolver.value_of(base)
        if (
            isinstance(value, ClassRef)
            and value.cls is not cls
            and _allows_arbitrary_types(analysis, value.cls, depth + 1)
        ):
            return True
    return False


def _assigns_model_config(statement: nodes.NodeNG) -> bool:
    targets = statement.targets if isinstance(statement, nodes.Assign) else []
    if isinstance(statement, nodes.AnnAssign):
        targets = [statement.target]
    return any(isinstance(t, nodes.AssignName) and t.name == "model_config" for t in targets)


def _sets_arbitrary(node: nodes.NodeNG) -> bool:
    if isinstance(node, nodes.Keyword):
        return node.arg == "arbitrary_types_allowed" and _is_true(node.value)
    if isinstance(node, nodes.Dict):
        return any(
            isinstance(key, nodes.Const) and key.value == "arbitrary_types_allowed" and _is_true(value)
            for key, value in node.items
        )
    return any(
        isinstance(t, nodes.AssignName) and t.name == "arbitrary_types_allowed" for t in node.targets
    ) and _is_true(node.value)


def _is_true(node: nodes.NodeNG) -> bool:
    return isinstance(node, nodes.Const) and node.value is True


def _message(
    owner: nodes.ClassDef, field: ClassField, unencodable: tuple[str, str], kind: TypeKind, position: Position
) -> str:
    (what, name), written = unencodable, f"`{field.name}: {field.type.label()}`"
    boundary = position.boundary
    deployed = " and when deployed" if boundary.task is not None else ""
    deploys = " deploys, but" if boundary.task is not None else ":"
    if kind is TypeKind.PYDANTIC:
        return (
            f"Field {written} of pydantic model `{owner.name}` (arbitrary_types_allowed=True) holds `{name}`, "
            f"{what}, for which pydantic cannot make the JSON schema the engine needs: {boundary.label} "
            f"({position.where}) fails on every call{deployed} "
            '("Cannot generate a JsonSchema for core_schema.IsInstanceSchema"). Give the field an encodable type '
            "(a pydantic model, a list, a flyte.io.File), or pass the object as a parameter of its own (it is then "
            "pickled)"
        )
    fix = f"Make `{name}` a dataclass, keep" if what == "a plain class" else "Keep"
    return (
        f"Field {written} of dataclass `{owner.name}` holds `{name}`, {what}, which the engine's dataclass encoder "
        f"(mashumaro) cannot encode: {boundary.label} ({position.where}){deploys} every call fails "
        f'("Field "{field.name}" of type {name} in {owner.name} is not serializable"). {fix} encodable values in '
        "the field, or pass the object as a parameter of its own (it is then pickled)"
    )
