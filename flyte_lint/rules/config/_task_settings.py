"""What FLY314-FLY316 share: whether an env (or the task an ``.override(...)`` makes) is reusable, what a task's own
setting is before an override, and whether an argument is certainly not None.

Read from flyte 2.12.1: ``TaskEnvironment.task`` copies ``reusable``, ``env_vars`` and ``secrets`` from the env and
merges ``service_account``, ``pod_template`` and ``queue`` as ``given or env's``; ``TaskTemplate.override`` merges
``reusable`` as ``given or the task's`` ("off" turns it off), and raises ValueError for ``resources``, ``env_vars``,
``secrets`` or ``service_account`` that are not None while the result is reusable.
"""

from __future__ import annotations

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.arguments import is_static, keyword_argument
from flyte_lint.model.constants import MISSING
from flyte_lint.model.entities import Env
from flyte_lint.model.kinds import EnvOrigin
from flyte_lint.model.values import Instance, Method, TaskRef
from flyte_lint.rules.config._values import callee_path, env_argument, env_path

REUSE_POLICY = "flyte.ReusePolicy"
# The override keywords TaskTemplate.override checks with `is not None` while the task stays reusable, and the word
# its ValueError uses for each ("Cannot override env when reusable is set").
RAISE_ON_REUSABLE = {
    "resources": "resources",
    "env_vars": "env",
    "secrets": "secrets",
    "service_account": "service_account",
}
# Task settings the env hands to TaskEnvironment.task (the others come from the decorator alone).
FROM_THE_ENV = ("env_vars", "secrets", "service_account", "pod_template", "queue")
_DEPTH = 10


def is_override(call: nodes.Call, callee) -> bool:
    """``call`` is ``<task object>.override(...)`` of a task made by ``@env.task`` (not a wrapper function)."""
    return (
        isinstance(callee, Method)
        and callee.name == "override"
        and isinstance(callee.owner, TaskRef)
        and not callee.owner.wrapped
        and isinstance(call.func, nodes.Attribute)
    )


def policy(analysis: Analysis, node: nodes.NodeNG) -> bool | None:
    """A ``reusable=`` value: True for a ReusePolicy, False for None, None when not known."""
    value = analysis.literal(node)
    if value is None:
        return False
    definition = analysis.definition(node)
    if isinstance(definition, nodes.Call) and callee_path(analysis, definition) == REUSE_POLICY:
        return True
    made = analysis.resolver.value_of(node)
    return True if isinstance(made, Instance) and made.path == REUSE_POLICY else None


def env_reusable(analysis: Analysis, env: Env, depth: int = 0) -> bool | None:
    """Whether the tasks of ``env`` are reusable (its ``reusable=``, a clone's own or its source's); None: not
    known (``**kwargs``, a value that is not a ReusePolicy nor None, an env class the SDK table does not know)."""
    if depth > _DEPTH:
        return None
    if env.origin == EnvOrigin.FROM_TASK:
        return False  # (TaskEnvironment.from_task builds a plain TaskEnvironment; its tasks keep their own)
    if env.origin not in (EnvOrigin.CONSTRUCTOR, EnvOrigin.CLONE_WITH) or env_path(analysis, env) is None:
        return None
    given = env_argument(analysis, env, "reusable")
    if given is not None:
        return policy(analysis, given)
    if not is_static(env.node):
        return None
    if env.origin == EnvOrigin.CLONE_WITH:
        return env_reusable(analysis, env.parent, depth + 1) if env.parent is not None else None
    return False


def object_reusable(analysis: Analysis, expr: nodes.NodeNG, depth: int = 0) -> bool | None:
    """Whether the task object ``expr`` stands for is reusable: its env's reusability, or for the result of an
    ``.override(...)`` what that call left."""
    if depth > _DEPTH:
        return None
    value = analysis.resolver.value_of(expr)
    if not isinstance(value, TaskRef) or value.wrapped:
        return None
    if not value.overridden:
        return env_reusable(analysis, value.task.env)
    made = analysis.definition(expr)
    if isinstance(made, nodes.Call) and is_override(made, analysis.resolver.value_of(made.func)):
        return override_reusable(analysis, made, depth + 1)
    return None


def override_reusable(analysis: Analysis, call: nodes.Call, depth: int = 0) -> bool | None:
    """Whether ``reusable`` is set inside the ``.override(...)`` ``call`` (``reusable or self.reusable``, "off"
    turning it off): what its checks see, and what the task it returns keeps."""
    if depth > _DEPTH or not is_static(call):
        return None
    given = keyword_argument(call, "reusable")
    if given is not None:
        value = analysis.literal(given)
        if value == "off":
            return False
        if value is MISSING:
            return policy(analysis, given)
        if value:
            return True  # (any other truthy value is "not None": the checks raise)
    return object_reusable(analysis, call.func.expr, depth + 1)


def certainly_not_none(analysis: Analysis, node: nodes.NodeNG) -> bool:
    """``node`` is a value that cannot be None: a literal other than None, a display, or an object of a known
    class; False for None and for anything not known (a parameter, a project function's result)."""
    value = analysis.literal(node)
    if value is not MISSING:
        return value is not None
    definition = analysis.definition(node)
    if isinstance(definition, (nodes.Dict, nodes.List, nodes.Tuple, nodes.Set, nodes.JoinedStr)):
        return True
    made = analysis.resolver.value_of(node)
    return isinstance(made, Instance)


def falsy_literal(analysis: Analysis, node: nodes.NodeNG) -> bool:
    """``node`` is a literal falsy value (``0``, ``""``, ``None``, ``{}``, ``[]``, ``()``...), written in place or
    held by a module constant."""
    definition = analysis.definition(node)
    if isinstance(definition, nodes.Dict) and not definition.items:
        return True
    value = analysis.literal(node)
    return value is not MISSING and not value


def env_setting(analysis: Analysis, env: Env, keyword: str, depth: int = 0) -> tuple[bool, object]:
    """(known, value): the literal ``keyword`` setting of ``env`` (a clone's own, else its source's; None when
    not set)."""
    if depth > _DEPTH or env.origin not in (EnvOrigin.CONSTRUCTOR, EnvOrigin.CLONE_WITH):
        return False, None
    if env_path(analysis, env) is None:
        return False, None
    given = env_argument(analysis, env, keyword)
    if given is not None:
        value = analysis.literal(given)
        if value is MISSING:
            return False, None
        if value is not None or env.origin == EnvOrigin.CONSTRUCTOR:
            return True, value
    elif not is_static(env.node):
        return False, None
    if env.origin == EnvOrigin.CLONE_WITH:
        return env_setting(analysis, env.parent, keyword, depth + 1) if env.parent is not None else (False, None)
    return True, None


def flyte_name(module, attr: str) -> str | None:
    """How ``module`` spells ``flyte.<attr>`` with its module-level imports (``fl.RetryStrategy``,
    ``RetryStrategy``), or None when it imports neither flyte nor that name."""
    for stmt in module.tree.body if module.tree is not None else ():
        if isinstance(stmt, nodes.Import):
            for name, alias in stmt.names:
                if name == "flyte" or (alias is None and name.startswith("flyte.")):
                    return f"{alias or 'flyte'}.{attr}"
        elif isinstance(stmt, nodes.ImportFrom) and stmt.modname == "flyte" and not stmt.level:
            for name, alias in stmt.names:
                if name == attr:
                    return alias or name
    return None


def env_leaves_unset(analysis: Analysis, env: Env, keyword: str, depth: int = 0) -> bool:
    """``env`` certainly gives its tasks no ``keyword`` value (nothing truthy)."""
    if depth > _DEPTH or env.origin not in (EnvOrigin.CONSTRUCTOR, EnvOrigin.CLONE_WITH):
        return False
    if env_path(analysis, env) is None or not is_static(env.node):
        return False
    given = env_argument(analysis, env, keyword)
    if given is not None and not falsy_literal(analysis, given):
        return False
    if env.origin == EnvOrigin.CLONE_WITH and (given is None or analysis.literal(given) is None):
        return env.parent is not None and env_leaves_unset(analysis, env.parent, keyword, depth + 1)
    return True


def own_setting_unset(analysis: Analysis, expr: nodes.NodeNG, keyword: str, depth: int = 0) -> bool:
    """The task object ``expr`` certainly has no truthy ``keyword`` setting of its own (so an override that
    leaves it changes nothing): not set by its decorator, nor by its env for the settings the env hands on, nor
    by an earlier ``.override``. False when not known."""
    if depth > _DEPTH:
        return False
    value = analysis.resolver.value_of(expr)
    if not isinstance(value, TaskRef) or value.wrapped:
        return False
    if value.overridden:
        made = analysis.definition(expr)
        if not (isinstance(made, nodes.Call) and is_override(made, analysis.resolver.value_of(made.func))):
            return False
        if not is_static(made):
            return False
        given = keyword_argument(made, keyword)
        if given is not None and not falsy_literal(analysis, given):
            return False
        return own_setting_unset(analysis, made.func.expr, keyword, depth + 1)
    task = value.task
    options = task.options
    given = None
    if options is not None:
        if not is_static(options, skip=1 if options.args else 0):
            return False
        given = keyword_argument(options, keyword)
        if given is not None and not falsy_literal(analysis, given):
            return False
    if keyword == "max_inline_io_bytes" and given is None:
        return False  # (the decorator's default is the SDK's limit, 10 MiB)
    if keyword in FROM_THE_ENV:
        return env_leaves_unset(analysis, task.env, keyword)
    return True
