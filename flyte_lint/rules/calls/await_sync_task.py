"""FLY101 await-sync-task: a sync task awaited directly."""

from __future__ import annotations

from collections.abc import Iterable

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.kinds import CallForm
from flyte_lint.rules.base import Case, Finding, Fix, Outcome, Rule, RuntimeSpec, Scope, Suggestion, register
from flyte_lint.rules.calls._cases import with_tasks
from flyte_lint.rules.calls._common import (
    SYNC_CALL_FORMS,
    aio_call,
    all_sync,
    before_2_7,
    insert_aio,
    partial_suggestion,
    task_label,
    task_sites,
)
from flyte_lint.rules.calls._container_programs import CONTAINERS_RUN


@register
class AwaitSyncTask(Rule):
    code = "FLY101"
    symbol = "await-sync-task"
    pylint_number = 2
    scope = Scope.IMPORTERS
    summary = "Reports `await t(...)` where `t` is a sync task."
    rationale = (
        "Calling a sync task returns its result, not an awaitable. Inside a run the SDK raises "
        'SyncTaskCallInAsyncContextError ("Sync task ... was called in a blocking way from async code"); '
        "outside one, awaiting the plain value raises TypeError."
        " Severity: error: the SDK's guard asks whether an event loop is running, not which thread it is on, so "
        "the call fails in local runs and in a cluster alike."
    )
    fix = "Await the task's async form: `await t.aio(...)`."
    fix_safety = "Safe: inserts `.aio` after the task; the call's arguments are kept."
    runtime = RuntimeSpec(
        entry="main",
        args={"x": 3},
        bad=Outcome(ok=False, error_contains=("SyncTaskCallInAsyncContextError",), ran={"demo.square": 0}),
        good=Outcome(ok=True, output=9, ran={"demo.square": 1}),
    )

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def square(x: int) -> int:
                return x * x

            @env.task
            async def main(x: int) -> int:
                return await square(x)  # expect: FLY101
            """,
            message="sync task 'demo.square' is awaited directly: the SDK raises SyncTaskCallInAsyncContextError. "
            "Write `await square.aio(...)`",
            fixed="""
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def square(x: int) -> int:
                return x * x

            @env.task
            async def main(x: int) -> int:
                return await square.aio(x)
            """,
        ),
        Case(
            with_tasks("""
            @env.task
            async def main(x: int) -> int:
                return await square(x)  # expect: FLY101
        """),
            message="sync task 'demo.square' is awaited directly: the SDK raises SyncTaskCallInAsyncContextError. "
            "Write `await square.aio(...)`",
            name="await-sync-task",
        ),
        Case(
            with_tasks("""
            sq = square
            sq2 = sq
            fast = square.override(retries=2)

            @env.task
            async def main(x: int) -> int:
                y = await sq2(x)  # expect: FLY101
                y += await square.override(retries=2)(x)  # expect: FLY101
                y += await fast(x)  # expect: FLY101
                y += await partial(square, x=1)()  # expect: FLY101
                p = functools.partial(square, 2)
                y += await p()  # expect: FLY101
                y += await (square(x))  # expect: FLY101
                return y
        """),
            name="forms",
        ),
        Case(
            """
            # file: lib/__init__.py
            from .tasks import *
            # file: lib/tasks.py
            import flyte

            env = flyte.TaskEnvironment("lib")

            @env.task
            def square(x: int) -> int:
                return x * x
            # file: main.py
            import flyte
            import lib
            import lib.tasks
            from lib import square
            from lib.tasks import square as sq

            env = flyte.TaskEnvironment("main", depends_on=[lib.tasks.env])

            @env.task
            async def main(x: int) -> int:
                y = await square(x)  # expect: FLY101
                y += await lib.square(x)  # expect: FLY101
                y += await lib.tasks.square(x)  # expect: FLY101
                y += await sq(x)  # expect: FLY101
                y += await sq.aio(x)
                return y
        """,
            name="cross-module",
        ),
        Case(
            with_tasks("""
            async def script() -> int:
                return await square(3)  # expect: FLY101

            if __name__ == "__main__":
                asyncio.run(script())
        """),
            name="outside-a-task-too",
        ),
        Case(
            with_tasks("""
            @env.task
            async def dec(x: int) -> int:
                return x - 1

            @env.task
            def cube(x: int) -> int:
                return x ** 3

            TOOLS = {"inc": inc, "dec": dec}
            SYNC: list = [square, cube]
            PAIR = (inc, dec.override(retries=2))

            @env.task
            async def main(k: str, x: int) -> int:
                TOOLS[k](x)  # expect: FLY103
                y = await TOOLS[k](x)
                for t in SYNC:
                    y += await t(x)  # expect: FLY101
                    y += await t.aio(x)
                for t in [inc, dec]:
                    t(x)  # expect: FLY103
                    t.override(retries=1)(x)  # expect: FLY103
                for name, t in TOOLS.items():
                    t.aio(x)  # expect: FLY103
                for i, t in enumerate(PAIR):
                    functools.partial(t, x)()  # expect: FLY103
                for t in TOOLS.values():
                    y += await t(x)
                hooks = []
                hooks.append(inc)
                hooks.append(dec)
                for hook in hooks:
                    hook(x)  # expect: FLY103
                squares = SYNC[0](x)  # expect: FLY102
                return y + squares

            @env.task
            def sync_main(x: int) -> int:
                for t in PAIR:
                    t(x)  # expect: FLY104
                return sum(t(x) for t in SYNC)
        """),
            name="container-of-tasks-called-by-subscript-and-loop",
        ),
        Case(
            with_tasks("""
            MIXED = {"inc": inc, "square": square}
            PAIR = [inc, square]
            CHANGED = {"inc": inc, "square": square}
            CHANGED["inc"] = square

            @env.task
            async def main(x: int) -> int:
                MIXED["inc"](x)  # expect: FLY103
                y = await MIXED["square"](x)  # expect: FLY101
                PAIR[0](x)  # expect: FLY103
                y += await PAIR[1].aio(x)
                CHANGED["inc"](x)  # (either task, since it was replaced: one is sync, one async)
                y += await MIXED["inc"](x) + await PAIR[-1].aio(x)
                return y
        """),
            name="container-element-picked-by-a-literal-key-is-that-task",
        ),
        # The fix inserts `.aio`; a partial has none, so its call gets no fix.
        Case(
            with_tasks("""
            @env.task
            async def main(x: int) -> int:
                y = await square(x)  # expect: FLY101
                y += await square.override(retries=2)(x)  # expect: FLY101
                y += await partial(square, x=1)()  # expect: FLY101
                return y
        """),
            fixed=with_tasks("""
            @env.task
            async def main(x: int) -> int:
                y = await square.aio(x)
                y += await square.override(retries=2).aio(x)
                y += await partial(square, x=1)()
                return y
        """),
            name="fix-inserts-aio",
        ),
        # Fixed, the code is clean (the VALID case "fixed-code-is-clean").
        Case(
            with_tasks("""
            @env.task
            async def main(x: int) -> int:
                return await square(x) + await square.override(retries=2)(x)  # expect: FLY101, FLY101
        """),
            fixed=with_tasks("""
            @env.task
            async def main(x: int) -> int:
                return await square.aio(x) + await square.override(retries=2).aio(x)
        """),
            name="fixed-code",
        ),
        # A functools.partial has no `.aio`: the advice builds the partial on the task's async form.
        Case(
            with_tasks("""
            @env.task
            async def main(x: int) -> int:
                p = functools.partial(square, x=1)
                y = await p()  # expect: FLY101
                return y + partial(square, x=2)()  # expect: FLY102
        """),
            message="sync task 'demo.square' is awaited directly: the SDK raises SyncTaskCallInAsyncContextError. "
            "Write `await functools.partial(square.aio, ...)()`",
            name="message-for-a-partial",
        ),
        # A program the SDK also runs (tests/test_async_rules.py): tasks kept in containers, called by key or in a loop.
        Case(CONTAINERS_RUN, name="containers-run"),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def square(x: int) -> int:
                return x * x

            @env.task
            async def main(x: int) -> int:
                return await square.aio(x)
            """,
        ),
        Case(
            with_tasks("""
            @env.task
            async def main(x: int) -> int:
                y = await square.aio(x)
                y += await inc(x)
                y += await inc.aio(x)
                y += await square.override(retries=2).aio(x)
                y += await inc.override(retries=2)(x)
                y += await partial(inc, x=1)()
                y += await asyncio.to_thread(square, x)
                y += await asyncio.to_thread(square.forward, x)
                return y
        """),
            name="quiet-for-correct-awaits",
        ),
        Case(
            with_tasks("""
            import random

            def plain(x: int) -> int:
                return x

            MIXED = {"inc": inc, "square": square}
            BOTH_ASYNC = {"inc": inc, "retried": inc.override(retries=2)}
            WITH_PLAIN = [inc, plain]
            CHANGED = {"inc": inc}
            CHANGED["other"] = plain
            ESCAPES = [square]
            random.shuffle(ESCAPES)
            GROWN = [inc]
            GROWN += [plain]
            REBOUND = [inc]
            REBOUND = [plain]

            def register(tools: dict) -> None:
                tools["x"] = plain

            SHARED = {"inc": inc}
            register(SHARED)

            @env.task
            async def main(k: str, x: int) -> int:
                MIXED[k](x)
                await MIXED[k](x)
                WITH_PLAIN[0](x)
                CHANGED[k](x)
                await ESCAPES[0](x)
                GROWN[0](x)
                REBOUND[0](x)
                SHARED[k](x)
                hooks = [inc]
                hooks.extend(WITH_PLAIN)
                for h in hooks:
                    h(x)
                async for t in aiter_tasks():
                    t(x)
                for name in BOTH_ASYNC:  # (a dict's keys: strings, not tasks)
                    name(x)
                for i, name in enumerate(BOTH_ASYNC):
                    name(x)
                for name in [k for k in BOTH_ASYNC.copy()]:
                    name(x)
                {inc, inc.override(retries=1)}[0](x)  # (a set cannot be subscripted: TypeError before any call)
                for t in [inc, inc.override(retries=1)].values():  # (a list has no .values: AttributeError)
                    t(x)
                return x

            async def aiter_tasks():
                yield inc
        """),
            name="container-of-tasks-quiet-when-candidates-disagree-or-are-unknown",
        ),
        Case(
            with_tasks("""
            @env.task
            async def main(x: int) -> int:
                return await square.aio(x) + await square.override(retries=2).aio(x)
        """),
            name="fixed-code-is-clean",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for site in task_sites(analysis):
            if site.form in SYNC_CALL_FORMS and all_sync(site) and site.awaited:
                fix = None
                if site.form != CallForm.PARTIAL:
                    fix = Fix((insert_aio(site),), safe=True, title="Insert `.aio`")
                effect = (
                    "fails with TypeError (\"object ... can't be used in 'await' expression\")"
                    if before_2_7(analysis)
                    else "raises SyncTaskCallInAsyncContextError"
                )
                yield self.finding(
                    site.module,
                    site.node.parent,
                    f"sync task {task_label(site)} is awaited directly: the SDK {effect}. Write `{aio_call(site)}`",
                    fix,
                    suggestions=[
                        Suggestion(aio_call(site), fix.edits) if fix else partial_suggestion(site, is_awaited=True)
                    ],
                )
