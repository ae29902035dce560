"""FLY701–FLY703: notes from the static DAG compiler. Info severity: shown by `flyte-lint graph`, and by
`flyte-lint check` when selected (e.g. `--extend-select FLY7`)."""

from __future__ import annotations

from typing import Iterable


from flyte_lint.graph.unresolved import recursive_call_note, unresolved_call_note
from flyte_lint.model.analysis import Analysis
from flyte_lint.rules.base import Finding, Rule, Severity, register


def _compiled(analysis: Analysis):
    """Each task body compiled on its own (callees not expanded), cached on the model for the three rules."""
    whole = analysis.unwrapped

    def compile_all() -> list:
        from flyte_lint.graph.compiler import Compiler
        from flyte_lint.graph.deep_stack import with_deep_stack
        from flyte_lint.graph.emission import GraphTooLarge

        def compile_each() -> list:
            compiled = []
            for task in whole.tasks:
                compiler = Compiler(whole)
                try:
                    graph = compiler.compile(task, expand=False)
                except GraphTooLarge:
                    continue  # no notes on a body too large to draw (graph says so when asked for it)
                compiled.append((task, graph, compiler.call_of))
            return compiled

        return with_deep_stack(compile_each)

    return analysis.watch(whole.memo("dag_notes.compiled", compile_all))


class _DagNote(Rule):
    severity = Severity.INFO

    def notes(self, analysis: Analysis, predicate) -> Iterable[Finding]:
        seen = set()
        for task, graph, call_of in _compiled(analysis):
            for node_id, attrs in graph.nodes(data=True):
                call = call_of.get(node_id)
                if call is None or id(call) in seen or not predicate(attrs):
                    continue
                seen.add(id(call))
                yield self.finding(analysis.resolver.module_of(call), call, self.describe(attrs))


@register
class DynamicFanout(_DagNote):
    code = "FLY701"
    symbol = "dynamic-fanout"
    summary = "Notes a task call whose number of runs is not statically known (a loop, comprehension or map over run-time data)."
    rationale = (
        "The static DAG cannot say how many times such a task runs, so `flyte-lint graph` marks the node dynamic and "
        "the workflow is not fully static. That is often intended; the note helps review fan-out size and cost."
        " Severity: info: a note about the static DAG; nothing fails."
    )
    bad = """
        import asyncio
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def square(x: int) -> int:
            return x * x

        @env.task
        async def main(items: list[int]) -> list[int]:
            return list(await asyncio.gather(*[square(x) for x in items]))
    """
    good = """
        import asyncio
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def square(x: int) -> int:
            return x * x

        @env.task
        async def main() -> list[int]:
            return list(await asyncio.gather(*[square(x) for x in range(4)]))
    """
    fix = "Nothing to fix when the fan-out is meant to follow the data; bound it (e.g. `flyte.map(..., concurrency=N)`) if its size matters."

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        return self.notes(analysis, lambda a: a.get("kind") in ("task", "map") and a.get("count") is None and not a.get("recursive"))

    def describe(self, attrs: dict) -> str:
        what = "mapped" if attrs.get("kind") == "map" else "called"
        return f"task '{attrs.get('task')}' is {what} a number of times known only at run time: the DAG marks it dynamic"


@register
class RecursiveTask(_DagNote):
    code = "FLY702"
    symbol = "recursive-task"
    summary = "Notes a task that calls itself, directly or through other tasks."
    rationale = (
        "Recursion depth depends on run-time data, so the static DAG cuts the recursion at the repeated task and marks it dynamic."
        " Severity: info: a note about the static DAG; nothing fails."
    )
    bad = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def countdown(n: int) -> int:
            if n <= 0:
                return 0
            return await countdown(n - 1)
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def countdown(n: int) -> int:
            total = 0
            for i in range(n):
                total += i
            return total
    """
    fix = "Nothing to fix if recursion is intended; make sure it terminates, since each level is a separate task run."

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        import networkx as nx

        calls = nx.DiGraph()
        sites = {}
        for site in analysis.call_sites:
            if site.task is None or site.form == "forward":
                continue
            for caller in analysis.context_tasks(site.function):
                calls.add_edge(caller, site.task)
                sites.setdefault((id(caller), id(site.task)), []).append(site)
        in_cycle = set()
        for component in nx.strongly_connected_components(calls):
            if len(component) > 1 or any(calls.has_edge(t, t) for t in component):
                in_cycle |= {id(t) for t in component}
        for (caller_id, callee_id), found in sorted(sites.items(), key=lambda kv: (kv[1][0].module.display_path, kv[1][0].node.lineno)):
            if caller_id in in_cycle and callee_id in in_cycle:
                for site in found:
                    yield self.finding(site.module, site.node, recursive_call_note(site.task.name))

    def describe(self, attrs: dict) -> str:  # pragma: no cover - check() does not use notes()
        return ""


@register
class UnresolvedCall(_DagNote):
    code = "FLY703"
    symbol = "unresolved-call"
    summary = ("Notes a call that may invoke a task but cannot be resolved statically (a task looked up at run time by "
               "`getattr` or a subscript, chosen by a loop, a callable parameter, a task under a decorator the model cannot "
               "see through, or a task object it does not model: `ContainerTask`, `flyte.extras.shell.create`, a plugin's "
               "task class).")
    rationale = ("The static DAG shows such a call as a node of kind `unknown` with the reason, and the workflow is not fully "
                 "static: the task it runs has no node of its own. Tasks kept in a literal dict, list or tuple are known to "
                 "the model (the other rules check a call through them against every task the container holds), but which "
                 "one a subscript or a loop picks is decided at run time; a name given to `getattr` is not even known to be a task."
                 " Severity: info: a note about the static DAG; nothing fails.")
    bad = """
        import sys

        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def a(x: int) -> int:
            return x

        @env.task
        async def b(x: int) -> int:
            return -x

        @env.task
        async def main(which: str, x: int) -> int:
            step = getattr(sys.modules[__name__], which)
            return await step(x)
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def a(x: int) -> int:
            return x

        @env.task
        async def b(x: int) -> int:
            return -x

        @env.task
        async def main(which: str, x: int) -> int:
            if which == "a":
                return await a(x)
            return await b(x)
    """
    fix = "Call the task directly (branches are fine) where a static DAG matters."

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        return self.notes(analysis, lambda a: a.get("kind") == "unknown")

    def describe(self, attrs: dict) -> str:
        return unresolved_call_note(attrs.get("reason"))
