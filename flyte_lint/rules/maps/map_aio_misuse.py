"""FLY203 map-aio-misuse: `flyte.map.aio` used as a plain iterable or awaited, sync `flyte.map` as an async one."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis, ResolvedCall
from flyte_lint.model.calls import ITERABLE_CONSUMERS
from flyte_lint.model.names import loads_of
from flyte_lint.model.source import rendered
from flyte_lint.model.values import External
from flyte_lint.rules.base import Case, Edit, Finding, Outcome, Rule, RuntimeSpec, Scope, Suggestion, register
from flyte_lint.rules.maps._cases import with_header
from flyte_lint.rules.maps._common import comprehension_for, end, map_calls, start
from flyte_lint.rules.maps._map_results import raising_failures
from flyte_lint.rules.usage import assigned_name


@register
class MapAioMisuse(Rule):
    code = "FLY203"
    symbol = "map-aio-misuse"
    pylint_number = 11
    scope = Scope.IMPORTERS
    summary = "Reports `flyte.map.aio` iterated with plain `for`, awaited, unpacked or passed to `list()`, and sync `flyte.map` in `async for` or awaited."
    rationale = (
        "`flyte.map.aio(...)` is an async generator: a plain `for`, `list()` or `*` unpacking raises TypeError "
        "(\"'async_generator' object is not iterable\") and `await` raises TypeError too. Sync `flyte.map(...)` is "
        "a plain generator: neither an async iterable, so `async for` over it fails, nor awaitable."
        " Severity: error: it raises TypeError in local runs and in a cluster alike."
    )
    fix = "Use `async for r in flyte.map.aio(...)` (or an async comprehension) in async code, `for r in flyte.map(...)` in sync code."
    raises = "builtins.TypeError"  # (where the generator is misused: a deliberate `except TypeError:` there is quiet)
    runtime = RuntimeSpec(
        entry="main",
        args={"items": [1, 2]},
        bad=Outcome(ok=False, error_contains=("TypeError",)),
        good=Outcome(ok=True, output=[2, 4]),
    )

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def double(x: int) -> int:
                return x * 2

            @env.task
            async def main(items: list[int]) -> list[int]:
                return list(flyte.map.aio(double, items))  # expect: FLY203
            """,
            message="`list()` cannot consume the async generator from `flyte.map.aio(...)`: it fails with TypeError. "
            "Use `[r async for r in flyte.map.aio(...)]`",
        ),
        Case(
            with_header("""
            @env.task
            async def main(items: list[int]) -> list:
                for r in flyte.map.aio(aprocess, items):  # expect: FLY203
                    print(r)
                a = await flyte.map.aio(aprocess, items)  # expect: FLY203
                b = list(flyte.map.aio(aprocess, items))  # expect: FLY203
                c = sorted(flyte.map.aio(aprocess, items))  # expect: FLY203
                d = [r for r in flyte.map.aio(aprocess, items)]  # expect: FLY203
                return [a, b, c, d]
        """),
            select=["FLY203"],
            name="async-generator-used-synchronously",
        ),
        Case(
            with_header("""
            @env.task
            async def main(items: list[int]) -> list:
                gen = flyte.map.aio(aprocess, items)
                out = []
                for r in gen:  # expect: FLY203
                    out.append(r)
                return out
        """),
            select=["FLY203"],
            name="follows-the-name-it-is-bound-to",
        ),
        Case(
            with_header("""
            @env.task
            async def main(items: list[int]) -> list:
                out = []
                async for r in flyte.map(process, items):  # expect: FLY203
                    out.append(r)
                return out + [r async for r in flyte.map(process, items)]  # expect: FLY203
        """),
            select=["FLY203"],
            name="sync-map-in-async-for",
        ),
        Case(
            with_header("""
            import asyncio

            @env.task
            async def main(items: list[int]) -> list:
                a = [*flyte.map.aio(aprocess, items)]  # expect: FLY203
                b = await asyncio.gather(*flyte.map.aio(aprocess, items))  # expect: FLY203
                c = await flyte.map(process, items)  # expect: FLY203
                return [a, b, c]
        """),
            select=["FLY203"],
            name="unpacking-map-aio-and-awaiting-sync-map",
        ),
        # The rewrite would leave the results only counted (FLY205): it also raises a failed item.
        Case(
            with_header("""
            @env.task
            async def main(items: list[int]) -> int:
                results = await flyte.map.aio(aprocess, items)  # expect: FLY203
                return len(results)
        """),
            message="`flyte.map.aio(...)` is an async generator, not awaitable: `await` fails with TypeError. Write "
            "`[r async for r in flyte.map.aio(..., return_exceptions=False)]`",
            name="rewrite-raises-failed-items-it-would-hide",
        ),
        # Summed, a failed item re-raises: the rewrite leaves the map as it is.
        Case(
            with_header("""
            @env.task
            async def main(items: list[int]) -> int:
                return sum(await flyte.map.aio(aprocess, items))  # expect: FLY203
        """),
            message="`flyte.map.aio(...)` is an async generator, not awaitable: `await` fails with TypeError. Write "
            "`[r async for r in flyte.map.aio(...)]`",
            name="rewrite-of-summed-results",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def double(x: int) -> int:
                return x * 2

            @env.task
            async def main(items: list[int]) -> list[int]:
                return [r async for r in flyte.map.aio(double, items)]
            """,
        ),
        Case(
            with_header("""
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
        """),
            name="correct-forms",
        ),
        Case(
            with_header("""
            @env.task
            async def main(items: list[int]) -> list[int]:
                gen = flyte.map.aio(aprocess, items)
                first = [r async for r in gen]
                gen = [1, 2, 3]
                return first + [r for r in gen]
        """),
            name="the-name-is-rebound",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in map_calls(analysis):
            node = call.node
            is_aio = call.external_path == "flyte.map.aio"
            # The generator itself, or every read of the name it is bound to.
            target = assigned_name(node.parent, node)
            if target is not None and len(target.scope().locals.get(target.name, ())) != 1:
                continue  # the name is bound more than once: which value a read sees is not known
            uses = loads_of(target) if target is not None else [node]
            for use in uses:
                misuse = _misuse(analysis, call, use, is_aio)
                if misuse:
                    message, rewrite = misuse
                    if use is node and rewrite is not None:  # (a rewrite that leaves failed items hidden: FLY205)
                        raising = raising_failures(analysis, call, rewrite, _iterated_at(analysis, node))
                        message, rewrite = message.replace(rewrite.shown, raising.shown), raising
                    if use is not node:
                        message += f" (`{target.name}` holds `{call.external_path}(...)` from line {node.lineno})"
                    yield self.finding(call.module, use, message, suggestions=[rewrite])


def _iterated_at(analysis: Analysis, node: nodes.NodeNG) -> nodes.NodeNG:
    """Where the rewrite of the misused map ``node`` iterates it: the loop that becomes an ``async for``, or the
    node the list of its results then stands at (the comprehension, the ``await``, the ``list(...)`` it
    replaces; the map itself elsewhere)."""
    parent = node.parent
    if isinstance(parent, nodes.For) and node is parent.iter:
        return parent
    if isinstance(parent, nodes.Comprehension) and node is parent.iter:
        comp = parent.parent
        collects = isinstance(comp, nodes.ListComp) and len(comp.generators) == 1 and not parent.ifs
        if collects and isinstance(comp.elt, nodes.Name) and comp.elt.name == getattr(parent.target, "name", None):
            return comp
        return node
    if isinstance(parent, nodes.Await):
        return parent
    if isinstance(parent, nodes.Call) and parent.args == [node] and not parent.keywords:
        callee = analysis.resolver.value_of(parent.func)
        if isinstance(callee, External) and callee.path == "builtins.list":
            return parent
    return node


def _in_async_def(node: nodes.NodeNG) -> bool:
    return isinstance(node.frame(), nodes.AsyncFunctionDef)


def _aio_inserted(call: ResolvedCall) -> tuple[str, Edit]:
    """``flyte.map`` spelled as the call spells it, with ``.aio`` added, and the edit that adds it."""
    return rendered(call.node.func) + ".aio", Edit(end(call.node.func), end(call.node.func), ".aio")


def _misuse(
    analysis: Analysis, call: ResolvedCall, node: nodes.NodeNG, is_aio: bool
) -> tuple[str, Suggestion | None] | None:
    """What is wrong with the use ``node`` of the map made by ``call``, and the rewrite the message shows."""
    parent = node.parent
    in_async = _in_async_def(node)
    spelled = rendered(call.node.func)
    if is_aio:
        if isinstance(parent, nodes.For) and not isinstance(parent, nodes.AsyncFor) and node is parent.iter:
            if not in_async:
                return (
                    "`flyte.map.aio(...)` is an async generator: a plain `for` fails with TypeError. Use a sync `flyte.map(...)` in sync code",
                    None,
                )
            rewrite = Suggestion("async for", (Edit(start(parent), start(parent), "async "),))
            return (
                "`flyte.map.aio(...)` is an async generator: a plain `for` fails with TypeError. Write `async for`",
                rewrite,
            )
        if isinstance(parent, nodes.Comprehension) and node is parent.iter and not parent.is_async:
            where = comprehension_for(call.module, parent) if in_async else None
            rewrite = Suggestion("async for", (Edit(where, where, "async "),)) if where else None
            return (
                "`flyte.map.aio(...)` is an async generator: a plain comprehension fails with TypeError. Write `async for`",
                rewrite,
            )
        if isinstance(parent, nodes.Await):
            shown = f"[r async for r in {rendered(node) if node is not call.node else spelled + '(...)'}]"
            rewrite = Suggestion(
                shown, (Edit(start(parent), start(node), "[r async for r in "), Edit(end(node), end(node), "]"))
            )
            return (
                f"`flyte.map.aio(...)` is an async generator, not awaitable: `await` fails with TypeError. Write `{shown}`",
                rewrite,
            )
        comprehension = _async_list(call, node) if in_async else None
        if isinstance(parent, nodes.Call) and node in parent.args:
            callee = analysis.resolver.value_of(parent.func)
            if isinstance(callee, External) and callee.path in ITERABLE_CONSUMERS:
                rewrite = None
                if comprehension and callee.path == "builtins.list" and len(parent.args) == 1 and not parent.keywords:
                    rewrite = Suggestion(
                        comprehension,
                        (Edit(start(parent), start(node), "[r async for r in "), Edit(end(node), end(parent), "]")),
                    )
                elif comprehension:
                    rewrite = Suggestion(
                        comprehension,
                        (Edit(start(node), start(node), "[r async for r in "), Edit(end(node), end(node), "]")),
                    )
                return (
                    f"`{callee.path[9:]}()` cannot consume the async generator from `flyte.map.aio(...)`: it fails with TypeError. "
                    f"Use `{comprehension or '[r async for r in flyte.map.aio(...)]'}`"
                ), rewrite
        if isinstance(parent, nodes.Starred):
            rewrite = (
                Suggestion(
                    comprehension,
                    (Edit(start(node), start(node), "[r async for r in "), Edit(end(node), end(node), "]")),
                )
                if comprehension
                else None
            )
            return (
                f"`*` cannot unpack the async generator from `flyte.map.aio(...)`: it fails with TypeError. "
                f"Use `{comprehension or '[r async for r in flyte.map.aio(...)]'}`"
            ), rewrite
        return None
    aio, add_aio = _aio_inserted(call)
    if isinstance(parent, nodes.Await):
        shown = f"[r async for r in {aio}(...)]"
        edits = (Edit(start(parent), start(node), "[r async for r in "), add_aio, Edit(end(node), end(node), "]"))
        rewrite = Suggestion(shown, edits) if node is call.node else None
        return (
            f"sync `flyte.map(...)` is a generator, not awaitable: `await` fails with TypeError. Use `{shown}`",
            rewrite,
        )
    if isinstance(parent, nodes.AsyncFor) and node is parent.iter:
        shown = f"async for r in {aio}(...)"
        return (
            f"sync `flyte.map(...)` is not an async iterable: `async for` fails with TypeError. Write `{shown}`",
            Suggestion(shown, (add_aio,)),
        )
    if isinstance(parent, nodes.Comprehension) and node is parent.iter and parent.is_async:
        shown = f"{aio}(...)"
        return (
            f"sync `flyte.map(...)` is not an async iterable: `async for` fails with TypeError. Use `{shown}`",
            Suggestion(shown, (add_aio,)),
        )
    return None


def _async_list(call: ResolvedCall, node: nodes.NodeNG) -> str:
    """The async comprehension that collects the map ``node`` reads, as a message shows it."""
    inner = rendered(node) if node is not call.node else rendered(call.node.func) + "(...)"
    return f"[r async for r in {inner}]"
