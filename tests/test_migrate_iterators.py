"""`flyte-lint migrate`: Flyte 1's typed iterators (``Iterator[T]``, sent as a list of T) become ``list[T]``, and a
generator task collects its items into a list (a Flyte 2 task cannot return a generator). What the programs compute
is compared under both SDKs in tests/test_migrate_equivalence.py ("iterators", "generator-returns-early")."""

from __future__ import annotations

from lintutil import write_project
from migrateutil import dedent, migrate, migrated

GENERATORS = """
import typing
import collections.abc as cabc
from typing import Iterator

from flytekit import task, workflow


@task
def greet(names: list[str]) -> Iterator[str]:
    \"\"\"Greets.\"\"\"
    # each name
    for name in names:
        if not name:
            return
        yield f"hi {name}"
    yield from ["bye"]


@task
def evens(n: int) -> typing.Iterator[int]:
    def helper():
        yield 1  # (a nested generator keeps its yield)
    return iter(range(0, n, 2))


@task
def count(items: cabc.Iterator[str], *, numbers: Iterator[int]) -> int:
    return len(list(items)) + sum(numbers)


@workflow
def wf(names: list[str]) -> Iterator[str]:
    return greet(names=names)
"""

GENERATORS_MIGRATED = dedent(
    '''
    import flyte


    env = flyte.TaskEnvironment(name="main")


    @env.task
    def greet(names: list[str]) -> list[str]:
        """Greets."""
        results = []
        # each name
        for name in names:
            if not name:
                return results
            results.append(f"hi {name}")
        results.extend(["bye"])
        return results


    @env.task
    def evens(n: int) -> list[int]:
        def helper():
            yield 1  # (a nested generator keeps its yield)
        return list(iter(range(0, n, 2)))


    @env.task
    def count(items: list[str], *, numbers: list[int]) -> int:
        return len(list(items)) + sum(numbers)


    @env.task
    def wf(names: list[str]) -> list[str]:
        return greet(names=names)
    '''
)


def test_iterators_become_lists_and_generators_collect(tmp_path):
    code, text = migrated(tmp_path, GENERATORS)
    assert code == 0
    assert text == GENERATORS_MIGRATED


def test_the_accumulator_name_is_free(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        from typing import Iterator
        from flytekit import task

        @task
        def rows(results: int) -> Iterator[int]:
            for items in range(results):
                yield items
        """,
    )
    assert code == 0
    assert (
        "    outputs = []\n    for items in range(results):\n        outputs.append(items)\n    return outputs\n"
        in text
    )


def test_what_has_no_mechanical_translation_gets_a_todo(tmp_path):
    # (not `migrated`: the generators left as they were keep their true FLY815 errors, which the TODOs name)
    root = write_project(
        tmp_path / "project",
        """
        from typing import Iterator
        from flytekit import task
        from flytekit.types.iterator import JSON

        @task
        def sent(n: int) -> Iterator[int]:
            got = yield n
            yield got

        @task
        def finished(n: int) -> Iterator[int]:
            yield n
            return "done"

        @task
        def first(items: Iterator[int]) -> int:
            return next(items)

        @task
        def records(n: int) -> Iterator[JSON]:
            yield {"n": n}
        """,
    )
    code = migrate(root)
    text = (root / "main.py").read_text(encoding="utf-8")
    assert migrate(root) == code and (root / "main.py").read_text(encoding="utf-8") == text  # (idempotent)
    assert code == 1
    assert "# TODO(flyte-lint migrate): a `yield` whose value is used" in text
    assert "# TODO(flyte-lint migrate): a generator task's `return value`" in text
    assert "# TODO(flyte-lint migrate): `next()` on items" in text
    assert "# TODO(flyte-lint migrate): Flyte 1's Iterator[JSON]" in text
    assert "def sent(n: int) -> Iterator[int]:\n    got = yield n" in text  # (left as it was)


def test_a_generator_look_alike_stays(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        from collections.abc import Iterable
        from flytekit import task

        class Iterator(list):
            pass

        @task
        def made(n: int) -> Iterator[int]:
            return Iterator([n])

        @task
        def other(xs: list[int]) -> Iterable[int]:
            return xs
        """,
    )
    assert "-> Iterator[int]:\n    return Iterator([n])" in text
    assert "-> Iterable[int]:" in text
