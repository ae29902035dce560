"""FLY402 env-dependency-cycle: a cycle in environments' ``depends_on``, which `flyte deploy` follows until
RecursionError (and an env added as its own dependency, which ``add_dependency`` refuses)."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.entities import Env
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, register
from flyte_lint.rules.envs._dependencies import (
    bounded_cycles,
    by_add_dependency,
    certain_dependencies,
    certain_dependency_graph,
)


@register
class EnvDependencyCycle(Rule):
    code = "FLY402"
    symbol = "env-dependency-cycle"
    pylint_number = 26
    scope = Scope.IMPORTERS  # the envs of the component and their declared dependencies
    summary = "Reports a cycle in environments' `depends_on`, at the dependency that closes it, and an env added as its own dependency."
    rationale = (
        "`flyte deploy` plans environments by following `depends_on` recursively; a cycle makes it recurse until RecursionError, so nothing deploys."
        " Severity: error: nothing that depends on the cycle deploys (a local run does not plan a deploy)."
    )
    fix = "Remove one dependency of the cycle; dependencies only need to point from callers to callees."
    # Deploy planning of 'a' recurses through the cycle.
    runtime = RuntimeSpec(
        entry="main",
        probe="plan:a",
        modes=("local",),
        bad=Outcome(ok=False, error_contains=("RecursionError",)),
        good=Outcome(ok=True, output=["a"]),
    )

    INVALID = [
        # Reported once, at the dependency declared last; the message ends with the one that closes it.
        Case(
            """
            import flyte

            a = flyte.TaskEnvironment("a")
            b = flyte.TaskEnvironment("b", depends_on=[a])
            a.add_dependency(b)  # expect: FLY402
            """,
            message="environment dependency cycle 'b' -> 'a' -> 'b': `flyte deploy` recurses until RecursionError. "
            "Remove one of these dependencies",
        ),
        Case(
            """
            import flyte

            a = flyte.TaskEnvironment("a")
            b = flyte.TaskEnvironment("b")
            b.add_dependency(a)
            a.add_dependency(b)  # expect: FLY402
            a.add_dependency(b)
            """,
            name="two-add-dependency-calls",
        ),
        Case(
            """
            # file: x.py
            import flyte
            from y import ey

            ex = flyte.TaskEnvironment("ex", depends_on=[ey])
            # file: y.py
            import flyte
            from z import ez

            ey = flyte.TaskEnvironment("ey", depends_on=[ez])
            # file: z.py
            import flyte

            ez = flyte.TaskEnvironment("ez")
            # file: a_deploy.py
            from x import ex
            from z import ez

            ez.add_dependency(ex)  # expect: FLY402
            """,
            message="environment dependency cycle 'ex' -> 'ey' -> 'ez' -> 'ex': `flyte deploy` recurses until "
            "RecursionError. Remove one of these dependencies",
            name="three-cycle-closed-by-the-deploy-script",
        ),
        Case(
            """
            import flyte

            c = flyte.TaskEnvironment("c")
            c.add_dependency(c)  # expect: FLY402
            """,
            message="environment 'c' is added as its own dependency: `add_dependency` raises ValueError "
            '("Cannot add self as a dependency") at import. Remove it',
            name="self-dependency",
        ),
        Case(
            """
            import flyte

            a = flyte.TaskEnvironment("a")
            b = flyte.TaskEnvironment("b", depends_on=[a])
            c = b.clone_with("c")
            a.add_dependency(c)  # expect: FLY402
            x = flyte.TaskEnvironment("x")
            y = flyte.TaskEnvironment("y")
            x.add_dependency(y)
            x2 = x.clone_with("x2")
            y.add_dependency(x2)  # expect: FLY402
            """,
            name="cycles-through-what-a-clone-inherits",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            a = flyte.TaskEnvironment("a")
            b = flyte.TaskEnvironment("b", depends_on=[a])
            """,
        ),
        # clone_with copies depends_on when it runs: b's list is [x]; a -> b is no cycle.
        Case(
            """
            import flyte

            a = flyte.TaskEnvironment("a")
            x = flyte.TaskEnvironment("x")
            a.add_dependency(x)
            b = a.clone_with("b")
            a.add_dependency(b)
            """,
            name="the-source-env-depends-on-its-clone",
        ),
        Case(
            """
            # file: envs.py
            import flyte

            base = flyte.TaskEnvironment("base")
            left = flyte.TaskEnvironment("left", depends_on=[base])
            right = flyte.TaskEnvironment("right", depends_on=[base])
            top = flyte.TaskEnvironment("top", depends_on=[left, right])
            big = top.clone_with("big")
            # file: deploy.py
            from envs import base, big, left, right, top

            top.add_dependency(base)
            big.add_dependency(left, right)
            """,
            name="a-dag",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        if not analysis.has_dependencies or not _has_cycle(analysis):
            return  # no cycle (the usual case): networkx, slow to import, is not needed
        graph = certain_dependency_graph(analysis)
        reported: set[int] = set()
        for cycle in sorted(bounded_cycles(graph), key=lambda c: sorted(e.label for e in c)):
            edges = [(cycle[i], cycle[(i + 1) % len(cycle)]) for i in range(len(cycle))]
            closing = max(edges, key=lambda e: _position(graph.edges[e]["declared_at"], e[0]))
            declared = graph.edges[closing]["declared_at"]
            if id(declared) in reported:
                continue
            reported.add(id(declared))
            start = cycle.index(closing[1])
            order = cycle[start:] + cycle[:start]
            shown = [f"'{e.label}'" for e in order + [order[0]]]
            if len(shown) > 10:  # a long ring: its ends name the closing dependency, the middle is counted
                shown = shown[:4] + [f"... ({len(shown) - 7} more) ..."] + shown[-3:]
            path = " -> ".join(shown)
            module = analysis.resolver.module_of(declared)
            if len(cycle) == 1:
                message = (
                    f"environment '{cycle[0].label}' is added as its own dependency: `add_dependency` raises "
                    'ValueError ("Cannot add self as a dependency") at import. Remove it'
                )
            else:
                message = (
                    f"environment dependency cycle {path}: `flyte deploy` recurses until RecursionError. "
                    "Remove one of these dependencies"
                )
            yield self.finding(module, declared, message)


def _has_cycle(analysis: Analysis) -> bool:
    """Whether the certain dependencies of the environments form a cycle (the standard library says)."""
    from graphlib import CycleError, TopologicalSorter

    edges = {env: [dep for _, dep in certain_dependencies(env) if dep is not None] for env in analysis.envs}
    try:
        TopologicalSorter(edges).prepare()
    except CycleError:
        return True
    return False


def _position(node: nodes.NodeNG, env: Env) -> tuple:
    """Where a dependency is declared, ordered by when it takes effect: ``depends_on=[...]`` needs its
    target to exist already, so a cycle can only be closed by an ``add_dependency`` call; among those,
    by file and source position."""
    return (by_add_dependency(node), str(node.root().file), node.lineno or 0, node.col_offset or 0)
