"""The evident type of an expression: what a value surely is at run time, read from how it is written, without
running code. Conservative: ``evident_type`` answers None whenever it is not sure.

Known: literals (``0`` is an int, ``True`` a bool), f-strings, comparisons, ``len()``/``int()``/``float()``/
``str()``/``bool()`` and the other builtins that always give one type, arithmetic on known numbers (``//`` of ints,
``/`` of numbers), displays and comprehensions (a list comprehension is a list, a generator expression a generator),
``range``/``map``/``filter``/``zip``/``set``/``tuple`` calls, ``.keys()``/``.values()``/``.items()`` of a known dict,
paths (``Path(...)`` and what it derives, ``os.path.join``, ``tempfile.mkdtemp``), ``Counter``/``defaultdict``/
``OrderedDict``, numpy reductions (``np.sum``, ``argmax``, ``any``...: numpy scalars), another task's or trace's
annotated output (a task called, or awaited through ``.aio``, as the model's call sites say), the items of a
``range`` loop, and a name bound once to any of these.

A type is a ``ValueType``: its ``name`` is the Python class it surely is (``int``, ``list``, ``generator``,
``pathlib.Path``, ``collections.Counter``...), with element types where they are known (``args``), or, for another
task's output, the ``declared`` annotation it comes back as.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

from astroid import nodes

from flyte_lint.model.annotations import TypeKind, TypeNode, output_count, signature_types
from flyte_lint.model.kinds import CallForm
from flyte_lint.model.names import bindings_of, is_builtin
from flyte_lint.model.values import External, FunctionRef

if TYPE_CHECKING:
    from flyte_lint.model.analysis import Analysis

_MAX_DEPTH = 8

# Builtins whose call always gives a value of one class, whatever the arguments.
_BUILTIN_RESULTS = {
    "len": "int",
    "int": "int",
    "ord": "int",
    "hash": "int",
    "id": "int",
    "float": "float",
    "str": "str",
    "repr": "str",
    "chr": "str",
    "ascii": "str",
    "format": "str",
    "hex": "str",
    "oct": "str",
    "bin": "str",
    "bool": "bool",
    "isinstance": "bool",
    "issubclass": "bool",
    "callable": "bool",
    "hasattr": "bool",
    "any": "bool",
    "all": "bool",
    "bytes": "bytes",
    "bytearray": "bytearray",
    "list": "list",
    "sorted": "list",
    "dict": "dict",
    "set": "set",
    "frozenset": "frozenset",
    "tuple": "tuple",
    "range": "range",
    "map": "map",
    "filter": "filter",
    "zip": "zip",
    "enumerate": "enumerate",
    "reversed": "reversed",
}
# Library callables whose result is of one class (by the callee's dotted path).
_LIBRARY_RESULTS = {
    "collections.Counter": "collections.Counter",
    "collections.defaultdict": "collections.defaultdict",
    "collections.OrderedDict": "collections.OrderedDict",
    "pathlib.Path": "pathlib.Path",
    "pathlib.PosixPath": "pathlib.Path",
    "pathlib.PurePath": "pathlib.Path",
    "pathlib.PurePosixPath": "pathlib.Path",
    "pathlib.Path.cwd": "pathlib.Path",
    "pathlib.Path.home": "pathlib.Path",
    "os.path.join": "str",
    "os.path.abspath": "str",
    "os.path.realpath": "str",
    "os.path.expanduser": "str",
    "os.path.dirname": "str",
    "os.path.basename": "str",
    "os.path.normpath": "str",
    "os.getcwd": "str",
    "tempfile.mkdtemp": "str",
    "tempfile.mktemp": "str",
    "tempfile.gettempdir": "str",
    "flyte.io.File.from_local": "coroutine",  # (async def: a coroutine until awaited)
    "flyte.io.Dir.from_local": "coroutine",
    "flyte.io.File.from_local_sync": "flyte.io.File",
    "flyte.io.Dir.from_local_sync": "flyte.io.Dir",
    "pandas.DataFrame": "pandas.DataFrame",
    "pandas.read_csv": "pandas.DataFrame",
    "pandas.read_parquet": "pandas.DataFrame",
    "pandas.read_json": "pandas.DataFrame",
    "pandas.read_excel": "pandas.DataFrame",
    "numpy.array": "numpy.ndarray",
    "numpy.asarray": "numpy.ndarray",
    "numpy.zeros": "numpy.ndarray",
    "numpy.ones": "numpy.ndarray",
    "numpy.arange": "numpy.ndarray",
}
# What awaiting these gives.
_UPLOADS = {"flyte.io.File.from_local": "flyte.io.File", "flyte.io.Dir.from_local": "flyte.io.Dir"}
# numpy functions that reduce an array to a numpy scalar, never a Python int or bool (numpy 2.4, measured: argmax
# gives numpy.int64, any numpy.bool, sum numpy.int64 or numpy.float64; array_equal and allclose give a Python bool
# and are left out). (An object-dtype array reduces to its Python objects: code rarely builds one.)
_NUMPY_INT_REDUCTIONS = frozenset({"argmax", "argmin", "count_nonzero"})
_NUMPY_BOOL_REDUCTIONS = frozenset({"any", "all", "isclose"})
_NUMPY_NUMBER_REDUCTIONS = frozenset({"sum", "prod", "max", "min", "mean", "median", "std", "var", "amax", "amin"})
# Methods of a known class whose result is of one class.
_PATH_METHODS = {
    "resolve": "pathlib.Path",
    "absolute": "pathlib.Path",
    "expanduser": "pathlib.Path",
    "with_suffix": "pathlib.Path",
    "with_name": "pathlib.Path",
    "with_stem": "pathlib.Path",
    "joinpath": "pathlib.Path",
    "relative_to": "pathlib.Path",
    "as_posix": "str",
    "read_text": "str",
    "read_bytes": "bytes",
    "exists": "bool",
    "is_file": "bool",
    "is_dir": "bool",
}
_PATH_ATTRIBUTES = {"parent": "pathlib.Path", "name": "str", "stem": "str", "suffix": "str"}
_STR_METHODS = {
    "join": "str",
    "format": "str",
    "upper": "str",
    "lower": "str",
    "strip": "str",
    "lstrip": "str",
    "rstrip": "str",
    "replace": "str",
    "title": "str",
    "encode": "bytes",
    "startswith": "bool",
    "endswith": "bool",
    "isdigit": "bool",
    "split": "list",
    "splitlines": "list",
    "count": "int",
    "find": "int",
}
_DICTS = frozenset({"dict", "collections.Counter", "collections.defaultdict", "collections.OrderedDict"})
_DICT_VIEWS = {"keys": "dict_keys", "values": "dict_values", "items": "dict_items"}
_NUMBERS = frozenset({"int", "float", "bool"})
# What the engine gives back for an output annotation (a SCALAR's path → the class name used here).
_SCALAR_NAMES = {
    "builtins.int": "int",
    "builtins.float": "float",
    "builtins.str": "str",
    "builtins.bool": "bool",
    "builtins.bytes": "bytes",
}


@dataclass(frozen=True, eq=False)
class ValueType:
    """The class a value surely is (``name``), its element types where known (``args``: a list's or set's item, a
    dict's key and value, a tuple's items; None for an unknown one), and for another task's or trace's output the
    annotation it comes back as (``declared``, with ``output_of`` the def)."""

    name: str
    args: tuple[ValueType | None, ...] = ()
    declared: TypeNode | None = None
    output_of: nodes.FunctionDef | None = None

    @property
    def item(self) -> ValueType | None:
        """The element type of a list, set or generator (None when not known)."""
        return self.args[0] if len(self.args) == 1 else None

    def label(self) -> str:
        if self.declared is not None:
            return f"`{self.declared.label()}`"
        return {"NoneType": "None"}.get(self.name, self.name)


def evident_type(analysis: Analysis, node: nodes.NodeNG | None) -> ValueType | None:
    """The class the value of ``node`` surely has, or None when it is not sure (memoised per node)."""
    if node is None:
        return None
    return analysis.memo(("value_types.evident", id(node)), lambda: _Reader(analysis).read(node, 0))


def output_type(analysis: Analysis, func: nodes.FunctionDef) -> ValueType | None:
    """What a caller gets back from a task or trace ``func``: its return annotation read as a value (a tuple for
    several outputs); None when unsure (an Optional or Union output, an unknown annotation)."""
    returns = signature_types(analysis, func).returns
    count = output_count(returns)
    if count is None or count == 0:
        return None
    if count >= 2:
        if returns.kind is TypeKind.NAMEDTUPLE:
            return None  # (a NamedTuple output comes back as a plain tuple: FLY813's; not pinned down here)
        return ValueType("tuple", tuple(declared_value(item, func) for item in returns.args), returns, func)
    return declared_value(returns, func)


def declared_value(declared: TypeNode, func: nodes.FunctionDef | None = None) -> ValueType | None:
    """The class a value the engine produced for annotation ``declared`` has (None when not one class)."""
    kind = declared.kind
    if kind is TypeKind.SCALAR and declared.path in _SCALAR_NAMES:
        return ValueType(_SCALAR_NAMES[declared.path], (), declared, func)
    if kind is TypeKind.LIST:
        return ValueType("list", tuple(declared_value(a) for a in declared.args), declared, func)
    if kind is TypeKind.DICT:
        return ValueType("dict", tuple(declared_value(a) for a in declared.args), declared, func)
    if kind in (TypeKind.DATACLASS, TypeKind.PYDANTIC) and declared.cls is not None:
        return ValueType(kind.value, (), declared, func)
    if kind is TypeKind.CLASS and declared.path in ("flyte.io.File", "flyte.io.Dir"):
        return ValueType(declared.path, (), declared, func)
    return None


class _Reader:
    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis

    def read(self, node: nodes.NodeNG, depth: int) -> ValueType | None:
        if depth > _MAX_DEPTH:
            return None
        if isinstance(node, nodes.Const):
            return ValueType(type(node.value).__name__) if not isinstance(node.value, type(Ellipsis)) else None
        if isinstance(node, nodes.JoinedStr):
            return ValueType("str")
        if isinstance(node, nodes.Compare):
            return ValueType("bool")
        if isinstance(node, nodes.UnaryOp):
            return self._unary(node, depth)
        if isinstance(node, nodes.BinOp):
            return self._binop(node, depth)
        if isinstance(node, (nodes.List, nodes.Set)):
            name = "list" if isinstance(node, nodes.List) else "set"
            return ValueType(name, (self._common([self.read(e, depth + 1) for e in node.elts]),))
        if isinstance(node, nodes.Tuple):
            if any(isinstance(e, nodes.Starred) for e in node.elts):
                return ValueType("tuple")
            return ValueType("tuple", tuple(self.read(e, depth + 1) for e in node.elts))
        if isinstance(node, nodes.Dict):
            if any(isinstance(k, nodes.DictUnpack) for k, _ in node.items):
                return ValueType("dict")
            keys = self._common([self.read(k, depth + 1) for k, _ in node.items])
            values = self._common([self.read(v, depth + 1) for _, v in node.items])
            return ValueType("dict", (keys, values))
        if isinstance(node, (nodes.ListComp, nodes.SetComp, nodes.GeneratorExp)):
            name = {nodes.ListComp: "list", nodes.SetComp: "set", nodes.GeneratorExp: "generator"}[type(node)]
            return ValueType(name, (self.read(node.elt, depth + 1),))
        if isinstance(node, nodes.DictComp):
            return ValueType("dict", (self.read(node.key, depth + 1), self.read(node.value, depth + 1)))
        if isinstance(node, nodes.Await):
            return self._awaited(node.value, depth)
        if isinstance(node, nodes.Call):
            return self._call(node, depth)
        if isinstance(node, nodes.Attribute):
            base = self.read(node.expr, depth + 1)
            if base is not None and base.name == "pathlib.Path" and node.attrname in _PATH_ATTRIBUTES:
                return ValueType(_PATH_ATTRIBUTES[node.attrname])
            return None
        if isinstance(node, nodes.Name):
            return self._name(node, depth)
        return None

    # -- operators ---------------------------------------------------------------------------------
    def _unary(self, node: nodes.UnaryOp, depth: int) -> ValueType | None:
        if node.op == "not":
            return ValueType("bool")
        operand = self.read(node.operand, depth + 1)
        if operand is not None and operand.name in _NUMBERS and node.op in ("-", "+", "~"):
            return ValueType("int" if operand.name == "bool" else operand.name)
        return None

    def _binop(self, node: nodes.BinOp, depth: int) -> ValueType | None:
        left = self.read(node.left, depth + 1)
        if left is not None and left.name == "pathlib.Path" and node.op == "/":
            return ValueType("pathlib.Path")
        right = self.read(node.right, depth + 1)
        if left is None or right is None:
            return None
        if left.name in _NUMBERS and right.name in _NUMBERS:
            if node.op == "/":
                return ValueType("float")
            if node.op in ("+", "-", "*", "//", "%"):
                return ValueType("float" if "float" in (left.name, right.name) else "int")
            return None
        if left.name == right.name == "str" and node.op == "+":
            return ValueType("str")
        if left.name == "str" and node.op == "%":
            return ValueType("str")
        if left.name == right.name == "list" and node.op == "+":
            return ValueType("list")
        return None

    # -- calls -------------------------------------------------------------------------------------
    def _call(self, node: nodes.Call, depth: int) -> ValueType | None:
        func = node.func
        if isinstance(func, nodes.Name) and func.name in _BUILTIN_RESULTS and is_builtin(func):
            return self._builtin(func.name, node, depth)
        site = self.analysis.site_of_call.get(id(node))
        if site is not None:
            if site.form in (CallForm.CALL, CallForm.OVERRIDE, CallForm.PARTIAL) and site.task is not None:
                return None if site.task.is_async else output_type(self.analysis, site.task.func)
            return None
        callee = self.analysis.resolver.value_of(func)
        if isinstance(callee, FunctionRef) and callee.traced and not isinstance(callee.func, nodes.AsyncFunctionDef):
            return output_type(self.analysis, callee.func)
        if isinstance(callee, External):
            return self._library(callee.path, node)
        if isinstance(func, nodes.Attribute):
            return self._method(func, depth)
        return None

    def _builtin(self, name: str, node: nodes.Call, depth: int) -> ValueType | None:
        if name == "round":
            return None
        if name in ("list", "sorted", "set", "frozenset") and len(node.args) == 1 and not node.keywords:
            source = self.read(node.args[0], depth + 1)
            item = source.item if source is not None and source.name not in _DICTS else None
            if source is not None and source.name == "range":
                item = ValueType("int")
            return ValueType(_BUILTIN_RESULTS[name], (item,))
        if name == "range":
            return ValueType("range", (ValueType("int"),))
        return ValueType(_BUILTIN_RESULTS[name])

    def _library(self, path: str, node: nodes.Call) -> ValueType | None:
        keywords = {k.arg for k in node.keywords or []}
        if path.startswith("pandas.read_") and keywords & {"chunksize", "iterator", None}:
            return None  # (a reader of chunks, not a DataFrame)
        if path in _LIBRARY_RESULTS:
            return ValueType(_LIBRARY_RESULTS[path])
        if path.startswith("numpy.") and path.count(".") == 1 and "axis" not in {k.arg for k in node.keywords or []}:
            name = path.split(".", 1)[1]
            if name in _NUMPY_INT_REDUCTIONS:
                return ValueType("numpy.integer")
            if name in _NUMPY_BOOL_REDUCTIONS:
                return ValueType("numpy.bool_")
            if name in _NUMPY_NUMBER_REDUCTIONS:
                return ValueType("numpy.number")
        return None

    def _method(self, func: nodes.Attribute, depth: int) -> ValueType | None:
        receiver = self.read(func.expr, depth + 1)
        if receiver is None:
            return None
        if receiver.name in _DICTS and func.attrname in _DICT_VIEWS:
            return ValueType(_DICT_VIEWS[func.attrname])
        if receiver.name == "pathlib.Path" and func.attrname in _PATH_METHODS:
            return ValueType(_PATH_METHODS[func.attrname])
        if receiver.name == "str" and receiver.declared is None and func.attrname in _STR_METHODS:
            return ValueType(_STR_METHODS[func.attrname])
        return None

    def _awaited(self, value: nodes.NodeNG, depth: int) -> ValueType | None:
        """``await t.aio(...)`` / ``await t(...)`` of an async task, or ``await traced(...)``: its output."""
        if not isinstance(value, nodes.Call):
            return None
        site = self.analysis.site_of_call.get(id(value))
        if site is not None:
            if site.task is None or site.form not in (CallForm.CALL, CallForm.AIO, CallForm.OVERRIDE, CallForm.PARTIAL):
                return None
            if site.form is not CallForm.AIO and not site.task.is_async:
                return None  # (awaiting a sync task's output: another rule's business)
            return output_type(self.analysis, site.task.func)
        callee = self.analysis.resolver.value_of(value.func)
        if isinstance(callee, FunctionRef) and callee.traced and isinstance(callee.func, nodes.AsyncFunctionDef):
            return output_type(self.analysis, callee.func)
        if isinstance(callee, External) and callee.path in _UPLOADS:
            return ValueType(_UPLOADS[callee.path])
        return None

    # -- names -------------------------------------------------------------------------------------
    def _name(self, node: nodes.Name, depth: int) -> ValueType | None:
        stmts = bindings_of(node)
        if len(stmts) != 1 or not isinstance(stmts[0], nodes.AssignName):
            return None
        target = stmts[0]
        parent = target.parent
        if _rebound_elsewhere(target):
            return None
        if isinstance(parent, nodes.Assign) and parent.targets == [target]:
            return self.read(parent.value, depth + 1)
        if isinstance(parent, nodes.AnnAssign) and parent.value is not None:
            return self.read(parent.value, depth + 1)
        if isinstance(parent, nodes.Arguments):
            return self._parameter(parent, target)
        if isinstance(parent, (nodes.For, nodes.Comprehension)) and parent.target is target:
            source = self.read(parent.iter, depth + 1)
            if source is not None and source.name in ("range", "list", "set", "generator", "tuple"):
                return source.item if source.name != "tuple" else None
        return None

    def _parameter(self, arguments: nodes.Arguments, target: nodes.AssignName) -> ValueType | None:
        """A task's or trace's parameter holds what the engine made of the argument: a value of its annotation."""
        func = arguments.parent
        if not isinstance(func, nodes.FunctionDef):
            return None
        made = self.analysis.resolver.function_value(func)
        if id(func) not in self.analysis.task_by_function and not (isinstance(made, FunctionRef) and made.traced):
            return None
        param = signature_types(self.analysis, func).param(target.name)
        if param is None or (isinstance(param.default, nodes.Const) and param.default.value is None):
            return None  # (an omitted `x: int = None` may hold None: FLY803's)
        return _plain(declared_value(param.type))

    @staticmethod
    def _common(types: list[ValueType | None]) -> ValueType | None:
        """The one type every item has (None when they differ, one is unknown, or there are none)."""
        if not types or any(t is None for t in types):
            return None
        first = types[0]
        return first if all(t.name == first.name and t.declared is None for t in types) else None


def _plain(value: ValueType | None) -> ValueType | None:
    """``value`` without the output it came from (a parameter's value is no task's output)."""
    if value is None or value.name in ("dataclass", "pydantic"):
        return None
    return ValueType(value.name, tuple(_plain(a) for a in value.args))


def _rebound_elsewhere(target: nodes.AssignName) -> bool:
    """The variable ``target`` binds is bound in another statement of its scope too (an augmented assignment
    or a later rebinding reaches the use in some order astroid's flow filtering cannot see: loops)."""
    scope = target.scope()
    bound = scope.locals.get(target.name, []) if hasattr(scope, "locals") else []
    if len(bound) > 1:
        return True
    return target.name in _augmented_names(scope)


# The names an augmented assignment (``x += 1``) binds anywhere under a scope, found once per scope.
_AUGMENTED: weakref.WeakKeyDictionary[nodes.NodeNG, frozenset[str]] = weakref.WeakKeyDictionary()


def _augmented_names(scope: nodes.NodeNG) -> frozenset[str]:
    names = _AUGMENTED.get(scope)
    if names is None:
        names = frozenset(
            aug.target.name for aug in scope.nodes_of_class(nodes.AugAssign) if isinstance(aug.target, nodes.AssignName)
        )
        _AUGMENTED[scope] = names
    return names
