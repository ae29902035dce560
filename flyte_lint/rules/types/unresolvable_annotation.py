"""FLY816 unresolvable-annotation: a lazily evaluated annotation (``from __future__ import annotations`` or a
string) of a task or trace naming what the module binds only under ``if TYPE_CHECKING:``, or (a task) only below
the task."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.annotations import string_annotation
from flyte_lint.model.flyte_imports import under_type_checking
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, Severity, register
from flyte_lint.rules.types._common import Boundary, boundaries

_BINDINGS = (
    nodes.AssignName,
    nodes.Import,
    nodes.ImportFrom,
    nodes.ClassDef,
    nodes.FunctionDef,
    nodes.AsyncFunctionDef,
)


@register
class UnresolvableAnnotation(Rule):
    code = "FLY816"
    symbol = "unresolvable-annotation"
    severity = Severity.ERROR
    pylint_number = 79  # its pylint message id is E6779; never change it once released
    scope = Scope.IMPORTERS  # (whether a def is a task: `env.task(fn)` in an importer makes one)
    summary = (
        "Reports a task or trace annotation that Python evaluates lazily (`from __future__ import annotations`, "
        "or a string) and that names what the module binds only under `if TYPE_CHECKING:`, or, for a task, only "
        "below the task."
    )
    rationale = (
        "The SDK reads a task's type hints (`typing.get_type_hints`) when `@env.task` wraps the function, so at "
        "import, in the module's namespace as it is then: a name imported only under `if TYPE_CHECKING:` is never "
        'bound, and a class defined below the task is not bound yet. The import fails with NameError ("name '
        "'Decimal' is not defined\"), for every run and deploy. A trace reads its hints when a task calls it: a "
        "class defined further down is bound by then and works, a `TYPE_CHECKING`-only name fails the call. "
        "Names in annotations evaluated when the def runs (no future import, not a string) are Python's own "
        "NameError and are left alone, as are defs nested in a function or class."
        " Severity: error: the module cannot be imported (a task), or every call fails (a trace)."
    )
    fix = (
        "Import the name outside the `if TYPE_CHECKING:` block (the engine needs the real class), and define "
        "classes a task's signature names above the task."
    )
    runtime = RuntimeSpec(
        entry="main",
        args={"amount": "1.5"},
        modes=("local",),
        bad=Outcome(ok=False, phase="import", error_contains=("NameError", "name 'Decimal' is not defined")),
        good=Outcome(ok=True, output="1.5"),
    )

    INVALID = [
        Case(
            """
            from __future__ import annotations

            from typing import TYPE_CHECKING

            import flyte

            if TYPE_CHECKING:
                from decimal import Decimal

            env = flyte.TaskEnvironment("demo")

            @env.task
            def price(amount: Decimal) -> str:  # expect: FLY816
                return str(amount)

            @env.task
            def main(amount: str) -> str:
                import decimal

                return price(decimal.Decimal(amount))
            """,
            message="task 'demo.price''s annotation `Decimal`, which the module binds only under "
            "`if TYPE_CHECKING:`: with `from __future__ import annotations`, the SDK reads the task's type hints "
            "when the module is imported, so the import fails (NameError: name 'Decimal' is not defined). Import "
            "(or define) it outside the `if TYPE_CHECKING:` block",
        ),
        Case(
            """
            import typing
            from typing import Optional

            import flyte as fl

            if typing.TYPE_CHECKING:
                import pandas as pd
                from mylib import Row

            env = fl.TaskEnvironment("demo")

            @env.task
            def guarded(x: "Row") -> int:  # expect: FLY816
                return 1

            @env.task
            def later(x: int) -> "Optional[Later]":  # expect: FLY816
                return None

            @env.task
            def nested(xs: list["pd.DataFrame"]) -> int:  # expect: FLY816
                return 1

            @fl.trace
            async def traced(x: int) -> "Row":  # expect: FLY816
                return x

            class Later:
                pass
            """,
            name="strings-attributes-later-classes-and-traces",
        ),
        Case(
            """
            # file: pkg/envs.py
            import flyte

            env = flyte.TaskEnvironment("demo")
            # file: pkg/tasks.py
            from __future__ import annotations

            from pkg.envs import env

            def score(row: Row) -> float:  # expect: FLY816
                return 1.0

            score_task = env.task(score)

            class Row:
                pass
            """,
            name="env-from-another-module-and-task-made-by-call",
        ),
    ]
    VALID = [
        Case(
            """
            from __future__ import annotations

            from decimal import Decimal

            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def price(amount: Decimal) -> str:
                return str(amount)

            @env.task
            def main(amount: str) -> str:
                import decimal

                return price(decimal.Decimal(amount))
            """,
        ),
        Case(
            """
            from __future__ import annotations

            from typing import TYPE_CHECKING, Any

            import flyte

            if TYPE_CHECKING:
                from mylib import Row
            else:
                Row = Any

            env = flyte.TaskEnvironment("demo")

            class Early:
                pass

            @env.task
            def fine(a: Row, b: Early, c: list[int], d: Any) -> int:
                return 1

            @flyte.trace
            async def traced(x: Later) -> Later:
                return x

            def plain(x: Later) -> Later:
                return x

            def wrapped(x: Later) -> int:
                return 1

            class Later:
                pass

            wrapped_task = env.task(wrapped)

            def factory():
                @env.task
                def inner(x: Later) -> int:
                    return 1

                return inner
            """,
            name="bound-both-ways-defined-above-traces-and-tasks-made-below",
        ),
        Case(
            """
            from __future__ import annotations

            from typing import TYPE_CHECKING

            import flyte
            from mylib.types import *

            if TYPE_CHECKING:
                from mylib.types import Row

            env = flyte.TaskEnvironment("demo")

            @env.task
            def score(row: Row) -> float:
                return 1.0
            """,
            name="star-import-may-bind-it",
        ),
        Case(
            """
            from typing import TYPE_CHECKING

            import flyte

            if TYPE_CHECKING:
                from mylib import Row

            env = flyte.TaskEnvironment("demo")

            class Lib:
                def task(self, fn):
                    return fn

            lib = Lib()

            @lib.task
            def helper(x: "Row") -> int:
                return 1
            """,
            name="another-library-task-decorator",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for boundary in boundaries(analysis):
            func = boundary.func
            if not isinstance(func.parent, nodes.Module):
                continue  # (a nested def's hints resolve in its module's globals too, but its own names do not)
            deferred = _future_annotations(func.root())
            for annotation in _annotations(func):
                problems = list(_problems(analysis, boundary, annotation, deferred))
                if problems:
                    yield self.finding(boundary.module, annotation, _message(boundary, annotation, problems[0]))


def _future_annotations(module: nodes.Module) -> bool:
    """The module starts with ``from __future__ import annotations`` (every annotation is then a string)."""
    return any(
        isinstance(statement, nodes.ImportFrom)
        and statement.modname == "__future__"
        and any(name == "annotations" for name, _ in statement.names)
        for statement in module.body
    )


def _annotations(func: nodes.FunctionDef) -> Iterator[nodes.NodeNG]:
    args = func.args
    for group in (args.posonlyargs_annotations, args.annotations, args.kwonlyargs_annotations):
        yield from (annotation for annotation in group or [] if annotation is not None)
    for annotation in (args.varargannotation, args.kwargannotation, func.returns):
        if annotation is not None:
            yield annotation


def _problems(
    analysis: Analysis, boundary: Boundary, node: nodes.NodeNG, deferred: bool, depth: int = 0
) -> Iterator[tuple[str, str]]:
    """(name, why) for each name of the annotation that is not bound when the SDK reads the hints."""
    if depth > 4:
        return
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        parsed = string_annotation(analysis, node)
        if parsed is not None:
            yield from _problems(analysis, boundary, parsed, True, depth + 1)
        return
    if isinstance(node, nodes.Name):
        why = _unbound(boundary, node.name) if deferred else None
        if why is not None:
            yield node.name, why
        return
    for child in node.get_children():
        yield from _problems(analysis, boundary, child, deferred, depth)


def _unbound(boundary: Boundary, name: str) -> str | None:
    """Why the module's namespace lacks ``name`` when the SDK reads the boundary's hints, or None."""
    module = boundary.func.root()
    bindings = [b for b in module.locals.get(name, []) if isinstance(b, _BINDINGS)]
    if not bindings or len(bindings) != len(module.locals.get(name, [])):
        return None  # a builtin, an undefined name (Python's NameError), or a binding we do not read
    if _star_imports(module):
        return None  # (`from m import *` may bind it)
    if all(under_type_checking(binding) for binding in bindings):
        return "type_checking"
    if boundary.task is None:
        return None  # (a trace reads its hints when a task calls it: the module is loaded by then)
    made = _statement(boundary.task.decorator)
    if made is None or made.root() is not module:
        return None  # (made in a def, or in another module, which imports this one whole first)
    if all(_statement(binding) is not None and _statement(binding).fromlineno > made.tolineno for binding in bindings):
        return "later"
    return None


def _star_imports(module: nodes.Module) -> bool:
    return any(
        isinstance(node, nodes.ImportFrom) and node.names[0][0] == "*" and not under_type_checking(node)
        for node in module.nodes_of_class(nodes.ImportFrom, skip_klass=(nodes.FunctionDef, nodes.ClassDef))
    )


def _statement(node: nodes.NodeNG) -> nodes.NodeNG | None:
    """The module-level statement holding ``node`` (a decorator: its def), or None when it is in a body."""
    while node.parent is not None and not isinstance(node.parent, nodes.Module):
        parent = node.parent
        in_body = node is not getattr(parent, "decorators", None)
        if in_body and isinstance(parent, (nodes.FunctionDef, nodes.AsyncFunctionDef, nodes.ClassDef, nodes.Lambda)):
            return None
        node = parent
    return node if node.parent is not None else None


def _message(boundary: Boundary, annotation: nodes.NodeNG, problem: tuple[str, str]) -> str:
    name, why = problem
    written = annotation.value if isinstance(annotation, nodes.Const) else annotation.as_string()
    lazily = (
        "with `from __future__ import annotations`"
        if _future_annotations(boundary.func.root()) and not isinstance(annotation, nodes.Const)
        else "as a string annotation"
    )
    head = f"{boundary.label}'s annotation `{written}`" + (f" names `{name}`" if written != name else "")
    failure = f"NameError: name '{name}' is not defined"
    if why == "type_checking":
        if boundary.task is not None:
            when = f"the SDK reads the task's type hints when the module is imported, so the import fails ({failure})"
        else:
            when = f"the SDK reads the trace's type hints when a task calls it, so every call fails ({failure})"
        return (
            f"{head}, which the module binds only under `if TYPE_CHECKING:`: {lazily}, {when}. Import (or define) "
            "it outside the `if TYPE_CHECKING:` block"
        )
    return (
        f"{head}, which the module binds only below the task: {lazily}, the SDK reads the task's type hints when "
        f"`@env.task` wraps it, before `{name}` exists, so the import fails ({failure}). Define `{name}` above the task"
    )
