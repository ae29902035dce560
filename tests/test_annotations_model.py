"""The model's signature types (flyte_lint/model/annotations.py): each annotation of a task's def read as the small
type tree the FLY8xx rules ask, whatever the spelling (typing names, PEP 604 unions, builtin generics, strings,
``from __future__ import annotations``, aliases bound once, classes from another module)."""

from __future__ import annotations

import pytest

from flyte_lint.model.annotations import TypeKind, output_count, signature_types
from flyte_lint.model.kinds import ParamKind
from lintutil import lint_result

HEADER = """
from __future__ import annotations
import typing
import typing as t
from dataclasses import dataclass
import enum
from typing import Any, Dict, List, NamedTuple, Optional, Tuple, Union
from typing_extensions import Annotated
import flyte
from flyte.io import File
from pydantic import BaseModel

env = flyte.TaskEnvironment("demo")

@dataclass
class D:
    x: int

class P(BaseModel):
    y: int

class Sub(P):
    z: int

class NT(NamedTuple):
    a: int
    b: str

class E(str, enum.Enum):
    A = "a"

class Plain:
    pass

Alias = Optional[int]
"""


def sig(tmp_path, signature: str, header: str = HEADER):
    source = header + f"\n@env.task\ndef f{signature}:\n    pass\n"
    analysis = lint_result(tmp_path, source).analysis
    (task,) = [t for t in analysis.tasks if t.func.name == "f"]
    return signature_types(analysis, task.func)


def returns(tmp_path, annotation: str, header: str = HEADER):
    return sig(tmp_path, f"() -> {annotation}", header).returns


@pytest.mark.parametrize(
    ("annotation", "kind"),
    [
        ("int", TypeKind.SCALAR),
        ("bool", TypeKind.SCALAR),
        ("None", TypeKind.NONE),
        ("Any", TypeKind.ANY),
        ("typing.Any", TypeKind.ANY),
        ("t.Any", TypeKind.ANY),
        ("object", TypeKind.OBJECT),
        ("list", TypeKind.LIST),
        ("List[int]", TypeKind.LIST),
        ("t.Dict[str, int]", TypeKind.DICT),
        ("dict[str, Any]", TypeKind.DICT),
        ("set[int]", TypeKind.SET),
        ("tuple", TypeKind.TUPLE),
        ("D", TypeKind.DATACLASS),
        ("P", TypeKind.PYDANTIC),
        ("Sub", TypeKind.PYDANTIC),
        ("E", TypeKind.ENUM),
        ("NT", TypeKind.NAMEDTUPLE),
        ("Plain", TypeKind.CLASS),
        ("File", TypeKind.CLASS),
        ("typing.Literal['a', 'b']", TypeKind.LITERAL),
        ("Annotated[int, 'doc']", TypeKind.SCALAR),
        ("Undefined", TypeKind.UNKNOWN),
        ("typing.Sequence[int]", TypeKind.UNKNOWN),
    ],
)
def test_each_spelling_has_its_kind(tmp_path, annotation, kind):
    assert returns(tmp_path, annotation).kind is kind


@pytest.mark.parametrize(
    "annotation",
    [
        "Optional[int]",
        "int | None",
        "None | int",
        "Union[int, None]",
        "Union[int, str, None]",
        "'Optional[int]'",
        "Alias",
        "Optional[Union[str, list[str]]]",
        "Annotated[Optional[int], 'doc']",
    ],
)
def test_optional_in_every_spelling(tmp_path, annotation):
    found = returns(tmp_path, annotation)
    assert found.kind is TypeKind.UNION and found.is_optional


@pytest.mark.parametrize("annotation", ["int", "Union[int, str]", "int | str", "Any", "object", "list[int | None]"])
def test_not_optional(tmp_path, annotation):
    assert not returns(tmp_path, annotation).is_optional


def test_without_none(tmp_path):
    assert [m.path for m in returns(tmp_path, "Optional[int]").without_none] == ["builtins.int"]
    assert [m.kind for m in returns(tmp_path, "int | str | None").without_none] == [TypeKind.SCALAR] * 2
    assert returns(tmp_path, "None").without_none == ()


def test_union_members_are_flat(tmp_path):
    found = returns(tmp_path, "Optional[Union[int, str]] | D")
    assert [m.kind for m in found.members] == [TypeKind.SCALAR, TypeKind.SCALAR, TypeKind.NONE, TypeKind.DATACLASS]
    assert [m.path for m in found.members[:2]] == ["builtins.int", "builtins.str"]


@pytest.mark.parametrize(
    ("annotation", "count", "variadic", "bare"),
    [
        ("tuple[int, str]", 2, False, False),
        ("Tuple[int, str, float]", 3, False, False),
        ("tuple[int, ...]", 1, True, False),
        ("Tuple[int]", 1, False, False),
        ("tuple", 0, False, True),
        ("typing.Tuple", 0, False, True),
    ],
)
def test_tuple_arity(tmp_path, annotation, count, variadic, bare):
    found = returns(tmp_path, annotation)
    assert found.is_tuple and (len(found.args), found.variadic, found.bare) == (count, variadic, bare)


@pytest.mark.parametrize(
    ("annotation", "outputs"),
    [
        ("None", 0),
        ("tuple[int, str]", 2),
        ("NT", 2),
        ("tuple", 1),
        ("Optional[tuple[int, int]]", 1),
        ("tuple[int, ...]", 1),
        ("int", 1),
        ("Any", 1),
        ("Undefined", None),
    ],
)
def test_output_count(tmp_path, annotation, outputs):
    assert output_count(returns(tmp_path, annotation)) == outputs


def test_missing_return_annotation_has_no_outputs(tmp_path):
    found = sig(tmp_path, "()").returns
    assert found.kind is TypeKind.MISSING and found.accepts_anything and output_count(found) == 0


def test_namedtuple_fields(tmp_path):
    found = returns(tmp_path, "NT")
    assert found.fields == ("a", "b") and [a.path for a in found.args] == ["builtins.int", "builtins.str"]


def test_parameters_kinds_types_and_defaults(tmp_path):
    found = sig(tmp_path, "(a, /, b: int = None, *, c: 'Optional[D]' = None, d: Any) -> int")
    assert [(p.name, p.kind) for p in found.params] == [
        ("a", ParamKind.POSITIONAL_ONLY),
        ("b", ParamKind.POSITIONAL_OR_KEYWORD),
        ("c", ParamKind.KEYWORD_ONLY),
        ("d", ParamKind.KEYWORD_ONLY),
    ]
    a, b, c, d = found.params
    assert a.type.kind is TypeKind.MISSING and a.default is None
    assert b.type.kind is TypeKind.SCALAR and b.default.value is None
    assert c.type.is_optional and c.type.members[0].kind is TypeKind.DATACLASS
    assert d.type.kind is TypeKind.ANY and d.default is None
    assert found.var_positional is None and found.var_keyword is None


def test_star_parameters(tmp_path):
    found = sig(tmp_path, "(*args: int, **kwargs: str)")
    assert found.var_positional is not None and found.var_keyword is not None and found.params == ()


def test_string_annotation_resolves_in_the_module_of_the_def(tmp_path):
    found = returns(tmp_path, "'list[D] | None'")
    assert found.is_optional and found.members[0].kind is TypeKind.LIST
    assert found.members[0].args[0].kind is TypeKind.DATACLASS
    assert found.label() == "list[D] | None"


def test_an_unparsable_string_is_unknown(tmp_path):
    assert returns(tmp_path, "'list[int'").kind is TypeKind.UNKNOWN


def test_classes_and_aliases_from_another_module(tmp_path):
    files = {
        "types_mod.py": """
            from dataclasses import dataclass
            from typing import Optional

            @dataclass
            class Row:
                x: int

            MaybeRow = Optional[Row]
        """,
        "main.py": """
            import flyte
            import types_mod
            from types_mod import MaybeRow, Row

            env = flyte.TaskEnvironment("demo")

            @env.task
            def f(a: Row, b: MaybeRow, c: types_mod.Row) -> types_mod.MaybeRow:
                pass
        """,
    }
    analysis = lint_result(tmp_path, files).analysis
    (task,) = analysis.tasks
    found = signature_types(analysis, task.func)
    assert [p.type.kind for p in found.params] == [TypeKind.DATACLASS, TypeKind.UNION, TypeKind.DATACLASS]
    assert found.params[1].type.is_optional and found.returns.is_optional


def test_known_is_false_when_any_part_is_unknown(tmp_path):
    assert returns(tmp_path, "dict[str, int]").known
    assert not returns(tmp_path, "dict[str, Undefined]").known
