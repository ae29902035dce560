"""FLY111 reserved-parameter-name: a task parameter named ``custom_context`` (or another name the SDK's own call
of a task takes for itself)."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.entities import Signature
from flyte_lint.model.values import FunctionRef
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, Severity, register
from flyte_lint.rules.calls._reserved_parameter_name_cases import MORE_INVALID, MORE_VALID

# The keyword the SDK's input conversion takes for itself (flyte/_internal/runtime/convert.py,
# convert_from_native_to_inputs(interface, *args, custom_context=None, **kwargs)).
RESERVED = "custom_context"
# Parameters of the functions a task's call passes its keyword arguments on to (flyte 2.12.1, measured in
# tests/test_executor_tasks_sdk.py): convert_from_native_to_inputs(interface, ...), LocalController.submit(_task,
# ...) and submit_sync (the remote controllers' too). A keyword of that name is a second value for it: TypeError.
TAKEN = ("interface", "_task")
# The same for a ``@flyte.trace`` function called in a task: LocalController.get_action_outputs(_interface, _func,
# *args, **kwargs) (the remote controllers' too) hands them on to the input conversion. A defaulted
# ``custom_context`` still reaches the function (only the recorded inputs lose it).
TRACE_TAKEN = ("interface", "_interface", "_func")


@register
class ReservedParameterName(Rule):
    code = "FLY111"
    symbol = "reserved-parameter-name"
    severity = Severity.ERROR
    pylint_number = 48  # its pylint message id is E6748; never change it once released
    scope = Scope.IMPORTERS  # (whether the function is a task: `env.task(fn)` may be written in an importer)
    summary = (
        "Reports a task parameter named `custom_context`, or `interface` or `_task`, names the SDK's own call of a "
        "task takes for itself (and their like on `@flyte.trace` functions)."
    )
    rationale = (
        "The SDK converts a task call's arguments with `convert_from_native_to_inputs(interface, *args, "
        "custom_context=None, **kwargs)`: a keyword named `custom_context` is taken as the run's context, not as "
        'the input. Passing the input by keyword fails with "Missing required inputs: custom_context" (with a '
        "default, the value becomes the run's context and the task gets its default; a value that is no mapping "
        "of strings fails with AttributeError), in a task's "
        "call, its `.aio`, and a run started with named inputs (`flyte.run(t, custom_context=...)`, `flyte run` "
        "on the command line). Positional calls happen to work. The functions a task's call hands its keywords on "
        "to also have parameters named `interface` (the input conversion) and `_task` (the controller's submit): "
        "a keyword of either name fails with TypeError (\"got multiple values for argument 'interface'\"). A "
        "`@flyte.trace` function called in a task fails the same way when it is called by keyword with a required "
        "`custom_context`, or an `interface`, `_interface` or `_func`."
        " Severity: error: every call by keyword and every run started by name fails (or, past a default, loses "
        "the value), in local runs and in a cluster."
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
            for param in _arguments(task.func):
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
        yield from self._traced(analysis, seen)

    def _traced(self, analysis: Analysis, seen: set[int]) -> Iterable[Finding]:
        """The parameters of ``@flyte.trace`` functions (not tasks) that a call by keyword in a task cannot pass."""
        for func in analysis.functions:
            if id(func) in seen or not _is_traced(analysis, func):
                continue
            for param in Signature.of_function(func).params:
                if param.name in TRACE_TAKEN:
                    taken_as = "which the SDK's own call of a traced function takes for itself"
                    effect = f"fails (TypeError: \"got multiple values for argument '{param.name}'\")"
                elif param.name == RESERVED and param.required:
                    taken_as = "which the SDK takes as the run's context"
                    effect = f'fails ("Missing required inputs: {RESERVED}")'
                else:
                    continue
                node = next(a for a in _arguments(func) if a.name == param.name)
                yield self.finding(
                    analysis.resolver.module_of(func),
                    node,
                    f"traced function '{func.name}' has a parameter named `{param.name}`, {taken_as}: calling it "
                    f"by keyword in a task {effect}. Give the parameter another name",
                )


def _is_traced(analysis: Analysis, func: nodes.NodeNG) -> bool:
    if not isinstance(func, (nodes.FunctionDef, nodes.AsyncFunctionDef)):
        return False
    value = analysis.resolver.function_value(func)
    return isinstance(value, FunctionRef) and value.traced


def _arguments(func: nodes.FunctionDef) -> list[nodes.AssignName]:
    args = func.args
    return [*(args.posonlyargs or []), *(args.args or []), *(args.kwonlyargs or [])]
