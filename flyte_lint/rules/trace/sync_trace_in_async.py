"""FLY603 sync-trace-in-async: a sync `@flyte.trace` function called on the event loop of an async task.

What the SDK does (flyte 2.12.1): a sync traced function (or sync traced generator) called on the event loop of an
async task fails in a local run with "Deadlock detected: blocking call used in syncify thread"; through
``asyncio.to_thread`` it works; in a cluster it runs, holding the task's event loop.
"""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis, ResolvedCall
from flyte_lint.model.scopes import FUNCTION_NODES
from flyte_lint.model.source import rendered
from flyte_lint.model.values import FunctionRef
from flyte_lint.rules.base import (
    Case,
    Edit,
    Finding,
    Outcome,
    Rule,
    RuntimeSpec,
    Scope,
    Severity,
    Suggestion,
    import_edit,
    register,
)


@register
class SyncTraceInAsync(Rule):
    code = "FLY603"
    symbol = "sync-trace-in-async"
    pylint_number = 41
    scope = Scope.IMPORTERS
    severity = Severity.WARNING
    summary = "Reports a sync `@flyte.trace` function called on the event loop of an async task."
    rationale = (
        "A sync traced function looks up and records its step with blocking calls into the SDK's syncify thread. "
        "A local run runs async task code on that very thread, so the SDK refuses them and fails the task with "
        '"Deadlock detected: blocking call used in syncify thread". In a cluster the task runtime runs the task '
        "on a main-thread event loop: the calls work, but the loop stands still while the step is looked up, runs "
        "and is recorded, so the task's gathered siblings and the controller's watch stall. Sync traced generators "
        "behave the same way. "
        "Severity: warning: it fails only in local runs and stalls the task's event loop in a cluster."
    )
    fix = "Make the traced function `async def` and `await` it, or run it off the event loop: `await asyncio.to_thread(f, ...)`."
    # A local run fails; in a cluster the step runs (and the loop stands still meanwhile).
    runtime = RuntimeSpec(
        entry="main",
        args={"x": 50.0},
        bad=Outcome(ok=False, error_contains=("Deadlock detected",), cluster=Outcome(ok=True, output=0.5)),
        good=Outcome(ok=True, output=0.5),
    )

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @flyte.trace
            def normalize(x: float) -> float:
                return x / 100

            @env.task
            async def main(x: float) -> float:
                return normalize(x)  # expect: FLY603
            """,
            message="sync traced function 'normalize' is called on the event loop of async task 'demo.main': a "
            'local run fails with "Deadlock detected: blocking call used in syncify thread"; in a cluster '
            "it blocks the task's event loop until the step is recorded (gathered siblings and the "
            "controller stall). Make it `async def` and `await` it, or call it off the loop: `await "
            "asyncio.to_thread(normalize, ...)`",
        ),
        Case(
            """
            import asyncio
            import flyte

            env = flyte.TaskEnvironment("demo")

            @flyte.trace
            def normalize(x: float) -> float:
                return x / 100

            @flyte.trace
            def numbers(n: int):
                yield from range(n)

            @flyte.trace
            async def anormalize(x: float) -> float:
                return x / 100

            def plain_outer(x):
                return normalize(x)  # expect: FLY603

            traced_round = flyte.trace(round)

            def rounder(x: float) -> float:
                return round(x)

            traced_rounder = flyte.trace(rounder)

            @env.task
            async def amain(x: float) -> float:
                a = normalize(x)  # expect: FLY603
                b = await asyncio.to_thread(normalize, x)
                c = plain_outer(x)
                d = await anormalize(x)
                e = sum(numbers(3))  # expect: FLY603
                f = traced_rounder(x)  # expect: FLY603
                g = await asyncio.get_running_loop().run_in_executor(None, normalize, x)
                return a + b + c + d + e + f + g

            @env.task
            def smain(x: float) -> float:
                return normalize(x) + plain_outer(x)

            def script(x: float) -> float:
                return normalize(x)
        """,
            select=["FLY603"],
            name="sync-trace-on-the-event-loop",
        ),
        Case(
            """
            # file: helpers.py
            import flyte

            @flyte.trace
            def normalize(x: float) -> float:
                return x / 100
            # file: main.py
            import flyte
            from helpers import normalize

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def main(x: float) -> float:
                return normalize(x)  # expect: FLY603
        """,
            select=["FLY603"],
            name="cross-module",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @flyte.trace
            async def normalize(x: float) -> float:
                return x / 100

            @env.task
            async def main(x: float) -> float:
                return await normalize(x)
            """,
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in analysis.calls:
            callee = call.callee
            if (
                not isinstance(callee, FunctionRef)
                or not callee.traced
                or isinstance(callee.func, nodes.AsyncFunctionDef)
            ):
                continue
            if not isinstance(call.function, FUNCTION_NODES) or not analysis.runs_on_event_loop(call.function):
                continue
            tasks = sorted((t for t in analysis.context_tasks(call.function) if t.is_async), key=lambda t: t.name)
            where = f"async task '{tasks[0].name}'" if tasks else "an async task"
            shown = rendered(call.node.func)
            rewrite = None
            if callee.func.is_generator():  # (its steps run where it is iterated, not where it is called)
                off = "or iterate it in a thread (`asyncio.to_thread`)"
            elif not isinstance(call.function, nodes.AsyncFunctionDef):  # a plain helper the loop calls
                off = f"or run `{call.function.name}` in a thread where async code calls it (`asyncio.to_thread`)"
            else:
                rewrite = _off_the_loop(call, f"await asyncio.to_thread({shown}, ...)")
                off = (
                    f"or call it off the loop: `{rewrite.shown}`"
                    if rewrite
                    else "or call it in a thread (`asyncio.to_thread`)"
                )
            yield self.finding(
                call.module,
                call.node,
                f"sync traced function '{callee.func.name}' is called on the event loop of {where}: a local run fails "
                'with "Deadlock detected: blocking call used in syncify thread"; in a cluster it blocks the task\'s '
                "event loop until the step is recorded (gathered siblings and the controller stall). Make it "
                f"`async def` and `await` it, {off}",
                suggestions=[rewrite],
            )


def _off_the_loop(call: ResolvedCall, shown: str) -> Suggestion | None:
    """``f(args)`` in an ``async def`` rewritten to ``await asyncio.to_thread(f, args)``, importing asyncio when
    the module does not bind that name."""
    node = call.node
    if not isinstance(call.function, nodes.AsyncFunctionDef):
        return None
    func_end = (node.func.end_lineno, node.func.end_col_offset)
    line = call.module.lines[func_end[0] - 1].encode("utf-8") if call.module.lines else b""
    if line[func_end[1] : func_end[1] + 1] != b"(":
        return None
    begin = node.parent if isinstance(node.parent, nodes.Await) else node  # (`await f(x)` awaits a plain value)
    has_args = bool(node.args or node.keywords)
    edits = [
        Edit((begin.lineno, begin.col_offset), (node.lineno, node.col_offset), "await asyncio.to_thread("),
        Edit(func_end, (node.func.end_lineno, node.func.end_col_offset + 1), ", " if has_args else ""),
    ]
    module = node.root()
    if "asyncio" not in module.locals:
        edits.append(import_edit(module, "import asyncio\n"))
    return Suggestion(shown, tuple(edits))
