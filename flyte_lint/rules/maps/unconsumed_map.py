"""FLY201 unconsumed-map: a `flyte.map(...)` whose generator is dropped, or never iterated, so no item runs."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis, ResolvedCall
from flyte_lint.model.names import loads_of
from flyte_lint.model.source import rendered
from flyte_lint.rules.base import Case, Edit, Finding, Fix, Outcome, Rule, RuntimeSpec, Scope, Suggestion, register
from flyte_lint.rules.maps._cases import HELPER_MAPS, with_header
from flyte_lint.rules.maps._common import async_iteration, end, map_calls, start
from flyte_lint.rules.maps._iteration import iterates
from flyte_lint.rules.maps._map_results import raising_failures
from flyte_lint.rules.usage import assigned_name


@register
class UnconsumedMap(Rule):
    code = "FLY201"
    symbol = "unconsumed-map"
    pylint_number = 9
    scope = Scope.IMPORTERS
    finds_calls_that_never_run = True
    summary = "Reports a `flyte.map(...)` or `flyte.map.aio(...)` whose result is discarded or never iterated."
    rationale = (
        "`flyte.map` returns a generator (`flyte.map.aio` an async generator). Nothing is submitted until it "
        "is iterated, so a map that is discarded, or only printed or logged, runs no task at all and the parent "
        "succeeds as if it had."
        " Severity: error: no task runs and the parent succeeds, in local runs and in a cluster alike."
    )
    fix = (
        "Iterate the result: in sync code `list(flyte.map(...))` or `for r in flyte.map(...)`; in async code "
        "`[r async for r in flyte.map.aio(...)]` or `async for r in flyte.map.aio(...)` (a sync map there blocks "
        "the event loop)."
    )
    fix_safety = (
        "Unsafe: iterating the map (`list(flyte.map(...))` in sync code, `[r async for r in "
        "flyte.map.aio(...)]` in async code) runs every item where nothing ran before."
    )
    runtime = RuntimeSpec(
        entry="main",
        args={"items": [1, 2, 3]},
        bad=Outcome(ok=True, ran={"demo.process": 0}),
        good=Outcome(ok=True, ran={"demo.process": 3}, output=[2, 4, 6]),
    )

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def process(x: int) -> int:
                return x * 2

            @env.task
            def main(items: list[int]) -> None:
                flyte.map(process, items)  # expect: FLY201
            """,
            message="the result of `flyte.map(...)` is discarded, so no item ever runs. Iterate it, e.g. "
            "`list(flyte.map(..., return_exceptions=False))`",
            fixed="""
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def process(x: int) -> int:
                return x * 2

            @env.task
            def main(items: list[int]) -> None:
                list(flyte.map(process, items, return_exceptions=False))
            """,
        ),
        Case(
            with_header("""
            @env.task
            def main(items: list[int]) -> None:
                flyte.map(process, items)  # expect: FLY201

            @env.task
            async def amain(items: list[int]) -> None:
                flyte.map.aio(aprocess, items)  # expect: FLY201
        """),
            name="discarded",
        ),
        Case(
            with_header("""
            @env.task
            def main(items: list[int]) -> int:
                results = flyte.map(process, items)  # expect: FLY201
                return len(items)

            @env.task
            async def amain(items: list[int]) -> int:
                results: object = flyte.map.aio(aprocess, items)  # expect: FLY201
                return len(items)
        """),
            name="bound-and-never-used",
        ),
        Case(
            with_header("""
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
        """),
            name="only-printed-logged-or-formatted",
        ),
        # A helper builds the map and returns it: its callers drop or never iterate what it returns.
        Case(HELPER_MAPS, select=["FLY201"], name="map-returned-by-a-helper"),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def process(x: int) -> int:
                return x * 2

            @env.task
            def main(items: list[int]) -> list[int]:
                return list(flyte.map(process, items))
            """,
        ),
        Case(
            with_header("""
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
        """),
            name="consumed",
        ),
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def main(items: list[int]) -> int:
                map(str, items)
                unused = map(str, items)
                print(map(str, items))
                return len(items)
        """,
            name="builtin-map",
        ),
        Case(
            """
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
        """,
            name="a-local-function-named-map",
        ),
        Case(
            with_header("""
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
        """),
            select=["FLY201"],
            name="helper-may-return-something-else",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in map_calls(analysis):
            node = call.node
            parent = node.parent
            shown = rendered(node.func)
            rewrite = raising_failures(analysis, call, iterated_map(analysis, call), node)
            advice = f"Iterate it, e.g. `{rewrite.shown}`" if rewrite else _no_local_rewrite(call)
            fix = Fix(rewrite.edits, safe=False, title=f"Iterate the map: `{rewrite.shown}`") if rewrite else None
            if isinstance(parent, nodes.Expr):
                yield self.finding(
                    call.module,
                    node,
                    f"the result of `{shown}(...)` is discarded, so no item ever runs. {advice}",
                    fix,
                    suggestions=[rewrite],
                )
                continue
            target = assigned_name(parent, node)
            if target is not None:
                loads = loads_of(target)
                if not any(iterates(analysis, load) for load in loads):
                    what = "never used" if not loads else "never iterated"
                    yield self.finding(
                        call.module,
                        node,
                        f"the generator from `{shown}(...)` bound to `{target.name}` is {what}, so no item ever runs. {advice}{' where it is made' if rewrite else ''}",
                        suggestions=[rewrite],
                    )
                continue
            if not iterates(analysis, node):
                yield self.finding(
                    call.module,
                    node,
                    f"`{shown}(...)` is never iterated here, so no item ever runs. {advice}",
                    suggestions=[rewrite],
                )
        yield from _unconsumed_helper_maps(self, analysis)


def iterated_map(analysis: Analysis, call: ResolvedCall) -> Suggestion | None:
    """The map made by ``call``, iterated to a list in the way its code may: ``[r async for r in
    flyte.map.aio(...)]`` in an ``async def`` (a sync map there blocks the event loop: FLY105), ``list(flyte.map(...))``
    in sync code (an async generator cannot be consumed there, so `.aio` is dropped). None in a plain function
    that runs on a task's event loop (neither form is right there) and for a `.aio` the call does not spell out."""
    node, func = call.node, call.node.func
    start, end = (node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset)
    func_end = (func.end_lineno, func.end_col_offset)
    is_aio = call.external_path == "flyte.map.aio"
    shown = rendered(func)
    if isinstance(call.function, nodes.AsyncFunctionDef):
        return async_iteration(call)
    if call.function is not None and analysis.runs_on_event_loop(call.function):
        return None
    edits = [Edit(start, start, "list(")]
    if is_aio:
        if not (isinstance(func, nodes.Attribute) and func.attrname == "aio"):
            return None
        inner = func.expr
        edits.append(Edit((inner.end_lineno, inner.end_col_offset), func_end, ""))
        shown = rendered(inner)
    edits.append(Edit(end, end, ")"))
    return Suggestion(f"list({shown}(...))", tuple(edits))


def _no_local_rewrite(call: ResolvedCall) -> str:
    if (
        call.function is not None
        and not isinstance(call.function, nodes.AsyncFunctionDef)
        and call.external_path == "flyte.map"
    ):
        return (
            f"Iterate it from async code with `flyte.map.aio`: `{call.function.name}` runs on a task's event loop, "
            "where a sync map blocks it"
        )
    return "Iterate it with `async for` in async code, or a sync `flyte.map` in sync code"


def _unconsumed_helper_maps(rule: Rule, analysis: Analysis) -> Iterable[Finding]:
    """FLY201 on the calls of a helper that returns a map it makes (Analysis.map_helper_calls): the caller
    drops the generator, or binds it and never iterates it, so no item runs."""
    for call, paths in analysis.map_helper_calls:
        node, parent = call.node, call.node.parent
        shown = rendered(node.func)
        helper = call.callee.func.name
        returned = " or ".join(f"`{p}(...)`" for p in sorted(paths))
        caller = call.function
        rewrite = None
        if (
            paths == {"flyte.map"}
            and not isinstance(caller, nodes.AsyncFunctionDef)
            and not (caller is not None and analysis.runs_on_event_loop(caller))
        ):
            advice = f"Iterate it, e.g. `list({shown}(...))`"
            rewrite = Suggestion(
                f"list({shown}(...))", (Edit(start(node), start(node), "list("), Edit(end(node), end(node), ")"))
            )
        elif paths == {"flyte.map.aio"} and isinstance(caller, nodes.AsyncFunctionDef):
            advice = f"Iterate it, e.g. `[r async for r in {shown}(...)]`"
            rewrite = Suggestion(
                f"[r async for r in {shown}(...)]",
                (Edit(start(node), start(node), "[r async for r in "), Edit(end(node), end(node), "]")),
            )
        else:
            advice = (
                "Iterate it: `async for` over a `flyte.map.aio(...)` in async code, a sync `flyte.map(...)` "
                "in sync code"
            )
        kind = "an async generator" if paths == {"flyte.map.aio"} else "a generator"
        what = f"`{helper}` returns {returned}, {kind} that runs nothing until it is iterated"
        if isinstance(parent, nodes.Expr):
            yield rule.finding(
                call.module,
                node,
                f"the result of `{shown}(...)` is discarded: {what}, so no item ever runs. {advice}",
                suggestions=[rewrite],
            )
            continue
        target = assigned_name(parent, node)
        if target is not None:
            loads = loads_of(target)
            if not any(iterates(analysis, load) for load in loads):
                state = "never used" if not loads else "never iterated"
                yield rule.finding(
                    call.module,
                    node,
                    f"the result of `{shown}(...)` bound to `{target.name}` is "
                    f"{state}: {what}, so no item ever runs. {advice}",
                    suggestions=[rewrite],
                )
            continue
        if not iterates(analysis, node):
            yield rule.finding(
                call.module,
                node,
                f"`{shown}(...)` is never iterated here: {what}, so no item ever runs. {advice}",
                suggestions=[rewrite],
            )
