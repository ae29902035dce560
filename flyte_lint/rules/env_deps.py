"""FLY401, FLY402: environment dependencies that `flyte deploy` gets wrong."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Iterable

from astroid import nodes

if TYPE_CHECKING:
    import networkx as nx

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.entities import Env
from flyte_lint.model.resolver import enclosing_function
from flyte_lint.rules.base import Finding, Rule, register

MAX_CYCLES = 5_000  # FLY402 looks at this many dependency cycles at most


def bounded_cycles(graph: "nx.DiGraph") -> list[list]:
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


def env_variable(env: Env) -> str:
    """The name the env is bound to in its module (``env`` in ``env = flyte.TaskEnvironment(...)``)."""
    parent = env.node.parent
    if isinstance(parent, nodes.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], nodes.AssignName):
        return parent.targets[0].name
    if isinstance(parent, nodes.AnnAssign) and isinstance(parent.target, nodes.AssignName):
        return parent.target.name
    return f"<env '{env.label}'>"


def env_expression(env: Env) -> str:
    """What a ``depends_on`` list names ``env`` by: its variable, or a shell task's ``.env``."""
    return f"{env_variable(env)}.env" if env.origin == "shell" else env_variable(env)


def same_env(a: Env, b: Env) -> bool:
    return a is b or (a.name is not None and a.name == b.name)


def may_depend(analysis: Analysis, env: Env, other: Env) -> bool:
    """False only when ``other`` is certainly outside ``env``'s transitive depends_on."""
    seen: set[int] = set()
    todo = [env]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if same_env(current, other) or not analysis.dependencies_known(current):
            return True
        todo.extend(dep for _, dep in analysis.declared_dependencies(current) if dep is not None)
    return False


@register
class MissingEnvDependency(Rule):
    code = "FLY401"
    symbol = "missing-env-dependency"
    summary = ("Reports a task of env A calling a task of env B when B is not in A's transitive `depends_on`: a task "
               "of `@env.task`, or a task object whose env the model knows (a ContainerTask or a plugin's task given "
               "its env by `TaskEnvironment.from_task`, a shell task's own env).")
    rationale = (
        "`flyte deploy` follows `depends_on` only; it never looks at which tasks call which. Deploying A then "
        "leaves B out: on a remote run the call fails with \"Environment 'b' not found in image cache\", or, "
        "when B uses `image=\"auto\"`, silently runs B's task in the default image. Locally it works, which "
        "hides the bug until deploy."
    )
    bad = """
        import flyte

        gpu_env = flyte.TaskEnvironment("gpu")
        driver_env = flyte.TaskEnvironment("driver")

        @gpu_env.task
        async def train(epochs: int) -> float:
            return 0.9

        @driver_env.task
        async def main() -> float:
            return await train(3)
    """
    good = """
        import flyte

        gpu_env = flyte.TaskEnvironment("gpu")
        driver_env = flyte.TaskEnvironment("driver", depends_on=[gpu_env])

        @gpu_env.task
        async def train(epochs: int) -> float:
            return 0.9

        @driver_env.task
        async def main() -> float:
            return await train(3)
    """
    fix = "Add the callee's env to the caller env's `depends_on=[...]`, or call `caller_env.add_dependency(callee_env)`."

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for site in analysis.call_sites:
            callee = site.task
            if callee is None or site.form == "forward":
                continue
            reported: set[int] = set()
            # The tasks the call runs in; a call in a lambda runs wherever the lambda does.
            callers = analysis.context_tasks(enclosing_function(site.node))
            for caller in sorted(callers, key=lambda t: t.name):
                env = caller.env
                if id(env) in reported or may_depend(analysis, env, callee.env):
                    continue
                reported.add(id(env))
                yield self.finding(
                    site.module, site.node,
                    f"task '{caller.name}' (env '{env.label}') calls task '{callee.name}' of env "
                    f"'{callee.env.label}', which '{env.label}' does not depend on: deploying '{env.label}' "
                    f"leaves '{callee.env.label}' out, so a remote run fails (\"Environment '{callee.env.label}' not "
                    f"found in image cache\") or runs it in the default image. Add "
                    f"`depends_on=[{env_variable(callee.env)}]` to env '{env.label}'",
                )
        for used in analysis.task_object_calls:  # ContainerTask, shell and plugin tasks: an object, not a def
            if used.env is None or not used.starts_task:
                continue
            reported = set()
            for caller in sorted(analysis.context_tasks(used.call.function), key=lambda t: t.name):
                env = caller.env
                if id(env) in reported or may_depend(analysis, env, used.env):
                    continue
                reported.add(id(env))
                yield self.finding(
                    used.call.module, used.call.node,
                    f"task '{caller.name}' (env '{env.label}') calls `{used.name}`, a task of env '{used.env.label}', "
                    f"which '{env.label}' does not depend on: deploying '{env.label}' leaves '{used.env.label}' out, and "
                    f"the task with it. Add `depends_on=[{env_expression(used.env)}]` to env '{env.label}'",
                )


@register
class EnvDependencyCycle(Rule):
    code = "FLY402"
    symbol = "env-dependency-cycle"
    summary = "Reports a cycle in environments' `depends_on`, at the dependency that closes it, and an env added as its own dependency."
    rationale = (
        "`flyte deploy` plans environments by following `depends_on` recursively; a cycle makes it recurse until RecursionError, so nothing deploys."
        " Severity: error: nothing that depends on the cycle deploys (a local run does not plan a deploy)."
    )
    bad = """
        import flyte

        a = flyte.TaskEnvironment("a")
        b = flyte.TaskEnvironment("b", depends_on=[a])
        a.add_dependency(b)
    """
    good = """
        import flyte

        a = flyte.TaskEnvironment("a")
        b = flyte.TaskEnvironment("b", depends_on=[a])
    """
    fix = "Remove one dependency of the cycle; dependencies only need to point from callers to callees."
    runtime_effect = "RecursionError"

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
                    "ValueError (\"Cannot add self as a dependency\") at import. Remove it"
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


def _added(node: nodes.NodeNG) -> bool:
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
    own = list(env.dependencies)
    if env.parent is not None:
        given = next((kw.value for kw in env.node.keywords or [] if kw.arg == "depends_on"), None)
        if given is None or (isinstance(given, nodes.Const) and given.value is None):
            own.extend(
                (node, dep) for node, dep in certain_dependencies(env.parent)
                if not _added(node) or _runs_before(node, env.node)
            )
    return own


def certain_dependency_graph(analysis: Analysis) -> "nx.DiGraph":
    """Edges env -> dependency that certainly exist, each with the node that declares it first."""
    import networkx as nx

    graph = nx.DiGraph()
    for env in analysis.envs:
        graph.add_node(env)
        for node, dep in certain_dependencies(env):
            if dep is not None and not graph.has_edge(env, dep):
                graph.add_edge(env, dep, declared_at=node)
    return graph


def _position(node: nodes.NodeNG, env: Env) -> tuple:
    """Where a dependency is declared, ordered by when it takes effect: ``depends_on=[...]`` needs its
    target to exist already, so a cycle can only be closed by an ``add_dependency`` call; among those,
    by file and source position."""
    return (_added(node), str(node.root().file), node.lineno or 0, node.col_offset or 0)
