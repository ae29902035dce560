"""Cache behaviours as the SDK reads them (``Cache.__post_init__``, "cache_behaviors" of the SDK table), and the
behaviour an env or task ends up with."""

from __future__ import annotations

from typing import Any

from astroid import nodes

from flyte_lint import sdk
from flyte_lint.model.analysis import Analysis
from flyte_lint.model.arguments import sdk_arguments
from flyte_lint.model.constants import MISSING
from flyte_lint.model.entities import Env, Task
from flyte_lint.model.kinds import EnvOrigin
from flyte_lint.model.suggest import closest
from flyte_lint.rules.config._values import callee_path, env_argument

CACHE_WORDS = {
    "always": "auto",
    "never": "disable",
    "disabled": "disable",
    "enable": "auto",
    "cache": "auto",
    "nocache": "disable",
    "no_cache": "disable",
    "none": "disable",
    "overwrite": "override",
}


def cache_behavior(value: Any) -> str | None:
    """What a cache string means to the SDK (``Cache.__post_init__``): the canonical behaviour, or None if rejected."""
    if not isinstance(value, str):
        return None
    info = sdk.table()["cache_behaviors"]
    if value in info["canonical"]:
        return value
    return info["aliases"].get(value.lower())


def cache_suggestion(value: Any) -> str:
    if value is True:
        return "auto"
    if value is False or value is None:
        return "disable"
    text = str(value).strip().lower()
    meaning = cache_behavior(text) or CACHE_WORDS.get(text)
    if meaning:
        return meaning
    info = sdk.table()["cache_behaviors"]
    guess = closest(text, list(info["canonical"]) + list(info["aliases"]))
    return cache_behavior(guess) if guess else "auto"


def cache_state(analysis: Analysis, node: nodes.NodeNG | None) -> str | None:
    """The behaviour a ``cache=`` value asks for: auto/override/disable, or None when unknown or invalid."""
    value = analysis.literal(node)
    if value is not MISSING:
        return cache_behavior(value)
    call = analysis.definition(node)
    if isinstance(call, nodes.Call) and callee_path(analysis, call) == "flyte.Cache":
        behavior = sdk_arguments(call, "flyte.Cache").get("behavior")
        return cache_behavior(analysis.literal(behavior)) if behavior is not None else None
    return None


def env_cache_state(analysis: Analysis, env: Env, depth: int = 0) -> str | None:
    """The cache behaviour tasks of ``env`` inherit, or None when unknown."""
    if depth > 10:
        return None
    node = env_argument(analysis, env, "cache")
    if node is None:
        if env.origin == EnvOrigin.CLONE_WITH:
            return env_cache_state(analysis, env.parent, depth + 1) if env.parent is not None else None
        return "disable" if env.origin == EnvOrigin.CONSTRUCTOR else None
    return cache_state(analysis, node)


def task_cache_state(analysis: Analysis, task: Task) -> str | None:
    node = sdk_arguments(task.options, "flyte.TaskEnvironment.task").get("cache") if task.options is not None else None
    if node is not None:
        value = analysis.literal(node)
        if value is False or value is None or value == "":
            return env_cache_state(analysis, task.env)
        return cache_state(analysis, node)
    return env_cache_state(analysis, task.env)


def decorator_applied_at(decorator: nodes.Call) -> nodes.NodeNG | None:
    """Where the decorator that ``env.task(...)`` makes is applied: the decorated def (``@env.task(...)``, guarded
    as the call is), or ``env.task(...)(fn)``; None when it is applied elsewhere (``deco = env.task(...)``)."""
    parent = decorator.parent
    if isinstance(parent, nodes.Decorators):
        return decorator
    if isinstance(parent, nodes.Call) and parent.func is decorator:
        return parent
    return None
