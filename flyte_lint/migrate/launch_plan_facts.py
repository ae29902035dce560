"""What a Flyte 1 launch plan says, read from the analysis model: ``LaunchPlan.get_or_create(...)`` /
``LaunchPlan.create(...)`` statements at module level, their workflow (a planned task), name, schedule (as the
``flyte.Cron`` / ``flyte.FixedRate`` it becomes), fixed and default inputs, notifications (as ``flyte.notify.Email``)
and what has no counterpart (``problems``). transforms/launch_plans.py writes what they become."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from astroid import nodes

from flyte_lint.migrate.plan import ModulePlan, TaskPlan
from flyte_lint.model.source import source_text

METHODS = ("get_or_create", "create")
PARAMETERS = ("workflow", "name", "default_inputs", "fixed_inputs", "schedule")  # get_or_create's order
CREATE_PARAMETERS = ("name", "workflow", "default_inputs", "fixed_inputs", "schedule")  # LaunchPlan.create's


def parameters_of(method: str) -> tuple[str, ...]:
    """The positional parameters of ``LaunchPlan.<method>``: ``create`` takes the name first."""
    return CREATE_PARAMETERS if method == "create" else PARAMETERS


CRON_ALIASES = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}
NOTIFIERS = ("Email", "Slack", "PagerDuty")
NOTIFIED_PHASES = ("SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT")  # flyte.notify's supported phases
TIMEDELTA_KEYWORDS = ("weeks", "days", "hours", "minutes", "seconds")


@dataclass(eq=False)
class LaunchPlanFacts:
    """One Flyte 1 launch plan: what it becomes, or why it cannot (``problems``)."""

    mplan: ModulePlan
    call: nodes.Call
    var: str | None  # the module-level name it is bound to
    workflow: TaskPlan | None = None
    name: str = ""  # the launch plan's name, source text
    automation: str | None = None  # flyte.Cron(...) / flyte.FixedRate(...)
    kickoff: str | None = None  # the input the schedule's time is bound to
    fixed: dict[str, str] = field(default_factory=dict)  # input -> source text
    default: dict[str, str] = field(default_factory=dict)
    auto_activate: str = "False"
    overwrite_cache: str | None = None
    notifications: list[str] = field(default_factory=list)  # flyte.notify.Email(...) source
    problems: list[str] = field(default_factory=list)

    @property
    def has_trigger(self) -> bool:
        """A schedule, notifications, or inputs bound by a launch plan no name holds: an on-demand trigger (no
        automation) carries what the registered launch plan did."""
        return bool(self.automation or self.notifications or (self.var is None and (self.fixed or self.default)))

    @property
    def trigger(self) -> str:
        inputs = {**({self.kickoff: "flyte.TriggerTime"} if self.kickoff else {}), **self.default, **self.fixed}
        args = [self.name, *([self.automation] if self.automation else [])]
        if inputs:
            args.append("inputs={" + ", ".join(f'"{k}": {v}' for k, v in inputs.items()) + "}")
        if self.automation:
            args.append(f"auto_activate={self.auto_activate}")
        if self.notifications:
            many = len(self.notifications) > 1
            args.append(f"notifications={'(' if many else ''}{', '.join(self.notifications)}{')' if many else ''}")
        if self.overwrite_cache is not None:
            args.append(f"overwrite_cache={self.overwrite_cache}")
        return f"flyte.Trigger({', '.join(args)})"


def _v1_path(node: nodes.NodeNG, aliases: dict[str, str]) -> str | None:
    parts: list[str] = []
    while isinstance(node, nodes.Attribute):
        parts.append(node.attrname)
        node = node.expr
    if not isinstance(node, nodes.Name) or node.name not in aliases:
        return None
    return ".".join([aliases[node.name], *reversed(parts)])


def is_launch_plan_call(node: nodes.NodeNG, aliases: dict[str, str]) -> bool:
    if not isinstance(node, nodes.Call) or not isinstance(node.func, nodes.Attribute):
        return False
    path = _v1_path(node.func.expr, aliases)
    return node.func.attrname in METHODS and path is not None and path.rsplit(".", 1)[-1] == "LaunchPlan"


def module_launch_plans(mplan: ModulePlan) -> list[LaunchPlanFacts]:
    """The module-level launch plan statements of ``mplan`` (``lp = LaunchPlan...(...)`` or the call alone), in
    order."""
    found = []
    tree = mplan.module.tree
    for stmt in tree.body if tree is not None else []:
        value = stmt.value if isinstance(stmt, (nodes.Assign, nodes.Expr)) else None
        if value is None or not is_launch_plan_call(value, mplan.aliases):
            continue
        var = None
        if isinstance(stmt, nodes.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], nodes.AssignName):
            var = stmt.targets[0].name
        found.append(read_launch_plan(mplan, value, var))
    return found


def read_launch_plan(mplan: ModulePlan, call: nodes.Call, var: str | None) -> LaunchPlanFacts:
    facts = LaunchPlanFacts(mplan, call, var)
    src = lambda n: source_text(mplan.module, n)  # noqa: E731
    order = parameters_of(call.func.attrname)
    given: dict[str, nodes.NodeNG] = dict(zip(order, call.args, strict=False))
    if len(call.args) > len(order):
        facts.problems.append("positional arguments after `schedule`")
    for keyword in call.keywords or []:
        if keyword.arg is None:
            facts.problems.append("`**` arguments")
        else:
            given[keyword.arg] = keyword.value
    workflow = given.pop("workflow", None)
    if isinstance(workflow, nodes.Name) and workflow.name in mplan.task_names:
        facts.workflow = mplan.task_names[workflow.name]
    else:
        facts.problems.append("its workflow is not a workflow of this project")
    name = given.pop("name", None)
    facts.name = src(name) if name is not None else f'"{facts.var or (facts.workflow.name if facts.workflow else "")}"'
    for key in ("default_inputs", "fixed_inputs"):
        value = given.pop(key, None)
        if value is None or (isinstance(value, nodes.Const) and value.value is None):
            continue
        items = _literal_dict(value, src)
        if items is None:
            facts.problems.append(f"`{key}=` is not a dict literal")
        else:
            (facts.default if key == "default_inputs" else facts.fixed).update(items)
    schedule = given.pop("schedule", None)
    if schedule is not None and not (isinstance(schedule, nodes.Const) and schedule.value is None):
        _read_schedule(facts, schedule, src)
    activate = given.pop("auto_activate", None)
    if activate is not None:
        facts.auto_activate = src(activate)
    notifications = given.pop("notifications", None)
    if notifications is not None and not (isinstance(notifications, nodes.Const) and notifications.value is None):
        _read_notifications(facts, notifications, src)
    cache = given.pop("overwrite_cache", None)
    if cache is not None and not (isinstance(cache, nodes.Const) and cache.value is None):
        facts.overwrite_cache = src(cache)
    for key in sorted(given):
        facts.problems.append(f"`{key}=` has no mechanical Flyte 2 counterpart")
    if facts.automation and facts.workflow is not None:  # (Flyte 1 refuses to register such a schedule)
        bound = {*facts.fixed, *facts.default, facts.kickoff}
        unset = [name for name, _, default in func_parameters(facts.workflow) if default is None and name not in bound]
        if unset:
            facts.problems.append(f"the schedule leaves required input {', '.join(f'`{n}`' for n in unset)} unset")
    return facts


def _read_notifications(facts: LaunchPlanFacts, node: nodes.NodeNG, src) -> None:
    """Flyte 1's Email / Slack / PagerDuty notifications are all emails (to a person, a Slack channel's or a
    PagerDuty service's address): each becomes ``flyte.notify.Email(on_phase=(...), recipients=(...))``."""
    items = node.elts if isinstance(node, (nodes.List, nodes.Tuple)) else [node]
    for item in items:
        path = _v1_path(item.func, facts.mplan.aliases) if isinstance(item, nodes.Call) else None
        if path is None or path.rsplit(".", 1)[-1] not in NOTIFIERS:
            facts.problems.append(f"the notification `{src(item)}` is not an Email, Slack or PagerDuty call")
            return
        given = dict(zip(("phases", "recipients_email"), item.args, strict=False))
        given.update({k.arg: k.value for k in item.keywords or [] if k.arg})
        phases = given.get("phases")
        recipients = given.get("recipients_email")
        names = []
        for phase in phases.elts if isinstance(phases, (nodes.List, nodes.Tuple)) else [None]:
            phase_path = _v1_path(phase, facts.mplan.aliases) if phase is not None else None
            name = phase_path.rsplit(".", 1)[-1] if phase_path else None
            if name not in NOTIFIED_PHASES:
                facts.problems.append(f"the notification `{src(item)}` names a phase Flyte 2 does not notify on")
                return
            names.append(f"ActionPhase.{name}")
        if not isinstance(recipients, (nodes.List, nodes.Tuple)) or set(given) - {"phases", "recipients_email"}:
            facts.problems.append(f"the notification `{src(item)}`: write its flyte.notify.Email by hand")
            return
        emails = [src(e) for e in recipients.elts]
        on_phase = names[0] if len(names) == 1 else f"({', '.join(names)})"
        facts.notifications.append(
            f"flyte.notify.Email(on_phase={on_phase}, recipients=({', '.join(emails)}{',' if len(emails) == 1 else ''}))"
        )


def _literal_dict(node: nodes.NodeNG, src) -> dict[str, str] | None:
    if not isinstance(node, nodes.Dict):
        return None
    items = {}
    for key, value in node.items:
        if not (isinstance(key, nodes.Const) and isinstance(key.value, str)):
            return None
        items[key.value] = src(value)
    return items


def _read_schedule(facts: LaunchPlanFacts, node: nodes.NodeNG, src) -> None:
    symbol = None
    if isinstance(node, nodes.Call):
        path = _v1_path(node.func, facts.mplan.aliases)
        symbol = path.rsplit(".", 1)[-1] if path else None
    if symbol not in ("CronSchedule", "FixedRate"):
        facts.problems.append(f"the schedule `{src(node)}` is not a CronSchedule(...) or FixedRate(...) call")
        return
    order = ("cron_expression", "schedule", "offset", "kickoff_time_input_arg")
    if symbol == "FixedRate":
        order = ("duration", "kickoff_time_input_arg")
    given = dict(zip(order, node.args, strict=False))
    given.update({k.arg: k.value for k in node.keywords or [] if k.arg})
    kickoff = given.pop("kickoff_time_input_arg", None)
    if kickoff is not None:
        if isinstance(kickoff, nodes.Const) and isinstance(kickoff.value, str):
            facts.kickoff = kickoff.value
        else:
            facts.problems.append("`kickoff_time_input_arg=` is not a string literal")
    if symbol == "FixedRate":
        minutes = _minutes(given.pop("duration", None))
        if minutes is None:
            facts.problems.append("the FixedRate duration is not a whole number of minutes given as timedelta(...)")
        else:
            facts.automation = f"flyte.FixedRate({minutes})"
        return
    expression = given.pop("schedule", None)
    if given:
        facts.problems.append(
            f"CronSchedule's `{'=`, `'.join(sorted(given))}=` (an AWS cron expression, an offset) has no Flyte 2 "
            "counterpart: write a five-field flyte.Cron"
        )
        return
    if not (isinstance(expression, nodes.Const) and isinstance(expression.value, str)):
        if expression is None:
            facts.problems.append("CronSchedule without a schedule")
        else:
            facts.automation = f"flyte.Cron({src(expression)})"
        return
    text = CRON_ALIASES.get(expression.value.strip(), expression.value)
    facts.automation = f'flyte.Cron("{text}")' if text != expression.value else f"flyte.Cron({src(expression)})"


def _minutes(node: nodes.NodeNG | None) -> int | None:
    """``timedelta(hours=4)`` (literal keywords) -> 240; None unless a whole number of minutes."""
    if not isinstance(node, nodes.Call) or node.func.as_string() not in ("timedelta", "datetime.timedelta"):
        return None
    values = {}
    for position, arg in zip(
        ("days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks"), node.args, strict=False
    ):
        values[position] = arg
    values.update({k.arg: k.value for k in node.keywords or [] if k.arg})
    numbers = {}
    for key, value in values.items():
        if key not in TIMEDELTA_KEYWORDS or not isinstance(value, nodes.Const) or type(value.value) not in (int, float):
            return None
        numbers[key] = value.value
    seconds = datetime.timedelta(**numbers).total_seconds()
    return int(seconds // 60) if seconds > 0 and seconds % 60 == 0 else None


def func_parameters(task: TaskPlan) -> list[tuple[str, nodes.NodeNG | None, nodes.NodeNG | None]]:
    """(name, annotation, default) of each parameter of the task's function."""
    args = task.func.args
    positional = args.args or []
    defaults = [None] * (len(positional) - len(args.defaults or [])) + list(args.defaults or [])
    found = list(
        zip((a.name for a in positional), args.annotations or [None] * len(positional), defaults, strict=False)
    )
    for arg, annotation, default in zip(
        args.kwonlyargs or [], args.kwonlyargs_annotations or [], args.kw_defaults or [], strict=False
    ):
        found.append((arg.name, annotation, default))
    return found
