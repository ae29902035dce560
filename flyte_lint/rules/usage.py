"""Where the value of an expression goes: awaited, discarded, stored, passed on. Shared by rules."""

from __future__ import annotations

from astroid import nodes

from flyte_lint.model.names import loads_of

# Nodes that only carry a value along to their own parent.
_CONTAINERS = (nodes.List, nodes.Tuple, nodes.Set, nodes.Starred, nodes.IfExp, nodes.Dict)
_COMPREHENSIONS = (nodes.ListComp, nodes.SetComp, nodes.GeneratorExp, nodes.DictComp)


def consumer(node: nodes.NodeNG) -> tuple[nodes.NodeNG, nodes.NodeNG]:
    """The first parent that does something with the value of ``node`` (through containers and
    comprehension elements), and the child of that parent the value arrives through."""
    child, parent = node, node.parent
    while parent is not None:
        if isinstance(parent, _CONTAINERS):
            if isinstance(parent, nodes.IfExp) and child is parent.test:
                break
            child, parent = parent, parent.parent
            continue
        if isinstance(parent, _COMPREHENSIONS) and child in (
            getattr(parent, "elt", None),
            getattr(parent, "key", None),
            getattr(parent, "value", None),
        ):
            child, parent = parent, parent.parent
            continue
        break
    return parent, child


def assigned_name(parent: nodes.NodeNG, child: nodes.NodeNG) -> nodes.AssignName | None:
    """The single name ``child`` is bound to by ``parent`` (``x = child``), if that is what happens."""
    if isinstance(parent, nodes.Assign) and child is parent.value and len(parent.targets) == 1:
        target = parent.targets[0]
        return target if isinstance(target, nodes.AssignName) else None
    if isinstance(parent, nodes.AnnAssign) and child is parent.value:
        return parent.target if isinstance(parent.target, nodes.AssignName) else None
    if isinstance(parent, nodes.NamedExpr) and child is parent.value:
        return parent.target
    return None


def is_discarded(node: nodes.NodeNG) -> bool:
    parent, child = consumer(node)
    if isinstance(parent, nodes.Expr):
        return True
    name = assigned_name(parent, child)
    # A module or class attribute may be read from elsewhere (`mod.x`, `C.x`): only locals are checked.
    return name is not None and (
        name.name == "_" or (not isinstance(name.scope(), (nodes.Module, nodes.ClassDef)) and not loads_of(name))
    )
