"""FLY804 return-annotation-mismatch: a task returns a value where it declares no output, or None where it
declares one."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.annotations import TypeKind, TypeNode, signature_types
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, Severity, register
from flyte_lint.rules.types._common import Boundary, boundaries, own_nodes, own_yields, values_returned
from flyte_lint.rules.types._flow import end_reachable
from flyte_lint.rules.types._return_cases import LOOK_ALIKES
from flyte_lint.rules.types.none_default_not_optional import rejects_none


@register
class ReturnAnnotationMismatch(Rule):
    code = "FLY804"
    symbol = "return-annotation-mismatch"
    severity = Severity.ERROR
    pylint_number = 67  # its pylint message id is E6767; never change it once released
    scope = Scope.IMPORTERS  # (whether a def is a task: `env.task(fn)` in an importer makes one)
    summary = (
        "Reports a task that returns a value while it declares no output (no return annotation, or `-> None`), "
        "and a `-> T` task that returns None: `return None`, a bare `return`, or a reachable end of its body."
    )
    rationale = (
        "The engine converts a task's return value to the outputs its return annotation declares. With no "
        'annotation or `-> None` there are none: a value fails the run ("Expected no outputs but got (3,)"), and '
        "a tuple of two or more values is read as that many outputs and dropped silently, so the caller gets None. "
        "With `-> T` (not Optional, Any or None), None is not a `T`: `return None`, a bare `return`, and running "
        "off the end of the body all fail the run (\"Expected value of type <class 'int'> but got 'None'\"). Only "
        "the task's own body counts (not nested defs), and a body ending in `raise`, `while True` or a return on "
        "every branch is fine. The engine's message depends on the type (\"Value 'None' is not of container "
        'type <class \'dict\'>", "Value None is not in Enum", an AttributeError for a pydantic model...). '
        "(`@flyte.trace` functions are not checked: the engine lets a trace without "
        "annotations return anything.)"
        " Severity: error: the run fails, or the caller silently gets None, locally and in a cluster alike."
    )
    fix = (
        "Annotate what the task returns (`-> int`, `-> tuple[int, str]`), return a `T` on every path (or raise), "
        "or declare `-> Optional[T]` when None is a real result."
    )
    runtime = RuntimeSpec(
        entry="main",
        args={"score": 0.2},
        bad=Outcome(ok=False, error_contains=("Expected value of type <class 'str'> but got 'None'",)),
        good=Outcome(ok=True, output="fail"),
    )

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def grade(score: float) -> str:  # expect: FLY804
                if score >= 0.5:
                    return "pass"

            @env.task
            def main(score: float) -> str:
                return grade(score)
            """,
            message="task 'demo.grade' is annotated `-> str`, but the end of its body is reachable, where it returns "
            "None: the engine cannot convert None to a `str` output, so the run fails. Return a `str` on every path "
            "(or raise), or annotate `-> Optional[str]`",
        ),
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def count(xs: list[int]):
                return len(xs)  # expect: FLY804
            """,
            message="task 'demo.count' has no return annotation, but returns a value here: the engine expects no "
            'outputs and the run fails ("Expected no outputs but got ..."). Annotate what it returns (`-> T`)',
            name="no-annotation-returns-a-value",
        ),
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def split(text: str):
                head, tail = text[:1], text[1:]
                return head, tail  # expect: FLY804
            """,
            message="task 'demo.split' has no return annotation, and returns 2 values here: the engine reads them as "
            "2 outputs, finds none declared and drops them silently, so the caller gets None. Annotate the outputs "
            "(`-> tuple[...]`)",
            name="no-annotation-tuple-dropped",
        ),
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def find(xs: list[int], x: int) -> int:
                for i, v in enumerate(xs):
                    if v == x:
                        return i
                return None  # expect: FLY804
            """,
            message="task 'demo.find' is annotated `-> int`, but returns None here: the engine cannot convert None "
            "to an `int` output, so the run fails. Return an `int` on every path (or raise), or annotate "
            "`-> Optional[int]`",
            name="return-none",
        ),
        Case(
            """
            import flyte as fl
            from dataclasses import dataclass
            from typing import Dict, List

            env = fl.TaskEnvironment("demo")

            @dataclass
            class Report:
                n: int

            @env.task
            def none_annotated(x: int) -> None:
                result = {"x": x}
                return result  # expect: FLY804

            @env.task
            async def bare(x: int) -> List[int]:
                if x < 0:
                    return  # expect: FLY804
                return [x]

            @env.task
            def loop(xs: list[int]) -> Dict[str, int]:  # expect: FLY804
                for x in xs:
                    if x:
                        return {"x": x}

            @env.task
            def guarded(x: int) -> Report:  # expect: FLY804
                try:
                    return Report(x)
                except ValueError:
                    print("bad")

            @env.task
            def waits(x: int) -> tuple[int, str]:  # expect: FLY804
                while x > 0:
                    x -= 1
                    if x == 3:
                        return x, "three"

            @env.task
            def matched(x: int) -> str:  # expect: FLY804
                match x:
                    case 1:
                        return "one"
                    case 2:
                        return "two"

            @env.task
            def stub(x: int) -> int:  # expect: FLY804
                ...

            @env.task
            def broken(x: int) -> float:  # expect: FLY804
                while True:
                    if x:
                        break
                    return 1.0

            def helper(x: int) -> int:
                return x

            made = env.task(helper)
            """,
            name="forms",
        ),
        Case(
            """
            # file: pkg/envs.py
            import flyte

            env = flyte.TaskEnvironment("demo")
            # file: pkg/tasks.py
            from pkg.envs import env

            @env.task
            def total(xs: list[int]):
                return sum(xs)  # expect: FLY804
            """,
            name="env-from-another-module",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def grade(score: float) -> str:
                if score >= 0.5:
                    return "pass"
                return "fail"

            @env.task
            def main(score: float) -> str:
                return grade(score)
            """,
        ),
        LOOK_ALIKES,
        Case(
            """
            class Env:
                def task(self, fn):
                    return fn

            env = Env()

            @env.task
            def helper(x: int) -> int:
                print(x)
            """,
            name="another-library-task-decorator",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for boundary in boundaries(analysis, traces=False):
            if own_yields(boundary.func):
                continue  # (a generator: FLY815)
            yield from self._check_task(analysis, boundary)

    def _check_task(self, analysis: Analysis, boundary: Boundary) -> Iterable[Finding]:
        func, label = boundary.func, boundary.label
        returns = signature_types(analysis, func).returns
        own_returns = [r for r in own_nodes(func, nodes.Return) if r.scope() is func]
        if returns.kind in (TypeKind.MISSING, TypeKind.NONE):
            declared = "has no return annotation" if returns.kind is TypeKind.MISSING else "is annotated `-> None`"
            for node in own_returns:
                count = values_returned(analysis, node.value)
                if count is None:
                    continue
                if count >= 2:
                    message = (
                        f"{label} {declared}, and returns {count} values here: the engine reads them as {count} "
                        "outputs, finds none declared and drops them silently, so the caller gets None. Annotate "
                        "the outputs (`-> tuple[...]`)"
                    )
                else:
                    message = (
                        f"{label} {declared}, but returns a value here: the engine expects no outputs and the run "
                        'fails ("Expected no outputs but got ..."). Annotate what it returns (`-> T`)'
                    )
                yield self.finding(boundary.module, node, message)
            return
        if not _declares_a_value(returns):
            return
        written = returns.label()
        rejected = (
            f"the engine cannot convert None to {_article(written)} `{written}` output, so the run fails. Return "
            f"{_article(written)} `{written}` on every path (or raise), or annotate `-> Optional[{written}]`"
        )
        for node in own_returns:
            if node.value is None or (isinstance(node.value, nodes.Const) and node.value.value is None):
                yield self.finding(
                    boundary.module, node, f"{label} is annotated `-> {written}`, but returns None here: {rejected}"
                )
        if end_reachable(analysis, func):
            yield self.finding(
                boundary.module,
                func.returns,
                f"{label} is annotated `-> {written}`, but the end of its body is reachable, where it returns None: "
                f"{rejected}",
            )


def _declares_a_value(returns: TypeNode) -> bool:
    """The return annotation declares outputs None is not a value of (Any and object: FLY801's business)."""
    if returns.kind in (TypeKind.ANY, TypeKind.OBJECT):
        return False
    return rejects_none(returns) and not any(m.kind in (TypeKind.ANY, TypeKind.OBJECT) for m in returns.members)


def _article(written: str) -> str:
    return "an" if written[:1].lower() in "aeiou" else "a"
