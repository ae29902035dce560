"""FLY108 task-object-method: a task function's method called on a task object that lacks it."""

from __future__ import annotations

from collections.abc import Iterable

from flyte_lint import sdk
from flyte_lint.model.analysis import CONTAINER_TASK, SHELL_CREATE, Analysis, ResolvedCall
from flyte_lint.model.source import rendered, short
from flyte_lint.rules.base import Case, Edit, Finding, Outcome, Rule, RuntimeSpec, Scope, Suggestion, register
from flyte_lint.rules.calls._task_object_programs import OBJECT_METHODS


@register
class TaskObjectMethod(Rule):
    code = "FLY108"
    symbol = "task-object-method"
    pylint_number = 45
    scope = Scope.IMPORTERS
    summary = (
        "Reports a method of a task function that a task object does not have: `.aio`, `.override` or "
        "`.forward` of a shell task, `.forward` of a ContainerTask."
    )
    rationale = (
        "A task made by `flyte.extras.shell.create` is no task template: it is called, and awaited, directly. "
        "It has no `.aio`, `.override` or `.forward`, so each fails with AttributeError. A ContainerTask runs an "
        "image, not Python code: its `.forward` raises NotImplementedError."
        " Severity: error: the method is missing (or raises) in local runs and in a cluster alike."
    )
    fix = "Await the shell task's own call: `await count(x=...)`; it takes no `.override`."
    # A shell task run for real needs Docker: the good example gets that far (its task started), the bad one
    # fails before any task starts.
    runtime = RuntimeSpec(
        entry="main",
        args={"x": 1},
        bad=Outcome(ok=False, error_contains=("AttributeError", "no attribute 'aio'"), ran={"count": 0}),
        good=Outcome(ok=False, error_contains=("Docker",), ran={"count": 1}),
    )

    INVALID = [
        Case(
            """
            import flyte
            from flyte.extras import shell

            count = shell.create("count", image="debian:12-slim", inputs={"x": int}, script="echo {inputs.x}")
            env = flyte.TaskEnvironment("demo", depends_on=[count.env])

            @env.task
            async def main(x: int) -> None:
                await count.aio(x=x)  # expect: FLY108
            """,
            message="shell task `count` has no `.aio`: the call fails with AttributeError "
            "(\"'_Shell' object has no attribute 'aio'\"). Await `count(...)` itself",
        ),
        # A program the SDK also runs (tests/test_argument_rules.py): every method a task object lacks.
        Case(OBJECT_METHODS, select=["FLY108"], name="methods-a-task-object-lacks-run"),
    ]
    VALID = [
        Case(
            """
            import flyte
            from flyte.extras import shell

            count = shell.create("count", image="debian:12-slim", inputs={"x": int}, script="echo {inputs.x}")
            env = flyte.TaskEnvironment("demo", depends_on=[count.env])

            @env.task
            async def main(x: int) -> None:
                await count(x=x)
            """,
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        shell = sdk.returns(SHELL_CREATE)  # (the class of what it makes; the table lists the methods it has)
        lacking = [f"{shell}.{name}" for name in TASK_METHODS if shell and sdk.callable_info(f"{shell}.{name}") is None]
        for call in analysis.calls_to(*lacking):
            method, shown = call.external_path.rpartition(".")[2], _object_shown(call)
            hint = (
                f"await `{shown}(...)` itself"
                if method != "override"
                else "it takes its resources and retries from `shell.create(...)`"
            )
            yield self.finding(
                call.module,
                call.node.func,
                f"shell task `{shown}` has no `.{method}`: the call fails with AttributeError "
                f"(\"'_Shell' object has no attribute '{method}'\"). {hint[0].upper()}{hint[1:]}",
                suggestions=[_called_itself(call, shown)] if method != "override" else (),
                raises="builtins.AttributeError",
            )  # (raised by the attribute, the finding's node)
        for call in analysis.calls_to(f"{CONTAINER_TASK}.forward"):
            shown = _object_shown(call)
            yield self.finding(
                call.module,
                call.node.func,
                f"ContainerTask `{shown}` has no Python code to run: `.forward(...)` raises "
                f"NotImplementedError. Await `{shown}(...)` to run its container",
                suggestions=[_called_itself(call, shown)],
                raises="builtins.NotImplementedError",
                raised_at=call.node,
            )


TASK_METHODS = ("aio", "override", "forward")  # what a task function has and a task object may lack


def _called_itself(call: ResolvedCall, shown: str) -> Suggestion:
    """``obj.aio(...)`` or ``obj.forward(...)`` rewritten to ``obj(...)``: a shell task and a ContainerTask are async
    callables, so the call itself makes the coroutine the method was meant to make (awaited where it was)."""
    func = call.node.func
    drop = Edit((func.expr.end_lineno, func.expr.end_col_offset), (func.end_lineno, func.end_col_offset), "")
    return Suggestion(f"{shown}(...)", (drop,))


def _object_shown(call: ResolvedCall) -> str:
    """The object whose method ``call`` calls, as the source writes it (``count`` in ``count.aio(...)``)."""
    return short(rendered(call.node.func.expr), 50)
