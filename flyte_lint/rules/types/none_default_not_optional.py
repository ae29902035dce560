"""FLY803 none-default-not-optional: a task parameter that defaults to None and whose annotation does not admit
None."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.annotations import Parameter, TypeKind, TypeNode, signature_types
from flyte_lint.rules.base import (
    Case,
    Edit,
    Finding,
    Fix,
    Outcome,
    Rule,
    RuntimeSpec,
    Scope,
    Severity,
    char_column,
    register,
)
from flyte_lint.rules.types._common import boundaries

# Types whose values the engine converts with a check or a transformer of their own, where None is not a value.
_NOT_NONE = frozenset(
    {
        TypeKind.SCALAR,
        TypeKind.LIST,
        TypeKind.DICT,
        TypeKind.SET,
        TypeKind.TUPLE,
        TypeKind.DATACLASS,
        TypeKind.PYDANTIC,
        TypeKind.ENUM,
        TypeKind.NAMEDTUPLE,
        TypeKind.CLASS,
        TypeKind.ANY,
        TypeKind.OBJECT,
        TypeKind.MISSING,
    }
)


# Library classes known to be classes (an imported name of another library may be an alias of an Optional).
_LIBRARY_CLASSES = ("flyte.io.", "pandas.DataFrame", "pathlib.Path", "numpy.ndarray", "pyarrow.Table")


def rejects_none(annotation: TypeNode) -> bool:
    """None is surely not a value of the annotation for the engine: no member is None, and every member is a
    type pinned down (an unknown one, or a name imported from an unknown library, may be an alias of an
    Optional)."""
    return all(_pinned_not_none(member) for member in annotation.members)


def _pinned_not_none(member: TypeNode) -> bool:
    if member.kind is TypeKind.CLASS and member.cls is None:
        return (member.path or "").startswith(_LIBRARY_CLASSES)
    return member.kind in _NOT_NONE


@register
class NoneDefaultNotOptional(Rule):
    code = "FLY803"
    symbol = "none-default-not-optional"
    severity = Severity.ERROR
    pylint_number = 66  # its pylint message id is E6766; never change it once released
    scope = Scope.IMPORTERS  # (whether a def is a task: `env.task(fn)` in an importer makes one)
    summary = (
        "Reports a task parameter `x: T = None` where `T` does not admit None (not `Optional[T]` / `T | None`), "
        "including `Any`, `object` and a missing annotation."
    )
    rationale = (
        "The SDK converts a task's defaults with the type engine when it deploys the task, and None is not a value "
        "of `T`: the deploy fails with RuntimeError (\"Failed to convert default value for parameter 'x'\"). A run "
        'that omits the argument sends an empty literal for it: the child fails converting it ("Cannot convert '
        'literal to <class \'int\'>"; with `Any`, `object` or no annotation, "Cannot convert to typing.Any"), or '
        "silently gets another value than None: `False` for `bool`, `[]` for `list[...]`, a default-built "
        "dataclass or pydantic model. Type checkers that allow implicit Optional accept the code."
        " Severity: error: the deploy always fails, and the run either fails or hands the task a value it was not "
        "given, locally and in a cluster alike."
    )
    fix = "Annotate the parameter `Optional[T]` (or `T | None`), or give it a default of its type."
    fix_safety = (
        "Unsafe: appends `| None` to the annotation, which makes None a value of the input the body must handle "
        "(given no annotation or a string one, there is no fix)."
    )
    runtime = RuntimeSpec(
        entry="main",
        bad=Outcome(ok=False, error_contains=("Error converting input 'name'",)),
        good=Outcome(ok=True, output="hello world"),
    )

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def greet(name: str = None) -> str:  # expect: FLY803
                return f"hello {name or 'world'}"

            @env.task
            def main() -> str:
                return greet()
            """,
            message="parameter 'name' of task 'demo.greet' defaults to None, which `str` does not admit: a deploy "
            "fails (RuntimeError: \"Failed to convert default value for parameter 'name'\"), and a run that omits "
            "it fails converting the input. Annotate it `str | None` (or `Optional[str]`)",
            fixed="""
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def greet(name: str | None = None) -> str:
                return f"hello {name or 'world'}"

            @env.task
            def main() -> str:
                return greet()
            """,
        ),
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def flagged(verbose: bool = None) -> bool:  # expect: FLY803
                return verbose
            """,
            message="parameter 'verbose' of task 'demo.flagged' defaults to None, which `bool` does not admit: a "
            "deploy fails (RuntimeError: \"Failed to convert default value for parameter 'verbose'\"), and a run "
            "that omits it gets `False`, not None. Annotate it `bool | None` (or `Optional[bool]`)",
            name="bool-becomes-false",
        ),
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def untyped(x=None) -> str:  # expect: FLY803
                return repr(x)
            """,
            message="parameter 'x' of task 'demo.untyped' defaults to None and has no annotation, so the engine "
            'pickles it, and None cannot be pickled: a deploy fails (RuntimeError: "Failed to convert default '
            "value for parameter 'x'\"), and a run that omits it fails converting the input. Annotate it "
            "`Optional[...]` with its type",
            name="missing-annotation",
        ),
        Case(
            """
            import typing
            import typing as t
            from dataclasses import dataclass
            from enum import Enum
            from typing import Any, Dict, List, Union

            import flyte as fl
            from flyte import TaskEnvironment as Env
            from flyte.io import File

            env = Env("demo")

            @dataclass
            class Settings:
                depth: int = 1

            class Color(str, Enum):
                RED = "red"

            @env.task
            async def every(
                a: int = None,  # expect: FLY803
                b: List[str] = None,  # expect: FLY803
                c: t.Dict[str, int] = None,  # expect: FLY803
                d: dict = None,  # expect: FLY803
                e: Any = None,  # expect: FLY803
                f: typing.Any = None,  # expect: FLY803
                g: object = None,  # expect: FLY803
                h: Settings = None,  # expect: FLY803
                i: Color = None,  # expect: FLY803
                j: Union[int, str] = None,  # expect: FLY803
                k: int | str = None,  # expect: FLY803
                l: File = None,  # expect: FLY803
                m: "list[int]" = None,  # expect: FLY803
                *,
                n: float = None,  # expect: FLY803
                o: tuple[int, str] = None,  # expect: FLY803
            ) -> None:
                pass

            def plain(x: int = None) -> int:  # expect: FLY803
                return 1

            made = fl.TaskEnvironment("made").task(plain)  # (reported at the parameter of plain)
            """,
            name="every-spelling-and-form",
        ),
        Case(
            """
            # file: pkg/envs.py
            import flyte

            env = flyte.TaskEnvironment("demo")
            # file: pkg/types.py
            from dataclasses import dataclass

            @dataclass
            class Row:
                x: int = 0
            # file: pkg/tasks.py
            from pkg.envs import env
            from pkg.types import Row

            @env.task
            def load(row: Row = None) -> int:  # expect: FLY803
                return 1
            """,
            name="env-and-type-from-other-modules",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def greet(name: str | None = None) -> str:
                return f"hello {name or 'world'}"

            @env.task
            def main() -> str:
                return greet()
            """,
        ),
        Case(
            """
            from __future__ import annotations

            import typing
            from typing import Any, Optional, TypeVar, Union

            import flyte
            from mylib import Mystery

            env = flyte.TaskEnvironment("demo")
            MaybeInt = Optional[int]
            T = TypeVar("T")

            @env.task
            def fine(
                a: Optional[int] = None,
                b: int | None = None,
                c: None | int = None,
                d: Union[int, None] = None,
                e: "Optional[int]" = None,
                f: Optional[Any] = None,
                g: Any | None = None,
                h: MaybeInt = None,
                i: typing.Optional[list[int]] = None,
                j: Union[int, str, None] = None,
                k: int = 0,
                l: Mystery = None,
                m: T = None,
                n: typing.Literal["a", "b"] = None,
            ) -> None:
                pass

            def plain(x: int = None) -> int:
                return 1

            @flyte.trace
            async def traced(x: int = None) -> int:
                return 1
            """,
            name="optional-spellings-unknown-types-plain-functions",
        ),
        Case(
            """
            class Env:
                def task(self, fn):
                    return fn

            env = Env()

            @env.task
            def greet(name: str = None) -> str:
                return name
            """,
            name="another-library-task-decorator",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for boundary in boundaries(analysis, traces=False):
            for param in signature_types(analysis, boundary.func).params:
                default = param.default
                if isinstance(default, nodes.Const) and default.value is None and rejects_none(param.type):
                    yield self.finding(
                        boundary.module,
                        param.node,
                        _message(param, boundary.label),
                        _fix(boundary.module, param),
                    )


def _message(param: Parameter, label: str) -> str:
    failure = f"a deploy fails (RuntimeError: \"Failed to convert default value for parameter '{param.name}'\")"
    annotation = param.type
    if annotation.kind is TypeKind.MISSING:
        return (
            f"parameter '{param.name}' of {label} defaults to None and has no annotation, so the engine pickles it, "
            f"and None cannot be pickled: {failure}, and a run that omits it fails converting the input. Annotate "
            "it `Optional[...]` with its type"
        )
    if annotation.kind in (TypeKind.ANY, TypeKind.OBJECT):
        written = annotation.label()
        return (
            f"parameter '{param.name}' of {label} defaults to None and is annotated `{written}`, so the engine "
            f"pickles it, and None cannot be pickled: {failure}, and a run that omits it fails converting the "
            f"input. Annotate it `Optional[{written}]`"
        )
    written = annotation.label()
    omitted = _omitted(annotation)
    return (
        f"parameter '{param.name}' of {label} defaults to None, which `{written}` does not admit: {failure}, and a "
        f"run that omits it {omitted}. Annotate it `{written} | None` (or `Optional[{written}]`)"
    )


def _omitted(annotation: TypeNode) -> str:
    """What a run that omits the argument does (measured on flyte 2.12.1)."""
    if annotation.kind is TypeKind.SCALAR and annotation.path == "builtins.bool":
        return "gets `False`, not None"
    if annotation.kind is TypeKind.LIST and not annotation.bare:
        return "gets `[]`, not None"
    if annotation.kind in (TypeKind.DATACLASS, TypeKind.PYDANTIC):
        return f"gets a default-built `{annotation.label()}` (or fails), not None"
    return "fails converting the input"


def _fix(module, param: Parameter) -> Fix | None:
    node = param.type.node
    if node is None or (isinstance(node, nodes.Const) and isinstance(node.value, str)) or node.end_lineno is None:
        return None
    column = char_column(module, node.end_lineno, node.end_col_offset)
    return Fix(
        (Edit((node.end_lineno, column), (node.end_lineno, column), " | None"),), safe=False, title="Add `| None`"
    )
