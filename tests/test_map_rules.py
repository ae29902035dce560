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

import textwrap

from expectutil import check
from lintutil import messages, split_files as _split
from sdk_runner import requires_sdk, run_program

HEADER = """
import functools
import logging
import flyte

log = logging.getLogger(__name__)
env = flyte.TaskEnvironment("demo")

@env.task
def process(x: int) -> int:
    return x * 2

@env.task
async def aprocess(x: int) -> int:
    return x * 2

@env.task
async def two(x: int, y: int) -> int:
    return x + y
"""


def _with_header(body: str) -> str:
    return HEADER + textwrap.dedent(body)


# --------------------------------------------------------------------------------------------------------
# FLY201 unconsumed-map
# --------------------------------------------------------------------------------------------------------


def test_fly201_discarded(tmp_path):
    check(tmp_path, _with_header("""
        @env.task
        def main(items: list[int]) -> None:
            flyte.map(process, items)  # expect: FLY201

        @env.task
        async def amain(items: list[int]) -> None:
            flyte.map.aio(aprocess, items)  # expect: FLY201
    """))


def test_fly201_bound_and_never_used(tmp_path):
    check(tmp_path, _with_header("""
        @env.task
        def main(items: list[int]) -> int:
            results = flyte.map(process, items)  # expect: FLY201
            return len(items)

        @env.task
        async def amain(items: list[int]) -> int:
            results: object = flyte.map.aio(aprocess, items)  # expect: FLY201
            return len(items)
    """))


def test_fly201_only_printed_logged_or_formatted(tmp_path):
    src = _with_header("""
        @env.task
        def main(items: list[int]) -> str:
            a = flyte.map(process, items)  # expect: FLY201
            print(a)
            b = flyte.map(process, items)  # expect: FLY201
            log.info("results: %s", b)
            c = flyte.map(process, items)  # expect: FLY201
            logging.warning(c)
            d = flyte.map(process, items)  # expect: FLY201
            text = repr(d)
            e = flyte.map(process, items)  # expect: FLY201
            text += f"{e!r} done"
            print(flyte.map(process, items))  # expect: FLY201
            text += str(flyte.map(process, items))  # expect: FLY201
            return text
    """)
    check(tmp_path, src)
    msgs = messages(tmp_path, src)
    assert "bound to `a` is never iterated" in msgs[0]


def test_fly201_quiet_when_consumed(tmp_path):
    check(tmp_path, _with_header("""
        def consume(it) -> None:
            for _ in it:
                pass

        def results(items):
            return flyte.map(process, items)

        @env.task
        def main(items: list[int]) -> int:
            a = list(flyte.map(process, items))
            for r in flyte.map(process, items):
                a.append(r)
            b = sum(flyte.map(process, items))
            c = [*flyte.map(process, items)]
            print(*flyte.map(process, items))
            consume(flyte.map(process, items))
            d = [r + 1 for r in flyte.map(process, items)]
            g = flyte.map(process, items)
            e = tuple(g)
            first, second = flyte.map(process, [1, 2])
            h = flyte.map(process, items)
            log.info("got %s", list(h))
            total = sum(results(items))
            return len(a) + b + len(c) + len(d) + len(e) + first + second + total

        @env.task
        async def amain(items: list[int]) -> int:
            out = []
            async for r in flyte.map.aio(aprocess, items):
                out.append(r)
            gen = flyte.map.aio(aprocess, items)
            out += [r async for r in gen]
            return sum(out)
    """))


def test_fly201_quiet_on_builtin_map(tmp_path):
    check(tmp_path, """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def main(items: list[int]) -> int:
            map(str, items)
            unused = map(str, items)
            print(map(str, items))
            return len(items)
    """)


def test_fly201_quiet_on_a_local_function_named_map(tmp_path):
    check(tmp_path, """
        # file: helpers.py
        def map(f, xs):
            return [f(x) for x in xs]
        # file: main.py
        import flyte
        from helpers import map

        env = flyte.TaskEnvironment("demo")

        @env.task
        def process(x: int) -> int:
            return x

        @env.task
        def main(items: list[int]) -> int:
            map(process, items)
            return 0
    """)


def test_fly201_message_names_runtime_effect_and_fix(tmp_path):
    [msg] = messages(tmp_path, _with_header("""
        @env.task
        def main(items: list[int]) -> None:
            flyte.map(process, items)
    """))
    assert msg.startswith("FLY201 ")
    assert "no item ever runs" in msg and "list(flyte.map(...))" in msg


# --------------------------------------------------------------------------------------------------------
# FLY202 map-non-task
# --------------------------------------------------------------------------------------------------------


def test_fly202_not_a_task(tmp_path):
    check(tmp_path, _with_header("""
        def plain(x: int) -> int:
            return x

        @flyte.trace
        async def traced(x: int) -> int:
            return x

        class Doubler:
            def __call__(self, x: int) -> int:
                return 2 * x

        @env.task
        def main(items: list[int]) -> list:
            a = list(flyte.map(lambda x: x * 2, items))  # expect: FLY202
            b = list(flyte.map(plain, items))  # expect: FLY202
            c = list(flyte.map(str, items))  # expect: FLY202
            d = list(flyte.map(Doubler, items))  # expect: FLY202
            e = list(flyte.map(process.forward, items))  # expect: FLY202
            return a + b + c + d + e

        @env.task
        async def amain(items: list[int]) -> list:
            a = [r async for r in flyte.map.aio(traced, items)]  # expect: FLY202
            b = [r async for r in flyte.map.aio(aprocess.aio, items)]  # expect: FLY202
            return a + b
    """))


def test_fly202_partial_of_a_plain_function(tmp_path):
    check(tmp_path, _with_header("""
        from functools import partial

        def plain(x: int, y: int) -> int:
            return x + y

        @env.task
        async def main(items: list[int]) -> list:
            a = [r async for r in flyte.map.aio(functools.partial(plain, y=1), items)]  # expect: FLY202
            b = [r async for r in flyte.map.aio(partial(lambda x, y: x, y=1), items)]  # expect: FLY202
            return a + b
    """))


def test_fly202_partial_leaving_zero_or_two_open(tmp_path):
    src = _with_header("""
        @env.task
        async def three(x: int, y: int, *, z: int = 0) -> int:
            return x + y + z

        @env.task
        async def main(items: list[int]) -> list:
            a = [r async for r in flyte.map.aio(functools.partial(two, 1, 2), items)]  # expect: FLY202
            b = [r async for r in flyte.map.aio(functools.partial(two), items)]  # expect: FLY202
            c = [r async for r in flyte.map.aio(functools.partial(two, x=1, y=2), items)]  # expect: FLY202
            # defaults do not count: the SDK counts every input, z included
            d = [r async for r in flyte.map.aio(functools.partial(three, y=1), items)]  # expect: FLY202
            return a + b + c + d
    """)
    check(tmp_path, src)
    msgs = messages(tmp_path, src)
    assert "leaves 0 parameters unspecified" in msgs[0]
    assert "leaves 2 parameters unspecified" in msgs[1]


def test_fly202_partial_binding_the_mapped_parameter_by_keyword(tmp_path):
    # validate_partial: none of the first len(args) + 1 inputs may be bound by keyword.
    check(tmp_path, _with_header("""
        @env.task
        async def three(x: int, y: int, z: int) -> int:
            return x + y + z

        @env.task
        async def main(items: list[int]) -> list:
            a = [r async for r in flyte.map.aio(functools.partial(two, x=1), items)]  # expect: FLY202
            b = [r async for r in flyte.map.aio(functools.partial(three, 1, y=2), items)]  # expect: FLY202
            c = [r async for r in flyte.map.aio(functools.partial(three, 1, z=2), items)]
            return a + b + c
    """))


def test_fly202_quiet_on_tasks_and_good_partials(tmp_path):
    check(tmp_path, """
        # file: other.py
        import flyte

        other_env = flyte.TaskEnvironment("other")

        @other_env.task
        async def scale(x: int, factor: int) -> int:
            return x * factor
        # file: main.py
        import functools
        from functools import partial

        import flyte
        import other
        from other import other_env, scale

        env = flyte.TaskEnvironment("demo", depends_on=[other_env])

        @env.task
        async def two(x: int, y: int) -> int:
            return x + y

        @env.task
        def process(x: int) -> int:
            return x

        @env.task
        async def main(items: list[int]) -> list[int]:
            a = [r async for r in flyte.map.aio(two, items, items)]
            b = [r async for r in flyte.map.aio(functools.partial(two, y=1), items)]
            c = [r async for r in flyte.map.aio(partial(two, 1), items)]
            d = [r async for r in flyte.map.aio(scale, items, items)]
            e = [r async for r in flyte.map.aio(functools.partial(other.scale, factor=3), items)]
            f = [r async for r in flyte.map.aio(two.override(retries=2), items, items)]
            g = [r async for r in flyte.map.aio(functools.partial(two.override(retries=1), y=2), items)]
            return a + b + c + d + e + f + g

        @env.task
        def smain(items: list[int]) -> list[int]:
            return list(flyte.map(process.override(retries=3), items, concurrency=2))
    """)


# A shell task (flyte.extras.shell.create) is no task template: flyte.map calls its `.aio`, which it lacks.
SHELL_MAPPED = """
    # file: tools.py
    from flyte.extras import shell as sh

    count = sh.create("count", image="debian:12-slim", inputs={"x": int}, script="echo {inputs.x}")
    # file: main.py
    import flyte
    from flyte.extras import ContainerTask
    from tools import count as counter

    echo = ContainerTask(name="echo", image="alpine", command=["echo"], inputs={"x": int}, outputs={"y": int})
    echo_env = flyte.TaskEnvironment.from_task("echo_env", echo)
    env = flyte.TaskEnvironment("m", depends_on=[counter.env, echo_env])


    class shell:  # (a local lookalike)
        @staticmethod
        def create(*args, **kwargs):
            return print


    local = shell.create("local")


    @env.task
    def bad() -> list[str]:
        return [type(r).__name__ for r in flyte.map(counter, [1, 2])]  # expect: FLY202


    @env.task
    async def bad_aio() -> list[str]:
        return [type(r).__name__ async for r in flyte.map.aio(counter, [1, 2])]  # expect: FLY202


    @env.task
    async def good() -> list[str]:
        a = [str(r)[:40] async for r in flyte.map.aio(counter.as_task(), [1, 2])]
        b = [str(r)[:40] async for r in flyte.map.aio(echo, [1, 2])]
        return a + b


    def lookalike() -> list:
        return list(flyte.map(local, [1]))
"""


def test_fly202_a_shell_task_mapped(tmp_path):
    check(tmp_path, SHELL_MAPPED)


@requires_sdk
def test_fly202_a_shell_task_mapped_under_the_sdk():
    # Each item of the mapped shell task comes back as the AttributeError, and the run succeeds; its
    # `.as_task()` and a ContainerTask map run theirs, as far as needing Docker.
    files = {name: text for name, text in _split(SHELL_MAPPED).items()}
    bad = run_program(files, entry="main:bad")
    assert bad.ok and bad.output == ["AttributeError", "AttributeError"], bad.summary()
    bad_aio = run_program(files, entry="main:bad_aio")
    assert bad_aio.ok and bad_aio.output == ["AttributeError", "AttributeError"], bad_aio.summary()
    good = run_program(files, entry="main:good")
    assert good.ok and len(good.output) == 4 and all("Docker" in out for out in good.output), good.summary()


def test_fly202_message_names_runtime_effect_and_fix(tmp_path):
    msgs = messages(tmp_path, _with_header("""
        @env.task
        def main(items: list[int]) -> list:
            a = list(flyte.map(lambda x: x, items))
            b = list(flyte.map(functools.partial(two), items, items))
            return a + b
    """), select=["FLY202"])
    lam, part = msgs
    assert "lambda" in lam and "no attribute 'name'" in lam and "`@env.task`" in lam
    assert "TypeError" in part and "exactly one" in part and "Bind all parameters but the mapped one" in part


# --------------------------------------------------------------------------------------------------------
# FLY203 map-aio-misuse
# --------------------------------------------------------------------------------------------------------


def test_fly203_async_generator_used_synchronously(tmp_path):
    check(tmp_path, _with_header("""
        @env.task
        async def main(items: list[int]) -> list:
            for r in flyte.map.aio(aprocess, items):  # expect: FLY203
                print(r)
            a = await flyte.map.aio(aprocess, items)  # expect: FLY203
            b = list(flyte.map.aio(aprocess, items))  # expect: FLY203
            c = sorted(flyte.map.aio(aprocess, items))  # expect: FLY203
            d = [r for r in flyte.map.aio(aprocess, items)]  # expect: FLY203
            return [a, b, c, d]
    """), select=["FLY203"])


def test_fly203_follows_the_name_it_is_bound_to(tmp_path):
    check(tmp_path, _with_header("""
        @env.task
        async def main(items: list[int]) -> list:
            gen = flyte.map.aio(aprocess, items)
            out = []
            for r in gen:  # expect: FLY203
                out.append(r)
            return out
    """), select=["FLY203"])


def test_fly203_sync_map_in_async_for(tmp_path):
    check(tmp_path, _with_header("""
        @env.task
        async def main(items: list[int]) -> list:
            out = []
            async for r in flyte.map(process, items):  # expect: FLY203
                out.append(r)
            return out + [r async for r in flyte.map(process, items)]  # expect: FLY203
    """), select=["FLY203"])


def test_fly203_quiet_on_correct_forms(tmp_path):
    check(tmp_path, _with_header("""
        @env.task
        async def amain(items: list[int]) -> list[int]:
            out = []
            async for r in flyte.map.aio(aprocess, items):
                out.append(r)
            gen = flyte.map.aio(aprocess, items)
            out += [r async for r in gen]
            return out + [r async for r in flyte.map.aio(aprocess, items, concurrency=4)]

        @env.task
        def main(items: list[int]) -> list[int]:
            out = list(flyte.map(process, items))
            for r in flyte.map(process, items):
                out.append(r)
            return out + sorted(flyte.map(process, items))
    """))


def test_fly203_quiet_when_the_name_is_rebound(tmp_path):
    check(tmp_path, _with_header("""
        @env.task
        async def main(items: list[int]) -> list[int]:
            gen = flyte.map.aio(aprocess, items)
            first = [r async for r in gen]
            gen = [1, 2, 3]
            return first + [r for r in gen]
    """))


def test_fly203_message_names_runtime_effect_and_fix(tmp_path):
    [msg] = messages(tmp_path, _with_header("""
        @env.task
        async def main(items: list[int]) -> list:
            return list(flyte.map.aio(aprocess, items))
    """))
    assert msg.startswith("FLY203 ")
    assert "TypeError" in msg and "[r async for r in flyte.map.aio(...)]" in msg


# --------------------------------------------------------------------------------------------------------
# What the SDK really does: the facts the rules above rely on
# --------------------------------------------------------------------------------------------------------

SDK_FACTS = '''
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
'''


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


def test_fly203_unpacking_map_aio_and_awaiting_sync_map(tmp_path):
    check(tmp_path, _with_header("""
        import asyncio

        @env.task
        async def main(items: list[int]) -> list:
            a = [*flyte.map.aio(aprocess, items)]  # expect: FLY203
            b = await asyncio.gather(*flyte.map.aio(aprocess, items))  # expect: FLY203
            c = await flyte.map(process, items)  # expect: FLY203
            return [a, b, c]
    """), select=["FLY203"])


# --------------------------------------------------------------------------------------------------------
# FLY201 on a map a helper builds and returns
# --------------------------------------------------------------------------------------------------------

HELPER_MAPS = """
    # file: fanout.py
    import flyte as fl

    env = fl.TaskEnvironment("fanout")


    @env.task
    def double(x: int) -> int:
        return x * 2


    @env.task
    async def adouble(x: int) -> int:
        return x * 2


    def fan(xs: list[int]):
        return fl.map(double, xs)


    def fan_aio(xs: list[int]):
        gen = fl.map.aio(adouble, xs)
        return gen


    def fan_again(xs: list[int]):
        return fan(xs)
    # file: main.py
    import flyte
    import fanout
    from fanout import fan as spread

    env = flyte.TaskEnvironment("main", depends_on=[fanout.env])


    @env.task
    def bad(xs: list[int]) -> str:
        spread(xs)  # expect: FLY201
        unused = fanout.fan_again(xs)  # expect: FLY201
        print(fanout.fan(xs))  # expect: FLY201
        return "parent ok"


    @env.task
    async def bad_aio(xs: list[int]) -> str:
        fanout.fan_aio(xs)  # expect: FLY201
        return "parent ok"


    @env.task
    def good(xs: list[int]) -> list[int]:
        results = spread(xs)
        return list(results) + list(fanout.fan_again(xs))


    @env.task
    async def good_aio(xs: list[int]) -> list[int]:
        return [r async for r in fanout.fan_aio(xs)]
"""


def test_fly201_map_returned_by_a_helper(tmp_path):
    check(tmp_path, HELPER_MAPS, select=["FLY201"])


def test_fly201_map_returned_by_a_helper_messages(tmp_path):
    found = messages(tmp_path, HELPER_MAPS, select=["FLY201"])
    assert found[0] == ("FLY201 the result of `spread(...)` is discarded: `fan` returns `flyte.map(...)`, a generator that runs "
                        "nothing until it is iterated, so no item ever runs. Iterate it, e.g. `list(spread(...))`")
    assert "`fan_aio` returns `flyte.map.aio(...)`, an async generator" in found[-1]
    assert found[-1].endswith("Iterate it, e.g. `[r async for r in fanout.fan_aio(...)]`")


def test_fly201_helper_quiet_when_it_may_return_something_else(tmp_path):
    check(tmp_path, _with_header("""
        def maybe(xs: list[int], run: bool):
            if run:
                return list(flyte.map(process, xs))
            return flyte.map(process, xs)

        def consumed(xs: list[int]):
            return list(flyte.map(process, xs))

        def gen(xs: list[int]):
            yield from flyte.map(process, xs)

        def other_map(xs: list[int]):
            return map(str, xs)

        class Fan:
            def fan(self, xs: list[int]):
                return flyte.map(process, xs)

        @env.task
        def main(xs: list[int]) -> int:
            maybe(xs, False)
            consumed(xs)
            other_map(xs)
            Fan().fan(xs)
            for r in gen(xs):
                print(r)
            return len(xs)
    """), select=["FLY201"])


@requires_sdk
def test_fly201_map_returned_by_a_helper_under_the_sdk():
    files = {name: text for name, text in _split(HELPER_MAPS).items()}
    for entry in ("bad", "bad_aio"):  # the dropped generators run no item: the parent succeeds alone
        r = run_program(files, entry=f"main:{entry}", args={"xs": [1, 2]})
        assert r.ok and r.output == "parent ok", r.summary()
        assert r.ran("fanout.double") == r.ran("fanout.adouble") == 0, r.summary()
    good = run_program(files, entry="main:good", args={"xs": [1, 2]})
    assert good.ok and good.output == [2, 4, 2, 4] and good.ran("fanout.double") == 4, good.summary()
    good_aio = run_program(files, entry="main:good_aio", args={"xs": [1, 2]})
    assert good_aio.ok and good_aio.output == [2, 4] and good_aio.ran("fanout.adouble") == 2, good_aio.summary()
