"""The tasks a ``flyte.Cache(...)`` call is attached to (FLY319): where its value is given as ``cache=``.

A Cache reaches a task as ``@env.task(cache=...)``, ``t.override(cache=...)`` or an env's ``cache=`` (every task
of the env and of its ``clone_with`` copies; counting too many tasks only keeps FLY319 quiet). A Cache bound to a
name is followed to every ``cache=`` value that stands for it (``analysis.definition``), in any module. When the
name is read anywhere else in its own module (handed to a helper, put in a dict), where it goes is not known:
its targets are None.
"""

from __future__ import annotations

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.entities import Env, Task
from flyte_lint.model.kinds import EnvOrigin
from flyte_lint.model.names import loads_of
from flyte_lint.model.values import Method, TaskRef
from flyte_lint.rules.config._task_options import option_sites
from flyte_lint.rules.config._values import env_argument


def _env_tasks(analysis: Analysis, env: Env) -> list[Task]:
    """The tasks of ``env`` and of the envs cloned from it (clone_with keeps the cache)."""

    def descends(other: Env | None, depth: int = 0) -> bool:
        while other is not None and depth < 20:
            if other is env:
                return True
            other, depth = (other.parent if other.origin == EnvOrigin.CLONE_WITH else None), depth + 1
        return False

    return [task for task in analysis.tasks if descends(task.env)]


def _targets(analysis: Analysis) -> tuple[dict[int, list[Task]], set[int]]:
    """Tasks by the id of the ``cache=`` value node's definition, and the ids of the ``cache=`` values read."""
    by_options: dict[int, list[Task]] = {}
    for task in analysis.tasks:
        if task.options is not None:
            by_options.setdefault(id(task.options), []).append(task)
    found: dict[int, list[Task]] = {}
    uses: set[int] = set()

    def attach(value: nodes.NodeNG, tasks: list[Task] | None) -> None:
        uses.add(id(value))
        made = analysis.definition(value)
        if made is None:
            return
        if tasks is None:
            found[id(made)] = found.get(id(made), []) + [None]  # type: ignore[list-item]
        else:
            found.setdefault(id(made), []).extend(tasks)

    for site in option_sites(analysis, "cache"):
        if site.override:
            callee = site.call.callee
            task = callee.owner.task if isinstance(callee, Method) and isinstance(callee.owner, TaskRef) else None
            attach(site.value, [task] if task is not None else None)
        else:
            attach(site.value, by_options.get(id(site.call.node)))
    for env in analysis.envs:
        if env.origin in (EnvOrigin.CONSTRUCTOR, EnvOrigin.CLONE_WITH):
            value = env_argument(analysis, env, "cache")
            if value is not None:
                attach(value, _env_tasks(analysis, env))
    return found, uses


def cache_targets(analysis: Analysis, cache_call: nodes.Call) -> list[Task] | None:
    """The tasks ``cache_call`` (a ``flyte.Cache(...)`` call) is attached to; None when that is not known (it is
    used somewhere else too, or at a place whose task is not known); [] when it is attached to none."""
    found, uses = analysis.memo("config.cache_targets", lambda: _targets(analysis))
    parent = cache_call.parent
    if isinstance(parent, nodes.Assign) and len(parent.targets) == 1:
        target = parent.targets[0]
        if not isinstance(target, nodes.AssignName):
            return None
        if any(id(load) not in uses for load in loads_of(target)):
            return None
    elif id(cache_call) not in uses:
        return None
    tasks = found.get(id(cache_call), [])
    if any(task is None for task in tasks):
        return None
    return tasks
