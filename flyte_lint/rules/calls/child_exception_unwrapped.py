"""FLY115 child-exception-unwrapped: ``except ValueError:`` around a task call, which raises RuntimeUserError."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.source import rendered
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, register
from flyte_lint.rules.calls._child_exception_cases import INVALID_MORE, VALID_MORE
from flyte_lint.rules.calls._child_exceptions import (
    builtin_name,
    catches_child_errors,
    handler_types,
    raised_by_tasks,
    task_sites_by_call,
    try_body,
    type_name,
    wraps_child_errors,
)


def _enclosing_try(node: nodes.NodeNG) -> list[nodes.Try]:
    """The ``try`` statements whose body holds ``node``, innermost first, in its own function."""
    found = []
    child, parent = node, node.parent
    while parent is not None and not isinstance(parent, (nodes.FunctionDef, nodes.Lambda, nodes.Module)):
        if isinstance(parent, nodes.Try) and child in parent.body:
            found.append(parent)
        child, parent = parent, parent.parent
    return found


@register
class ChildExceptionUnwrapped(Rule):
    code = "FLY115"
    symbol = "child-exception-unwrapped"
    pylint_number = 52  # its pylint message id is E6752; never change it once released
    scope = Scope.IMPORTERS  # (task-ness and the task context of the function, from its importers)
    summary = (
        "Reports an `except` handler of the child's own exception type (`except ValueError:`) around task calls: "
        "the SDK raises flyte.errors.RuntimeUserError there instead."
    )
    rationale = (
        "A child task's exception reaches its caller as `flyte.errors.RuntimeUserError`, whose `.code` is the "
        "original type's name: the child's runner wraps it, and the local and remote controllers rebuild it with "
        "`convert_error_to_native` (flyte 2.12.1). So `except ValueError:` around `await child(...)` never runs: "
        "the error propagates, or goes to a broader handler. Calling a sync task wraps the error the same way even "
        "outside any run (`TaskTemplate.__call__`); an async task called directly outside a run (a unit test), "
        "and `.aio` outside a run, raise the original exception, so the rule stays quiet there. It reports a "
        "handler whose types are neither flyte.errors classes nor bases of RuntimeUserError (`RuntimeError`, "
        "`Exception`, `BaseException`), when the only things in the try body that could raise them are task calls "
        "the SDK wraps (a call of anything else, a `raise`, an operation that raises that type itself such as a "
        "subscript for KeyError, keep it quiet) or a called task visibly raises one (`raise QuotaExceeded(...)` in "
        "its body), and no other handler of the same `try` names a flyte.errors class. "
        'Edge: a child exception whose class name contains "Unknown" arrives as `RuntimeUnknownError` (the '
        "error kind is read from the name), which even `except flyte.errors.RuntimeUserError` misses; catch "
        "`flyte.errors.BaseRuntimeError` to cover both."
        " Severity: error: the handler never runs, in local runs and in a cluster alike."
    )
    fix = (
        'Catch `flyte.errors.RuntimeUserError as e` and test `e.code == "ValueError"` (the original type\'s name); '
        "re-raise the others."
    )
    runtime = RuntimeSpec(
        entry="main",
        args={"x": -1},
        bad=Outcome(ok=False, error_contains=("RuntimeUserError", "x must be positive"), ran={"demo.validate": 1}),
        good=Outcome(ok=True, output="invalid", ran={"demo.validate": 1}),
    )

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")


            @env.task
            async def validate(x: int) -> int:
                if x < 0:
                    raise ValueError("x must be positive")
                return x


            @env.task
            async def main(x: int) -> str:
                try:
                    await validate(x)
                except ValueError:  # expect: FLY115
                    return "invalid"
                return "ok"
            """,
            message="`except ValueError` never catches the error of the task called in this try: the SDK raises "
            'flyte.errors.RuntimeUserError there, with `.code == "ValueError"`, so this handler does not run. '
            "Catch `flyte.errors.RuntimeUserError as e` and test `e.code`",
        ),
        *INVALID_MORE,
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")


            @env.task
            async def validate(x: int) -> int:
                if x < 0:
                    raise ValueError("x must be positive")
                return x


            @env.task
            async def main(x: int) -> str:
                try:
                    await validate(x)
                except flyte.errors.RuntimeUserError as e:
                    if e.code == "ValueError":
                        return "invalid"
                    raise
                return "ok"
            """,
        ),
        *VALID_MORE,
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        sites = task_sites_by_call(analysis)
        seen: set[int] = set()
        for site in sites.values():
            if not wraps_child_errors(analysis, site):
                continue
            for statement in _enclosing_try(site.node):
                if id(statement) in seen:
                    continue
                seen.add(id(statement))
                yield from self._handlers(analysis, site.module, statement, sites)

    def _handlers(self, analysis: Analysis, module, statement: nodes.Try, sites) -> Iterable[Finding]:
        typed = [(handler, handler_types(analysis, handler)) for handler in statement.handlers]
        if any(_is_flyte(value) for _, types in typed for _, value in types):
            return  # (a handler of this try names a flyte.errors class: the author handles the wrapped error)
        body = raisers = None
        for handler, types in typed:
            if not types or any(catches_child_errors(analysis, value) for _, value in types):
                continue  # (a bare except, a base of RuntimeUserError, or a type the model cannot pin down)
            if body is None:
                body = try_body(analysis, statement, sites)
            raiser = None
            if body.anything or any(builtin_name(v) in body.implicit for _, v in types):
                # (something else in the body may raise it: report only a type a called task visibly raises)
                if raisers is None:
                    raisers = raised_by_tasks(analysis, statement, sites)
                raiser = next((raisers[v] for _, v in types if v in raisers), None)
                if raiser is None:
                    continue
            written = rendered(handler.type)
            names = [type_name(value) for _, value in types]
            code = " or ".join(f'`.code == "{name}"`' for name in names)
            raised, caught = "flyte.errors.RuntimeUserError", "flyte.errors.RuntimeUserError"
            if any("Unknown" in name for name in names):  # (convert_error_to_native reads the kind from the name)
                raised = (
                    "flyte.errors.RuntimeUserError (RuntimeUnknownError in a run, the class name holding 'Unknown')"
                )
                caught = "flyte.errors.BaseRuntimeError"
            missed = (
                "the error of the task called in this try" if raiser is None else f"what task '{raiser.name}' raises"
            )
            outcome = "so this handler does not run" if raiser is None else "so this handler does not run for it"
            yield self.finding(
                module,
                handler,
                f"`except {written}` never catches {missed}: the SDK raises {raised} there, with {code}, "
                f"{outcome}. Catch `{caught} as e` and test `e.code`",
            )


def _is_flyte(value: object) -> bool:
    return bool(getattr(value, "is_flyte", False))
