"""The class-level types rules (FLY811, FLY812, FLY816, FLY817) against the SDK: each program holds several forms; a
task `main` calls each through the engine (a run; `flyte.map` and a trace where the rule covers them) and, for a
task, serializes it the way a deploy does (translate_task_to_wire). The rule must report exactly the forms that
fail."""

from __future__ import annotations

import re

import pytest

from lintutil import lint_result
from sdk_runner import requires_sdk, run_program


def _reported_classes(tmp_path, source: str, code: str) -> set[str]:
    """The classes the findings of ``code`` fall in (the nearest class at or above each finding's line)."""
    result = lint_result(tmp_path, source, select=[code])
    lines = source.lstrip("\n").split("\n")
    found = set()
    for finding in result.findings:
        if finding.code == code:
            at = finding.line - 1
            while not (match := re.match(r"class (\w+)", lines[at])):
                at -= 1
            found.add(match.group(1))
    return found


ENUMS = """
import enum
import pathlib
from dataclasses import dataclass
from enum import Enum, Flag, IntEnum, IntFlag, StrEnum, auto
from typing import Optional

from pydantic import BaseModel

import flyte

env = flyte.TaskEnvironment("demo")


class IntBad(Enum):
    A = 1
    B = 2


class AutoBad(Enum):
    A = auto()


class FloatBad(Enum):
    A = 1.5


class TupleBad(Enum):
    A = (1, 2)


class IntMixinBad(int, Enum):
    A = 1


class FlagBad(Flag):
    R = auto()
    W = auto()


class IntFlagBad(IntFlag):
    R = 1


class ListedBad(Enum):
    A = 1


class OptionalBad(Enum):
    A = 1


class DictBad(Enum):
    A = 1


class ReturnedBad(Enum):
    A = 1


class TracedBad(Enum):
    A = 1


class MappedBad(Enum):
    A = 1


class StrOk(Enum):
    A = "a"


class StrFirstOk(Enum):
    A = "a"
    B = 2


class IntEnumOk(IntEnum):
    A = 1


class StrEnumOk(StrEnum):
    A = auto()


class StrMixinOk(str, Enum):
    A = 1


class FieldOk(Enum):
    A = 1


class TupleItemOk(Enum):
    A = 1


class DescribedOk(Enum):
    def __new__(cls, code, label):
        member = object.__new__(cls)
        member._value_ = label
        return member

    A = (1, "a")


class Lowered(Enum):
    @staticmethod
    def _generate_next_value_(name, start, count, last_values):
        return name.lower()


class GeneratedOk(Lowered):
    A = auto()


class ModelFieldOk(Enum):
    A = 1


@dataclass
class Holder:
    level: FieldOk


class Model(BaseModel):
    level: ModelFieldOk


@env.task
async def t_int(e: IntBad) -> str:
    return e.name


@env.task
async def t_auto(e: AutoBad) -> str:
    return e.name


@env.task
async def t_float(e: FloatBad) -> str:
    return e.name


@env.task
async def t_tuple(e: TupleBad) -> str:
    return e.name


@env.task
async def t_int_mixin(e: IntMixinBad) -> str:
    return e.name


@env.task
async def t_flag(e: FlagBad) -> str:
    return str(e)


@env.task
async def t_int_flag(e: IntFlagBad) -> str:
    return str(e)


@env.task
async def t_listed(es: list[ListedBad]) -> int:
    return len(es)


@env.task
async def t_optional(e: Optional[OptionalBad] = None) -> int:
    return 1


@env.task
async def t_dict(d: dict[str, DictBad]) -> int:
    return len(d)


@env.task
async def t_returned(x: int) -> ReturnedBad:
    return ReturnedBad.A


@flyte.trace
async def t_traced(e: TracedBad) -> str:
    return e.name


@env.task
async def t_mapped(e: MappedBad) -> str:
    return e.name


@env.task
async def t_str(e: StrOk) -> str:
    return e.name


@env.task
async def t_str_first(e: StrFirstOk) -> str:
    return e.name


@env.task
async def t_int_enum(e: IntEnumOk) -> str:
    return e.name


@env.task
async def t_str_enum(e: StrEnumOk) -> str:
    return e.name


@env.task
async def t_str_mixin(e: StrMixinOk) -> str:
    return e.name


@env.task
async def t_field(h: Holder) -> str:
    return h.level.name


@env.task
async def t_model_field(m: Model) -> str:
    return m.level.name


@env.task
async def t_tuple_item(pair: tuple[TupleItemOk, int]) -> str:
    return pair[0].name


@env.task
async def t_described(e: DescribedOk) -> str:
    return e.name


@env.task
async def t_generated(e: GeneratedOk) -> str:
    return e.name


async def mapped_items() -> str:
    async for item in flyte.map.aio(t_mapped, [MappedBad.A], return_exceptions=True):
        if isinstance(item, Exception):
            raise item
        return item


@env.task
async def main() -> dict:
    from flyte._internal.runtime.task_serde import translate_task_to_wire
    from flyte.models import SerializationContext

    calls = {
        "IntBad": (t_int, lambda: t_int.aio(IntBad.A)),
        "AutoBad": (t_auto, lambda: t_auto.aio(AutoBad.A)),
        "FloatBad": (t_float, lambda: t_float.aio(FloatBad.A)),
        "TupleBad": (t_tuple, lambda: t_tuple.aio(TupleBad.A)),
        "IntMixinBad": (t_int_mixin, lambda: t_int_mixin.aio(IntMixinBad.A)),
        "FlagBad": (t_flag, lambda: t_flag.aio(FlagBad.R)),
        "IntFlagBad": (t_int_flag, lambda: t_int_flag.aio(IntFlagBad.R)),
        "ListedBad": (t_listed, lambda: t_listed.aio([ListedBad.A])),
        "OptionalBad": (t_optional, lambda: t_optional.aio(OptionalBad.A)),
        "DictBad": (t_dict, lambda: t_dict.aio({"a": DictBad.A})),
        "ReturnedBad": (t_returned, lambda: t_returned.aio(1)),
        "TracedBad": (None, lambda: t_traced(TracedBad.A)),
        "MappedBad": (t_mapped, mapped_items),
        "StrOk": (t_str, lambda: t_str.aio(StrOk.A)),
        "StrFirstOk": (t_str_first, lambda: t_str_first.aio(StrFirstOk.A)),
        "LaterMemberFails": (t_str_first, lambda: t_str_first.aio(StrFirstOk.B)),
        "IntEnumOk": (t_int_enum, lambda: t_int_enum.aio(IntEnumOk.A)),
        "StrEnumOk": (t_str_enum, lambda: t_str_enum.aio(StrEnumOk.A)),
        "StrMixinOk": (t_str_mixin, lambda: t_str_mixin.aio(StrMixinOk.A)),
        "FieldOk": (t_field, lambda: t_field.aio(Holder(FieldOk.A))),
        "ModelFieldOk": (t_model_field, lambda: t_model_field.aio(Model(level=ModelFieldOk.A))),
        "TupleItemOk": (t_tuple_item, lambda: t_tuple_item.aio((TupleItemOk.A, 1))),
        "DescribedOk": (t_described, lambda: t_described.aio(DescribedOk.A)),
        "GeneratedOk": (t_generated, lambda: t_generated.aio(GeneratedOk.A)),
    }
    out = {}
    for name, (task, call) in calls.items():
        try:
            run = repr(await call())
        except Exception as e:
            run = f"failed: {type(e).__name__}: {e}"
        deploy = None
        if task is not None:
            try:
                translate_task_to_wire(task, SerializationContext(version="v1", root_dir=pathlib.Path.cwd()))
                deploy = "ok"
            except Exception as e:
                deploy = f"failed: {type(e).__name__}: {e}"
        out[name] = {"run": run, "deploy": deploy}
    return out
"""


@requires_sdk
def test_fly812_reports_exactly_the_enums_the_engine_refuses(tmp_path):
    r = run_program(ENUMS, entry="main")
    assert r.ok, r.summary()
    failed = {name for name, seen in r.output.items() if seen["run"].startswith("failed")}
    # a later member of another type fails only when it is the value sent (the type check reads the first one)
    assert "Only string-valued enums and IntEnum" in r.output.pop("LaterMemberFails")["run"]
    failed.discard("LaterMemberFails")
    assert failed == {name for name in r.output if name.endswith("Bad")}, r.output
    for name in failed:
        assert "Only string-valued enums and IntEnum" in r.output[name]["run"] or "Flag enum" in r.output[name]["run"]
    # a deploy serializing the task's interface fails the same way (a trace has no interface of its own)
    assert {name for name, seen in r.output.items() if seen["deploy"] not in (None, "ok")} == failed - {"TracedBad"}
    assert _reported_classes(tmp_path, ENUMS, "FLY812") == failed


# FLY816: each form is one child task in a module of its own (a NameError stops the import).
_FUTURE = "from __future__ import annotations\n"
UNRESOLVABLE_FORMS = {
    "type_checking_param_bad": (_FUTURE, "@env.task\ndef child(x: Decimal) -> int:\n    return 1\n", ""),
    "type_checking_return_bad": (_FUTURE, "@env.task\ndef child(x: int) -> Decimal:\n    return x\n", ""),
    "string_bad": ("", '@env.task\ndef child(x: "Decimal") -> int:\n    return 1\n', ""),
    "nested_string_bad": (
        "",
        '@env.task\ndef child(x: list["Later"]) -> int:\n    return 1\n',
        "class Later:\n    pass\n",
    ),
    "later_class_bad": (_FUTURE, "@env.task\ndef child(x: Later) -> int:\n    return 1\n", "class Later:\n    pass\n"),
    "task_made_below_ok": (
        _FUTURE,
        "def child(x: Later) -> int:\n    return 1\n",
        "class Later:\n    pass\n\n\nchild_task = env.task(child)\n",
    ),
    "earlier_class_ok": (
        _FUTURE,
        "class Early:\n    pass\n\n\n@env.task\ndef child(x: Early) -> int:\n    return 1\n",
        "",
    ),
}


def _unresolvable_program(form: str) -> str:
    head, child, tail = UNRESOLVABLE_FORMS[form]
    return f"""{head}
from typing import TYPE_CHECKING

import flyte

if TYPE_CHECKING:
    from decimal import Decimal

env = flyte.TaskEnvironment("demo")


{child}

@env.task
def main() -> int:
    return 1


{tail}"""


@requires_sdk
@pytest.mark.parametrize("form", list(UNRESOLVABLE_FORMS))
def test_fly816_reports_exactly_the_task_annotations_that_fail_the_import(tmp_path, form):
    source = _unresolvable_program(form)
    r = run_program(source, entry="main")
    reported = lint_result(tmp_path, source, select=["FLY816"]).findings
    if form.endswith("_ok"):
        assert r.ok, r.summary()
        assert not reported
    else:
        assert not r.ok and r.phase == "import" and "NameError" in r.error, r.summary()
        lines = source.lstrip("\n").split("\n")
        assert [f.line for f in reported] == [
            next(i for i, line in enumerate(lines, 1) if line.startswith("def child"))
        ]


TRACED_HINTS = """
from __future__ import annotations

from typing import TYPE_CHECKING

import flyte

if TYPE_CHECKING:
    from decimal import Decimal

env = flyte.TaskEnvironment("demo")


@flyte.trace
async def guarded_in_bad(x: Decimal) -> int:
    return 1


@flyte.trace
async def guarded_out_bad(x: int) -> Decimal:
    import decimal

    return decimal.Decimal(x)


@flyte.trace
async def later_ok(x: Later) -> int:
    return x.v


@env.task
async def main() -> dict:
    import decimal

    calls = {
        "guarded_in_bad": lambda: guarded_in_bad(decimal.Decimal(1)),
        "guarded_out_bad": lambda: guarded_out_bad(1),
        "later_ok": lambda: later_ok(Later()),
    }
    out = {}
    for name, call in calls.items():
        try:
            out[name] = repr(await call())
        except Exception as e:
            out[name] = f"failed: {type(e).__name__}: {e}"
    return out


class Later:
    v = 1
"""


@requires_sdk
def test_fly816_traces_fail_on_type_checking_names_only(tmp_path):
    r = run_program(TRACED_HINTS, entry="main")
    assert r.ok, r.summary()
    failed = {name for name, seen in r.output.items() if seen.startswith("failed")}
    assert failed == {"guarded_in_bad", "guarded_out_bad"}, r.output
    assert all("name 'Decimal' is not defined" in r.output[name] for name in failed)
    lines = TRACED_HINTS.lstrip("\n").split("\n")
    reported = {
        re.match(r"async def (\w+)", lines[f.line - 1]).group(1)
        for f in lint_result(tmp_path, TRACED_HINTS, select=["FLY816"]).findings
    }
    assert reported == failed


# FLY817: each call passes a value of the wider member (the one that decodes as both).
UNIONS = """
from dataclasses import dataclass
from typing import Optional, Union

from pydantic import BaseModel

import flyte

env = flyte.TaskEnvironment("demo")


@dataclass
class A:
    x: int


@dataclass
class B:
    x: int
    y: str


@dataclass
class D:
    x: int
    y: str = "d"


@dataclass
class Twin:
    x: int


@dataclass
class C:
    z: float


class PA(BaseModel):
    x: int


class PB(BaseModel):
    x: int
    y: str


class Strict(BaseModel):
    model_config = {"extra": "forbid"}
    x: int


@dataclass
class Holder:
    v: Union[A, B]


@env.task
async def subset_bad(v: Union[A, B]) -> str:
    return type(v).__name__


@env.task
async def pep604_bad(v: A | B) -> str:
    return type(v).__name__


@env.task
async def defaulted_bad(v: Union[A, D]) -> str:
    return type(v).__name__


@env.task
async def twins_bad(v: Union[A, Twin]) -> str:
    return type(v).__name__


@env.task
async def pydantic_bad(v: Union[PA, PB]) -> str:
    return type(v).__name__


@env.task
async def optional_bad(v: Optional[Union[A, B]] = None) -> str:
    return type(v).__name__


@env.task
async def listed_bad(vs: list[Union[A, B]]) -> str:
    return ",".join(type(v).__name__ for v in vs)


@env.task
async def returned_bad(k: int) -> Union[A, B]:
    return B(k, "b")


@env.task
async def mapped_bad(v: Union[A, B]) -> str:
    return type(v).__name__


@env.task
async def disjoint_ok(v: Union[A, C]) -> str:
    return type(v).__name__


@env.task
async def kinds_ok(v: Union[A, PB]) -> str:
    return type(v).__name__


@env.task
async def model_or_dict_ok(v: Union[PA, dict]) -> str:
    return type(v).__name__


@env.task
async def scalars_ok(v: int | str, w: Optional[Union[str, list[str]]] = None) -> str:
    return type(v).__name__


@env.task
async def strict_ok(v: Union[Strict, PB]) -> str:
    return type(v).__name__


@env.task
async def field_ok(h: Holder) -> str:
    return type(h.v).__name__


@flyte.trace
async def trace_ok(v: Union[A, B]) -> Union[A, B]:
    return v


async def mapped() -> str:
    async for item in flyte.map.aio(mapped_bad, [B(1, "b")], return_exceptions=True):
        if isinstance(item, Exception):
            raise item
        return item


@env.task
async def main() -> dict:
    calls = {
        "subset_bad": lambda: subset_bad.aio(B(1, "b")),
        "pep604_bad": lambda: pep604_bad.aio(B(1, "b")),
        "defaulted_bad": lambda: defaulted_bad.aio(A(1)),
        "twins_bad": lambda: twins_bad.aio(A(1)),
        "pydantic_bad": lambda: pydantic_bad.aio(PB(x=1, y="b")),
        "optional_bad": lambda: optional_bad.aio(B(1, "b")),
        "listed_bad": lambda: listed_bad.aio([B(1, "b")]),
        "returned_bad": lambda: returned_bad.aio(1),
        "mapped_bad": mapped,
        "disjoint_ok": lambda: disjoint_ok.aio(C(1.0)),
        "kinds_ok": lambda: kinds_ok.aio(PB(x=1, y="b")),
        "model_or_dict_ok": lambda: model_or_dict_ok.aio({"x": 1}),
        "scalars_ok": lambda: scalars_ok.aio("s", ["a"]),
        "strict_ok": lambda: strict_ok.aio(PB(x=1, y="b")),
        "field_ok": lambda: field_ok.aio(Holder(B(1, "b"))),
        "trace_ok": lambda: trace_ok(B(1, "b")),
    }
    out = {}
    for name, call in calls.items():
        try:
            out[name] = repr(await call())
        except Exception as e:
            out[name] = f"failed: {type(e).__name__}: {e}"
    return out
"""


def _reported_defs(tmp_path, source: str, code: str) -> set[str]:
    """The defs the findings of ``code`` fall in (each finding is on its def's line)."""
    lines = source.lstrip("\n").split("\n")
    found = set()
    for finding in lint_result(tmp_path, source, select=[code]).findings:
        match = re.match(r"\s*(?:async )?def (\w+)", lines[finding.line - 1])
        found.add(match.group(1) if match else f"line {finding.line}")
    return found


@requires_sdk
def test_fly817_reports_exactly_the_unions_whose_wider_member_fails(tmp_path):
    r = run_program(UNIONS, entry="main")
    assert r.ok, r.summary()
    failed = {name for name, seen in r.output.items() if seen.startswith("failed")}
    assert failed == {name for name in r.output if name.endswith("_bad")}, r.output
    for name in failed:
        assert "Ambiguous choice of variant for union type" in r.output[name], r.output[name]
    # a union in a dataclass field does not fail: its decoder takes the first member that fits, silently
    assert r.output["field_ok"] == "'A'"
    assert _reported_defs(tmp_path, UNIONS, "FLY817") == failed


FIELDS = """
import pathlib
from dataclasses import dataclass, field
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict

import flyte
from flyte.io import File

env = flyte.TaskEnvironment("demo")


class Plain:
    def __init__(self, v: int = 1):
        self.v = v


class Client(Plain):
    pass


@dataclass
class PlainBad:
    p: Plain


@dataclass
class SubclassBad:
    c: Client


@dataclass
class OptionalFieldBad:
    p: Optional[Plain] = None


@dataclass
class ListFieldBad:
    ps: list[Plain] = field(default_factory=list)


@dataclass
class Inner:
    p: Plain


@dataclass
class NestedBad:
    inner: Inner


@dataclass
class ListedBad:
    p: Plain


@dataclass
class ReturnedBad:
    p: Plain


@dataclass
class TracedBad:
    p: Plain


@dataclass
class MappedBad:
    p: Plain


class ArbitraryBad(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)
    p: Plain


class LegacyConfigBad(BaseModel):
    class Config:
        arbitrary_types_allowed = True

    ps: list[Plain]


@dataclass
class AnyFieldOk:
    x: Any = None


@dataclass
class FileFieldOk:
    f: Optional[File] = None
    tags: list[str] = field(default_factory=list)


@dataclass
class PlainDataclass:
    v: int


@dataclass
class NestedOk:
    inner: PlainDataclass
    m: dict[str, list[PlainDataclass]]


class ArbitraryUnusedOk(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)
    x: int
    f: Optional[File] = None


@env.task
async def plain_bad(d: PlainBad) -> int:
    return 1


@env.task
async def subclass_bad(d: SubclassBad) -> int:
    return 1


@env.task
async def optional_field_bad(d: OptionalFieldBad) -> int:
    return 1


@env.task
async def list_field_bad(d: ListFieldBad) -> int:
    return 1


@env.task
async def nested_bad(d: NestedBad) -> int:
    return 1


@env.task
async def listed_bad(ds: list[ListedBad]) -> int:
    return len(ds)


@env.task
async def returned_bad(x: int) -> Optional[ReturnedBad]:
    return ReturnedBad(Plain(x))


@flyte.trace
async def traced_bad(d: TracedBad) -> int:
    return 1


@env.task
async def mapped_bad(d: MappedBad) -> int:
    return 1


@env.task
async def arbitrary_bad(m: ArbitraryBad) -> int:
    return 1


@env.task
async def legacy_config_bad(m: LegacyConfigBad) -> int:
    return 1


@env.task
async def plain_param_ok(p: Plain, ps: list[Plain]) -> int:
    return p.v


@env.task
async def any_field_ok(d: AnyFieldOk) -> int:
    return 1


@env.task
async def file_field_ok(d: FileFieldOk) -> int:
    return 1


@env.task
async def nested_ok(d: NestedOk) -> int:
    return 1


@env.task
async def arbitrary_unused_ok(m: ArbitraryUnusedOk) -> int:
    return 1


async def mapped() -> int:
    async for item in flyte.map.aio(mapped_bad, [MappedBad(Plain())], return_exceptions=True):
        if isinstance(item, Exception):
            raise item
        return item


@env.task
async def main() -> dict:
    from flyte._internal.runtime.task_serde import translate_task_to_wire
    from flyte.models import SerializationContext

    calls = {
        "plain_bad": (plain_bad, lambda: plain_bad.aio(PlainBad(Plain()))),
        "subclass_bad": (subclass_bad, lambda: subclass_bad.aio(SubclassBad(Client()))),
        "optional_field_bad": (optional_field_bad, lambda: optional_field_bad.aio(OptionalFieldBad())),
        "list_field_bad": (list_field_bad, lambda: list_field_bad.aio(ListFieldBad())),
        "nested_bad": (nested_bad, lambda: nested_bad.aio(NestedBad(Inner(Plain())))),
        "listed_bad": (listed_bad, lambda: listed_bad.aio([ListedBad(Plain())])),
        "returned_bad": (returned_bad, lambda: returned_bad.aio(1)),
        "traced_bad": (None, lambda: traced_bad(TracedBad(Plain()))),
        "mapped_bad": (mapped_bad, mapped),
        "arbitrary_bad": (arbitrary_bad, lambda: arbitrary_bad.aio(ArbitraryBad(p=Plain()))),
        "legacy_config_bad": (legacy_config_bad, lambda: legacy_config_bad.aio(LegacyConfigBad(ps=[Plain()]))),
        "plain_param_ok": (plain_param_ok, lambda: plain_param_ok.aio(Plain(), [Plain()])),
        "any_field_ok": (any_field_ok, lambda: any_field_ok.aio(AnyFieldOk(3))),
        "file_field_ok": (file_field_ok, lambda: file_field_ok.aio(FileFieldOk())),
        "nested_ok": (nested_ok, lambda: nested_ok.aio(NestedOk(PlainDataclass(1), {"a": [PlainDataclass(2)]}))),
        "arbitrary_unused_ok": (arbitrary_unused_ok, lambda: arbitrary_unused_ok.aio(ArbitraryUnusedOk(x=1))),
    }
    out = {}
    for name, (task, call) in calls.items():
        try:
            run = repr(await call())
        except Exception as e:
            run = f"failed: {type(e).__name__}: {e}"
        deploy = None
        if task is not None:
            try:
                translate_task_to_wire(task, SerializationContext(version="v1", root_dir=pathlib.Path.cwd()))
                deploy = "ok"
            except Exception as e:
                deploy = f"failed: {type(e).__name__}: {e}"
        out[name] = {"run": run, "deploy": deploy}
    return out
"""


@requires_sdk
def test_fly811_reports_exactly_the_fields_the_engine_cannot_encode(tmp_path):
    r = run_program(FIELDS, entry="main")
    assert r.ok, r.summary()
    failed = {name for name, seen in r.output.items() if seen["run"].startswith("failed")}
    assert failed == {name for name in r.output if name.endswith("_bad")}, r.output
    pydantic = {"arbitrary_bad", "legacy_config_bad"}
    for name in failed - pydantic:
        assert "is not serializable" in r.output[name]["run"], r.output[name]
    for name in pydantic:
        assert "Cannot generate a JsonSchema" in r.output[name]["run"]
    # a dataclass's deploy only logs the failed schema; a pydantic model's fails
    assert {name for name, seen in r.output.items() if seen["deploy"] not in (None, "ok")} == pydantic
    # each failing form has one field of its own (or of the dataclass it nests) reported
    reported = _reported_classes(tmp_path, FIELDS, "FLY811")
    assert reported == {"".join(part.title() for part in name.split("_")) for name in failed - {"nested_bad"}} | {
        "Inner"
    }


LIBRARY_FIELDS = """
from dataclasses import dataclass
from typing import Optional

import numpy as np
import pandas as pd
import pyarrow as pa

import flyte

env = flyte.TaskEnvironment("demo")


@dataclass
class Arrays:
    values: Optional[np.ndarray] = None


@dataclass
class Frames:
    frame: pd.DataFrame


@dataclass
class Tables:
    table: pa.Table


@env.task
async def arrays_bad(a: Arrays) -> int:
    return 1


@env.task
async def frames_bad(f: Frames) -> int:
    return 1


@env.task
async def tables_bad(t: Tables) -> int:
    return 1


@env.task
async def array_param_ok(a: np.ndarray) -> int:
    return int(a.sum())


@env.task
async def main() -> dict:
    calls = {
        "arrays_bad": lambda: arrays_bad.aio(Arrays(np.array([1, 2]))),
        "frames_bad": lambda: frames_bad.aio(Frames(pd.DataFrame({"a": [1]}))),
        "tables_bad": lambda: tables_bad.aio(Tables(pa.table({"a": [1]}))),
        "array_param_ok": lambda: array_param_ok.aio(np.array([1, 2])),
    }
    out = {}
    for name, call in calls.items():
        try:
            out[name] = repr(await call())
        except Exception as e:
            out[name] = f"failed: {type(e).__name__}: {e}"
    return out
"""


@requires_sdk
def test_fly811_numpy_pandas_and_pyarrow_fields_fail(tmp_path):
    pytest.importorskip("numpy")
    pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    r = run_program(LIBRARY_FIELDS, entry="main")
    assert r.ok, r.summary()
    assert 'Field "values" of type ndarray in Arrays is not serializable' in r.output["arrays_bad"]
    assert 'Field "frame" of type DataFrame in Frames is not serializable' in r.output["frames_bad"]
    assert 'Field "table" of type Table in Tables is not serializable' in r.output["tables_bad"]
    assert r.output["array_param_ok"] == "3"
    assert _reported_classes(tmp_path, LIBRARY_FIELDS, "FLY811") == {"Arrays", "Frames", "Tables"}
