"""What an environment's ``depends_on`` holds as the SDK builds it: the dependencies an env certainly has (FLY402's
cycles), may have when its tasks run (FLY401's reach), and the cycles among them.

What the SDK does (flyte 2.12.1): ``env.add_dependency(other)`` appends to ``depends_on`` and may run in any module
(a deploy script); ``env.clone_with(name, ...)`` copies ``depends_on`` when it runs, unless given a ``depends_on``
that is not None; deploy planning follows ``depends_on`` transitively."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.entities import Env
from flyte_lint.rules.envs._common import same_env

if TYPE_CHECKING:
    import networkx as nx

MAX_CYCLES = 5_000  # FLY402 looks at this many dependency cycles at most


def bounded_cycles(graph: nx.DiGraph) -> list[list]:
    """Every simple cycle of ``graph``, strongly connected component by component; in a component with more
    than MAX_CYCLES (environments that all depend on one another have factorially many: 12 of them, hundreds
    of millions), the shortest ones up to MAX_CYCLES, so that each declaration closing a short cycle is
    still named."""
    import networkx as nx

    found: list[list] = []
    for members in nx.strongly_connected_components(graph):
        if len(members) == 1 and not any(graph.has_edge(m, m) for m in members):
            continue
        component = graph.subgraph(members)
        first = list(itertools.islice(nx.simple_cycles(component), MAX_CYCLES + 1))
        if len(first) <= MAX_CYCLES:
            found.extend(first)
            continue
        shortest: list[list] = []
        for length in range(1, len(members) + 1):
            for cycle in nx.simple_cycles(component, length_bound=length):
                if len(cycle) == length:  # (the shorter ones came in the rounds before)
                    shortest.append(cycle)
                    if len(shortest) == MAX_CYCLES:
                        break
            if len(shortest) == MAX_CYCLES:
                break
        found.extend(shortest)
    return found


def by_add_dependency(node: nodes.NodeNG) -> bool:
    """The dependency is an ``env.add_dependency(...)`` argument (not an element of ``depends_on=[...]``)."""
    return isinstance(node.parent, nodes.Call)


def _runs_before(node: nodes.NodeNG, call: nodes.NodeNG) -> bool:
    """``node`` certainly runs before ``call``: module-level statements of one module, ``node`` first."""
    first, second = node.statement(), call.statement()
    return (
        node.root() is call.root()
        and isinstance(first.parent, nodes.Module)
        and isinstance(second.parent, nodes.Module)
        and (first.lineno or 0) < (second.lineno or 0)
    )


def certain_dependencies(env: Env) -> list[tuple[nodes.NodeNG, Env | None]]:
    """The dependencies ``env`` certainly has. ``clone_with`` copies its source's ``depends_on`` list when
    it runs (unless given a ``depends_on`` that is not None), so a clone inherits the source's constructor
    dependencies, but an ``add_dependency`` on the source only when it certainly ran before the clone."""
    return _dependencies(env, lambda node, clone: not by_add_dependency(node) or _runs_before(node, clone))


def possible_dependencies(env: Env) -> list[tuple[nodes.NodeNG, Env | None]]:
    """The dependencies ``env`` may have when its tasks run: as certain_dependencies, but a clone inherits an
    ``add_dependency`` on its source unless that certainly ran after the clone."""
    return _dependencies(env, lambda node, clone: not by_add_dependency(node) or not _runs_before(clone, node))


def _dependencies(env: Env, inherited) -> list[tuple[nodes.NodeNG, Env | None]]:
    own = list(env.dependencies)
    if _inherits_dependencies(env):
        own.extend((node, dep) for node, dep in _dependencies(env.parent, inherited) if inherited(node, env.node))
    return own


def _inherits_dependencies(env: Env) -> bool:
    """``env`` is a clone that keeps its source's ``depends_on`` (given none, or ``depends_on=None``)."""
    if env.parent is None:
        return False
    given = next((kw.value for kw in env.node.keywords or [] if kw.arg == "depends_on"), None)
    return given is None or (isinstance(given, nodes.Const) and given.value is None)


def may_reach(env: Env, target: Env, known_only: bool = False) -> bool:
    """``target`` is ``env`` or may be in its transitive ``depends_on`` when its tasks run (possible_dependencies).
    False only when it certainly is not; with ``known_only``, through the dependencies the model knows only."""
    seen: set[int] = set()
    todo = [env]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if same_env(current, target):
            return True
        deps = possible_dependencies(current)
        if not known_only and (_dependencies_unknown(current) or any(dep is None for _, dep in deps)):
            return True
        todo.extend(dep for _, dep in deps if dep is not None)
    return False


def _dependencies_unknown(env: Env) -> bool:
    """``env``'s ``depends_on`` (or what a clone inherits) is not a list the model can follow."""
    if env.dependencies_unknown:
        return True
    return _inherits_dependencies(env) and _dependencies_unknown(env.parent)


def certain_dependency_graph(analysis: Analysis) -> nx.DiGraph:
    """Edges env -> dependency that certainly exist, each with the node that declares it first."""
    import networkx as nx

    graph = nx.DiGraph()
    for env in analysis.envs:
        graph.add_node(env)
        for node, dep in certain_dependencies(env):
            if dep is not None and not graph.has_edge(env, dep):
                graph.add_edge(env, dep, declared_at=node)
    return graph
