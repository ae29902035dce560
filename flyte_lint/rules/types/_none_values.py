"""Where a None visibly reaches a position the type engine pickles on its own (FLY801).

The engine has no transformer for ``Any``, ``object`` or a missing annotation, so it pickles the value, and
``FlytePickleTransformer.to_literal`` raises "Cannot pickle None Value." for a None (flyte/types/_pickle.py). The
list and ``dict[str, V]`` transformers convert each element (value) on its own, so ``list[Any]`` elements and
``dict[str, Any]`` values are such positions too, at any depth of lists and str-keyed dicts. A bare ``dict`` or
``list`` (msgpack / one pickle of the whole), ``dict[int, Any]``, a tuple inside a value, a dataclass or pydantic
field and ``Optional[...]`` are not (measured on flyte 2.12.1).

A None *visibly* reaches a position when the expression there is ``None``, a ``.get(key)`` of an evident mapping
(a dict display, a dict-typed parameter, ``os.environ``...), a call of a project function or task whose return
annotation is Optional, or a parameter annotated Optional that the def never tests nor rebinds; a list display
(for ``list[X]``) or a dict display (for ``dict[str, X]``) is looked into item by item.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.annotations import TypeKind, TypeNode, annotation_type, signature_types
from flyte_lint.model.calls import called_object
from flyte_lint.model.values import External, FunctionRef, TaskRef

_MAX_DEPTH = 6
_TESTS = (nodes.If, nodes.While, nodes.IfExp, nodes.Assert, nodes.BoolOp, nodes.Compare, nodes.UnaryOp, nodes.Match)


@dataclass(frozen=True)
class NoneReach:
    """A None-ish expression (``node``) at a pickled position of type ``slot``; ``why`` says how it is None."""

    node: nodes.NodeNG
    slot: TypeNode
    why: str
    nested: bool  # the position is a list element or a dict value, not the value itself


def pickles_on_its_own(slot: TypeNode) -> bool:
    """The engine pickles a value at this position with no transformer: Any, object, no annotation."""
    return slot.kind in (TypeKind.ANY, TypeKind.OBJECT, TypeKind.MISSING)


def holds_pickled_position(slot: TypeNode, depth: int = 0) -> bool:
    """``slot`` is, or holds through lists and str-keyed dicts, a position pickled on its own."""
    if depth > _MAX_DEPTH:
        return False
    if pickles_on_its_own(slot):
        return True
    inner = _element(slot)
    return inner is not None and holds_pickled_position(inner, depth + 1)


def nones_reaching(analysis: Analysis, value: nodes.NodeNG | None, slot: TypeNode) -> Iterator[NoneReach]:
    """Each None-ish expression in ``value`` that lands at a position of ``slot`` the engine pickles on its own."""
    yield from _reach(analysis, value, slot, 0)


def reaches_items(analysis: Analysis, iterable: nodes.NodeNG, slot: TypeNode) -> Iterator[NoneReach]:
    """Each None-ish item of a list, tuple or set display (``flyte.map``'s iterable) landing at ``slot``."""
    display = iterable
    if isinstance(iterable, nodes.Name):
        display = _bound_once(iterable, only_read_here=True)
    if isinstance(display, (nodes.List, nodes.Tuple, nodes.Set)):
        for item in display.elts:
            if not isinstance(item, nodes.Starred):
                yield from _reach(analysis, item, slot, 0)


def _reach(analysis: Analysis, value: nodes.NodeNG | None, slot: TypeNode, depth: int) -> Iterator[NoneReach]:
    if value is None or depth > _MAX_DEPTH:
        return
    if pickles_on_its_own(slot):
        why = none_reason(analysis, value)
        if why is not None:
            yield NoneReach(value, slot, why, depth > 0)
        return
    inner = _element(slot)
    if inner is None or not holds_pickled_position(inner):
        return
    display = _display(value)
    if isinstance(display, nodes.List) and slot.kind is TypeKind.LIST:
        for item in display.elts:
            if not isinstance(item, nodes.Starred):
                yield from _reach(analysis, item, inner, depth + 1)
    elif isinstance(display, nodes.Dict) and slot.kind is TypeKind.DICT:
        for key, item in display.items:
            if not isinstance(key, nodes.DictUnpack):
                yield from _reach(analysis, item, inner, depth + 1)


def _element(slot: TypeNode) -> TypeNode | None:
    """The element type of ``list[X]``, the value type of ``dict[str, V]``: positions converted one by one."""
    if slot.kind is TypeKind.LIST and len(slot.args) == 1:
        return slot.args[0]
    if slot.kind is TypeKind.DICT and len(slot.args) == 2:
        key = slot.args[0]
        if key.kind is TypeKind.SCALAR and key.path == "builtins.str":
            return slot.args[1]
    return None


def _display(value: nodes.NodeNG) -> nodes.NodeNG:
    """A list or dict display written in place, or bound once in the def to a name read only here."""
    if isinstance(value, nodes.Name):
        bound = _bound_once(value, only_read_here=True)
        if isinstance(bound, (nodes.List, nodes.Dict)):
            return bound
    return value


def none_reason(analysis: Analysis, value: nodes.NodeNG) -> str | None:
    """How ``value`` visibly is (or may be) None; None when it is not seen to be."""
    if isinstance(value, nodes.Const) and value.value is None:
        return "None"
    if isinstance(value, nodes.Await):
        value = value.value
    if isinstance(value, nodes.Call):
        return _call_reason(analysis, value)
    if isinstance(value, nodes.Name):
        parameter = _optional_parameter(analysis, value)
        if parameter is not None:
            return parameter
        bound = _bound_once(value, only_read_here=False)
        if isinstance(bound, (nodes.Call, nodes.Await)) and not _tested(value):
            inner = bound.value if isinstance(bound, nodes.Await) else bound
            return _call_reason(analysis, inner) if isinstance(inner, nodes.Call) else None
    return None


def _call_reason(analysis: Analysis, call: nodes.Call) -> str | None:
    func = call.func
    if isinstance(func, nodes.Attribute) and func.attrname == "get" and _gets_none(call):
        if _evident_mapping(analysis, func.expr):
            return "`.get(...)` gives None for a missing key"
        return None
    target, _form = called_object(func)
    callee = analysis.resolver.value_of(target) if target is not None else None
    defined = callee.task.func if isinstance(callee, TaskRef) and callee.task is not None else None
    if isinstance(callee, FunctionRef):
        defined = callee.func
    if defined is not None and signature_types(analysis, defined).returns.is_optional:
        returns = signature_types(analysis, defined).returns
        return f"`{defined.name}` returns `{returns.label()}`"
    return None


def _gets_none(call: nodes.Call) -> bool:
    """``m.get(k)`` or ``m.get(k, None)``: None when the key is missing."""
    if call.keywords:
        return False
    if len(call.args) == 1:
        return not isinstance(call.args[0], nodes.Starred)
    return len(call.args) == 2 and isinstance(call.args[1], nodes.Const) and call.args[1].value is None


def _evident_mapping(analysis: Analysis, receiver: nodes.NodeNG) -> bool:
    """A dict display or comprehension, ``os.environ``, a parameter annotated ``dict``, or a local bound once to
    one of these (or to ``dict(...)``)."""
    if isinstance(receiver, (nodes.Dict, nodes.DictComp)):
        return True
    value = analysis.resolver.value_of(receiver)
    if isinstance(value, External) and value.path == "os.environ":
        return True
    if not isinstance(receiver, nodes.Name):
        return False
    annotation = _parameter_annotation(receiver)
    if annotation is not None:
        return annotation_type(analysis, annotation).kind is TypeKind.DICT
    bound = _bound_once(receiver, only_read_here=False)
    if isinstance(bound, (nodes.Dict, nodes.DictComp)):
        return True
    if isinstance(bound, nodes.Call) and isinstance(bound.func, nodes.Name) and bound.func.name == "dict":
        return analysis.is_builtin(bound.func)
    return False


def _optional_parameter(analysis: Analysis, name: nodes.Name) -> str | None:
    """``name`` reads a parameter annotated Optional that its def neither rebinds nor tests anywhere."""
    annotation = _parameter_annotation(name)
    if annotation is None or _tested(name):
        return None
    declared = annotation_type(analysis, annotation)
    if declared.kind is TypeKind.UNION and declared.is_optional:
        return f"parameter `{name.name}: {declared.label()}` may be None"
    return None


def _parameter_annotation(name: nodes.Name) -> nodes.NodeNG | None:
    """The annotation of the enclosing def's parameter ``name`` reads, when the def binds it nowhere else."""
    scope = name.scope()
    if not isinstance(scope, nodes.FunctionDef):
        return None
    bindings = scope.locals.get(name.name, [])
    if len(bindings) != 1 or not isinstance(bindings[0], nodes.AssignName) or bindings[0].parent is not scope.args:
        return None
    args = scope.args
    every = list(args.posonlyargs or []) + list(args.args or []) + list(args.kwonlyargs or [])
    annotations = (
        list(args.posonlyargs_annotations or [])
        + list(args.annotations or [])
        + list(args.kwonlyargs_annotations or [])
    )
    for arg, annotation in zip(every, annotations, strict=False):
        if arg is bindings[0]:
            return annotation
    return None


def _bound_once(name: nodes.Name, *, only_read_here: bool) -> nodes.NodeNG | None:
    """The value one plain assignment in the enclosing def gives ``name`` (``only_read_here``: and the def reads
    the name nowhere else, so nothing changes what it holds)."""
    scope = name.scope()
    if not isinstance(scope, nodes.FunctionDef):
        return None
    bindings = scope.locals.get(name.name, [])
    if len(bindings) != 1 or not isinstance(bindings[0], nodes.AssignName):
        return None
    assign = bindings[0].parent
    if not (isinstance(assign, nodes.Assign) and assign.targets == [bindings[0]]):
        return None
    if only_read_here and any(
        other is not name and other.name == name.name for other in scope.nodes_of_class(nodes.Name)
    ):
        return None
    return assign.value


def _tested(name: nodes.Name) -> bool:
    """The enclosing def reads ``name`` in a test (``if x``, ``x is None``, ``x or y``, ``assert x``...), or
    in a comprehension's condition: it may be narrowed, so it is not seen to be None."""
    scope = name.scope()
    for other in scope.nodes_of_class(nodes.Name):
        if other.name != name.name:
            continue
        parent = other.parent
        while parent is not None and parent is not scope:
            if isinstance(parent, _TESTS) or (isinstance(parent, nodes.Comprehension) and other in _ifs(parent)):
                return True
            if parent.is_statement:
                break
            parent = parent.parent
    return False


def _ifs(comprehension: nodes.Comprehension) -> list[nodes.NodeNG]:
    return [n for cond in comprehension.ifs for n in cond.nodes_of_class(nodes.Name)]
