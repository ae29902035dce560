"""Code that runs outside every task's run: a function the model sees all the callers of, each chain of which
ends in module-level code (a script's top level, a ``__main__`` block) or a FastAPI route, none in a task.

Conservative: a function whose callers may not all be seen counts as possibly reached from a task. That is one
with no visible caller (it may be imported and called elsewhere), a method, a lambda, one decorated by anything
but a FastAPI route or a decorator known to call it inline, one whose name is read other than as the callee of
a call (passed as a value, returned, stored), or one read as an attribute the model cannot resolve.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from astroid import nodes

from flyte_lint.model.scopes import enclosing_function, walk
from flyte_lint.model.values import External, FunctionRef, ModuleRef, Unknown

if TYPE_CHECKING:
    from flyte_lint.model.analysis import Analysis

# ``@app.get(...)`` and the other route decorators of a FastAPI app or router: FastAPI calls the function when a
# request comes, in the app's server, never inside a task's run.
ROUTE_DECORATORS = frozenset(
    {"get", "post", "put", "delete", "patch", "options", "head", "trace", "api_route", "websocket"}
)
ROUTERS = frozenset(
    {"fastapi.FastAPI", "fastapi.APIRouter", "fastapi.applications.FastAPI", "fastapi.routing.APIRouter"}
)


def outside_every_task(analysis: Analysis, function: nodes.NodeNG | None) -> bool:
    """``function`` (None: module-level code) runs only outside every task's run, as far as the model can see
    every call that reaches it (see the module docstring)."""
    known = analysis.memo("reach.outside_every_task", dict)
    key = id(function)
    if key not in known:
        known[key] = _outside(analysis, function)
    return known[key]


def _outside(analysis: Analysis, function: nodes.NodeNG | None) -> bool:
    callers_of = analysis._function_callers
    todo = [function]
    seen: set[int] = set()
    while todo:
        func = todo.pop()
        if func is None:  # (module-level code: a script's top level or its __main__ block)
            continue
        if id(func) in seen:
            continue
        seen.add(id(func))
        if id(func) in analysis.task_by_function or not isinstance(func, nodes.FunctionDef):
            return False
        callers = callers_of.get(id(func), ())
        if is_fastapi_route(analysis, func) and not _app_handed_to_a_task(analysis, func):
            todo.extend(callers)
            continue
        if (
            not callers
            or isinstance(func.parent, nodes.ClassDef)
            or not analysis._runs_where_called(func)
            or _escapes(analysis, func)
        ):
            return False
        todo.extend(callers)
    return True


def is_fastapi_route(analysis: Analysis, func: nodes.FunctionDef) -> bool:
    """``func`` is decorated ``@app.get(...)`` (or another route method) where ``app`` is a ``FastAPI()`` or an
    ``APIRouter()``."""
    for decorator in func.decorators.nodes if func.decorators else ():
        target = decorator.func if isinstance(decorator, nodes.Call) else None
        if not (isinstance(target, nodes.Attribute) and target.attrname in ROUTE_DECORATORS):
            continue
        made = analysis.definition(target.expr)
        if isinstance(made, nodes.Call):
            maker = analysis.resolver.value_of(made.func)
            if isinstance(maker, External) and maker.path in ROUTERS:
                return True
    return False


def _app_handed_to_a_task(analysis: Analysis, func: nodes.FunctionDef) -> bool:
    """The app (or router) of a route's decorator is passed to a call made in a task's run (``uvicorn.run(app)`` in
    a task body): the server may then run the route inside that task's context."""
    for decorator in func.decorators.nodes:
        target = decorator.func if isinstance(decorator, nodes.Call) else None
        if not (isinstance(target, nodes.Attribute) and isinstance(target.expr, nodes.Name)):
            continue
        for read in _reads(analysis).get(target.expr.name, ()):
            parent = read.parent.parent if isinstance(read.parent, nodes.Keyword) else read.parent
            handed = isinstance(parent, nodes.Call) and parent.func is not read
            if handed and analysis.in_task_context(enclosing_function(read)):
                return True
    return False


def _escapes(analysis: Analysis, func: nodes.FunctionDef) -> bool:
    """The function's name is read other than as the callee of a call, or read as an attribute of something the
    model cannot resolve (``obj.name``: maybe this function) in a module that imports the function's module,
    transitively (no other module can reach it but through a value handed to it, itself a read here)."""
    value_of = analysis.resolver.value_of
    importers = None
    for node in _reads(analysis).get(func.name, ()):
        value = value_of(node)
        if isinstance(value, FunctionRef) and value.func is func:
            if not (isinstance(node.parent, nodes.Call) and node.parent.func is node):
                return True
        elif isinstance(node, nodes.Attribute) and isinstance(value, Unknown):
            if importers is None:
                importers = _importers_of(analysis, func.root())
            if id(node.root()) in importers:
                return True
    return False


def _importers_of(analysis: Analysis, tree: nodes.Module) -> set[int]:
    """The ids of the module trees that import the module ``tree``, transitively, and ``tree`` itself."""
    imported_by = analysis.memo("reach.imported_by", lambda: _imported_by(analysis))
    found = {id(tree)}
    todo = [id(tree)]
    while todo:
        for importer in imported_by.get(todo.pop(), ()):
            if importer not in found:
                found.add(importer)
                todo.append(importer)
    return found


def _imported_by(analysis: Analysis) -> dict[int, set[int]]:
    """The id of each analysed module's tree -> the ids of the trees of the modules that import it."""
    found: dict[int, set[int]] = {}
    import_targets = analysis.resolver.import_targets
    for module, stmt in analysis.nodes_of(nodes.Import, nodes.ImportFrom):
        for target in import_targets(stmt, module):
            if isinstance(target, ModuleRef) and target.module.tree is not None:
                found.setdefault(id(target.module.tree), set()).add(id(module.tree))
    return found


class _Reads:
    """Every name read and attribute read of the analysed modules, by name, found on demand: a module is walked
    (once) only when its text contains a name asked for, so the common case (no function to decide, or a few
    names) walks almost nothing."""

    def __init__(self, analysis: Analysis) -> None:
        self._modules = analysis.modules
        self._walked: dict[int, dict[str, list[nodes.NodeNG]]] = {}
        self._answers: dict[str, list[nodes.NodeNG]] = {}

    def get(self, name: str, default=()) -> list[nodes.NodeNG]:
        found = self._answers.get(name)
        if found is None:
            found = []
            for module in self._modules:
                if module.tree is not None and name in (module.text or ""):
                    found.extend(self._index(module).get(name, ()))
            self._answers[name] = found
        return found or list(default)

    def _index(self, module) -> dict[str, list[nodes.NodeNG]]:
        index = self._walked.get(id(module.tree))
        if index is None:
            index = {}
            for node in walk(module.tree):
                kind = type(node)
                if kind is nodes.Name:
                    index.setdefault(node.name, []).append(node)
                elif kind is nodes.Attribute:
                    index.setdefault(node.attrname, []).append(node)
            self._walked[id(module.tree)] = index
        return index


def _reads(analysis: Analysis) -> _Reads:
    """Every name read and attribute read of the analysed modules, by name (``.get(name, ())``)."""
    return analysis.memo("reach.reads", lambda: _Reads(analysis))
