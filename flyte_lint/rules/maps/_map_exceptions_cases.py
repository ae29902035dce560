"""FLY205's cases beyond its documented example (rules/maps/map_exceptions_ignored.py)."""

from __future__ import annotations

from flyte_lint.rules.base import Case
from flyte_lint.rules.maps._cases import with_header

INVALID_CASES = [
    Case(
        with_header("""
        import json

        @env.task
        def counted(items: list[int]) -> int:
            results = list(flyte.map(process, items))  # expect: FLY205
            return len(results)

        @env.task
        async def as_text(items: list[int]) -> str:
            results = [r async for r in flyte.map.aio(aprocess, items)]  # expect: FLY205
            log.info("results: %s", results)
            print(results)
            return str(results)

        @env.task
        async def as_json(items: list[int]) -> str:
            return json.dumps([r async for r in flyte.map.aio(aprocess, items)], default=str)  # expect: FLY205

        @env.task
        def formatted(items: list[int]) -> str:
            results = list(flyte.map(process, items))  # expect: FLY205
            return "{} of {}".format(results, len(results)) + "%s" % (results,) + "%r" % results

        @env.task
        async def logged_each(items: list[int]) -> None:
            async for r in flyte.map.aio(aprocess, items):  # expect: FLY205
                log.info(f"got {r!r}")
                logging.warning("got %s", r)

        @env.task
        async def dropped(items: list[int]) -> int:
            async for _ in flyte.map.aio(aprocess, items):  # expect: FLY205
                pass
            return 0

        @env.task
        def dropped_list(items: list[int]) -> int:
            list(flyte.map(process, items))  # expect: FLY205
            unused = tuple(flyte.map(process, items))  # expect: FLY205
            return 0

        @env.task
        def dropped_in_a_try(items: list[int]) -> int:
            try:
                list(flyte.map(functools.partial(two, y=1), items))  # expect: FLY205
            except ValueError:  # (never runs: a failed item comes back as a value)
                return 1
            return 0

        @env.task
        def counted_in_a_try(items: list[int]) -> int:
            try:
                results = list(flyte.map(process, items))  # expect: FLY205
            except Exception:
                log.exception("map failed")
                raise
            return len(results)

        @env.task
        def looped_over_later(items: list[int]) -> int:
            results = [r for r in flyte.map(process, items)]  # expect: FLY205
            for r in results:
                print(r)
            return len(results)
    """),
        name="counted-text-and-dropped",
    ),
    Case(
        """
        # file: pkg/envs.py
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def process(x: int, scale: int = 1) -> int:
            return x * scale
        # file: pkg/main.py
        import functools
        import flyte as fl
        from flyte import map as fmap
        from pkg.envs import env, process

        @env.task
        async def main(items: list[int]) -> str:
            a = [r async for r in fl.map.aio(process, items)]  # expect: FLY205
            b = [r async for r in fmap.aio(functools.partial(process, scale=2), items)]  # expect: FLY205
            c = [r async for r in fl.map.aio(process.override(retries=2), items, return_exceptions=True)]  # expect: FLY205
            return f"{len(a)} {len(b)} {len(c)}"
        """,
        name="aliases-partial-override-and-a-task-from-another-module",
    ),
]

VALID_CASES = [
    Case(
        with_header("""
        import json
        import flyte.errors

        @env.task
        def summed(items: list[int]) -> int:
            return sum(flyte.map(process, items))

        @env.task
        async def summed_async(items: list[int]) -> int:
            results = [r async for r in flyte.map.aio(aprocess, items)]
            log.info("got %d results", len(results))
            return sum(results)

        @env.task
        async def returned(items: list[int]) -> list[int]:
            results = [r async for r in flyte.map.aio(aprocess, items)]
            log.info(f"{len(results)} results")
            return results

        @env.task
        def raised(items: list[int]) -> int:
            results = list(flyte.map(process, items, return_exceptions=False))
            return len(results)

        @env.task
        async def checked(items: list[int]) -> str:
            results = [r async for r in flyte.map.aio(aprocess, items)]
            if any(isinstance(r, BaseException) for r in results):
                raise RuntimeError("some items failed")
            return str(results)

        @env.task
        async def checked_flyte_error(items: list[int]) -> int:
            results = [r async for r in flyte.map.aio(aprocess, items)]
            bad = [r for r in results if isinstance(r, (flyte.errors.RuntimeUserError, ValueError))]
            return len(results) - len(bad)

        @env.task
        async def added_up(items: list[int]) -> int:
            total = 0
            async for r in flyte.map.aio(aprocess, items):
                total += r
            return total

        @env.task
        async def number_format(items: list[int]) -> str:
            lines = []
            async for r in flyte.map.aio(aprocess, items):
                print(f"{r:.2f}")
                print("%d" % r)
            results = [r async for r in flyte.map.aio(aprocess, items)]
            return json.dumps(results)

        def keep(results: list) -> None:
            pass

        @env.task
        def handed_on(items: list[int]) -> int:
            results = list(flyte.map(process, items))
            keep(results)
            first = list(flyte.map(process, items))
            return len(first) + first[0]

        @env.task
        def rebound(items: list[int]) -> int:
            results = list(flyte.map(process, items))
            results = [r for r in results if r]
            return len(results)

        @env.task
        def tolerant(items: list[int], fail_fast: bool, **opts) -> int:
            a = list(flyte.map(process, items, return_exceptions=fail_fast))
            b = list(flyte.map(process, items, **opts))
            return len(a) + len(b)

        @env.task
        def never_iterated(items: list[int]) -> int:
            flyte.map(process, items)
            return 0

        @env.task
        def builtin_map(items: list[int]) -> int:
            return len(list(map(str, items)))

        @env.task
        def probe(items: list[int]) -> int:
            try:
                list(flyte.map(functools.partial(two, x=1), items))  # (FLY202: TypeError before any item runs)
            except TypeError as e:
                log.info(f"map refused: {e}")
            return len(list(flyte.map(print, items)))  # (FLY202: no task, AttributeError)
    """),
        select=["FLY205"],  # (never_iterated is FLY201's)
        name="sum-typed-output-return-exceptions-false-checks-and-other-uses",
    ),
    Case(
        """
        import flyte
        from concurrent.futures import ThreadPoolExecutor
        from mylib import pool

        env = flyte.TaskEnvironment("demo")

        @env.task
        def main(items: list[int]) -> str:
            with ThreadPoolExecutor() as ex:
                results = list(ex.map(str, items))
            others = list(pool.map(str, items))
            return f"{len(results)} {len(others)}"
        """,
        name="another-librarys-map",
    ),
    Case(
        """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def process(x: int) -> int:
            return x

        @env.task
        async def main(items: list[int]) -> str:
            results = [r async for r in flyte.map.aio(process, items, return_exceptions=False)]
            return f"processed {len(results)} items"
        """,
        name="fixed-with-return-exceptions-false",
    ),
]
