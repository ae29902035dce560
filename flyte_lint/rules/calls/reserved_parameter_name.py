"""FLY111 reserved-parameter-name: a task parameter named ``custom_context`` (or another name the SDK's own call
of a task takes for itself)."""

from __future__ import annotations

from collections.abc import Iterable

from flyte_lint.model.analysis import Analysis
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, Severity, register
from flyte_lint.rules.calls._reserved_parameter_name_cases import MORE_INVALID, MORE_VALID

# The keyword the SDK's input conversion takes for itself (flyte/_internal/runtime/convert.py,
# convert_from_native_to_inputs(interface, *args, custom_context=None, **kwargs)).
RESERVED = "custom_context"
# Parameters of the functions a task's call passes its keyword arguments on to (flyte 2.12.1, measured in
# tests/test_executor_tasks_sdk.py): convert_from_native_to_inputs(interface, ...), LocalController.submit(_task,
# ...) and submit_sync (the remote controllers' too). A keyword of that name is a second value for it: TypeError.
TAKEN = ("interface", "_task")


@register
class ReservedParameterName(Rule):
    code = "FLY111"
    symbol = "reserved-parameter-name"
    severity = Severity.ERROR
    pylint_number = 48  # its pylint message id is E6748; never change it once released
    scope = Scope.IMPORTERS  # (whether the function is a task: `env.task(fn)` may be written in an importer)
    summary = (
        "Reports a task parameter named `custom_context`, or `interface` or `_task`, names the SDK's own call of a "
        "task takes for itself."
    )
    rationale = (
        "The SDK converts a task call's arguments with `convert_from_native_to_inputs(interface, *args, "
        "custom_context=None, **kwargs)`: a keyword named `custom_context` is taken as the run's context, not as "
        'the input. Passing the input by keyword fails with "Missing required inputs: custom_context" (a '
        "parameter with a default instead gets its value read as the context: AttributeError), in a task's "
        "call, its `.aio`, and a run started with named inputs (`flyte.run(t, custom_context=...)`, `flyte run` "
        "on the command line). Positional calls happen to work. The functions a task's call hands its keywords on "
        "to also have parameters named `interface` (the input conversion) and `_task` (the controller's submit): "
        "a keyword of either name fails with TypeError (\"got multiple values for argument 'interface'\")."
        " Severity: error: every call by keyword and every run started by name fails, in local runs and in a "
        "cluster."
    )
    fix = "Rename the parameter (`context`, `run_context`...) and its uses in the task."
    runtime = RuntimeSpec(
        entry="main",
        args={"x": 3},
        bad=Outcome(
            ok=False, error_contains=("ValueError", "Missing required inputs: custom_context"), ran={"demo.tag": 0}
        ),
        good=Outcome(ok=True, output="a:3", ran={"demo.tag": 1}),
    )

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def tag(custom_context: str, x: int) -> str:  # expect: FLY111
                return f"{custom_context}:{x}"

            @env.task
            def main(x: int) -> str:
                return tag(custom_context="a", x=x)
            """,
            message="task 'demo.tag' has a parameter named `custom_context`, which the SDK takes as the run's "
            'context: passing it by keyword, or starting a run with named inputs, fails ("Missing required inputs: '
            'custom_context"). Give the parameter another name',
        ),
        *MORE_INVALID,
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def tag(context: str, x: int) -> str:
                return f"{context}:{x}"

            @env.task
            def main(x: int) -> str:
                return tag(context="a", x=x)
            """,
        ),
        *MORE_VALID,
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        seen: set[int] = set()
        for task in analysis.tasks:
            if id(task.func) in seen:
                continue
            seen.add(id(task.func))
            args = task.func.args
            for param in [*(args.posonlyargs or []), *(args.args or []), *(args.kwonlyargs or [])]:
                if param.name != RESERVED and param.name not in TAKEN:
                    continue
                declared = next(p for p in task.signature.params if p.name == param.name)
                if param.name in TAKEN:
                    taken_as = "which the SDK's own call of the task takes for itself"
                    effect = f"fails (TypeError: \"got multiple values for argument '{param.name}'\")"
                else:
                    taken_as = "which the SDK takes as the run's context"
                    effect = (
                        f'fails ("Missing required inputs: {RESERVED}")'
                        if declared.required
                        else "hands the value to the SDK as the context: the task gets its default (a value that is "
                        "no mapping of strings fails)"
                    )
                module, node = analysis.resolver.module_of(param), param
                if not any(m is module for m in analysis.modules):
                    # (a file that never mentions flyte is not analysed: report where `env.task(fn)` makes the task)
                    module, node = analysis.resolver.module_of(task.decorator), task.decorator
                yield self.finding(
                    module,
                    node,
                    f"task '{task.name}' has a parameter named `{param.name}`, {taken_as}: passing it by keyword, "
                    f"or starting a run with named inputs, {effect}. Give the parameter another name",
                )
