"""Finding the entry task for `flyte-lint graph --entry MODULE:FUNCTION`."""

from __future__ import annotations

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.entities import Task


class EntryError(Exception):
    pass


def find_entry(analysis: Analysis, spec: str) -> Task:
    module_name, _, function = spec.rpartition(":")
    matches = [
        t for t in analysis.tasks if t.func.name == function and (not module_name or _module_matches(t, module_name))
    ]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        known = ", ".join(sorted(entry_spec(t) for t in analysis.tasks)[:20]) or "none"
        raise EntryError(f"no task matches --entry {spec!r}; tasks found: {known}")
    raise EntryError(f"--entry {spec!r} is ambiguous: {', '.join(sorted(entry_spec(t) for t in matches))}")


def _module_matches(task: Task, module_name: str) -> bool:
    name = task.module.name
    return name == module_name or name.endswith("." + module_name) or task.module.path.stem == module_name


def entry_spec(task: Task) -> str:
    return f"{task.module.name}:{task.func.name}"


def candidates(analysis: Analysis) -> list[tuple[Task, bool]]:
    """Every task, and whether it is a root (no other task calls it): the likely entries come first.
    A task that calls only itself (recursion) is still a root."""
    called = {
        id(site.task)
        for site in analysis.call_sites
        if site.task is not None and analysis.context_tasks(site.function) - {site.task}
    }
    tasks = sorted(analysis.tasks, key=lambda t: (id(t) in called, entry_spec(t)))
    return [(t, id(t) not in called) for t in tasks]
