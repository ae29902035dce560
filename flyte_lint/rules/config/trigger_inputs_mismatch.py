"""FLY311 trigger-inputs-mismatch: Trigger inputs that do not match the parameters of the task they trigger."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.arguments import sdk_arguments
from flyte_lint.model.constants import MISSING
from flyte_lint.model.entities import Task
from flyte_lint.model.suggest import closest
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, register
from flyte_lint.rules.config._triggers import TRIGGER_SHORTCUTS, is_datetime_param, is_schedule, trigger_calls
from flyte_lint.rules.config._values import callee_path, is_external, q, value_suggestion


@register
class TriggerInputsMismatch(Rule):
    code = "FLY311"
    symbol = "trigger-inputs-mismatch"
    pylint_number = 22
    scope = Scope.IMPORTERS
    summary = "Reports a Trigger `inputs` key (or trigger-time key) that is not a parameter of the task it is attached to, and a required parameter the trigger leaves unset."
    rationale = (
        "Trigger inputs are only checked at deploy: `flyte deploy` fails with \"Trigger default input 'x' must be "
        'an input to the task" (or "the TriggerTime input \'x\' must be an input to the task") for a key the task '
        "does not have. A required input the trigger leaves unset is not checked by the SDK at all: nothing gives "
        "a triggered run that input, so the trigger can never run the task (whether the backend refuses the "
        "trigger at deploy or each fired run fails on the missing input is the backend's: flyte-lint does not "
        "claim which). `flyte.Trigger.hourly()` and the other shortcuts bind the fire time only when given its "
        'parameter name: `Trigger.hourly("trigger_time")`.'
        " Severity: error: the trigger fails wherever it is deployed (local runs never read triggers, so they "
        "hide it)."
    )
    fix = 'Use the task\'s parameter names as `inputs` keys, and bind every required parameter (the fire time with `flyte.TriggerTime` or `Trigger.hourly("param")`).'

    # The trigger serialization `flyte deploy` runs rejects the input the task does not have.
    runtime = RuntimeSpec(
        entry="trigger_probe",
        probe="trigger:main",
        modes=("local",),
        bad=Outcome(ok=False, error_contains=("the TriggerTime input 'run_date' must be an input to the task",)),
        good=Outcome(ok=True, output=["nightly"]),
    )
    INVALID = [
        Case(
            """
            from datetime import datetime

            import flyte

            env = flyte.TaskEnvironment("reports")

            nightly = flyte.Trigger(
                "nightly",
                flyte.Cron("0 2 * * *"),
                inputs={"run_date": flyte.TriggerTime, "region": "eu"},  # expect: FLY311
            )

            @env.task(triggers=nightly)
            def main(run_at: datetime, region: str = "us") -> str:
                return f"{region} report for {run_at:%Y-%m-%d}"
            """,
            message="trigger \"nightly\" sets input `run_date`, which task 'reports.main' does not have: `flyte deploy` fails (\"For a scheduled trigger, the TriggerTime input 'run_date' must be an input to the task\"); did you mean `run_at`?",
        ),
        Case(
            """
            from datetime import datetime
            import flyte
            from flyte import Trigger as T

            env = flyte.TaskEnvironment("reports")
            nightly = T("nightly", flyte.Cron("0 2 * * *"), inputs={"run_date": flyte.TriggerTime, "region": "eu"})  # expect: FLY311 FLY311

            @env.task(triggers=nightly)
            def refresh(run_at: datetime, region: str = "us") -> str:
                return region

            @env.task(triggers=T.hourly())  # expect: FLY311
            def hourly(trigger_time: datetime, x: int = 1) -> str:
                return ""

            @env.task(triggers=(nightly, T.minutely("start")))  # nightly's run_date is reported above, with `start`
            def multi(start: datetime, region: str = "x") -> str:
                return ""

            @env.task(triggers=T.daily("when"))  # expect: FLY311
            def daily(at: datetime) -> str:
                return ""

            @env.task(triggers=T.weekly("when"))  # expect: FLY311 FLY311
            def weekly(at: datetime, n: int) -> str:
                return ""

            @env.task(triggers=[T("manual", inputs={"days": 3, "regoin": "eu"})])  # expect: FLY311
            def manual(days: int, region: str = "all") -> str:
                return ""
            """,
            name="unknown-keys-and-missing-inputs",
        ),
        Case(
            """
            # file: triggers.py
            import flyte

            nightly = flyte.Trigger("nightly", flyte.Cron("0 2 * * *"), inputs={"day": flyte.TriggerTime})  # expect: FLY311
            BASE = {"region": "eu"}
            # file: main.py
            import os
            from datetime import datetime
            import flyte
            from triggers import nightly, BASE

            env = flyte.TaskEnvironment("reports")

            @env.task(triggers=nightly)
            def refresh(when: datetime) -> str:  # (the missing input is reported with the misspelled key)
                return ""

            @env.task(triggers=flyte.Trigger("t", inputs={**BASE, "x": 1}))
            def splat(region: str, x: int, y: int) -> str:
                return ""

            @env.task(triggers=flyte.Trigger("t2", inputs=dict(os.environ)))
            def dynamic(a: str) -> str:
                return ""

            @env.task(triggers=[flyte.Trigger.hourly(os.environ["KEY"])])
            def dyn_key(a: datetime) -> str:
                return ""
            """,
            name="cross-module-trigger-and-quiet-cases",
        ),
    ]
    VALID = [
        Case(
            """
            from datetime import datetime

            import flyte

            env = flyte.TaskEnvironment("reports")

            nightly = flyte.Trigger(
                "nightly",
                flyte.Cron("0 2 * * *"),
                inputs={"run_at": flyte.TriggerTime, "region": "eu"},
            )

            @env.task(triggers=nightly)
            def main(run_at: datetime, region: str = "us") -> str:
                return f"{region} report for {run_at:%Y-%m-%d}"
            """,
        ),
        Case(
            """
            from datetime import datetime
            import flyte

            env = flyte.TaskEnvironment("reports")
            custom = flyte.Trigger("custom", flyte.Cron("0 0 * * *"), inputs={"start_time": flyte.TriggerTime, "x": 1})

            @env.task(triggers=flyte.Trigger.hourly("trigger_time"))
            def a(trigger_time: datetime, x: int = 1) -> str:
                return ""

            @env.task(triggers=(custom, flyte.Trigger.minutely("start_time")))
            def b(start_time: datetime, x: int = 11) -> str:
                return ""

            @env.task(triggers=flyte.Trigger("manual", inputs={"region": "all"}))
            def c(region: str = "all", days: int = 7) -> str:
                return ""

            @env.task(triggers=flyte.Trigger.daily())
            def d(x: int = 1) -> str:
                return ""
            """,
            name="valid-triggers-are-quiet",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        triggered = []
        for task in analysis.tasks:
            if task.options is None:
                continue
            node = sdk_arguments(task.options, "flyte.TaskEnvironment.task").get("triggers")
            if node is None:
                continue
            signature = task.signature
            if signature.var_keyword or signature.var_positional:
                continue
            triggered.append((task, node, list(trigger_calls(analysis, node))))
        # A trigger several tasks share: renaming an input for one would break it for another.
        users: dict[int, int] = {}
        for _, _, calls in triggered:
            for call_id in {id(call) for _, call in calls}:
                users[call_id] = users.get(call_id, 0) + 1
        for task, node, calls in triggered:
            params = [p.name for p in task.signature.params]
            module = analysis.resolver.module_of(task.options)
            for element, call in calls:
                if element.root() is not node.root():
                    element = node  # a tuple of triggers defined in another module: report at `triggers=`
                yield from self._check_trigger(analysis, task, module, params, element, call, users[id(call)] > 1)

    def _check_trigger(
        self,
        analysis: Analysis,
        task: Task,
        task_module,
        params: list[str],
        element,
        call: nodes.Call,
        shared: bool = False,
    ) -> Iterable[Finding]:
        module = analysis.resolver.module_of(call)
        path = callee_path(analysis, call)
        args = sdk_arguments(call, path)
        name_value = (
            analysis.literal(args.get("name"))
            if "name" in args
            else (path.rsplit(".", 1)[1] if path != "flyte.Trigger" else MISSING)
        )
        label = f"trigger {q(name_value)}" if isinstance(name_value, str) else "the trigger"
        bound: list[tuple[str, nodes.NodeNG, bool]] = []  # (input name, node, is the fire time)
        complete = True
        key_node = args.get("trigger_time_input_key") if path in TRIGGER_SHORTCUTS else None
        if key_node is not None:
            key = analysis.literal(key_node)
            if isinstance(key, str):
                bound.append((key, key_node, True))
            elif key is not None:
                complete = False
        inputs_node = args.get("inputs")
        inputs = analysis.definition(inputs_node) if inputs_node is not None else None
        if isinstance(inputs, nodes.Dict):
            for key_expr, value_expr in inputs.items:
                key = analysis.literal(key_expr) if not isinstance(key_expr, nodes.DictUnpack) else MISSING
                if not isinstance(key, str):
                    complete = False
                    continue
                fire_time = isinstance(value_expr, (nodes.Name, nodes.Attribute)) and is_external(
                    analysis, value_expr, "flyte.TriggerTime"
                )
                bound.append((key, key_expr, fire_time))
        elif inputs_node is not None and not (isinstance(inputs, nodes.Const) and inputs.value is None):
            complete = False
        names = {name for name, _, _ in bound}
        required = [p.name for p in task.signature.params if p.required and p.name not in names]
        reported_missing: set[str] = set()
        for name, node, fire_time in bound:
            if name in params:
                continue
            guess = closest(name, required) or closest(name, params)
            if guess is None and fire_time:
                times = [m for m in required if is_datetime_param(task, m)]
                guess = times[0] if len(times) == 1 else None
            if guess in required:
                reported_missing.add(guess)
            advice = (
                f"; did you mean `{guess}`?" if guess else f". The task's inputs are: {', '.join(params) or 'none'}"
            )
            if guess and shared:
                guess, advice = (
                    None,
                    (
                        f"; the task calls it `{guess}`, and other tasks share this trigger: give this "
                        "task a trigger of its own"
                    ),
                )
            error = (
                f"For a scheduled trigger, the TriggerTime input '{name}' must be an input to the task"
                if fire_time
                else f"Trigger default input '{name}' must be an input to the task"
            )
            yield self.finding(
                module,
                node,
                f"{label} sets input `{name}`, which task '{task.name}' does not have: `flyte deploy` fails "
                f'("{error}"){advice}',
                suggestions=[value_suggestion(module, node, guess, guess) if guess and guess not in names else None],
            )
        if not complete:
            return
        missing = [m for m in required if m not in reported_missing]
        if missing:
            listed = ", ".join(f"`{m}`" for m in missing)
            scheduled = path in TRIGGER_SHORTCUTS or is_schedule(analysis, args.get("automation"))
            fire_time = (
                [m for m in missing if is_datetime_param(task, m)]
                if scheduled and key_node is None and not any(f for _, _, f in bound)
                else []
            )
            if path in TRIGGER_SHORTCUTS and fire_time and len(missing) == 1:
                hint = f"bind the fire time with {path}({q(missing[0])})"
            elif fire_time:
                hint = f"bind the fire time with inputs={{{q(fire_time[0])}: flyte.TriggerTime, ...}}"
                if len(missing) > 1:
                    hint += " and add the other inputs"
            else:
                hint = "add them to the trigger's inputs" if len(missing) > 1 else "add it to the trigger's inputs"
            yield self.finding(
                task_module,
                element,
                f"{label} leaves required input{'s' if len(missing) > 1 else ''} {listed} of task '{task.name}' unset: "
                f"nothing gives a triggered run {'them' if len(missing) > 1 else 'it'}, so the trigger can never run the "
                f"task (the SDK does not check this before deploy); {hint} (or give the parameter a default)",
            )
