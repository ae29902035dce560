"""A task's (or trace's) signature as types: each annotation parsed into a small type tree, the way Flyte's type
engine will read it (flyte/_interface.py, flyte/types/).

``annotation_type(analysis, node)`` reads one annotation expression; ``signature_types(analysis, func)`` reads a
whole def: its parameters (name, kind, type, default) and its return type. Names resolve through the model
(``resolver.value_of``; a type alias bound once through ``definition``); string annotations (and so
``from __future__ import annotations`` written as strings) are parsed in the def's scope. What cannot be pinned
down is ``TypeKind.UNKNOWN``: a rule stays quiet on it.

The tree is deliberately small. A node has a kind, its arguments (Union members, list/set element, dict key and
value, tuple items, NamedTuple fields), and where it matters a dotted path (``builtins.int``, ``flyte.io.File``) or
the project class. ``Optional[T]`` is a Union holding ``NONE``; ``X | Y`` is a Union; ``Annotated[T, ...]`` is T.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

import astroid
from astroid import nodes

from flyte_lint.model.kinds import ParamKind
from flyte_lint.model.values import ClassRef, External

if TYPE_CHECKING:
    from flyte_lint.model.analysis import Analysis


class TypeKind(str, Enum):
    MISSING = "missing"  # no annotation at all (the engine pickles the value)
    NONE = "none"  # None / type(None)
    ANY = "any"  # typing.Any
    OBJECT = "object"  # builtins.object
    UNION = "union"  # Union / Optional / X | Y: ``args`` are the members (NONE among them for Optional)
    LIST = "list"  # list / List / list[T]: ``args`` = (T,) or () when bare
    DICT = "dict"  # dict / Dict / dict[K, V]: ``args`` = (K, V) or () when bare
    SET = "set"  # set / frozenset / Set[T]
    TUPLE = "tuple"  # tuple / Tuple[...]: ``args`` the items, ``variadic`` for tuple[T, ...], ``bare`` when bare
    LITERAL = "literal"  # typing.Literal[...]
    SCALAR = "scalar"  # int, float, str, bool, bytes, complex (``path`` builtins.int ...)
    DATACLASS = "dataclass"  # a project @dataclass (``cls``)
    PYDANTIC = "pydantic"  # a project pydantic BaseModel subclass (``cls``)
    ENUM = "enum"  # a project Enum subclass (``cls``)
    NAMEDTUPLE = "namedtuple"  # a typing.NamedTuple class (``args``: field types, when known) or namedtuple()
    CLASS = "class"  # another class: a project class (``cls``) or a library class (``path``: flyte.io.File ...)
    UNKNOWN = "unknown"  # not pinned down (an unresolved name, a TypeVar, an alias we cannot follow...)


_SCALARS = frozenset({"builtins.int", "builtins.float", "builtins.str", "builtins.bool", "builtins.bytes"})
_SCALARS |= {"builtins.complex", "datetime.datetime", "datetime.date", "datetime.timedelta"}
_TYPING = ("typing.", "typing_extensions.")
# Generic aliases by their typing name (after "typing." / "typing_extensions." / "builtins.").
_CONTAINERS = {
    "list": TypeKind.LIST,
    "List": TypeKind.LIST,
    "dict": TypeKind.DICT,
    "Dict": TypeKind.DICT,
    "set": TypeKind.SET,
    "Set": TypeKind.SET,
    "frozenset": TypeKind.SET,
    "FrozenSet": TypeKind.SET,
    "tuple": TypeKind.TUPLE,
    "Tuple": TypeKind.TUPLE,
}
_MAX_DEPTH = 12


@dataclass(frozen=True, eq=False)
class TypeNode:
    kind: TypeKind
    node: nodes.NodeNG | None = None  # the annotation expression this was read from (None for a missing one)
    args: tuple[TypeNode, ...] = ()
    path: str | None = None  # a library class's dotted path (SCALAR, CLASS), or the typing name read
    cls: nodes.ClassDef | None = None  # a project class (DATACLASS, PYDANTIC, ENUM, NAMEDTUPLE, CLASS)
    bare: bool = False  # LIST/DICT/SET/TUPLE written without parameters (``list``, ``Tuple``)
    variadic: bool = False  # TUPLE written ``tuple[T, ...]``
    fields: tuple[str, ...] = ()  # NAMEDTUPLE: its field names, in order, when known

    # -- questions rules ask -------------------------------------------------------------------------
    @property
    def members(self) -> tuple[TypeNode, ...]:
        """A Union's members; any other type is its own only member."""
        return self.args if self.kind is TypeKind.UNION else (self,)

    @property
    def is_optional(self) -> bool:
        """None is a value of it: None itself, or a Union holding None (``Optional[T]``, ``T | None``)."""
        return any(member.kind is TypeKind.NONE for member in self.members)

    @property
    def without_none(self) -> tuple[TypeNode, ...]:
        """Its members other than None (``Optional[T]`` gives ``(T,)``)."""
        return tuple(member for member in self.members if member.kind is not TypeKind.NONE)

    @property
    def accepts_anything(self) -> bool:
        """The engine pickles it without a type check: Any, object or no annotation."""
        return self.kind in (TypeKind.ANY, TypeKind.OBJECT, TypeKind.MISSING)

    @property
    def known(self) -> bool:
        """Nothing in it is UNKNOWN (every member, element and field pinned down)."""
        return self.kind is not TypeKind.UNKNOWN and all(arg.known for arg in self.args)

    @property
    def is_tuple(self) -> bool:
        return self.kind is TypeKind.TUPLE

    def label(self) -> str:
        """How the annotation reads (its source rendering), for messages."""
        if self.node is None:
            return "<no annotation>"
        if isinstance(self.node, nodes.Const) and isinstance(self.node.value, str):
            return self.node.value
        return self.node.as_string()


MISSING_TYPE = TypeNode(TypeKind.MISSING)


def output_count(returns: TypeNode) -> int | None:
    """How many outputs the engine reads a return annotation as (flyte/_interface.py
    extract_return_annotation): 0 for none or None, the item count of ``tuple[A, B, ...]``, the field count of a
    NamedTuple, 1 for anything else (a bare ``tuple``, ``Optional[tuple[...]]`` and ``tuple[T, ...]`` included).
    None when it is not known (an unknown annotation, a NamedTuple whose fields are not known)."""
    kind = returns.kind
    if kind in (TypeKind.MISSING, TypeKind.NONE):
        return 0
    if kind is TypeKind.TUPLE and not returns.bare and not returns.variadic:
        return len(returns.args)
    if kind is TypeKind.NAMEDTUPLE:
        return len(returns.fields) or None
    if kind is TypeKind.UNKNOWN:
        return None
    return 1


@dataclass(frozen=True, eq=False)
class Parameter:
    name: str
    node: nodes.AssignName
    kind: ParamKind
    type: TypeNode
    default: nodes.NodeNG | None  # the default value's expression, None when it has none


@dataclass(frozen=True, eq=False)
class TypedSignature:
    func: nodes.FunctionDef
    params: tuple[Parameter, ...]
    returns: TypeNode
    var_positional: nodes.NodeNG | None  # where ``*args`` is (its Arguments node) or None
    var_keyword: nodes.NodeNG | None  # where ``**kwargs`` is or None

    def param(self, name: str) -> Parameter | None:
        return next((p for p in self.params if p.name == name), None)


def signature_types(analysis: Analysis, func: nodes.FunctionDef) -> TypedSignature:
    """The def's parameters and return annotation as types (memoised per def)."""
    return analysis.memo(("annotations.signature", id(func)), lambda: _signature(analysis, func))


def annotation_type(analysis: Analysis, node: nodes.NodeNG | None) -> TypeNode:
    """The type an annotation expression denotes (``MISSING_TYPE`` for None: no annotation)."""
    if node is None:
        return MISSING_TYPE
    return analysis.memo(("annotations.type", id(node)), lambda: _Reader(analysis).read(node, 0))


def string_annotation(analysis: Analysis, node: nodes.Const) -> nodes.NodeNG | None:
    """The expression a string annotation holds, parsed and placed where the string is (memoised); None when the
    string is no expression."""
    return _Reader(analysis)._parse_string(node)


def _signature(analysis: Analysis, func: nodes.FunctionDef) -> TypedSignature:
    args = func.args
    params: list[Parameter] = []
    positional = list(args.posonlyargs or []) + list(args.args or [])
    annotations = list(args.posonlyargs_annotations or []) + list(args.annotations or [])
    defaults = list(args.defaults or [])
    first_default = len(positional) - len(defaults)
    for index, (arg, annotation) in enumerate(zip(positional, annotations, strict=False)):
        kind = ParamKind.POSITIONAL_ONLY if index < len(args.posonlyargs or []) else ParamKind.POSITIONAL_OR_KEYWORD
        default = defaults[index - first_default] if index >= first_default else None
        params.append(Parameter(arg.name, arg, kind, annotation_type(analysis, annotation), default))
    kw_annotations = list(args.kwonlyargs_annotations or [])
    for arg, annotation, default in zip(args.kwonlyargs or [], kw_annotations, args.kw_defaults or [], strict=False):
        params.append(Parameter(arg.name, arg, ParamKind.KEYWORD_ONLY, annotation_type(analysis, annotation), default))
    return TypedSignature(
        func,
        tuple(params),
        annotation_type(analysis, func.returns),
        args if args.vararg else None,
        args if args.kwarg else None,
    )


class _Reader:
    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis

    def read(self, node: nodes.NodeNG, depth: int) -> TypeNode:
        if depth > _MAX_DEPTH:
            return TypeNode(TypeKind.UNKNOWN, node)
        if isinstance(node, nodes.Const):
            if node.value is None:
                return TypeNode(TypeKind.NONE, node)
            if isinstance(node.value, str):
                parsed = self._parse_string(node)
                found = self.read(parsed, depth + 1) if parsed is not None else None
                return _at(found, node) if found is not None else TypeNode(TypeKind.UNKNOWN, node)
            return TypeNode(TypeKind.UNKNOWN, node)
        if isinstance(node, nodes.BinOp) and node.op == "|":
            members = self._flatten([self.read(node.left, depth + 1), self.read(node.right, depth + 1)])
            return TypeNode(TypeKind.UNION, node, members)
        if isinstance(node, nodes.Subscript):
            return self._subscript(node, depth)
        if isinstance(node, (nodes.Name, nodes.Attribute)):
            return self._named(node, depth)
        return TypeNode(TypeKind.UNKNOWN, node)

    # -- names -------------------------------------------------------------------------------------
    def _named(self, node: nodes.Name | nodes.Attribute, depth: int) -> TypeNode:
        value = self.analysis.resolver.value_of(node)
        if isinstance(value, External):
            return self._external(node, value.path)
        if isinstance(value, ClassRef):
            return self._project_class(node, value.cls, depth)
        # A type alias bound once (``Alias = Optional[int]``), or a namedtuple()/NamedTuple() call.
        bound = self.analysis.definition(node)
        if bound is not None and bound is not node and not isinstance(bound, (nodes.Name, nodes.Attribute)):
            if isinstance(bound, nodes.Call):
                made = self.analysis.resolver.value_of(bound.func)
                if isinstance(made, External) and made.path in ("typing.NamedTuple", "collections.namedtuple"):
                    return TypeNode(TypeKind.NAMEDTUPLE, node)
                return TypeNode(TypeKind.UNKNOWN, node)
            if isinstance(bound, (nodes.Subscript, nodes.BinOp, nodes.Const)):
                return _at(self.read(bound, depth + 1), node)
        return TypeNode(TypeKind.UNKNOWN, node)

    def _external(self, node: nodes.NodeNG, path: str) -> TypeNode:
        name = _typing_name(path)
        if path in _SCALARS:
            return TypeNode(TypeKind.SCALAR, node, path=path)
        if path == "builtins.object":
            return TypeNode(TypeKind.OBJECT, node, path=path)
        if name == "Any" and path.startswith(_TYPING):
            return TypeNode(TypeKind.ANY, node, path=path)
        if path in ("types.NoneType", "builtins.NoneType"):
            return TypeNode(TypeKind.NONE, node, path=path)
        container = _CONTAINERS.get(name) if path.startswith((*_TYPING, "builtins.")) else None
        if container is not None:
            return TypeNode(container, node, path=path, bare=True)
        if path.startswith((*_TYPING, "collections.abc.", "builtins.")):
            return TypeNode(TypeKind.UNKNOWN, node, path=path)  # TypeVar, Sequence, Callable...: not pinned down
        return TypeNode(TypeKind.CLASS, node, path=path)

    def _project_class(self, node: nodes.NodeNG, cls: nodes.ClassDef, depth: int) -> TypeNode:
        kind = self._class_kind(cls, depth)
        fields: tuple[str, ...] = ()
        args: tuple[TypeNode, ...] = ()
        if kind is TypeKind.NAMEDTUPLE:
            own = [s for s in cls.body if isinstance(s, nodes.AnnAssign) and isinstance(s.target, nodes.AssignName)]
            fields = tuple(s.target.name for s in own)
            args = tuple(self.read(s.annotation, depth + 1) for s in own)
        return TypeNode(kind, node, args, cls=cls, fields=fields)

    def _class_kind(self, cls: nodes.ClassDef, depth: int) -> TypeKind:
        for decorator in cls.decorators.nodes if cls.decorators else []:
            target = decorator.func if isinstance(decorator, nodes.Call) else decorator
            made = self.analysis.resolver.value_of(target)
            if isinstance(made, External) and made.path.endswith("dataclasses.dataclass"):
                return TypeKind.DATACLASS
        for base in cls.bases:
            value = self.analysis.resolver.value_of(base)
            if isinstance(value, External):
                if value.path.startswith("pydantic.") and value.path.endswith("BaseModel"):
                    return TypeKind.PYDANTIC
                if value.path.startswith("enum."):
                    return TypeKind.ENUM
                if value.path in ("typing.NamedTuple", "typing_extensions.NamedTuple"):
                    return TypeKind.NAMEDTUPLE
            elif isinstance(value, ClassRef) and value.cls is not cls and depth < _MAX_DEPTH:
                inherited = self._class_kind(value.cls, depth + 1)
                if inherited in (TypeKind.PYDANTIC, TypeKind.ENUM, TypeKind.DATACLASS):
                    return inherited
            else:
                return TypeKind.UNKNOWN  # a base we cannot see: it may be anything
        return TypeKind.CLASS

    # -- subscripts --------------------------------------------------------------------------------
    def _subscript(self, node: nodes.Subscript, depth: int) -> TypeNode:
        origin = self.analysis.resolver.value_of(node.value)
        if not isinstance(origin, External):
            return TypeNode(TypeKind.UNKNOWN, node)
        path = origin.path
        name = _typing_name(path)
        items = list(node.slice.elts) if isinstance(node.slice, nodes.Tuple) else [node.slice]
        if not path.startswith((*_TYPING, "builtins.")):
            return TypeNode(TypeKind.UNKNOWN, node, path=path)  # numpy's NDArray[...], a library generic...
        if name == "Annotated":
            return _at(self.read(items[0], depth + 1), node)
        if name == "Optional" and len(items) == 1:
            return TypeNode(
                TypeKind.UNION, node, self._flatten([self.read(items[0], depth + 1), TypeNode(TypeKind.NONE)])
            )
        if name == "Union":
            return TypeNode(TypeKind.UNION, node, self._flatten([self.read(item, depth + 1) for item in items]))
        if name == "Literal":
            return TypeNode(TypeKind.LITERAL, node, path=path)
        container = _CONTAINERS.get(name)
        if container is None:
            return TypeNode(TypeKind.UNKNOWN, node, path=path)
        if container is TypeKind.TUPLE:
            variadic = len(items) == 2 and isinstance(items[1], nodes.Const) and items[1].value is Ellipsis
            kept = items[:1] if variadic else items
            if len(items) == 1 and isinstance(items[0], nodes.Tuple) and not items[0].elts:
                kept = []  # tuple[()]
            return TypeNode(container, node, tuple(self.read(i, depth + 1) for i in kept), path=path, variadic=variadic)
        return TypeNode(container, node, tuple(self.read(item, depth + 1) for item in items), path=path)

    @staticmethod
    def _flatten(members: list[TypeNode]) -> tuple[TypeNode, ...]:
        flat: list[TypeNode] = []
        for member in members:
            flat.extend(member.args if member.kind is TypeKind.UNION else (member,))
        return tuple(flat)

    # -- strings -----------------------------------------------------------------------------------
    def _parse_string(self, node: nodes.Const) -> nodes.NodeNG | None:
        """The expression a string annotation holds, parsed and placed where the string is (so its names
        resolve in the def's scope); kept alive by the analysis's memo."""

        def parse() -> nodes.NodeNG | None:
            try:
                expr = astroid.extract_node(node.value.strip())
            except Exception:  # not an expression: the SDK's get_type_hints fails too (another rule's business)
                return None
            if not isinstance(expr, nodes.NodeNG) or isinstance(expr, nodes.Module):
                return None
            expr.parent = node.parent
            for part in expr.nodes_of_class(nodes.NodeNG):  # (the string's place, for flow-sensitive lookups)
                part.lineno, part.end_lineno = node.lineno, node.end_lineno
                part.col_offset, part.end_col_offset = node.col_offset, node.end_col_offset
            return expr

        return self.analysis.memo(("annotations.string", id(node)), parse)


def _typing_name(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def _at(found: TypeNode, node: nodes.NodeNG) -> TypeNode:
    """``found``, reported at ``node`` (the alias or string written in the signature)."""
    return TypeNode(found.kind, node, found.args, found.path, found.cls, found.bare, found.variadic, found.fields)
