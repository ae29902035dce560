"""What the FLY7xx notes share: each task body compiled once per model, and a rule that notes graph nodes."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flyte_lint.model.analysis import Analysis
from flyte_lint.rules.base import Finding, Rule, Severity


def compiled_task_bodies(analysis: Analysis) -> list:
    """(task, graph, call_of) for each task body compiled on its own (callees not expanded), once per model."""
    whole = analysis

    def compile_all() -> list:
        # (imported here: the graph package reads the rule registry, and most runs never compile a graph)
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

    return whole.memo("dag_notes.compiled", compile_all)


class DagNote(Rule):
    """A note on the calls behind the nodes of the compiled task bodies that ``predicate`` picks."""

    severity = Severity.INFO

    def notes(self, analysis: Analysis, predicate: Callable[[dict], bool]) -> Iterable[Finding]:
        seen = set()
        for _task, graph, call_of in compiled_task_bodies(analysis):
            for node_id, attrs in graph.nodes(data=True):
                call = call_of.get(node_id)
                if call is None or id(call) in seen or not predicate(attrs):
                    continue
                seen.add(id(call))
                yield self.finding(analysis.resolver.module_of(call), call, self.describe(attrs))

    def describe(self, attrs: dict) -> str:
        raise NotImplementedError
