"""Whether a pod can load a task (FLY109): a pod's default resolver (flyte 2.12.1,
flyte/_internal/resolvers/default.py) imports the module the task's function was defined in and loads
``getattr(module, func.__name__)``. So a task loads in a pod only when that module, once imported, binds the
function's own name to the task. This module reads, from the model, what a module binds under a task function's
name at the end of its import, and reports the tasks for which that is surely something else."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from astroid import nodes

from flyte_lint.model.arguments import keyword_argument
from flyte_lint.model.definitions import AGENT_TOOL_DECORATORS
from flyte_lint.model.scopes import FUNCTION_NODES, own_returns
from flyte_lint.model.values import AgentToolRef, External, FunctionRef, PartialRef, TaskRef

if TYPE_CHECKING:
    from flyte_lint.model.analysis import Analysis
    from flyte_lint.model.entities import Task
    from flyte_lint.model.project import Module

# Library decorators whose result is a new plain function around the task (measured on flyte 2.12.1 with
# tenacity 9: the pod's resolver loads the wrapper, tests/test_task_loading_sdk.py).
WRAPPING_LIBRARY_DECORATORS = frozenset({"tenacity.retry"})
_HOLDERS = (nodes.FunctionDef, nodes.AsyncFunctionDef, nodes.Lambda, nodes.ClassDef)
_LOOPS = (nodes.For, nodes.AsyncFor, nodes.While)
_DYNAMIC_BINDERS = frozenset({"globals", "setattr", "vars", "exec"})


class LoadFailure(str, Enum):
    """Why the pod's ``getattr(module, func.__name__)`` does not give the task."""

    PLAIN_FUNCTION = "plain function"  # ``parse = env.task(_parse)``: the module's ``_parse`` is the function
    IMPORTED_FUNCTION = "imported function"  # ``f = env.task(f)`` of an imported f: its module's f is the function
    NESTED = "nested"  # defined in a function or class, and the module binds nothing under its name
    FACTORY_ALIAS = "factory alias"  # a factory's task bound under another name: the pod loads the one bound by name
    LOOP = "loop"  # defined in a module-level loop: the module keeps the last iteration's task
    REBOUND = "rebound"  # ``process = timed(process)`` (or a functools.partial of it) at module level
    WRAPPED = "wrapped"  # a decorator above ``@env.task`` returns a wrapper function, bound under the name
    MAIN_GUARD = "main guard"  # bound only under ``if __name__ == "__main__":``, which a pod's import skips


@dataclass(frozen=True, eq=False)
class Unloadable:
    """A task a pod cannot load as itself; ``node`` (in ``module``) is where that is decided: the ``env.task(...)``
    call, the decorator, or the module-level rebinding."""

    task: Task
    failure: LoadFailure
    node: nodes.NodeNG
    module: Module
    loads: str  # what the pod loads: "<module>.<function name>"
    holder: str | None = None  # NESTED, FACTORY_ALIAS: the function or class it is defined in; REBOUND, WRAPPED: the
    #                            wrapper's text
    in_class: bool = False  # NESTED: ``holder`` is a class
    factory: bool = False  # NESTED: ``holder`` is a function that returns the task it makes
    partial: bool = False  # REBOUND: to a ``functools.partial`` of the task


def unloadable_tasks(analysis: Analysis) -> list[Unloadable]:
    """The tasks of the model a pod surely does not load as themselves, in the model's task order."""
    return analysis.memo("task_loading.unloadable", lambda: _unloadable_tasks(analysis))


def _unloadable_tasks(analysis: Analysis) -> list[Unloadable]:
    dynamic: dict[int, bool] = {}
    found = []
    for task in analysis.tasks:
        tree = task.module.tree
        if tree is None or keyword_argument(task.options, "task_resolver") is not None:
            continue  # (a task with its own resolver is loaded its own way)
        if id(tree) not in dynamic:
            dynamic[id(tree)] = _binds_dynamically(tree, task.module.indexed)
        if not dynamic[id(tree)]:
            holder, _ = _surroundings(task.func)
            if holder is not None and tree.locals.get(task.func.name):
                found.extend(_factory_aliases(analysis, task, holder, tree))
                continue
            unloadable = _unloadable(analysis, task, tree)
            if unloadable is not None:
                found.append(unloadable)
    return found


def _binds_dynamically(tree: nodes.Module, indexed: list[nodes.NodeNG]) -> bool:
    """The module may bind names its text does not show: a star import, ``globals()``/``setattr``/``vars``/
    ``exec``, or a module ``__getattr__``. (``indexed``: the module's calls and imports noted while parsing.)"""
    if "__getattr__" in tree.locals:
        return True
    for node in indexed or tree.nodes_of_class((nodes.ImportFrom, nodes.Call)):
        if isinstance(node, nodes.ImportFrom):
            if any(name == "*" for name, _ in node.names):
                return True
        elif type(node) is nodes.Call and isinstance(node.func, nodes.Name) and node.func.name in _DYNAMIC_BINDERS:
            return True
    return False


def _unloadable(analysis: Analysis, task: Task, tree: nodes.Module) -> Unloadable | None:
    func, module = task.func, task.module
    name = func.name
    loads = f"{module.name}.{name}"
    holder, in_loop = _surroundings(func)
    bindings = tree.locals.get(name, [])
    if holder is not None:
        if bindings:
            return None  # (bound at module level: a factory's result under the name, or something we do not follow)
        where = _module_of(analysis, task)
        label, in_class = getattr(holder, "name", "<lambda>"), isinstance(holder, nodes.ClassDef)
        factory = isinstance(holder, FUNCTION_NODES) and _returns_task(holder, task)
        return Unloadable(task, LoadFailure.NESTED, task.decorator, where, loads, label, in_class, factory=factory)
    if in_loop:
        return Unloadable(task, LoadFailure.LOOP, task.decorator, _module_of(analysis, task), loads)
    if not bindings or any(b.parent.frame() is not tree for b in bindings):
        return None  # (a `global` statement in a function rebinds it: not followed)
    if all(_under_main_guard(b) for b in bindings):
        return Unloadable(task, LoadFailure.MAIN_GUARD, task.decorator, _module_of(analysis, task), loads)
    last = max(bindings, key=_position)
    if last is func:
        if task.decorator in (func.decorators.nodes if func.decorators else []):
            return _wrapped_above(analysis, task)
        if func.decorators:
            return None
        where = _module_of(analysis, task)
        failure = LoadFailure.PLAIN_FUNCTION if where is module else LoadFailure.IMPORTED_FUNCTION
        return Unloadable(task, failure, task.decorator, where, loads)
    assign = last.parent
    if not (
        isinstance(last, nodes.AssignName)
        and isinstance(assign, (nodes.Assign, nodes.AnnAssign))
        and assign.parent is tree
        and isinstance(assign.value, nodes.Call)
        and _position(assign) > _position(func)
    ):
        return None
    value = analysis.resolver.value_of(assign.value)
    if isinstance(value, (TaskRef, AgentToolRef)) and value.task is task and not value.wrapped:
        return None
    wrapper = assign.value.func
    if isinstance(value, PartialRef) and isinstance(value.target, TaskRef) and value.target.task is task:
        return Unloadable(task, LoadFailure.REBOUND, assign, module, loads, wrapper.as_string(), partial=True)
    if _kind_of_decorator(analysis, wrapper) != "wraps" or not any(
        isinstance(v := analysis.resolver.value_of(arg), TaskRef) and v.task is task for arg in assign.value.args
    ):
        return None
    return Unloadable(task, LoadFailure.REBOUND, assign, module, loads, wrapper.as_string())


def _wrapped_above(analysis: Analysis, task: Task) -> Unloadable | None:
    """A decorator stacked above ``@env.task`` that binds the name to a new function around the task."""
    decorators = task.func.decorators.nodes
    index = next(i for i, d in enumerate(decorators) if d is task.decorator)
    state, culprit = "task", None
    for decorator in reversed(decorators[:index]):  # (from the one just above the task outwards)
        kind = _kind_of_decorator(analysis, decorator)
        if kind == "identity":
            continue
        if kind == "tool" and state == "task":
            state = "tool"  # (the SDK's @tool gives the task its own resolver, which unwraps the AgentTool)
        elif kind == "wraps":
            state, culprit = "wrapped", decorator
        else:
            return None  # (flyte.trace above a task is FLY601; anything else is not followed)
    if culprit is None:
        return None
    loads = f"{task.module.name}.{task.func.name}"
    return Unloadable(task, LoadFailure.WRAPPED, culprit, task.module, loads, culprit.as_string())


def _kind_of_decorator(analysis: Analysis, expr: nodes.NodeNG) -> str:
    """What applying ``expr`` to a task gives: "identity" (the task back), "wraps" (a new function), "tool" (the
    SDK's agent tool), "trace" (flyte.trace), or "unknown"."""
    value = analysis.resolver.value_of(expr.func if isinstance(expr, nodes.Call) else expr)
    if isinstance(value, External):
        if value.path in AGENT_TOOL_DECORATORS:
            return "tool"
        if value.path == "flyte.trace":
            return "trace"
        return "wraps" if value.path in WRAPPING_LIBRARY_DECORATORS else "unknown"
    if not isinstance(value, FunctionRef) or value.traced:
        return "unknown"
    if not isinstance(expr, nodes.Call):
        return _applied(value.func)
    made = {_applied(inner) for inner in _returned_functions(value.func) or [None]}  # a decorator factory
    return made.pop() if len(made) == 1 else "unknown"


def _applied(func: nodes.FunctionDef | None) -> str:
    """What calling the project function ``func`` with one argument returns: "identity" when every ``return``
    gives its first parameter back, "wraps" when every one gives a function it defines (or a lambda)."""
    if not isinstance(func, nodes.FunctionDef) or func.decorators or func.is_generator():
        return "unknown"
    params = (func.args.posonlyargs or []) + (func.args.args or [])
    first = params[0].name if params else None
    kinds = set()
    for ret in own_returns(func):
        value = ret.value
        if isinstance(value, nodes.Name) and value.name == first and len(func.locals.get(first, [])) == 1:
            kinds.add("identity")
        elif isinstance(value, nodes.Lambda) or (isinstance(value, nodes.Name) and _local_functions(func, value.name)):
            kinds.add("wraps")
        else:
            return "unknown"
    return kinds.pop() if len(kinds) == 1 else "unknown"


def _returned_functions(func: nodes.FunctionDef) -> list[nodes.FunctionDef] | None:
    """The functions ``func`` defines and returns, when every ``return`` gives one."""
    if not isinstance(func, nodes.FunctionDef) or func.decorators:
        return None
    found = []
    for ret in own_returns(func):
        defs = _local_functions(func, ret.value.name) if isinstance(ret.value, nodes.Name) else None
        if not defs:
            return None
        found.extend(defs)
    return found or None


def _local_functions(func: nodes.FunctionDef, name: str) -> list[nodes.FunctionDef] | None:
    """The defs that are ``func``'s only bindings of ``name``, when there are no others."""
    bindings = func.locals.get(name, [])
    if bindings and all(isinstance(b, FUNCTION_NODES) and b.parent.frame() is func for b in bindings):
        return bindings
    return None


def _surroundings(func: nodes.FunctionDef) -> tuple[nodes.NodeNG | None, bool]:
    """The innermost function, lambda or class ``func`` is defined in (None: the module's own code), and whether a
    loop of the module's own code holds it."""
    in_loop = False
    node = func.parent
    while node is not None and not isinstance(node, nodes.Module):
        if isinstance(node, _HOLDERS):
            return node, in_loop
        if isinstance(node, _LOOPS):
            in_loop = True
        node = node.parent
    return None, in_loop


def _factory_aliases(analysis: Analysis, task: Task, holder: nodes.NodeNG, tree: nodes.Module) -> list[Unloadable]:
    """The module-level ``other = make(...)`` of a factory whose task the module also binds under the task
    function's own name, with ``inner = make(...)``: a pod loads every task the factory makes as the one bound by
    name. Only for a factory that makes this one task and returns it, every binding of the name being its call."""
    if not (isinstance(holder, FUNCTION_NODES) and _returns_task(holder, task)):
        return []
    made = [n for n in holder.nodes_of_class(FUNCTION_NODES) if id(n) in analysis.task_by_function]
    if made != [task.func]:
        return []
    name = task.func.name
    if not all(
        isinstance(b, nodes.AssignName) and b.parent.parent is tree and _calls(analysis, b.parent, holder)
        for b in tree.locals[name]
    ):
        return []
    loads = f"{task.module.name}.{name}"
    return [
        Unloadable(task, LoadFailure.FACTORY_ALIAS, stmt, task.module, loads, holder.name)
        for stmt in tree.body
        if _calls(analysis, stmt, holder) and stmt.targets[0].name != name
    ]


def _calls(analysis: Analysis, stmt: nodes.NodeNG, factory: nodes.FunctionDef) -> bool:
    """``stmt`` is ``<one name> = factory(...)``."""
    if not (
        isinstance(stmt, nodes.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], nodes.AssignName)
        and isinstance(stmt.value, nodes.Call)
    ):
        return False
    callee = analysis.resolver.value_of(stmt.value.func)
    return isinstance(callee, FunctionRef) and callee.func is factory


def _returns_task(holder: nodes.FunctionDef, task: Task) -> bool:
    """A ``return`` of ``holder`` gives the task it makes: its function's name or the ``env.task(...)`` call."""
    for ret in own_returns(holder):
        if ret.value is task.decorator or (isinstance(ret.value, nodes.Name) and ret.value.name == task.func.name):
            return True
    return False


def _under_main_guard(node: nodes.NodeNG) -> bool:
    """``node`` runs only in the body of an ``if __name__ == "__main__":`` of the module's own code (a pod imports
    the module under its own name, so that block does not run there)."""
    child, parent = node, node.parent
    while parent is not None and not isinstance(parent, nodes.Module):
        if isinstance(parent, nodes.If) and child in parent.body and _is_main_test(parent.test):
            return True
        child, parent = parent, parent.parent
    return False


def _is_main_test(test: nodes.NodeNG) -> bool:
    if not (isinstance(test, nodes.Compare) and len(test.ops) == 1 and test.ops[0][0] == "=="):
        return False
    sides = [test.left, test.ops[0][1]]
    names = [n for n in sides if isinstance(n, nodes.Name) and n.name == "__name__"]
    consts = [n for n in sides if isinstance(n, nodes.Const) and n.value == "__main__"]
    return len(names) == 1 and len(consts) == 1


def _module_of(analysis: Analysis, task: Task) -> Module:
    return analysis.resolver.module_of(task.decorator)


def _position(node: nodes.NodeNG) -> tuple[int, int]:
    stmt = node if isinstance(node, FUNCTION_NODES) else node.statement()
    return (stmt.lineno or 0, stmt.col_offset or 0)
