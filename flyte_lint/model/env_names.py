"""How code at a given place can name an environment: the variable the env is bound to, in its own module or
imported from it (``from pkg.envs import pool as p``), or through the module object a reference already goes
through (``tasks.score`` -> ``tasks.pool``). Nothing is guessed: a name is offered only when it certainly stands
for the env there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from astroid import nodes

from flyte_lint.model.scopes import enclosing_function
from flyte_lint.model.values import ModuleRef

if TYPE_CHECKING:
    from flyte_lint.model.analysis import Analysis
    from flyte_lint.model.entities import Env


def env_variable(env: Env) -> str | None:
    """The module-level variable ``env`` is bound to, once (``pool = flyte.TaskEnvironment(...)``), or None."""
    assign = env.node.parent
    if not (isinstance(assign, nodes.Assign) and len(assign.targets) == 1):
        return None
    target = assign.targets[0]
    tree = env.module.tree
    if not isinstance(target, nodes.AssignName) or assign.parent is not tree or tree is None:
        return None
    return target.name if len(tree.locals.get(target.name, ())) == 1 else None


def _visible(name: str, at: nodes.NodeNG) -> bool:
    """No def (or lambda, or class body) between ``at`` and its module binds ``name`` itself."""
    scope = enclosing_function(at)
    while scope is not None:
        if name in scope.locals:
            return False
        scope = enclosing_function(scope)
    frame = at.frame()
    return not (isinstance(frame, nodes.ClassDef) and name in frame.locals)


def _defined_before(binding: nodes.NodeNG, at: nodes.NodeNG) -> bool:
    """Code at module level runs in order: the binding must come first; a function body runs later."""
    return enclosing_function(at) is not None or (binding.lineno or 0) < (at.lineno or 0)


def env_name_at(analysis: Analysis, env: Env, at: nodes.NodeNG, via: nodes.NodeNG | None = None) -> str | None:
    """An expression that names ``env`` at ``at``: its variable (same module), the name a module-level
    ``from <env's module> import <variable>`` gives it, or ``<via's module expression>.<variable>`` when ``via``
    (an expression at ``at``, such as ``tasks.score``) is an attribute of a reference to the env's module."""
    variable = env_variable(env)
    if variable is None:
        return None
    module = analysis.resolver.module_of(at)
    tree = module.tree
    if tree is None:
        return None
    if module is env.module:
        if _visible(variable, at) and _defined_before(env.node, at):
            return variable
        return None
    for stmt in tree.body:
        if not isinstance(stmt, nodes.ImportFrom):
            continue
        for name, alias in stmt.names:
            local = alias or name
            if (
                name == variable
                and analysis.resolver.imported_module(stmt) == ModuleRef(env.module)
                and len(tree.locals.get(local, ())) == 1
                and _visible(local, at)
                and _defined_before(stmt, at)
            ):
                return local
    if isinstance(via, nodes.Attribute) and analysis.resolver.value_of(via.expr) == ModuleRef(env.module):
        return f"{via.expr.as_string()}.{variable}"
    return None
