"""Programs with a decorator stacked above ``@env.task`` (a project wrapper, tenacity's retry, an agent tool)
that both the calls family's cases lint and the SDK runs (tests/test_async_rules.py): one text, whose ``# expect:``
marks say what the rules report and whose runs show what the SDK does."""

from __future__ import annotations

WRAPPED_RUN = """
    import functools

    import flyte

    env = flyte.TaskEnvironment("demo")


    def logged(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            print("calling", fn)
            return fn(*args, **kwargs)
        return wrapper


    def awaited(fn):
        @functools.wraps(fn)
        async def wrapper(*args, **kwargs):
            return await fn(*args, **kwargs)
        return wrapper


    @logged  # expect: FLY109
    @env.task
    async def a(x: int) -> int:
        return x + 1


    @awaited  # expect: FLY109
    @env.task
    async def aa(x: int) -> int:
        return x + 2


    @logged  # expect: FLY109
    @env.task
    def s(x: int) -> int:
        return x * 2


    @awaited  # expect: FLY109
    @env.task
    def sa(x: int) -> int:
        return x * 3


    @env.task
    async def bad() -> str:
        a(1)  # expect: FLY103
        aa(1)  # expect: FLY103
        return "parent ok"


    @env.task
    def bad_sync() -> str:
        a(1)  # expect: FLY104
        return "parent ok"


    @env.task
    async def good() -> int:
        return await a(1) + await aa(1)


    @env.task
    def good_sync() -> int:
        return s(2)


    @env.task
    async def sync_through_wrappers() -> int:
        # Both fail with SyncTaskCallInAsyncContextError, but the wrapper has no `.aio` to suggest (and `sa`'s
        # wrapper is a coroutine function): no finding rather than advice that fails.
        return s(2) + await sa(2)
"""


TENACITY_RUN = """
    import tenacity
    from tenacity import retry, stop_after_attempt

    import flyte

    env = flyte.TaskEnvironment("demo")


    @retry(stop=stop_after_attempt(2))  # expect: FLY109
    @env.task
    async def a(x: int) -> int:
        return x + 1


    @tenacity.retry  # expect: FLY109
    @env.task
    def s(x: int) -> int:
        return x * 2


    @env.task
    async def bad() -> str:
        a(1)  # expect: FLY103
        return "parent ok"


    @env.task
    async def good() -> int:
        return await a(1)


    @env.task
    def good_sync() -> int:
        return s(2) + s(x=1, y=2)  # expect: FLY106
"""


AGENT_TOOL_RUN = """
    import flyte
    from flyte.ai import agents
    from flyte.ai.agents import tool


    env = flyte.TaskEnvironment("demo")


    async def handler(call_llm, tool_fn, **kwargs):
        return 0


    @tool
    @env.task
    async def a(x: int) -> int:
        return x + 1


    @agents.tool(requires_approval=True)
    @env.task
    def s(x: int) -> int:
        return x * 2


    @tool(call_handler=handler)
    @env.task
    async def handled(x: int) -> int:
        return x


    @env.task
    async def bad() -> str:
        a(1)  # expect: FLY103
        s(1)  # expect: FLY103
        handled(1)  # (the handler runs instead of the task: not followed)
        return "parent ok"


    @env.task
    def bad_sync() -> str:
        s(2)  # expect: FLY104
        return "parent ok"


    @env.task
    async def good() -> int:
        # An AgentTool's call is always a coroutine: awaiting a sync task through it is right.
        return await a(1) + await s(x=2) + await a.aio(1)


    @env.task
    async def mapped(xs: list[int]) -> list[int]:
        # (an AgentTool is no plain `t.aio`: FLY202 has nothing to say about mapping it)
        return [r async for r in flyte.map.aio(a, xs)]
"""
