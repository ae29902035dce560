"""What binds a name where it is used, by astroid's scope lookup: the one place outside the resolver that asks
astroid. Rules ask these queries (or Analysis's, which delegate here) instead of calling ``node.lookup``.

Each query fails soft: astroid's lookup raising on an odd tree answers "nothing binds it".
"""

from __future__ import annotations

import weakref

from astroid import nodes

from flyte_lint.model.scopes import walk

# Modules whose lookup budget ran out (model/name_lookup.py): from there on their names are unknown to every
# query, so no rule or model query spends astroid's flow analysis on them again.
_EXHAUSTED: weakref.WeakSet[nodes.Module] = weakref.WeakSet()


def stop_lookups(module: nodes.Module) -> None:
    """Answer "nothing known" for every name of ``module`` from now on (its lookup budget ran out)."""
    _EXHAUSTED.add(module)


def lookup(name: nodes.Name) -> tuple[nodes.LocalsDictNodeNG | None, list[nodes.NodeNG]]:
    """The scope that binds ``name`` where it is used, and the statements there that may have bound it (after
    astroid's flow filtering); ``(None, [])`` when the lookup fails, or when its module's budget ran out."""
    if _EXHAUSTED and name.root() in _EXHAUSTED:
        return None, []
    try:
        scope, stmts = name.lookup(name.name)
    except Exception:  # astroid lookup on odd trees  # pragma: no cover
        return None, []
    return scope, list(stmts)


def bindings_of(name: nodes.Name) -> list[nodes.NodeNG]:
    """The statements that may have bound ``name`` where it is used (assignments, imports, defs...)."""
    return lookup(name)[1]


def binding_scope(name: nodes.Name) -> nodes.LocalsDictNodeNG | None:
    """The scope (module, function, class, lambda, comprehension; the builtins module for a builtin) whose
    binding ``name`` reads where it is used. None: not known."""
    return lookup(name)[0]


def is_builtin(name: nodes.Name) -> bool:
    """``name`` reads a builtin (``len``, ``list``...): nothing in the module or around the use binds it."""
    scope = binding_scope(name)
    return scope is not None and scope.scope() is scope and isinstance(scope, nodes.Module) and scope.name == "builtins"


def rebinds_same_variable(name: nodes.Name, stmt: nodes.NodeNG) -> bool:
    """Assigning ``name`` in a statement at ``stmt`` rebinds the variable the use of ``name`` reads (not a new
    local shadowing a global or an enclosing function's variable)."""
    scope = binding_scope(name)
    return scope is not None and scope is stmt.scope()


def loads_of(target: nodes.AssignName) -> list[nodes.Name]:
    """Every read of the name ``target`` binds, in its scope (nested functions included), in source order."""
    return list(_loads_by_name(target.scope()).get(target.name, ()))


# Each scope is walked once for all the names read in it, and kept as long as its tree: a walk per binding made a
# function with thousands of `c = task(...)` lines quadratic (100 s for 5,000).
_LOADS: weakref.WeakKeyDictionary[nodes.NodeNG, dict[str, list[nodes.Name]]] = weakref.WeakKeyDictionary()


def _loads_by_name(scope: nodes.NodeNG) -> dict[str, list[nodes.Name]]:
    found = _LOADS.get(scope)
    if found is None:
        found = {}
        for node in walk(scope):
            if type(node) is nodes.Name:
                found.setdefault(node.name, []).append(node)
        _LOADS[scope] = found
    return found
