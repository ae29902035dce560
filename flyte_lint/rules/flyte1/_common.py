"""What the FLY5xx rules share: the Flyte 1 → 2 mapping their messages give, and their base class.

Migration rules in the style of ruff's Airflow rules: every message names what the Flyte 1 construct becomes in
Flyte 2 (the mapping of the Flyte 1 → 2 migration guide). FLY501 reports the import statements; FLY502–FLY511
report the decorator or expression that uses a Flyte 1 construct. Which names are Flyte 1, and which uses are left
alone (dual-SDK guards, flytekit as a library inside Flyte 2 code), is the index's: model/flyte1_index.py.
"""

from __future__ import annotations

from flyte_lint.model.flyte1_index import DIR_TYPES, FILE_TYPES, Ref
from flyte_lint.model.source import short_source
from flyte_lint.rules.base import Rule, Severity

# The family's codes (cases that run the whole family select them).
FLYTE1_CODES = [f"FLY5{n:02d}" for n in range(1, 12)]

# Flyte 1 name -> what it becomes in Flyte 2 (names checked against the installed flyte 2.12.1).
MAPPING = {
    "task": "`env.task` on a `flyte.TaskEnvironment`",
    "workflow": "`env.task` (a workflow is a task that calls tasks)",
    "Workflow": "`env.task` (a workflow is a task that calls tasks)",
    "ImperativeWorkflow": "`env.task` (a workflow is a task that calls tasks)",
    "dynamic": "`env.task` (every task can be dynamic)",
    "eager": "`env.task` on an `async def` (every async task is eager)",
    "map_task": "`flyte.map` or `asyncio.gather`",
    "ImageSpec": "`flyte.Image`",
    "Resources": "`flyte.Resources` (`mem=` is `memory=`, `ephemeral_storage=` is `disk=`)",
    "Secret": "`flyte.Secret` (the task reads it from `os.environ`)",
    "PodTemplate": "`flyte.PodTemplate`",
    "current_context": "`flyte.ctx()`",
    "LaunchPlan": "`flyte.Trigger` in `@env.task(triggers=...)`",
    "CronSchedule": "`flyte.Cron`",
    "FixedRate": "`flyte.FixedRate` (an interval in minutes)",
    "conditional": "a Python `if`/`else`",
    "StructuredDataset": "`flyte.io.DataFrame`",
    "Cache": "`flyte.Cache` (`version=` is `version_override=`)",
    "CachePolicy": "`flyte.CachePolicy`",
    "Deck": "`flyte.report` with `@env.task(report=True)`",
    "reference_task": "`flyte.remote.Task.get(...)`",
    "reference_workflow": "`flyte.remote.Task.get(...)`",
    "reference_launch_plan": "`flyte.remote.Task.get(...)`",
    "ContainerTask": "`flyte.extras.ContainerTask`",
    "Environment": "`flyte.TaskEnvironment`",
    "FlyteRemote": "`flyte.remote` (after `flyte.init_from_config()`)",
    "create_node": "plain calls in the order they should run",
    "FlyteSchema": "`flyte.io.DataFrame`",
    "PARQUET": "`flyte.io.PARQUET`",
    "FlyteContextManager": "`flyte.ctx()` (Flyte 2 has no public equivalent of the internal context)",
    "FlyteContext": "`flyte.ctx()` (Flyte 2 has no public equivalent of the internal context)",
    "WorkflowFailurePolicy": "`try`/`except` around the calls that may fail",
    **{
        name: f'`gpu="{device}:1"` of `flyte.Resources` (or `flyte.GPU(...)`)'
        for name, device in (
            ("A10G", "A10G"),
            ("L4", "L4"),
            ("T4", "T4"),
            ("V100", "V100"),
            ("A100", "A100"),
            ("A100_80GB", "A100_80G"),
            ("H100", "H100"),
        )
    },
    **dict.fromkeys(FILE_TYPES, "`flyte.io.File`"),
    **dict.fromkeys(DIR_TYPES, "`flyte.io.Dir`"),
}


# Every FLY5xx message ends with it: the command that rewrites what the rules point at (flyte_lint/migrate/).
MIGRATE_NOTE = " (`flyte-lint migrate` rewrites Flyte 1 code as Flyte 2, with a TODO where it cannot)"


class V1Rule(Rule):
    """A FLY5xx rule: a migration step, so a warning (the code runs where flytekit is installed). Its messages
    end with MIGRATE_NOTE."""

    def finding(self, module, node, message, *args, **kwargs):
        return super().finding(module, node, message + MIGRATE_NOTE, *args, **kwargs)

    severity = Severity.WARNING
    runtime_untestable = "Flyte 1 code: whether it runs depends on flytekit being installed"
    shows_no_rewrite = (
        "Flyte 1 migration guidance for a whole flytekit program, which stays Flyte 1 after any one rewrite "
        "(FLY501's mapping `X` → `flyte.Y` names the Flyte 2 API for the whole program)"
    )


def decorated_label(ref: Ref) -> str:
    """How a message shows a use: the decorator and the function it decorates, else the expression."""
    func = ref.decorated
    if func is not None:
        return f"`@{short_source(ref.module, ref.site, 40)}` on `{func.name}`"
    return f"`{short_source(ref.module, ref.site, 40)}`"
