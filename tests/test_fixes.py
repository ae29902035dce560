"""Autofix mechanics: exact edits, unsafe gating, overlaps, idempotence, never writing code that does not parse."""

from __future__ import annotations

import ast

from flyte_lint.fixes import apply_edits, fixed_text
from flyte_lint.findings import Edit, Finding, Fix, Severity
from lintutil import lint_result

MAP_DISCARDED = """
import flyte

env = flyte.TaskEnvironment("demo")

@env.task
def process(x: int) -> int:
    return x * 2

@env.task
def main(items: list[int]) -> None:
    flyte.map(process, items)  # keep this comment
"""

MAP_AIO_DISCARDED = """
import flyte

env = flyte.TaskEnvironment("demo")

@env.task
async def process(x: int) -> int:
    return x * 2

@env.task
async def main(items: list[int]) -> None:
    flyte.map.aio(process, items)
"""


def _fix(tmp_path, source, unsafe):
    result = lint_result(tmp_path, source)
    module = result.files[0]
    return fixed_text(module.text, result.findings, unsafe)


def test_unconsumed_map_fix_is_unsafe_and_wraps_in_list(tmp_path):
    text, applied = _fix(tmp_path, MAP_DISCARDED, unsafe=False)
    assert applied == [] and "list(" not in text
    text, applied = _fix(tmp_path, MAP_DISCARDED, unsafe=True)
    assert [f.code for f in applied] == ["FLY201"]
    assert "    list(flyte.map(process, items))  # keep this comment\n" in text
    ast.parse(text)


def test_unconsumed_map_aio_fix_uses_an_async_comprehension(tmp_path):
    text, applied = _fix(tmp_path, MAP_AIO_DISCARDED, unsafe=True)
    assert "[_ async for _ in flyte.map.aio(process, items)]" in text
    ast.parse(text)


def test_fixing_twice_changes_nothing_more(tmp_path):
    text, _ = _fix(tmp_path, MAP_DISCARDED, unsafe=True)
    again, applied = _fix(tmp_path / "again", text, unsafe=True)
    assert again == text and applied == []


def _finding(line, col, end_col, fix):
    return Finding("FLY999", "x", Severity.ERROR, "m", "f.py", line, col + 1, line, end_col + 1, fix=fix)


def test_overlapping_fixes_apply_one_and_leave_the_other_for_the_next_run():
    text = "a = foo(bar)\n"
    first = _finding(1, 4, 12, Fix((Edit((1, 4), (1, 7), "baz"),), True, "rename"))
    second = _finding(1, 4, 12, Fix((Edit((1, 4), (1, 12), "qux()"),), True, "replace"))
    new, applied = fixed_text(text, [first, second], unsafe=False)
    assert len(applied) == 1 and new in ("a = baz(bar)\n", "a = qux()\n")


def test_edits_use_utf8_byte_columns_as_astroid_does():
    text = 'x = "é"; y = f(1)\n'
    column = len('x = "é"; y = '.encode())  # astroid's col_offset counts bytes
    assert apply_edits(text, [Edit((1, column), (1, column + 1), "g")]) == 'x = "é"; y = g(1)\n'
