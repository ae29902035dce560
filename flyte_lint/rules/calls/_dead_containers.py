"""Local lists, dicts and sets that a coroutine is put in and that nothing ever reads its values from (FLY103)."""

from __future__ import annotations

from astroid import nodes

from flyte_lint.model.names import is_builtin, loads_of
from flyte_lint.rules.usage import assigned_name, consumer

# Methods that put a value into a list or a set and return None.
ADDERS = {"append", "extend", "insert", "add"}
EMPTY_MAKERS = {"list": "list", "dict": "dict", "set": "set"}


def kept_in_dead_container(call: nodes.Call, function: nodes.NodeNG | None) -> tuple[str, str] | None:
    """(name, kind) of the local list, dict or set of ``function`` that ``call``'s value is put into
    (``pending.append(call)``, ``pending[key] = call``, ``pending = [call, ...]``) when nothing can ever run it:
    every binding of the name is in ``function`` and makes a new container, and the name is only ever read to
    put values in (``.append``/``.extend``/``.insert``/``.add`` as a statement, ``name[key] = ...``) or by
    ``len(name)``: never iterated, awaited, gathered, subscripted, passed, returned or read by a nested
    function in another way. None otherwise."""
    if not isinstance(function, nodes.AsyncFunctionDef):
        return None
    parent, child = consumer(call)
    target = None
    if (
        isinstance(parent, nodes.Call)
        and child in parent.args
        and isinstance(parent.func, nodes.Attribute)
        and parent.func.attrname in ADDERS
        and isinstance(parent.func.expr, nodes.Name)
    ):
        target = parent.func.expr
    elif (
        isinstance(parent, nodes.Assign)
        and child is parent.value
        and len(parent.targets) == 1
        and isinstance(parent.targets[0], nodes.Subscript)
        and isinstance(parent.targets[0].value, nodes.Name)
    ):
        target = parent.targets[0].value
    elif child is not call:  # through a container literal or a comprehension: `pending = [call, ...]`
        bound = assigned_name(parent, child)
        if bound is not None and not isinstance(parent, nodes.NamedExpr):
            target = bound
    if target is None or target.scope() is not function:
        return None
    bindings = function.locals.get(target.name)  # (a `global` or `nonlocal` name is not among them)
    if not bindings:
        return None
    kinds = set()
    for binding in bindings:
        kind = _new_container(binding)
        if kind is None:
            return None
        kinds.add(kind)
        if any(not _only_fills(load) for load in loads_of(binding)):
            return None
    return target.name, kinds.pop() if len(kinds) == 1 else "container"


def _new_container(binding: nodes.NodeNG) -> str | None:
    """The kind of container ``binding`` (an ``x = ...`` target) binds the name to, when it makes a new one."""
    statement = binding.parent
    if not isinstance(binding, nodes.AssignName) or not isinstance(statement, (nodes.Assign, nodes.AnnAssign)):
        return None
    if isinstance(statement, nodes.Assign) and statement.targets != [binding]:
        return None
    value = statement.value
    if isinstance(value, (nodes.List, nodes.ListComp)):
        return "list"
    if isinstance(value, (nodes.Dict, nodes.DictComp)):
        return "dict"
    if isinstance(value, (nodes.Set, nodes.SetComp)):
        return "set"
    if (
        isinstance(value, nodes.Call)
        and isinstance(value.func, nodes.Name)
        and value.func.name in EMPTY_MAKERS
        and not value.args
        and not value.keywords
        and is_builtin(value.func)
    ):
        return EMPTY_MAKERS[value.func.name]
    return None


def _only_fills(load: nodes.Name) -> bool:
    """This read of a container's name puts a value in it, or takes its length: nothing reaches its values."""
    parent = load.parent
    if isinstance(parent, nodes.Attribute) and parent.expr is load and parent.attrname in ADDERS:
        call = parent.parent
        return isinstance(call, nodes.Call) and call.func is parent and isinstance(call.parent, nodes.Expr)
    if isinstance(parent, nodes.Subscript) and parent.value is load:
        assign = parent.parent
        return isinstance(assign, nodes.Assign) and parent in assign.targets
    if isinstance(parent, nodes.Call) and parent.args == [load] and not parent.keywords:
        return isinstance(parent.func, nodes.Name) and parent.func.name == "len" and is_builtin(parent.func)
    return False


def dead_container_message(label: str, what: str, name: str, kind: str) -> str:
    gathered = f"*{name}.values()" if kind == "dict" else f"*{name}"
    return (
        f"the coroutine of {label} is put in `{name}`, a {kind} of this function that nothing reads except to "
        f"add to it or take its length, so nothing ever awaits it and the {what} never runs. Await the call, "
        f"or gather the {kind}: `await asyncio.gather({gathered})`"
    )
