"""Whether an expression is evidently a path on this machine's filesystem (FLY806): an absolute path string, a
``tempfile`` directory or file, ``os.path.join`` / ``Path(...)`` / ``/`` / ``str(...)`` of one, or a local bound
once to one of these (``with tempfile.TemporaryDirectory() as tmp`` included). A parameter, a call the module
cannot see into, a remote URI (``s3://...``) and a relative path (it may name a file of the code bundle, which every
pod has) are not."""

from __future__ import annotations

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.constants import MISSING
from flyte_lint.model.values import External

_MAX_DEPTH = 8
_TEMP = {
    "tempfile.mkdtemp": "`tempfile.mkdtemp()`",
    "tempfile.mktemp": "`tempfile.mktemp()`",
    "tempfile.gettempdir": "`tempfile.gettempdir()`",
}
# An absolute path; a relative one may name a file shipped in the code bundle, which every pod has (and so may
# the working directory, ``os.getcwd()``): neither counts.
_ABSOLUTE = ("/", "~")
_TEMP_OBJECTS = {"tempfile.NamedTemporaryFile", "tempfile.TemporaryDirectory"}  # their ``.name``
_WRAPPERS = {
    "os.path.join",
    "os.path.abspath",
    "os.path.realpath",
    "os.path.expanduser",
    "pathlib.Path",
    "pathlib.PosixPath",
    "builtins.str",
}


def relative_root(node: nodes.NodeNG | None, depth: int = 0) -> bool:
    """``node`` builds on a relative path constant (``Path("config") / "a.yaml"``): a code bundle file, maybe."""
    if node is None or depth > _MAX_DEPTH:
        return False
    if isinstance(node, nodes.Const):
        return isinstance(node.value, str) and "://" not in node.value and not node.value.startswith(_ABSOLUTE)
    if isinstance(node, nodes.BinOp) and node.op == "/":
        return relative_root(node.left, depth + 1)
    if isinstance(node, nodes.Call) and node.args:
        return relative_root(node.args[0], depth + 1)
    if isinstance(node, nodes.Name):
        return relative_root(_bound_value(node), depth + 1)
    return False


def local_path(analysis: Analysis, node: nodes.NodeNG | None, depth: int = 0) -> str | None:
    """What makes ``node`` a local path, for a message (``"`tempfile.mkdtemp()`"``); None when not evident."""
    if node is None or depth > _MAX_DEPTH:
        return None
    value = analysis.literal(node) if not isinstance(node, nodes.JoinedStr) else MISSING
    if isinstance(value, str):
        return f"`{value}`" if value.startswith(_ABSOLUTE) else None
    if isinstance(node, nodes.JoinedStr):
        first = node.values[0] if node.values else None
        if isinstance(first, nodes.Const):
            text = str(first.value)
            return f"`{text}...`" if text.startswith(_ABSOLUTE) else None
        if isinstance(first, nodes.FormattedValue):
            return local_path(analysis, first.value, depth + 1)
        return None
    if isinstance(node, nodes.BinOp) and node.op == "/":
        return local_path(analysis, node.left, depth + 1)
    if isinstance(node, nodes.Call):
        callee = analysis.resolver.value_of(node.func)
        path = callee.path if isinstance(callee, External) else None
        if path in _TEMP:
            return _TEMP[path]
        if path in _WRAPPERS and node.args and not isinstance(node.args[0], nodes.Starred):
            return local_path(analysis, node.args[0], depth + 1)
        if path == "pathlib.Path.home":
            return "`Path.home()`"
        return None
    if isinstance(node, nodes.Attribute) and node.attrname == "name":
        made = _bound_value(node.expr)
        if isinstance(made, nodes.Call):
            callee = analysis.resolver.value_of(made.func)
            if isinstance(callee, External) and callee.path in _TEMP_OBJECTS:
                return f"`{callee.path}(...).name`"
        return None
    if isinstance(node, nodes.Name):
        bound = _bound_value(node)
        if isinstance(bound, nodes.Call) and _with_target(node):
            callee = analysis.resolver.value_of(bound.func)
            if isinstance(callee, External) and callee.path == "tempfile.TemporaryDirectory":
                return "`tempfile.TemporaryDirectory()`"
            return None
        return local_path(analysis, bound, depth + 1) if bound is not None else None
    return None


def _bound_value(name: nodes.NodeNG) -> nodes.NodeNG | None:
    """The value one binding in the enclosing def gives ``name``: a plain assignment, or a ``with ... as name``
    (its context expression)."""
    if not isinstance(name, nodes.Name):
        return None
    scope = name.scope()
    bindings = scope.locals.get(name.name, []) if isinstance(scope, nodes.FunctionDef) else []
    if len(bindings) != 1 or not isinstance(bindings[0], nodes.AssignName):
        return None
    parent = bindings[0].parent
    if isinstance(parent, nodes.Assign) and parent.targets == [bindings[0]]:
        return parent.value
    if isinstance(parent, nodes.With):
        for expr, target in parent.items:
            if target is bindings[0]:
                return expr
    return None


def _with_target(name: nodes.Name) -> bool:
    scope = name.scope()
    bindings = scope.locals.get(name.name, []) if isinstance(scope, nodes.FunctionDef) else []
    return len(bindings) == 1 and isinstance(bindings[0].parent, nodes.With)
