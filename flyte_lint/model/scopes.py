"""Scopes and bindings in an astroid tree, without resolving anything: where a name is bound, which function a
node runs in, whether bindings agree. Shared by the resolver's parts (model/resolver.py)."""

from __future__ import annotations

from astroid import nodes

from flyte_lint.model.values import (
    UNKNOWN,
    Unknown,
    Value,
)

FUNCTION_NODES = (nodes.FunctionDef, nodes.AsyncFunctionDef)

DEF_TYPES = frozenset({nodes.FunctionDef, nodes.AsyncFunctionDef})
_FUNCTION_TYPES = frozenset({nodes.FunctionDef, nodes.AsyncFunctionDef, nodes.Lambda})
_LAMBDA, _MODULE = nodes.Lambda, nodes.Module

SCOPE_NODES = (nodes.FunctionDef, nodes.AsyncFunctionDef, nodes.Lambda, nodes.ClassDef)


def enclosing_function(node: nodes.NodeNG) -> nodes.FunctionDef | nodes.Lambda | None:
    """The innermost def or lambda around ``node``; comprehensions are transparent."""
    parent = node.parent
    while parent is not None and type(parent) is not _MODULE:
        kind = type(parent)  # (exact types: astroid has no other subclasses of these)
        if kind in _FUNCTION_TYPES:
            # A default value, annotation or decorator is evaluated in the outer scope, when the def runs.
            # (``node`` is the child of ``parent`` on the way up: the Decorators node, not one decorator.)
            if node is parent.args or (kind is not _LAMBDA and (node is parent.decorators or node is parent.returns)):
                node, parent = parent, parent.parent
                continue
            return parent
        node, parent = parent, parent.parent
    return None


def own_returns(func: nodes.FunctionDef) -> list[nodes.Return]:
    return [r for r in func.nodes_of_class(nodes.Return, skip_klass=SCOPE_NODES) if r.scope() is func]


def made_locally(function: nodes.FunctionDef, use: nodes.Name) -> nodes.Call | None:
    """The call a local of ``function`` is bound to, when it is bound exactly once, by an assignment that is
    a statement of the function's own body and comes before ``use``."""
    bindings = function.locals[use.name]
    if len(bindings) != 1 or not isinstance(bindings[0], nodes.AssignName):
        return None
    assign = bindings[0].parent
    if not (
        isinstance(assign, nodes.Assign)
        and assign.parent is function
        and assign.targets == [bindings[0]]
        and isinstance(assign.value, nodes.Call)
    ):
        return None
    if any(isinstance(n, (nodes.Global, nodes.Nonlocal)) and use.name in n.names for n in function.body):
        return None
    return assign.value if (assign.lineno, assign.col_offset) < (use.lineno, use.col_offset) else None


def global_use(name: str, scope: nodes.LocalsDictNodeNG) -> nodes.Module | None:
    """The module, when ``name`` used in ``scope`` is a use inside a function of a name no enclosing function
    (or class) binds; None otherwise, and for module-level uses, which see only the bindings before them."""
    if isinstance(scope, nodes.Module):
        return None
    while not isinstance(scope, nodes.Module):
        if name in scope.locals:
            return None
        scope = scope.parent.scope() if scope.parent is not None else scope.root()
    return scope


def in_signature(at: nodes.NodeNG, scope: nodes.LocalsDictNodeNG) -> bool:
    """Whether ``at``, whose scope is ``scope``, lies in a function's (or lambda's) defaults or annotations."""
    if type(scope) in DEF_TYPES:
        return at.statement() is scope
    if type(scope) is _LAMBDA:
        node = at
        while node is not scope:
            if node is scope.args:
                return True
            node = node.parent
    return False


def bindings_in_scopes(name: str, scope: nodes.LocalsDictNodeNG) -> int:
    """How many times the innermost scope from ``scope`` outwards that binds ``name`` binds it (0: none does)."""
    while True:
        found = scope.locals.get(name)
        if found:
            return len(found)
        if isinstance(scope, nodes.Module) or scope.parent is None:
            return 0
        scope = scope.parent.scope()


def agree(values) -> Value:
    """One value when every binding that means something agrees on it; UNKNOWN otherwise."""
    result: Value | None = None
    for value in values:
        if isinstance(value, Unknown):
            return UNKNOWN
        if result is None:
            result = value
        elif value != result:
            return UNKNOWN
    return result if result is not None else UNKNOWN


def walk(tree: nodes.NodeNG):
    """Every node below ``tree`` (itself included), depth first in source order, without recursion.
    (astroid's ``get_children`` order, read straight from the node fields: much faster than its generators.)"""
    stack = [tree]
    pop = stack.pop
    node_type = nodes.NodeNG
    while stack:
        node = pop()
        yield node
        fields = node._astroid_fields
        if not fields:
            continue
        if type(node) in _OWN_ORDER:
            children = list(node.get_children())
        else:
            children = []
            add = children.append
            for name in fields:
                value = getattr(node, name)
                if value is None:
                    continue
                if isinstance(value, list):
                    for item in value:
                        if isinstance(item, tuple):
                            for part in item:
                                if isinstance(part, node_type):
                                    add(part)
                        elif item is not None:
                            add(item)
                else:
                    add(value)
        children.reverse()
        stack.extend(children)


# Node types whose get_children is not their fields in order.
_OWN_ORDER = frozenset(
    getattr(nodes, name)
    for name in ("Arguments", "FunctionDef", "AsyncFunctionDef", "ClassDef", "Lambda", "Module")
    if hasattr(nodes, name)
)
