"""The Trigger calls a task's ``triggers=`` stands for, and what they bind."""

from __future__ import annotations

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.entities import Task
from flyte_lint.rules.config._values import callee_path

TRIGGER_SHORTCUTS = {f"flyte.Trigger.{n}" for n in ("hourly", "daily", "weekly", "monthly", "minutely")}
TRIGGER_PATHS = {"flyte.Trigger"} | TRIGGER_SHORTCUTS


def trigger_calls(analysis: Analysis, node: nodes.NodeNG | None) -> list[tuple[nodes.NodeNG, nodes.Call]]:
    """(expression in ``triggers=``, the Trigger call it stands for) for each trigger we can pin down."""
    node = analysis.definition(node)
    if node is None:
        return []
    if isinstance(node, (nodes.Tuple, nodes.List)):
        found = []
        for element in node.elts:
            if isinstance(element, nodes.Starred):
                continue
            for _, call in trigger_calls(analysis, element):
                found.append((element, call))
        return found
    if isinstance(node, nodes.Call) and callee_path(analysis, node) in TRIGGER_PATHS:
        return [(node, node)]
    return []


def is_schedule(analysis: Analysis, node: nodes.NodeNG | None) -> bool:
    call = analysis.definition(node)
    return isinstance(call, nodes.Call) and callee_path(analysis, call) in ("flyte.Cron", "flyte.FixedRate")


def is_datetime_param(task: Task, name: str) -> bool:
    args = task.func.args
    for arg, annotation in zip(
        args.args + args.kwonlyargs, args.annotations + args.kwonlyargs_annotations, strict=True
    ):
        if arg.name == name and annotation is not None:
            return annotation.as_string().rsplit(".", 1)[-1] == "datetime"
    return False
