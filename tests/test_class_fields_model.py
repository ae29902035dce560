"""The model's class fields (flyte_lint/model/class_fields.py) and string annotations (model/annotations.py
string_annotation), which FLY811 and FLY817 (and FLY816) read."""

from __future__ import annotations

from astroid import nodes

from flyte_lint.model.annotations import TypeKind, signature_types, string_annotation
from flyte_lint.model.class_fields import class_fields
from lintutil import lint_result

SOURCE = {
    "pkg/__init__.py": "",
    "pkg/base.py": """
from dataclasses import dataclass


@dataclass
class Base:
    x: int
    label: str = "b"
""",
    "pkg/main.py": """
from dataclasses import dataclass, field
from typing import ClassVar, Optional

from pydantic import BaseModel, Field

import flyte
from mylib import Mixin
from pkg.base import Base

env = flyte.TaskEnvironment("demo")


@dataclass
class Child(Base):
    tags: list[str] = field(default_factory=list)
    count: ClassVar[int] = 0
    extra: Optional[int] = field(default=None)
    needed: float = field()
    x: int = 5


class Model(BaseModel):
    name: str
    size: int = Field(default=1)
    must: int = Field(...)
    also: int = Field(description="no default")
    _secret: int = 0


@dataclass
class Mixed(Mixin):
    y: int


@env.task
def t(c: Child, m: Model, x: Mixed, s: "Optional[list['Child']]") -> int:
    return 1
""",
}


def _signature(tmp_path):
    analysis = lint_result(tmp_path, SOURCE).analysis
    task = next(task for task in analysis.tasks if task.func.name == "t")
    return analysis, signature_types(analysis, task.func)


def test_class_fields_of_a_dataclass_inherit_in_order_and_read_defaults(tmp_path):
    analysis, signature = _signature(tmp_path)
    child = signature.param("c").type
    fields = class_fields(analysis, child.cls)
    assert [(f.name, f.required) for f in fields] == [
        ("x", False),  # (redeclared with a default: keeps its place, as dataclasses.fields does)
        ("label", False),
        ("tags", False),
        ("extra", False),
        ("needed", True),
    ]
    assert fields[0].node.parent is child.cls  # the redeclaration
    assert fields[2].type.kind is TypeKind.LIST


def test_class_fields_of_a_pydantic_model_skip_private_attributes(tmp_path):
    analysis, signature = _signature(tmp_path)
    fields = class_fields(analysis, signature.param("m").type.cls)
    assert [(f.name, f.required) for f in fields] == [
        ("name", True),
        ("size", False),
        ("must", True),
        ("also", True),
    ]


def test_class_fields_are_unknown_under_a_library_base(tmp_path):
    analysis, signature = _signature(tmp_path)
    assert class_fields(analysis, signature.param("x").type.cls) is None


def test_string_annotation_parses_in_place_and_nests(tmp_path):
    analysis, signature = _signature(tmp_path)
    written = signature.param("s").type.node
    assert isinstance(written, nodes.Const)
    parsed = string_annotation(analysis, written)
    assert parsed.as_string() == "Optional[list['Child']]"
    assert parsed.lineno == written.lineno
    inner = next(parsed.nodes_of_class(nodes.Const))
    assert string_annotation(analysis, inner).as_string() == "Child"
    assert string_annotation(analysis, inner) is string_annotation(analysis, inner)  # memoised
