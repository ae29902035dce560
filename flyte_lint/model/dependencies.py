"""Environments' declared dependencies (``depends_on=``, ``add_dependency``, a clone's inherited list): read
while the model is built, and the queries over them (a part of Analysis)."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from astroid import nodes

from flyte_lint.model.arguments import argument
from flyte_lint.model.entities import Env
from flyte_lint.model.kinds import EnvOrigin
from flyte_lint.model.values import EnvRef, Method, Value

if TYPE_CHECKING:
    from flyte_lint.model.analysis import Analysis

    _Base = Analysis
else:
    _Base = object


class Dependencies(_Base):
    """Declared dependencies between environments (a part of Analysis)."""

    def _resolve_dependencies(self) -> None:
        value_of = self.resolver.value_of
        for env in self.envs:
            declared = argument(env.node, None, "depends_on")
            if declared is None:
                continue
            if isinstance(declared, (nodes.List, nodes.Tuple)) and not any(
                isinstance(e, nodes.Starred) for e in declared.elts
            ):
                for element in declared.elts:
                    env.dependencies.append((element, self._declared_env(element, value_of(element))))
            elif not (isinstance(declared, nodes.Const) and declared.value is None):
                env.dependencies_unknown = True
        for call in self.calls:
            callee = call.callee
            if isinstance(callee, Method) and callee.name == "add_dependency" and isinstance(callee.owner, EnvRef):
                env = callee.owner.env
                for arg in call.node.args:
                    if isinstance(arg, nodes.Starred):
                        env.dependencies_unknown = True
                        continue
                    env.dependencies.append((arg, self._declared_env(arg, value_of(arg))))

    def _declared_env(self, node: nodes.NodeNG, value: Value) -> Env | None:
        """The env a ``depends_on`` element (or an ``add_dependency`` argument) names: an env, or the ``.env`` of a
        shell task (see task_object_envs). None: unknown."""
        if isinstance(value, EnvRef):
            return value.env
        if isinstance(node, nodes.Attribute) and node.attrname == "env":
            made = self.resolver.construction_of(node.expr)
            env = self.task_object_envs.get(id(made)) if made is not None else None
            if env is not None and env.origin == EnvOrigin.SHELL:
                return env
        return None

    def declared_dependencies(self, env: Env) -> list[tuple[nodes.NodeNG, Env | None]]:
        """depends_on of ``env`` as declared, with what a clone inherits from its source env."""
        own = list(env.dependencies)
        if env.parent is not None and _replaced_depends_on(env) is None:
            own.extend(self.declared_dependencies(env.parent))
        return own

    def dependencies_known(self, env: Env) -> bool:
        if env.dependencies_unknown or any(dep is None for _, dep in env.dependencies):
            return False
        if env.parent is not None and _replaced_depends_on(env) is None:
            return self.dependencies_known(env.parent)
        return True

    @cached_property
    def dependency_graph(self):
        """Environments and their declared dependencies, as a networkx DiGraph."""
        import networkx as nx

        graph = nx.DiGraph()
        for env in self.envs:
            graph.add_node(env)
            for node, dep in self.declared_dependencies(env):
                if dep is not None and not graph.has_edge(env, dep):
                    graph.add_edge(env, dep, declared_at=node)
        return graph

    @cached_property
    def has_dependencies(self) -> bool:
        """Whether any environment declares a dependency (``depends_on``, ``add_dependency``, a clone's)."""
        return any(env.dependencies or env.dependencies_unknown or env.parent is not None for env in self.envs)

    def depends_on(self, env: Env, other: Env) -> bool:
        """``other`` is ``env`` itself or in its transitive depends_on."""
        if env is other:
            return True
        if not self.has_dependencies:
            return False  # (most projects: no graph to build, and networkx need not even be imported)
        import networkx as nx

        graph = self.dependency_graph
        return graph.has_node(env) and graph.has_node(other) and nx.has_path(graph, env, other)


def _replaced_depends_on(env: Env) -> nodes.NodeNG | None:
    """The ``depends_on=`` a clone passes to replace its source's; ``None`` keeps the inherited list."""
    declared = argument(env.node, None, "depends_on")
    if isinstance(declared, nodes.Const) and declared.value is None:
        return None
    return declared
