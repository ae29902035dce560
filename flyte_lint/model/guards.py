"""The author's own guards: where code catches the very exception a call raises.

Real code probes the SDK it runs with by calling and catching: ``try: env = flyte.TaskEnvironment(..., new_kw=1)``
then ``except TypeError: env = flyte.TaskEnvironment(...)`` works on every version. A rule that says such a call
"fails with TypeError" names a failure the author has handled. ``guarded_against`` answers whether a node is
guarded that way; rules declare the exception each finding's failure raises (``Rule.raises``) and the rule runner
drops the findings whose failure is guarded at the node it is raised at.

What counts as a guard, in the node's own function (a call in a helper called inside ``try:`` is not guarded):

- the body of a ``try:`` (or ``try:`` … ``except*``) with a handler that names the exception itself: the class
  (``except TypeError``, ``except builtins.TypeError``, a name bound to it), or a tuple holding it (written out,
  or a name bound once to one). Not its handlers, ``else:`` or ``finally:``: code there is not guarded by that
  ``try``. Nested ``try`` statements are looked through, innermost first;
- the body of ``with contextlib.suppress(...)`` naming the exception the same way.

Not guards: a bare ``except:`` or a handler of a base class (``Exception``, ``BaseException``). Those catch
everything, usually to log or clean up, and hide the bug rather than probe for a version: the failure is still
the author's (issue 21: "loud where real code hides the bug"). Nor is a handler whose body ends by raising
(``except TypeError: raise RuntimeError(...)``): the failure still ends the program.

Code evaluated when a ``def`` statement runs (decorators, defaults, annotations) is guarded by the ``try`` around
the ``def``; the body of a def or a lambda, and the lazily run parts of a generator expression, are not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from astroid import nodes

from flyte_lint.model.values import External

if TYPE_CHECKING:
    from flyte_lint.model.resolver import Resolver

SUPPRESS = "contextlib.suppress"
_TRY_TYPES = tuple(t for t in (getattr(nodes, "Try", None), getattr(nodes, "TryStar", None)) if t is not None)
_DEF_TYPES = (nodes.FunctionDef, nodes.AsyncFunctionDef)


def guarded_against(resolver: Resolver, node: nodes.NodeNG, exception: str) -> bool:
    """Whether ``node`` is evaluated inside a guard (see the module's docstring) that catches ``exception``, a
    class by its dotted path (``builtins.TypeError``), within ``node``'s own function."""
    child, parent = node, node.parent
    while parent is not None and not isinstance(parent, nodes.Module):
        if isinstance(parent, _TRY_TYPES):
            if child in parent.body and any(_probes(resolver, h, exception) for h in parent.handlers):
                return True
        elif isinstance(parent, (nodes.With, nodes.AsyncWith)):
            if child in parent.body and any(_suppresses(resolver, item, exception) for item, _ in parent.items):
                return True
        elif isinstance(parent, _DEF_TYPES):
            if child is not parent.decorators and child is not parent.args and child is not parent.returns:
                return False  # the body: it runs when called, not where the def is
        elif isinstance(parent, nodes.Lambda):
            if child is not parent.args:
                return False
        elif isinstance(parent, nodes.GeneratorExp):
            if not (parent.generators and child is parent.generators[0]):
                return False  # the element and later loops run when the generator is consumed
        elif (
            isinstance(parent, nodes.Comprehension)
            and isinstance(parent.parent, nodes.GeneratorExp)
            and (child is not parent.iter or parent is not parent.parent.generators[0])
        ):
            return False
        child, parent = parent, parent.parent
    return False


def _probes(resolver: Resolver, handler: nodes.ExceptHandler, exception: str) -> bool:
    """The handler catches ``exception`` by name and does not end by raising."""
    if handler.type is None or not _names(resolver, handler.type, exception):
        return False
    return not (handler.body and isinstance(handler.body[-1], nodes.Raise))


def _suppresses(resolver: Resolver, item: nodes.NodeNG, exception: str) -> bool:
    if not isinstance(item, nodes.Call) or item.keywords:
        return False
    callee = resolver.value_of(item.func)
    if not (isinstance(callee, External) and callee.path == SUPPRESS):
        return False
    return any(_names(resolver, arg, exception) for arg in item.args if not isinstance(arg, nodes.Starred))


def _names(resolver: Resolver, node: nodes.NodeNG, exception: str, depth: int = 0) -> bool:
    """``node`` (an ``except`` clause's type) is the class ``exception``, or a tuple holding it."""
    if depth > 4:
        return False
    if isinstance(node, (nodes.Tuple, nodes.List)):
        return any(_names(resolver, e, exception, depth + 1) for e in node.elts if not isinstance(e, nodes.Starred))
    value = resolver.value_of(node)
    if isinstance(value, External):
        return value.path == exception
    bound = _tuple_bound(node)
    return bound is not None and _names(resolver, bound, exception, depth + 1)


def _tuple_bound(node: nodes.NodeNG) -> nodes.NodeNG | None:
    """The tuple a name is bound to, when it is bound exactly once, by a plain assignment (``ERRORS = (A, B)``)."""
    if not isinstance(node, nodes.Name):
        return None
    try:
        _, stmts = node.lookup(node.name)
    except Exception:  # astroid lookup on odd trees  # pragma: no cover
        return None
    if len(stmts) != 1 or not isinstance(stmts[0], nodes.AssignName):
        return None
    assign = stmts[0].parent
    if isinstance(assign, nodes.Assign) and assign.targets == [stmts[0]] and isinstance(assign.value, nodes.Tuple):
        return assign.value
    return None
