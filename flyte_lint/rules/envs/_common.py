"""What the env rules share: how an environment is named in its module, whether two are the same env, and the
rewrite that adds a dependency to an env."""

from __future__ import annotations

from dataclasses import replace

from astroid import nodes

from flyte_lint.model.entities import Env
from flyte_lint.model.kinds import EnvOrigin
from flyte_lint.rules.base import Edit, Suggestion, keyword_added


def env_variable(env: Env) -> str:
    """The name the env is bound to in its module (``env`` in ``env = flyte.TaskEnvironment(...)``)."""
    parent = env.node.parent
    if (
        isinstance(parent, nodes.Assign)
        and len(parent.targets) == 1
        and isinstance(parent.targets[0], nodes.AssignName)
    ):
        return parent.targets[0].name
    if isinstance(parent, nodes.AnnAssign) and isinstance(parent.target, nodes.AssignName):
        return parent.target.name
    return f"<env '{env.label}'>"


def env_expression(env: Env) -> str:
    """What a ``depends_on`` list names ``env`` by: its variable, or a shell task's ``.env``."""
    return f"{env_variable(env)}.env" if env.origin == EnvOrigin.SHELL else env_variable(env)


def same_env(a: Env, b: Env) -> bool:
    return a is b or (a.name is not None and a.name == b.name)


def dependency_added(module, env: Env, callee: Env, shown: str) -> Suggestion | None:
    """``callee`` (named ``shown``) made a dependency of ``env``, in the file that defines ``env`` at module level
    (``module``, the finding's, or another: the suggestion's path), when that file defines or imports ``shown``
    once: ``depends_on=[callee]`` added to the constructor of ``env`` when it has none and the name is bound above
    it; otherwise (a clone, whose ``depends_on=`` would replace the inherited ones, or a ``depends_on`` already
    given) ``env.add_dependency(callee)`` on a line after both."""
    call = env.node
    if not all(p.isidentifier() for p in shown.split(".")):
        return None
    # Where the name ``shown`` is bound at the top of the env's file (defined or imported there), or None.
    bindings = env.node.root().locals.get(shown.split(".")[0], ())
    bound = [b.statement() for b in bindings if isinstance(b.statement().parent, nodes.Module)]
    if len(bound) != 1 or len(bindings) != 1:
        return None  # (not bound there, or rebound: which value a line sees is not known here)
    if bound[0] is not callee.node.statement() and not isinstance(bound[0], (nodes.Import, nodes.ImportFrom)):
        return None  # (the name is something else there)
    statements = [env.node.statement(), bound[0]]
    if not isinstance(statements[0].parent, nodes.Module):
        return None
    path = env.module.display_path if env.module is not module else None
    if (
        env.origin == EnvOrigin.CONSTRUCTOR
        and not any(k.arg == "depends_on" for k in call.keywords or [])
        and bound[0].end_lineno < call.lineno
    ):
        return replace(keyword_added(call, f"depends_on=[{shown}]"), path=path)
    variable = env_variable(env)
    if not variable.isidentifier():
        return None
    after = max(statements, key=lambda stmt: stmt.end_lineno)
    indent = " " * after.col_offset
    line = after.end_lineno + 1
    return Suggestion(
        f"{variable}.add_dependency({shown})",
        (Edit((line, 0), (line, 0), f"{indent}{variable}.add_dependency({shown})\n"),),
        path,
    )
