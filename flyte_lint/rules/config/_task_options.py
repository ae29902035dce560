"""Where a task option is written (FLY317, FLY318): ``@env.task(name=...)`` and ``t.override(name=...)``, and
duration strings read the way authors write them ("1h", "30m")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.arguments import sdk_arguments
from flyte_lint.model.calls import ResolvedCall
from flyte_lint.model.values import EnvRef, Method, TaskRef

# Serializes the entry task ``main`` the way `flyte deploy`, a remote run and a parent's pod do
# (flyte._internal.runtime.task_serde.translate_task_to_wire), with no server: its timeout and container env.
WIRE_PROBE = """

probe_env = flyte.TaskEnvironment("probe")


@probe_env.task
def wire_probe() -> dict:
    import pathlib

    from flyte._internal.runtime.task_serde import translate_task_to_wire
    from flyte.models import SerializationContext

    spec = translate_task_to_wire(main, SerializationContext(version="v1", root_dir=pathlib.Path.cwd()))
    template = spec.task_template
    return {
        "timeout": template.metadata.timeout.seconds,
        "env": {pair.key: pair.value for pair in template.container.env},
    }
"""

TASK = "flyte.TaskEnvironment.task"
OVERRIDE = "flyte.TaskTemplate.override"


@dataclass(frozen=True)
class OptionSite:
    """One ``name=`` option: on ``@env.task(...)`` (``override`` False) or ``t.override(...)``."""

    call: ResolvedCall
    value: nodes.NodeNG
    override: bool

    @property
    def where(self) -> str:
        return "`.override(...)`" if self.override else "`@env.task(...)`"

    def at(self) -> nodes.NodeNG:
        """The ``name=value`` keyword, or the value given by position."""
        parent = self.value.parent
        return parent if isinstance(parent, nodes.Keyword) else self.value


def option_sites(analysis: Analysis, name: str) -> Iterator[OptionSite]:
    """Every ``name=`` given to ``env.task(...)`` or to a task's ``.override(...)``."""
    for call in analysis.calls:
        callee = call.callee
        if not isinstance(callee, Method):
            continue
        if isinstance(callee.owner, EnvRef) and callee.name == "task":
            path, override = TASK, False
        elif isinstance(callee.owner, TaskRef) and not callee.owner.wrapped and callee.name == "override":
            path, override = OVERRIDE, True
        else:
            continue
        value = sdk_arguments(call.node, path).get(name)
        if value is not None:
            yield OptionSite(call, value, override)


_UNITS = {
    "d": 86400,
    "day": 86400,
    "days": 86400,
    "h": 3600,
    "hr": 3600,
    "hrs": 3600,
    "hour": 3600,
    "hours": 3600,
    "m": 60,
    "min": 60,
    "mins": 60,
    "minute": 60,
    "minutes": 60,
    "s": 1,
    "sec": 1,
    "secs": 1,
    "second": 1,
    "seconds": 1,
}
_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*")


def duration_seconds(value: object) -> int | None:
    """Whole seconds of a duration written as text ("1h", "2h30m", "90s", "3600") or a whole float (3600.0)."""
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    if not isinstance(value, str) or not value.strip():
        return None
    text, total, pos = value.strip().lower(), 0.0, 0
    while pos < len(text):
        match = _PART.match(text, pos)
        if match is None or match.end() == pos:
            return None
        unit = match.group(2) or "s"
        if unit not in _UNITS:
            return None
        total += float(match.group(1)) * _UNITS[unit]
        pos = match.end()
    return int(total) if total.is_integer() and total > 0 else None
