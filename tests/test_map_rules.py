"""FLY201, FLY202, FLY203: `flyte.map` generators that never run or are handed the wrong thing.

What the SDK really does (flyte 2.12.1, flyte/_map.py):
- ``flyte.map(...)`` is a generator and ``flyte.map.aio(...)`` an async generator: nothing is submitted, and
  nothing is validated, until they are iterated;
- iterating checks ``func.name`` (AttributeError for a lambda, a plain or traced function, a builtin, a
  class, ``t.aio`` or ``t.forward``) and, for a ``functools.partial``, ``validate_partial``: exactly one
  input may stay unspecified (bound keywords count, known or not), and none of the first
  ``len(partial.args) + 1`` inputs may be bound by keyword;
- ``flyte.map(t.override(...), xs)`` works: ``override`` returns a task template;
- ``await``/``list()``/plain ``for`` on ``flyte.map.aio(...)`` and ``async for`` on ``flyte.map(...)`` raise
  TypeError.
"""

from __future__ import annotations

import pytest

from expectutil import check
from flyte_lint.rules import REGISTRY
from flyte_lint.rules.maps._cases import HELPER_MAPS, SHELL_MAPPED, with_header as _with_header
from lintutil import messages, split_files as _split
from sdk_runner import needs_docker, requires_sdk, run_program

MAPS = ("FLY201", "FLY202", "FLY203", "FLY204", "FLY205")


def case_source(code: str, name: str) -> str:
    """The source of a rule's named case (tests/test_rule_cases.py asserts where it reports)."""
    return next(c for c in [*REGISTRY[code].INVALID, *REGISTRY[code].VALID] if c.name == name).source


# --------------------------------------------------------------------------------------------------------
# The family's cases (on the rules, flyte_lint/rules/maps/): tests/test_rule_cases.py compares each case's
# findings of its own rule; here each named case is linted with every default rule on (or its `select`), so
# the findings of every code are exactly its `# expect:` lines, as the tests they came from asserted.
# --------------------------------------------------------------------------------------------------------

FAMILY_CASES = [
    pytest.param(case, id=f"{code}-{case.name}")
    for code in MAPS
    for case in [*REGISTRY[code].INVALID, *REGISTRY[code].VALID]
    if case.name
]


def test_the_family_has_its_cases():
    assert len(FAMILY_CASES) == 32


@pytest.mark.parametrize("case", FAMILY_CASES)
def test_family_case_with_the_other_rules_on(tmp_path, case):
    check(tmp_path, case.source, select=list(case.select) if case.select else None)


# --------------------------------------------------------------------------------------------------------
# FLY201 unconsumed-map
# --------------------------------------------------------------------------------------------------------


def test_fly201_only_printed_logged_or_formatted_message(tmp_path):
    msgs = messages(tmp_path, case_source("FLY201", "only-printed-logged-or-formatted"))
    assert "bound to `a` is never iterated" in msgs[0]


def test_fly201_message_names_runtime_effect_and_fix(tmp_path):
    [msg] = messages(
        tmp_path,
        _with_header("""
        @env.task
        def main(items: list[int]) -> None:
            flyte.map(process, items)
    """),
    )
    assert msg.startswith("FLY201 ")
    # (the results would be dropped: the rewrite also raises failed items instead of hiding them, FLY205)
    assert "no item ever runs" in msg and "list(flyte.map(..., return_exceptions=False))" in msg


# --------------------------------------------------------------------------------------------------------
# FLY202 map-non-task
# --------------------------------------------------------------------------------------------------------


def test_fly202_partial_leaving_zero_or_two_open_messages(tmp_path):
    msgs = messages(tmp_path, case_source("FLY202", "partial-leaving-zero-or-two-open"))
    assert "leaves 0 parameters unspecified" in msgs[0]
    assert "leaves 2 parameters unspecified" in msgs[1]


# SHELL_MAPPED (flyte_lint/rules/maps/_cases.py, FLY202's case "a-shell-task-mapped"): a shell task is no task
# template: flyte.map calls its `.aio`, which it lacks.


@requires_sdk
def test_fly202_a_shell_task_mapped_under_the_sdk():
    # Each item of the mapped shell task comes back as the AttributeError, and the run succeeds; its
    # `.as_task()` and a ContainerTask map run theirs, as far as needing Docker.
    files = dict(_split(SHELL_MAPPED))
    bad = run_program(files, entry="main:bad")
    assert bad.ok and bad.output == ["AttributeError", "AttributeError"], bad.summary()
    bad_aio = run_program(files, entry="main:bad_aio")
    assert bad_aio.ok and bad_aio.output == ["AttributeError", "AttributeError"], bad_aio.summary()
    good = run_program(files, entry="main:good")
    assert good.ok and len(good.output) == 4 and all(needs_docker(out) for out in good.output), good.summary()


def test_fly202_message_names_runtime_effect_and_fix(tmp_path):
    msgs = messages(
        tmp_path,
        _with_header("""
        @env.task
        def main(items: list[int]) -> list:
            a = list(flyte.map(lambda x: x, items))
            b = list(flyte.map(functools.partial(two), items, items))
            return a + b
    """),
        select=["FLY202"],
    )
    lam, part = msgs
    assert "lambda" in lam and "no attribute 'name'" in lam and "`@env.task`" in lam
    assert "TypeError" in part and "exactly one" in part and "Bind all parameters but the mapped one" in part


# --------------------------------------------------------------------------------------------------------
# FLY203 map-aio-misuse
# --------------------------------------------------------------------------------------------------------


def test_fly203_message_names_runtime_effect_and_fix(tmp_path):
    [msg] = messages(
        tmp_path,
        _with_header("""
        @env.task
        async def main(items: list[int]) -> list:
            return list(flyte.map.aio(aprocess, items))
    """),
    )
    assert msg.startswith("FLY203 ")
    assert "TypeError" in msg and "[r async for r in flyte.map.aio(...)]" in msg


# --------------------------------------------------------------------------------------------------------
# What the SDK really does: the facts the rules above rely on
# --------------------------------------------------------------------------------------------------------

SDK_FACTS = """
import functools
import flyte

env = flyte.TaskEnvironment("demo")

@env.task
async def process(x: int) -> int:
    return x * 2

@env.task
async def two(x: int, y: int) -> int:
    return x + y

@env.task
async def three(x: int, y: int, z: int) -> int:
    return x + y + z

def plain(x: int) -> int:
    return x

@flyte.trace
async def traced(x: int) -> int:
    return x

class Doubler:
    def __call__(self, x: int) -> int:
        return 2 * x

async def attempt(make):
    try:
        return ["ok", [r async for r in make()]]
    except Exception as exc:
        return [type(exc).__name__, str(exc)]

@env.task
async def main() -> dict:
    items = [1, 2]
    flyte.map.aio(process, [10])  # discarded: never runs
    unused = flyte.map.aio(process, [20])
    out = {}
    for label, func in [("lambda", lambda x: x), ("plain", plain), ("traced", traced), ("builtin", str),
                        ("class", Doubler), ("aio", process.aio), ("forward", process.forward),
                        ("partial_plain", functools.partial(plain)),
                        ("partial_zero_open", functools.partial(two, 1, 2)),
                        ("partial_two_open", functools.partial(two)),
                        ("partial_keyword_on_mapped", functools.partial(two, x=1)),
                        ("partial_keyword_in_prefix", functools.partial(three, 1, y=2)),
                        ("partial_keyword_after", functools.partial(three, 1, z=2)),
                        ("partial_ok", functools.partial(two, y=1)),
                        ("override", process.override(retries=1))]:
        out[label] = await attempt(lambda: flyte.map.aio(func, items))
    try:
        await flyte.map.aio(process, items)
    except TypeError as exc:
        out["await"] = str(exc)
    try:
        list(flyte.map.aio(process, items))
    except TypeError as exc:
        out["list"] = str(exc)
    try:
        async for r in flyte.map(process, items):
            pass
    except TypeError as exc:
        out["async_for_sync"] = str(exc)
    try:
        [*flyte.map.aio(process, items)]
    except TypeError as exc:
        out["unpack"] = str(exc)
    try:
        await flyte.map(process, items)
    except TypeError as exc:
        out["await_sync"] = str(exc)
    return out
"""


@requires_sdk
def test_sdk_confirms_what_fly201_fly202_fly203_say():
    r = run_program(SDK_FACTS, entry="main")
    assert r.ok, r.summary()
    out = r.output
    for label in ("lambda", "plain", "traced", "builtin", "class", "aio", "forward"):
        assert out[label][0] == "AttributeError" and "no attribute 'name'" in out[label][1], (label, out[label])
    assert out["partial_plain"][0] == "AttributeError"
    for label in ("partial_zero_open", "partial_two_open", "partial_keyword_on_mapped", "partial_keyword_in_prefix"):
        assert out[label][0] == "TypeError", (label, out[label])
    assert out["partial_keyword_after"] == ["ok", [4, 5]]
    assert out["partial_ok"] == ["ok", [2, 3]]
    assert out["override"] == ["ok", [2, 4]]
    assert "can't be used in 'await' expression" in out["await"]
    assert "not iterable" in out["list"]
    assert "async for" in out["async_for_sync"]
    assert "must be an iterable, not async_generator" in out["unpack"]
    assert "can't be used in 'await' expression" in out["await_sync"]
    # process ran only for the two items of the "override" map: not for the discarded or the unused map
    # (10, 20), nor for `.aio`/`.forward` or the misused generators, which fail before submitting anything.
    assert r.ran("demo.process") == 2


# --------------------------------------------------------------------------------------------------------
# FLY201 on a map a helper builds and returns
# --------------------------------------------------------------------------------------------------------

# HELPER_MAPS (flyte_lint/rules/maps/_cases.py, FLY201's case "map-returned-by-a-helper"): helpers that make and
# return maps, and a module dropping, ignoring or iterating what they return.


def test_fly201_map_returned_by_a_helper_messages(tmp_path):
    found = messages(tmp_path, HELPER_MAPS, select=["FLY201"])
    assert found[0] == (
        "FLY201 the result of `spread(...)` is discarded: `fan` returns `flyte.map(...)`, a generator that runs "
        "nothing until it is iterated, so no item ever runs. Iterate it, e.g. `list(spread(...))`"
    )
    assert "`fan_aio` returns `flyte.map.aio(...)`, an async generator" in found[-1]
    assert found[-1].endswith("Iterate it, e.g. `[r async for r in fanout.fan_aio(...)]`")


@requires_sdk
def test_fly201_map_returned_by_a_helper_under_the_sdk():
    files = dict(_split(HELPER_MAPS))
    for entry in ("bad", "bad_aio"):  # the dropped generators run no item: the parent succeeds alone
        r = run_program(files, entry=f"main:{entry}", args={"xs": [1, 2]})
        assert r.ok and r.output == "parent ok", r.summary()
        assert r.ran("fanout.double") == r.ran("fanout.adouble") == 0, r.summary()
    good = run_program(files, entry="main:good", args={"xs": [1, 2]})
    assert good.ok and good.output == [2, 4, 2, 4] and good.ran("fanout.double") == 4, good.summary()
    good_aio = run_program(files, entry="main:good_aio", args={"xs": [1, 2]})
    assert good_aio.ok and good_aio.output == [2, 4] and good_aio.ran("fanout.adouble") == 2, good_aio.summary()


def test_fly204_underlines_the_group_not_the_block(tmp_path):
    from lintutil import lint_result

    result = lint_result(
        tmp_path,
        """
import flyte

env = flyte.TaskEnvironment("e")


@env.task
async def main() -> int:
    async with flyte.group("g"):
        a = 1
        b = 2
    return a + b
""",
        select=["FLY204"],
    )
    (finding,) = result.findings
    assert (finding.line, finding.column, finding.end_line, finding.end_column) == (8, 16, 8, 32)  # flyte.group("g")
