"""Programs that keep tasks or their coroutines in containers (a dict or list of tasks called by key or in a
loop, a local list or dict of coroutines nothing reads) that both the calls family's cases lint and the SDK runs
(tests/test_async_rules.py, tests/test_argument_rules.py): one text, whose ``# expect:`` marks say what the rules
report and whose runs show what the SDK does."""

from __future__ import annotations

CONTAINERS_RUN = """
    import flyte

    env = flyte.TaskEnvironment("demo")


    @env.task
    async def a(x: int) -> int:
        return x + 1


    @env.task
    async def b(x: int) -> int:
        return x - 1


    @env.task
    def s(x: int) -> int:
        return x * 2


    @env.task
    def c(x: int) -> int:
        return x * 3


    TOOLS = {"a": a, "b": b}
    SYNC = [s, c]


    @env.task
    async def bad(k: str) -> str:
        TOOLS[k](1)  # expect: FLY103
        return "parent ok"


    @env.task
    async def good(k: str) -> int:
        return await TOOLS[k](1)


    @env.task
    async def bad_sync_list(x: int) -> int:
        total = 0
        for t in SYNC:
            total += await t(x)  # expect: FLY101
        return total


    @env.task
    async def good_sync_list(x: int) -> int:
        total = 0
        for t in SYNC:
            total += await t.aio(x)
        return total
"""


CHOICE_KEYWORDS = """
    import flyte

    env = flyte.TaskEnvironment("demo")


    @env.task
    async def search(q: str = "none") -> str:
        return "search:" + q


    @env.task
    async def lookup(q: str = "none") -> str:
        return "lookup:" + q


    @env.task
    async def fetch(query: str = "none") -> str:
        return "fetch:" + query


    TOOLS = {"search": search, "lookup": lookup}
    MIXED = {"search": search, "fetch": fetch}


    @env.task
    async def bad(k: str) -> str:
        return await TOOLS[k](qq="cats")  # expect: FLY106


    @env.task
    async def good(k: str) -> str:
        return await TOOLS[k](q="cats")


    @env.task
    async def mixed(k: str) -> str:
        # `q` is right for one candidate and dropped by the other: not the same for every task, so quiet.
        return await MIXED[k](q="cats")
"""


DEAD_CONTAINERS = """
    # file: main.py
    import asyncio
    import functools

    import flyte
    from flyte import TaskEnvironment as Env
    from helpers import keep

    env = Env("demo")


    @env.task
    async def child(x: int) -> int:
        return x


    @env.task
    async def bad_list(n: int) -> int:
        pending = []
        for i in range(n):
            pending.append(child(i))  # expect: FLY103
        return len(pending)


    @env.task
    async def bad_dict(n: int) -> int:
        pending: dict = dict()
        for i in range(n):
            pending[i] = child.aio(i)  # expect: FLY103
        return n


    @env.task
    async def bad_comprehension(n: int) -> int:
        pending = [(i, child(i)) for i in range(n)]  # expect: FLY103
        return len(pending)


    @env.task
    async def good_gathered(n: int) -> int:
        pending = []
        for i in range(n):
            pending.append(child(i))
        return sum(await asyncio.gather(*pending))


    @env.task
    async def good_values(n: int) -> int:
        pending = {}
        pending["a"] = child(n)
        return sum(await asyncio.gather(*pending.values()))


    @env.task
    async def good_passed(n: int) -> int:
        pending = []
        pending.append(child(n))
        return await keep(pending)


    @env.task
    async def good_returned_helper(n: int) -> int:
        async def run_all() -> int:
            return sum(await asyncio.gather(*pending))

        pending = []
        pending.append(child(n))
        return await run_all()


    @env.task
    async def good_loop(n: int) -> int:
        pending = set()
        pending.add(child(n))
        total = 0
        for coro in pending:
            total += await coro
        return total


    @env.task
    async def good_parameter(pending: list[int], n: int) -> int:
        pending.append(await child(n))
        return len(pending)


    KEPT = []


    @env.task
    async def good_module_level(n: int) -> int:
        KEPT.append(child(n))
        return n


    @env.task
    async def good_partial(n: int) -> int:
        pending = []
        pending.append(functools.partial(child, n))
        return len(pending)


    class Box:
        def append(self, value):
            pass


    @env.task
    async def good_lookalike(n: int) -> int:
        pending = Box()
        pending.append(child(n))
        return n
    # file: helpers.py
    import asyncio


    async def keep(coroutines) -> int:
        return sum(await asyncio.gather(*coroutines))
"""
