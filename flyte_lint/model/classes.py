"""Project classes: the method a call ``obj.m(...)`` names, when the model pins ``obj`` to one project class."""

from __future__ import annotations

from typing import TYPE_CHECKING

from astroid import nodes
from astroid.exceptions import AttributeInferenceError

from flyte_lint.model.names import lookup
from flyte_lint.model.scopes import FUNCTION_NODES, enclosing_function
from flyte_lint.model.values import ClassRef

if TYPE_CHECKING:
    from flyte_lint.model.resolver import Resolver


def project_method(resolver: Resolver, func: nodes.Attribute) -> tuple[nodes.ClassDef, nodes.FunctionDef] | None:
    """The method of a project class that ``func`` (``obj.m``) names, when the model resolves ``obj`` to
    the class (``Runner.m``), to an instance made by calling it (``Runner().m``), or to a name every
    binding of which is such an instance (``r = Runner()`` then ``r.m``). None otherwise."""
    owner = func.expr
    made: list[nodes.NodeNG] = [owner]
    scope = enclosing_function(owner)
    if (
        isinstance(owner, nodes.Name)
        and isinstance(scope, FUNCTION_NODES)
        and isinstance(scope.parent, nodes.ClassDef)
        and scope.args.args
        and scope.args.args[0].name == owner.name
        and scope.type in ("method", "classmethod")
    ):
        return _method_of(scope.parent, func.attrname)  # `self.m`, `cls.m` in a method of the class
    if isinstance(owner, nodes.Name) and not isinstance(resolver.value_of(owner), ClassRef):
        binder, bindings = lookup(owner)
        if binder is None:  # (astroid's lookup failed on an odd tree)
            return None
        made = []
        for binding in bindings:
            statement = binding.parent if isinstance(binding, nodes.AssignName) else None
            if not (
                isinstance(statement, (nodes.Assign, nodes.AnnAssign))
                and statement.value is not None
                and isinstance(statement.value, nodes.Call)
            ):
                return None
            made.append(statement.value)
        if not made:
            return None
    classes = set()
    for node in made:
        value = resolver.value_of(node.func if isinstance(node, nodes.Call) else node)
        if not isinstance(value, ClassRef):
            return None
        classes.add(value.cls)
    if len(classes) != 1:
        return None
    return _method_of(classes.pop(), func.attrname)


def _method_of(cls: nodes.ClassDef, name: str) -> tuple[nodes.ClassDef, nodes.FunctionDef] | None:
    """The class and the method ``name`` of ``cls`` (its own or inherited) when it is one function."""
    try:
        found = [m for m in cls.getattr(name) if isinstance(m, FUNCTION_NODES)]
    except AttributeInferenceError:  # (no such attribute)
        return None
    return (cls, found[0]) if len(found) == 1 else None
