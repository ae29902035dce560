"""`flyte-lint migrate`: ``map_task(t, concurrency=N)(x=xs)`` becomes ``flyte.map`` consumed so that it runs
(``list(...)`` in sync code, an async comprehension over ``flyte.map.aio`` in async code), with Flyte 1's
all-or-nothing failure kept (``return_exceptions=False``); what flyte.map cannot express gets a TODO."""

from __future__ import annotations

from lintutil import write_project
from migrateutil import dedent, migrate, migrated
from sdk_runner import requires_sdk, run_program

PARTIAL = """
import functools

from flytekit import map_task, task, workflow


@task
def price(quantity: int, unit: float, shipping: float) -> float:
    return quantity * unit + shipping


@workflow
def prices(quantities: list[int], unit: float = 2.5) -> list[float]:
    priced = functools.partial(price, unit=unit, shipping=1.0)
    return map_task(priced, concurrency=2)(quantity=quantities)
"""

PARTIAL_MIGRATED = dedent(
    """
    import functools

    import flyte


    env = flyte.TaskEnvironment(name="main")


    @env.task
    def price(quantity: int, unit: float, shipping: float) -> float:
        return quantity * unit + shipping


    @env.task
    def prices(quantities: list[int], unit: float = 2.5) -> list[float]:
        priced = functools.partial(price, unit=unit, shipping=1.0)
        return list(flyte.map(priced, quantities, concurrency=2, return_exceptions=False))
    """
)

ASYNC = """
from functools import partial

from flytekit import eager, map_task, task, workflow


@task
def scale(x: int, factor: int) -> int:
    return x * factor


@task
def add(x: int, y: int) -> int:
    return x + y


@eager
async def total(xs: list[int]) -> int:
    return sum(xs)


@workflow
def run(xs: list[int], factor: int = 3) -> int:
    scaled = map_task(partial(scale, factor=factor), concurrency=4)(x=xs)
    sums = map_task(add)(y=xs, x=scaled)
    return total(xs=sums)
"""


def test_map_over_a_partial_becomes_a_consumed_flyte_map(tmp_path):
    code, text = migrated(tmp_path, PARTIAL)
    assert code == 0
    assert text == PARTIAL_MIGRATED


def test_async_code_maps_with_flyte_map_aio_and_zips_inputs_in_parameter_order(tmp_path):
    code, text = migrated(tmp_path, ASYNC)
    assert code == 0
    assert (
        "    scaled = [r async for r in flyte.map.aio(partial(scale, factor=factor), xs, concurrency=4,"
        " return_exceptions=False)]\n"
    ) in text
    # flyte.map passes the values positionally: x (scaled) first, as `add` declares it
    assert "    sums = [r async for r in flyte.map.aio(add, scaled, xs, return_exceptions=False)]\n" in text
    assert "map_task" not in text and "flytekit" not in text


def test_failure_tolerance_and_partials_flyte_map_cannot_take(tmp_path):
    """A min_success_ratio below 1 keeps failed items as None, as Flyte 1 did, with a TODO for the minimum no
    longer checked."""
    code, text = migrated(
        tmp_path,
        """
        from functools import partial

        from flytekit import map_task, task, workflow


        @task
        def scale(x: int, factor: int) -> int:
            return x * factor


        @workflow
        def ratio(xs: list[int]) -> list[int]:
            return map_task(partial(scale, factor=2), min_success_ratio=0.5)(x=xs)


        @workflow
        def second(xs: list[int]) -> list[int]:
            return map_task(partial(scale, x=2))(factor=xs)


        @workflow
        def full(xs: list[int]) -> list[int]:
            return map_task(partial(scale, factor=2), min_success_ratio=1.0)(x=xs)
        """,
    )
    assert code == 1
    assert "    # TODO(flyte-lint migrate): Flyte 1 failed the map when fewer than `min_success_ratio`" in text
    assert (
        "    return [None if isinstance(r, Exception) else r for r in flyte.map(partial(scale, factor=2), xs,"
        " return_exceptions=True)]\n"
    ) in text
    # flyte.map takes no partial leaving `x` bound and `factor` open: the task, `x` repeated
    assert "    return list(flyte.map(scale, itertools.repeat(2), xs, return_exceptions=False))\n" in text
    assert "    return list(flyte.map(partial(scale, factor=2), xs, return_exceptions=False))\n" in text


def test_a_map_task_not_called_at_once_gets_a_todo(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        from flytekit import map_task, task, workflow


        @task
        def double(x: int) -> int:
            return 2 * x


        @workflow
        def wf(xs: list[int]) -> list[int]:
            mapped = map_task(double)
            return mapped(x=xs)
        """,
    )
    assert code == 1
    assert "# TODO(flyte-lint migrate): `map_task` was not migrated" in text


@requires_sdk
def test_migrated_maps_run_and_a_failed_item_fails_the_map_as_in_flyte_1(tmp_path):
    root = write_project(tmp_path / "project", ASYNC)
    assert migrate(root) == 0
    result = run_program((root / "main.py").read_text(encoding="utf-8"), entry="run", args={"xs": [1, 2, 3]})
    assert result.ok, result.summary()
    assert result.output == (3 + 6 + 9) + (1 + 2 + 3)

    failing = PARTIAL.replace("return quantity * unit + shipping", "return 1 / (quantity - 2) + unit + shipping")
    root = write_project(tmp_path / "failing", failing)
    assert migrate(root) == 0
    text = (root / "main.py").read_text(encoding="utf-8")
    ok = run_program(text, entry="prices", args={"quantities": [1, 3]})
    assert ok.ok, ok.summary()
    assert ok.output == [2.5, 4.5]
    failed = run_program(text, entry="prices", args={"quantities": [1, 2, 3]})
    assert not failed.ok  # Flyte 1's min_success_ratio=1.0: no list with an exception object in it
    assert "ZeroDivisionError" in failed.summary()


def test_values_mapped_positionally_stay_first(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        from flytekit import map_task, task, workflow


        @task
        def offset(x: int, by: int) -> int:
            return x + by


        @workflow
        def wf(xs: list[int], bys: list[int]) -> list[int]:
            return map_task(offset, concurrency=3)(xs, by=bys)
        """,
    )
    assert code == 0
    assert "    return list(flyte.map(offset, xs, bys, concurrency=3, return_exceptions=False))\n" in text


@requires_sdk
def test_a_tolerant_map_gives_none_for_failed_items_as_flyte_1_did(tmp_path):
    root = write_project(
        tmp_path / "project",
        """
        from typing import Optional

        from flytekit import map_task, task, workflow


        @task
        def inverse(x: int) -> float:
            return 1 / x


        @workflow
        def inverses(xs: list[int]) -> list[Optional[float]]:
            return map_task(inverse, min_success_ratio=0.5)(x=xs)
        """,
    )
    assert migrate(root) == 1
    result = run_program((root / "main.py").read_text(encoding="utf-8"), entry="inverses", args={"xs": [1, 0, 4]})
    assert result.ok, result.summary()
    assert result.output == [1.0, None, 0.25]


SPREAD = """
import functools

from flytekit import map_task, task, workflow


@task
def price(quantity: int, unit: float, shipping: float) -> float:
    return quantity * unit + shipping


@workflow
def prices(quantities: list[int], units: list[float], shipping: float = 1.0) -> list[float]:
    priced = functools.partial(price, shipping=shipping)
    return map_task(priced)(quantity=quantities, unit=units)
"""


def test_a_partial_leaving_several_inputs_open_maps_the_task_with_the_bound_ones_repeated(tmp_path):
    code, text = migrated(tmp_path, SPREAD)
    assert code == 0
    assert (
        "    return list(flyte.map(price, quantities, units, itertools.repeat(shipping), return_exceptions=False))\n"
    ) in text
    assert "import itertools\n" in text
    assert "priced" not in text  # the partial the map no longer takes goes


def test_a_bound_value_rebound_after_the_partial_gets_a_todo(tmp_path):
    code, text = migrated(
        tmp_path,
        SPREAD.replace("    return map_task(priced)", "    shipping = shipping * 2\n    return map_task(priced)"),
    )
    assert code == 1
    assert "# TODO(flyte-lint migrate): flyte.map needs a `functools.partial` that leaves exactly its first" in text


@requires_sdk
def test_migrated_spread_map_runs(tmp_path):
    root = write_project(tmp_path / "project", SPREAD)
    assert migrate(root) == 0
    text = (root / "main.py").read_text(encoding="utf-8")
    result = run_program(text, entry="prices", args={"quantities": [1, 2], "units": [2.0, 3.0], "shipping": 0.5})
    assert result.ok, result.summary()
    assert result.output == [2.5, 6.5]
