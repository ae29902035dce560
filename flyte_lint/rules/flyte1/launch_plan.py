"""FLY507 launch-plan: Flyte 1 `LaunchPlan`, `CronSchedule`, `FixedRate`; Flyte 2 has `flyte.Trigger`."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.migrate.launch_plan_facts import CRON_ALIASES
from flyte_lint.model.analysis import Analysis
from flyte_lint.model.arguments import argument, keyword_argument
from flyte_lint.model.flyte1_index import Ref, V1Index, flyte1_index, v1_symbol
from flyte_lint.model.project import Module
from flyte_lint.model.source import short_source
from flyte_lint.model.values import External
from flyte_lint.rules.base import Case, Finding, Scope, register
from flyte_lint.rules.flyte1._common import FLYTE1_CODES, MIGRATE_NOTE, V1Rule

TIMEDELTA_MINUTES = {"weeks": 10080, "days": 1440, "hours": 60, "minutes": 1}


def automation_for(idx: V1Index, module: Module, node: nodes.NodeNG | None) -> str | None:
    """The Flyte 2 automation for a Flyte 1 schedule expression: ``flyte.Cron(...)`` or ``flyte.FixedRate(...)``."""
    if not isinstance(node, nodes.Call):
        return None
    symbol = v1_symbol(idx.analysis.resolver.value_of(node.func))
    if symbol == "CronSchedule":
        expr = argument(node, 1, "schedule") or argument(node, 0, "cron_expression")
        if isinstance(expr, nodes.Const) and isinstance(expr.value, str) and expr.value.strip() in CRON_ALIASES:
            return f'flyte.Cron("{CRON_ALIASES[expr.value.strip()]}")'  # (flyte.Cron takes five fields)
        return f"flyte.Cron({short_source(module, expr, 40)})" if expr is not None else "flyte.Cron(...)"
    if symbol == "FixedRate":
        duration = argument(node, 0, "duration")
        minutes = _minutes(idx, duration)
        return f"flyte.FixedRate({minutes if minutes is not None else '<minutes>'})"
    return None


def _minutes(idx: V1Index, node: nodes.NodeNG | None) -> int | None:
    if not isinstance(node, nodes.Call) or node.args:
        return None
    callee = idx.analysis.resolver.value_of(node.func)
    if not (isinstance(callee, External) and callee.path == "datetime.timedelta"):
        return None
    total = 0.0
    for kw in node.keywords or []:
        if not isinstance(kw.value, nodes.Const) or not isinstance(kw.value.value, (int, float)):
            return None
        if kw.arg in TIMEDELTA_MINUTES:
            total += kw.value.value * TIMEDELTA_MINUTES[kw.arg]
        elif kw.arg == "seconds":
            total += kw.value.value / 60
        else:
            return None
    return int(total) if total == int(total) and total > 0 else None


@register
class LaunchPlanRule(V1Rule):
    code = "FLY507"
    symbol = "launch-plan"
    pylint_number = 34
    scope = Scope.IMPORTERS
    summary = (
        "Reports Flyte 1 `LaunchPlan`, `CronSchedule` and `FixedRate`: Flyte 2 attaches a `flyte.Trigger` to the task."
    )
    rationale = (
        "Flyte 2 has no launch plans. A schedule is a `flyte.Trigger(name, flyte.Cron(...) | flyte.FixedRate(minutes), "
        "inputs={...})` passed to `@env.task(triggers=...)`, deployed with the task's environment; a launch plan's "
        "default inputs become the trigger's `inputs` (or the task's parameter defaults)."
        " Severity: warning: a migration step: this is Flyte 1 code, which runs where flytekit is installed and "
        "fails under the Flyte 2 SDK alone; the code cannot show which one it is meant for."
    )
    INVALID = [
        Case(
            """
            from flytekit import CronSchedule, LaunchPlan, task, workflow

            @task
            def refresh(day: str) -> str:
                return day

            @workflow
            def nightly(day: str) -> str:
                return refresh(day=day)

            plan = LaunchPlan.get_or_create(  # expect: FLY507
                workflow=nightly,
                name="nightly",
                schedule=CronSchedule(schedule="0 2 * * *", kickoff_time_input_arg="day"),
            )
            """,
            message="`LaunchPlan.get_or_create(...)` is a Flyte 1 launch plan: in Flyte 2, "
            '`@env.task(triggers=flyte.Trigger("nightly", flyte.Cron("0 2 * * *"), inputs={"day": '
            "flyte.TriggerTime}, auto_activate=False))` on `nightly`" + MIGRATE_NOTE,
        ),
        Case(
            """
            from datetime import timedelta

            from flytekit import CronSchedule, FixedRate, LaunchPlan, workflow

            @workflow
            def report(day: str, limit: int = 5) -> None: ...

            daily = LaunchPlan.get_or_create(  # expect: FLY507
                workflow=report,
                name="daily_report",
                default_inputs={"limit": 10},
                schedule=CronSchedule(schedule="30 6 * * *", kickoff_time_input_arg="day"),
            )
            fast = LaunchPlan.create("fast", report, schedule=FixedRate(duration=timedelta(hours=2)))  # expect: FLY507
            plain = LaunchPlan.get_or_create(report, "plain", default_inputs={"day": "x"})  # expect: FLY507
            every = FixedRate(duration=timedelta(minutes=15))  # expect: FLY507
            """,
            name="launch-plans-and-schedules",
        ),
    ]
    VALID = [
        Case(
            """
            from datetime import datetime

            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task(triggers=flyte.Trigger("nightly", flyte.Cron("0 2 * * *"), inputs={"day": flyte.TriggerTime}))
            def nightly(day: datetime) -> str:
                return day.isoformat()
            """,
        ),
        Case(
            """
            import asyncio
            from datetime import timedelta

            import flyte
            import flyte.io

            image = flyte.Image.from_debian_base(python_version=(3, 12)).with_pip_packages("pandas")
            env = flyte.TaskEnvironment(
                "demo",
                image=image,
                resources=flyte.Resources(cpu="1", memory="2Gi"),
                secrets=[flyte.Secret(key="token", as_env_var="TOKEN")],
            )
            nightly = flyte.Trigger("nightly", flyte.Cron("0 2 * * *"), inputs={"when": flyte.TriggerTime})

            @env.task(cache=flyte.Cache(behavior="override", version_override="1"), retries=2, timeout=timedelta(minutes=5))
            async def step(x: int) -> int:
                return x >> 1

            @env.task(triggers=nightly)
            async def main(when: str = "", xs: list[int] = [1, 2]) -> flyte.io.File:
                results = await asyncio.gather(*(step(x) for x in xs))
                if sum(results) > 3:
                    print(flyte.ctx().action.run_name)
                return await flyte.io.File.from_local("out.txt")
            """,
            select=FLYTE1_CODES,
            name="flyte2-code-is-clean",
        ),
    ]
    fix = (
        "Pass `triggers=flyte.Trigger(name, flyte.Cron(expr) or flyte.FixedRate(minutes), inputs={...})` to "
        "the task's `@env.task`; `kickoff_time_input_arg` becomes `inputs={name: flyte.TriggerTime}`."
    )

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        idx = flyte1_index(analysis)
        plans = idx.refs_to("LaunchPlan")
        plan_calls = [r.call for r in plans if r.call is not None]
        for ref in plans:
            yield self.finding(ref.module, ref.site, self._plan_message(idx, ref))
        for ref in idx.refs_to("CronSchedule", "FixedRate"):
            if any(_inside(ref.node, call) for call in plan_calls):
                continue  # the launch plan's message covers its schedule
            fallback = "flyte.Cron" if ref.symbol == "CronSchedule" else "flyte.FixedRate"
            automation = f"`{automation_for(idx, ref.module, ref.call) or fallback}`"
            yield self.finding(
                ref.module,
                ref.site,
                (
                    f"`{short_source(ref.module, ref.site, 50)}` is a Flyte 1 schedule: use {automation} as the automation of a "
                    "`flyte.Trigger` in `@env.task(triggers=...)`"
                ),
            )

    def _plan_message(self, idx: V1Index, ref: Ref) -> str:
        call = ref.call
        head = f"`{short_source(ref.module, ref.site, 50)}` is a Flyte 1 launch plan"
        facts = migrated_launch_plans(idx.analysis).get(id(call)) if call is not None else None
        if facts is not None and facts.workflow is not None and not facts.problems:
            return head + ": in Flyte 2, " + _what_migrate_writes(facts)
        if facts is not None and facts.problems:
            head += f" ({'; '.join(facts.problems)})"
        if call is None:
            return head + ": Flyte 2 has no launch plans; pass a `flyte.Trigger` to `@env.task(triggers=...)`"
        module = ref.module
        callee = idx.analysis.resolver.value_of(call.func)
        method = callee.path.rsplit(".", 1)[1] if isinstance(callee, External) else ""
        if method == "get_or_create":
            target, name = argument(call, 0, "workflow"), argument(call, 1, "name")
        elif method in ("create", "LaunchPlan"):
            target, name = argument(call, 1, "workflow"), argument(call, 0, "name")
        else:
            return head + ": Flyte 2 has no launch plans; pass a `flyte.Trigger` to `@env.task(triggers=...)`"
        schedule = keyword_argument(call, "schedule")
        if schedule is None and isinstance(call.scope(), nodes.FunctionDef) and target is not None:
            # (made inside a task: what `flyte-lint migrate` writes is the task itself, or a partial of it)
            workflow = short_source(module, target, 30)
            bound = [keyword_argument(call, k) for k in ("default_inputs", "fixed_inputs")]
            if any(b is not None for b in bound):
                return f"{head}: in Flyte 2, call the task `{workflow}` with its inputs bound (`functools.partial`)"
            return f"{head}: in Flyte 2, call the task `{workflow}` itself"
        automation = automation_for(idx, module, schedule) if schedule is not None else None
        if schedule is not None and automation is None:
            automation = "flyte.Cron(...)"
        inputs = [
            short_source(module, v, 40)
            for k in ("default_inputs", "fixed_inputs")
            if (v := keyword_argument(call, k)) is not None
        ]
        kickoff = argument(schedule, 1, "kickoff_time_input_arg") if isinstance(schedule, nodes.Call) else None
        if isinstance(schedule, nodes.Call) and kickoff is None:
            kickoff = keyword_argument(schedule, "kickoff_time_input_arg")
        if isinstance(kickoff, nodes.Const) and isinstance(kickoff.value, str):
            inputs.append("{" + repr(kickoff.value).replace("'", '"') + ": flyte.TriggerTime}")
        args = [short_source(module, name, 30) if name is not None else '"name"']
        if automation:
            args.append(automation)
        if inputs:
            merged = inputs[0] if len(inputs) == 1 else "{" + ", ".join(f"**{i}" for i in inputs) + "}"
            args.append(f"inputs={merged}")
        trigger = f"flyte.Trigger({', '.join(args)})"
        on = f" on `{short_source(module, target, 30)}`" if target is not None else ""
        if automation is None:
            return (
                f"{head}: Flyte 2 has no launch plans; a trigger without automation is fired on demand: "
                f"`@env.task(triggers={trigger})`{on}, or give the task's parameters defaults"
            )
        return f"{head}: in Flyte 2, `@env.task(triggers={trigger})`{on}"


def migrated_launch_plans(analysis: Analysis) -> dict:
    """What `flyte-lint migrate` reads of each module-level launch plan of the project (launch_plan_facts, by
    ``id`` of the call): the message then says what the command writes."""

    def compute() -> dict:
        from flyte_lint.migrate.launch_plan_facts import module_launch_plans
        from flyte_lint.migrate.plan import build_plan

        plan = build_plan(analysis, {m.path for m in analysis.modules if m.tree is not None})
        return {id(facts.call): facts for mplan in plan.modules.values() for facts in module_launch_plans(mplan)}

    return analysis.memo(("fly507", "launch-plan-facts"), compute)


def _what_migrate_writes(facts) -> str:
    """The Flyte 2 form of a launch plan as `flyte-lint migrate` writes it (transforms/launch_plans.py)."""
    workflow = facts.workflow.name
    parts = []
    if facts.has_trigger:
        parts.append(f"`@env.task(triggers={facts.trigger})` on `{workflow}`")
    if facts.var is not None and not facts.automation:
        bound = ", ".join(f"{k}={v}" for k, v in facts.fixed.items())
        parts.append(
            f"`{facts.var}` becomes an `@env.task` that calls `{workflow}`"
            + (f" with `{bound}` bound" if bound else "")
            + (" (its default inputs the task's defaults)" if facts.default else "")
        )
    if not parts:
        parts.append(f"the task `{workflow}` itself (Flyte 2 runs a task; it has no launch plans)")
    return "; ".join(parts)


def _inside(node: nodes.NodeNG, container: nodes.NodeNG) -> bool:
    parent = node.parent
    while parent is not None:
        if parent is container:
            return True
        parent = parent.parent
    return False
