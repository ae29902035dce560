"""Where a value crosses the type engine with a declared type (the positions FLY802, FLY805 and FLY808 read), and
what the engine does with a value of an evident type there (``mismatch``).

A position is a value expression and the annotation the engine converts it to: a task's or trace's returned value
(each item of a returned tuple display for ``-> tuple[A, B]``), a task parameter's default, an argument of a task or
trace called in a run (``functools.partial``'s bound ones included), and an item of an iterable that
``flyte.map(task, ...)`` hands the task. A list or dict display meeting ``list[T]`` or ``dict[K, V]`` gives a
position per item (and per key), so a finding lands on the item; a tuple inside a container is not checked (the
engine does not check its items: measured on flyte 2.12.1).
"""

from __future__ import annotations

from dataclasses import dataclass

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.annotations import TypeKind, TypeNode, output_count, signature_types
from flyte_lint.model.arguments import is_static
from flyte_lint.model.kinds import CallForm, ParamKind
from flyte_lint.model.project import Module
from flyte_lint.model.scopes import enclosing_function
from flyte_lint.model.value_types import ValueType, evident_type
from flyte_lint.model.values import FunctionRef, Method, PartialRef, TaskRef
from flyte_lint.rules.types._common import Boundary, boundaries, own_nodes, own_yields

INT_FOR_FLOAT = "int-for-float"
PATH_FOR_FILE = "path-for-file"
TYPE = "type"

# The scalars the engine checks with isinstance (flyte/types/_type_engine.py SimpleTransformer; bytes has no
# transformer: it is pickled, so anything passes).
_SCALARS = {"builtins.int": "int", "builtins.float": "float", "builtins.str": "str", "builtins.bool": "bool"}
_FILES = {"flyte.io.File": "File", "flyte.io.Dir": "Dir"}
_PATHS = frozenset({"str", "pathlib.Path", "coroutine"})
_FRAMES = _PATHS | {"pandas.DataFrame", "dict", "list"}  # (flyte.io.DataFrame takes only its own instances)
# Values whose class is not one the engine's check can be pinned down for.
_UNSURE = frozenset({"bytearray", "NoneType"})
# How the engine's messages name numpy's classes (numpy 2.4: a reduction of ints or floats is one of these).
_NUMPY_CLASSES = {
    "numpy.integer": "<class 'numpy.int64'>",
    "numpy.bool_": "<class 'numpy.bool'>",
    "numpy.number": "<class 'numpy.int64'> (or numpy.float64)",
    "numpy.ndarray": "<class 'numpy.ndarray'>",
}
_CALLS = (CallForm.CALL, CallForm.AIO, CallForm.OVERRIDE, CallForm.PARTIAL)


@dataclass(frozen=True, eq=False)
class Position:
    module: Module
    node: nodes.NodeNG  # the value expression (where a finding is reported)
    declared: TypeNode  # the annotation the engine converts it to (an item's or key's for a display's item)
    where: str  # "the return of task 'demo.f'", "`x` of task 'demo.f'"...
    item_of: str = ""  # "an item of", "a key of", "a value of" the display (or "an item flyte.map hands to")
    value: ValueType | None = None  # the value's type when it is not the node's own (a flyte.map iterable's items)
    call: nodes.Call | None = None  # the call that converts an argument (and raises TypeError there when it fails)
    default: bool = False  # a parameter's default (converted only when a call leaves the argument out)

    @property
    def raises(self) -> dict:
        """``finding`` keywords: an argument's conversion raises TypeError at its call (an author's
        ``except TypeError:`` around it is a guard); a return or a flyte.map item fails elsewhere."""
        if self.call is None:
            return {"raises": None}
        return {"raises": "builtins.TypeError", "raised_at": self.call}

    @property
    def rejects(self) -> str:
        """How the engine meets it: a default only when a call leaves the argument out (a deploy accepts it)."""
        return "rejects it when a call leaves the argument out" if self.default else "rejects it"

    def described(self) -> str:
        return f"{self.item_of} {self.where}" if self.item_of else self.where


@dataclass(frozen=True)
class Mismatch:
    kind: str  # INT_FOR_FLOAT, PATH_FOR_FILE or TYPE
    value: str  # what the value is ("an int", "a set")
    declared: str  # the annotation (or element annotation) that rejects it
    error: str  # the engine's reason, as flyte 2.12.1 words it ("..." for the value)


def positions(analysis: Analysis) -> list[Position]:
    return analysis.memo("types.flow_positions", lambda: _Collector(analysis).collect())


def value_of(analysis: Analysis, position: Position) -> ValueType | None:
    return position.value if position.value is not None else evident_type(analysis, position.node)


def mismatch(value: ValueType | None, declared: TypeNode) -> Mismatch | None:
    """What the engine rejects when a value of this evident type meets ``declared`` (None: it accepts it, or it is
    not sure)."""
    if value is None or value.name in _UNSURE or declared.accepts_anything or not declared.known:
        return None
    kind, label = declared.kind, declared.label()
    if kind is TypeKind.UNION:
        members = declared.without_none
        found = [mismatch(value, member) for member in members]
        if not members or any(m is None for m in found):
            return None
        kinds = {m.kind for m in found if m is not None}
        chosen = INT_FOR_FLOAT if INT_FOR_FLOAT in kinds else (PATH_FOR_FILE if kinds == {PATH_FOR_FILE} else TYPE)
        return Mismatch(chosen, _a(value), label, f"Value ... is not of type {label}")
    if kind is TypeKind.SCALAR and declared.path in _SCALARS:
        return _scalar(value, _SCALARS[declared.path], label)
    if kind is TypeKind.LIST and not declared.bare:
        if value.name != "list":
            return Mismatch(TYPE, _a(value), label, "Value '...' is not of container type <class 'list'>")
        return _element(value, declared.args[0], declared) if declared.args else None
    if kind is TypeKind.DICT:
        if value.name != "dict":
            return Mismatch(TYPE, _a(value), label, "Expected a dict")
        if declared.bare or len(declared.args) != 2 or len(value.args) != 2:
            return None
        key = value.args[0]
        if _is_str(declared.args[0]) and key is not None and key.name not in ("str", *_UNSURE):
            return Mismatch(TYPE, f"a dict with {key.name} keys", label, "Flyte MapType expects all keys to be strings")
        return _element(value, declared.args[1], declared)
    if kind is TypeKind.DATACLASS and value.name == "pydantic":
        return Mismatch(TYPE, _a(value), label, "must be called with a dataclass type or instance")
    if kind is TypeKind.PYDANTIC and value.name == "dataclass":
        return Mismatch(TYPE, _a(value), label, "'...' object has no attribute 'model_dump_json'")
    if kind is TypeKind.CLASS and declared.path == "flyte.io.DataFrame" and value.name in _FRAMES:
        got = "<class 'pandas.DataFrame'>" if value.name == "pandas.DataFrame" else _class_of(value)
        return Mismatch(PATH_FOR_FILE, _a(value), label, f"Expected a DataFrame instance, but got {got} instead")
    if kind is TypeKind.CLASS and declared.path in _FILES and value.name in _PATHS and value.declared is None:
        name = _FILES[declared.path]
        error = (
            f"Expected value of type <class 'flyte.io._{name.lower()}.{name}'> but got '...' of type {_class_of(value)}"
        )
        return Mismatch(PATH_FOR_FILE, _a(value), label, error)
    return None


def _scalar(value: ValueType, name: str, label: str) -> Mismatch | None:
    if value.name == name or (value.name == "numpy.number" and name == "float"):
        return None  # (numpy.float64 is a float)
    if name == "int" and value.name == "bool":
        return Mismatch(INT_FOR_FLOAT, _a(value), label, "Expected an int, got a boolean")
    error = f"Expected value of type <class '{name}'> but got '...' of type {_class_of(value)}"
    if name == "float" and value.name in ("int", "bool"):
        return Mismatch(INT_FOR_FLOAT, _a(value), label, error)
    return Mismatch(TYPE, _a(value), label, error)


def _element(value: ValueType, declared: TypeNode, container: TypeNode) -> Mismatch | None:
    """A container's items (its values, for a dict) against the element annotation (a tuple element is not
    checked by the engine)."""
    item = value.args[-1] if value.args else None
    if item is None or declared.kind is TypeKind.TUPLE:
        return None
    found = mismatch(item, declared)
    if found is None:
        return None
    if value.declared is not None:
        return Mismatch(found.kind, _a(value), container.label(), found.error)
    holder = "a list" if value.name == "list" else "a dict"
    return Mismatch(found.kind, f"{holder} holding {found.value}", container.label(), found.error)


def _class_of(value: ValueType) -> str:
    """How the engine's message names the value's class (``<class '...'>`` for a project class)."""
    if value.name in ("dataclass", "pydantic"):
        return "<class '...'>"
    if value.name in _NUMPY_CLASSES:
        return _NUMPY_CLASSES[value.name]
    return f"<class '{value.name.replace('pathlib.Path', 'pathlib.PosixPath')}'>"


def _is_str(declared: TypeNode) -> bool:
    return declared.kind is TypeKind.SCALAR and declared.path == "builtins.str"


def _a(value: ValueType) -> str:
    names = {
        "int": "an int",
        "float": "a float",
        "bool": "a bool",
        "str": "a str",
        "bytes": "bytes",
        "pathlib.Path": "a Path",
        "coroutine": "a coroutine (an un-awaited `from_local`)",
        "dict_keys": "a dict_keys view",
        "dict_values": "a dict_values view",
        "dict_items": "a dict_items view",
        "dataclass": "a dataclass",
        "pydantic": "a pydantic model",
        "pandas.DataFrame": "a pandas DataFrame",
        "numpy.integer": "a numpy integer",
        "numpy.bool_": "a numpy bool",
        "numpy.number": "a numpy scalar",
        "numpy.ndarray": "a numpy array",
    }
    if value.declared is not None:
        return f"another task's `{value.declared.label()}` output"
    if value.name in names:
        return names[value.name]
    short = value.name.rsplit(".", 1)[-1]
    return f"an {short}" if short[:1] in "aeiouAEIOU" else f"a {short}"


class _Collector:
    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.found: list[Position] = []
        self.traces = {id(b.func): b for b in boundaries(analysis) if b.task is None}

    def collect(self) -> list[Position]:
        for boundary in boundaries(self.analysis):
            self._returns(boundary)
            if boundary.task is not None:  # (a trace's own default reaches the function unchanged)
                for param in signature_types(self.analysis, boundary.func).params:
                    if param.default is not None:
                        self._add(
                            boundary.module,
                            param.default,
                            param.type,
                            f"the default of `{param.name}` of {boundary.label}",
                            default=True,
                        )
        for site in self.analysis.call_sites:
            if site.task is None or not self.analysis.in_task_context(enclosing_function(site.node)):
                continue
            boundary = Boundary(site.task.func, site.task.module, site.task)
            if site.form in _CALLS:
                self._arguments(site.module, site.node, boundary, self.analysis.resolver.value_of(site.node.func))
            elif site.form in (CallForm.MAP, CallForm.MAP_AIO):
                self._mapped(site.module, site.node, boundary)
        for call in self.analysis.calls:
            callee = call.callee
            if not self.analysis.in_task_context(enclosing_function(call.node)):
                continue
            if isinstance(callee, FunctionRef) and id(callee.func) in self.traces:
                self._arguments(call.module, call.node, self.traces[id(callee.func)], callee)
            elif isinstance(callee, PartialRef) and _aio_of_task(callee.target):  # (partial(t.aio, ...)(...))
                task = callee.target.owner.task
                self._arguments(call.module, call.node, Boundary(task.func, task.module, task), callee)
        return self.found

    # -- outputs -----------------------------------------------------------------------------------
    def _returns(self, boundary: Boundary) -> None:
        func = boundary.func
        if own_yields(func):
            return
        returns = signature_types(self.analysis, func).returns
        count = output_count(returns)
        if not count:
            return
        where = f"the return of {boundary.label}"
        for node in own_nodes(func, nodes.Return):
            if node.scope() is not func or node.value is None:
                continue
            if count == 1:
                returned = evident_type(self.analysis, node.value)
                if returned is None or returned.name != "tuple":  # (a returned tuple is that many outputs: FLY809's)
                    self._add(boundary.module, node.value, returns, where)
            elif returns.kind is TypeKind.TUPLE and _items(node.value, count):
                for index, (item, declared) in enumerate(zip(node.value.elts, returns.args, strict=True)):
                    self._add(boundary.module, item, declared, f"output {index} of {boundary.label}")

    # -- inputs ------------------------------------------------------------------------------------
    def _parameters(self, boundary: Boundary, callee) -> tuple[list, set[str]] | None:
        """The parameters a call's positional arguments bind, in order, and the keywords a partial bound."""
        params = list(signature_types(self.analysis, boundary.func).params)
        positional = [p for p in params if p.kind is not ParamKind.KEYWORD_ONLY]
        bound: set[str] = set()
        if isinstance(callee, PartialRef):
            if not callee.static:
                return None
            positional = positional[callee.bound_positional :]
            bound = callee.bound_keywords
        return positional, bound

    def _arguments(self, module: Module, call: nodes.Call, boundary: Boundary, callee) -> None:
        found = self._parameters(boundary, callee)
        if found is None or not is_static(call):
            return
        positional, _ = found
        by_name = {p.name: p for p in signature_types(self.analysis, boundary.func).params}
        for arg, param in zip(call.args, positional, strict=False):
            self._add(module, arg, param.type, f"`{param.name}` of {boundary.label}", call=call)
        for keyword in call.keywords or []:
            param = by_name.get(keyword.arg)
            if param is not None and param.kind is not ParamKind.POSITIONAL_ONLY:
                self._add(module, keyword.value, param.type, f"`{param.name}` of {boundary.label}", call=call)
        if isinstance(callee, PartialRef):  # (what the partial bound crosses the engine at this call too)
            self._partial(callee, boundary, by_name)

    def _partial(self, partial: PartialRef, boundary: Boundary, by_name: dict) -> None:
        module = self.analysis.resolver.module_of(partial.call)
        params = [
            p for p in signature_types(self.analysis, boundary.func).params if p.kind is not ParamKind.KEYWORD_ONLY
        ]
        for arg, param in zip(partial.call.args[1:], params, strict=False):
            self._add(module, arg, param.type, f"`{param.name}` of {boundary.label}")
        for keyword in partial.call.keywords or []:
            if keyword.arg in by_name:
                self._add(module, keyword.value, by_name[keyword.arg].type, f"`{keyword.arg}` of {boundary.label}")

    def _mapped(self, module: Module, call: nodes.Call, boundary: Boundary) -> None:
        target = self.analysis.resolver.value_of(call.args[0])
        found = self._parameters(boundary, target)
        if found is None or not is_static(call, skip=1):
            return
        positional, _ = found
        for iterable, param in zip(call.args[1:], positional, strict=False):
            where = f"`{param.name}` of {boundary.label}"
            if isinstance(iterable, (nodes.List, nodes.Tuple, nodes.Set)):
                for item in iterable.elts:
                    if not isinstance(item, nodes.Starred):
                        self._add(module, item, param.type, where, "an item flyte.map hands to")
                continue
            source = evident_type(self.analysis, iterable)
            if source is not None and source.item is not None and source.name in ("list", "set", "range", "generator"):
                self.found.append(
                    Position(module, iterable, param.type, where, "an item flyte.map hands to", source.item)
                )
        if isinstance(target, PartialRef):
            self._partial(target, boundary, {p.name: p for p in signature_types(self.analysis, boundary.func).params})

    # -- displays ----------------------------------------------------------------------------------
    def _add(
        self,
        module: Module,
        node: nodes.NodeNG,
        declared: TypeNode,
        where: str,
        item_of: str = "",
        call: nodes.Call | None = None,
        default: bool = False,
    ) -> None:
        """A position per item of a list/dict display meeting list[T]/dict[K, V], else one for the value."""
        container = _container(declared)
        if isinstance(node, nodes.List) and container is not None and container.kind is TypeKind.LIST:
            if container.args and container.args[0].kind is not TypeKind.TUPLE:
                for item in node.elts:
                    if not isinstance(item, nodes.Starred):
                        self._add(module, item, container.args[0], where, "an item of", call, default)
            return
        if isinstance(node, nodes.Dict) and container is not None and container.kind is TypeKind.DICT:
            if len(container.args) == 2 and not any(isinstance(k, nodes.DictUnpack) for k, _ in node.items):
                key_type, value_type = container.args
                for key, value in node.items:
                    if _is_str(key_type):
                        self.found.append(Position(module, key, key_type, where, "a key of", default=default))
                    if value_type.kind is not TypeKind.TUPLE:
                        self._add(module, value, value_type, where, "a value of", call, default)
            return
        self.found.append(Position(module, node, declared, where, item_of, call=call, default=default))


def _aio_of_task(value) -> bool:
    return isinstance(value, Method) and value.name == "aio" and isinstance(value.owner, TaskRef)


def _items(value: nodes.NodeNG, count: int) -> bool:
    """``value`` is a tuple display of ``count`` items, none starred."""
    return (
        isinstance(value, nodes.Tuple)
        and len(value.elts) == count
        and not any(isinstance(e, nodes.Starred) for e in value.elts)
    )


def _container(declared: TypeNode) -> TypeNode | None:
    """The list or dict annotation a display meets (through Optional), when it has parameters."""
    members = declared.without_none
    if len(members) == 1 and members[0].kind in (TypeKind.LIST, TypeKind.DICT) and not members[0].bare:
        return members[0]
    return None
