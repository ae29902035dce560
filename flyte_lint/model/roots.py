"""The roots of remote runs: the tasks a run starts at, and which of them reach a given task.

A remote run builds (or looks up) images for its root task's env and that env's transitive ``depends_on``
only, and hands that image cache down to every task the run submits (flyte 2.12.1: ``flyte.run`` plans
``root.parent_env()``; the controller serializes each child with the root's cache). A root is:

- a task no other task of the project calls (in a group of tasks that call one another, each of them when
  no task outside the group calls it): it can only be started on its own (``flyte run``). Not one whose calls
  the model may miss: a task handed to other code (as an argument), or one whose name, used elsewhere, a
  decorator the model cannot see through (or a second binding) takes over; a task handed to code a task runs
  counts as called by that task;
- a task passed to ``flyte.run(...)`` or ``flyte.with_runcontext(...).run(...)`` (or their ``.aio``), even one
  other tasks call;
- a task with a trigger (``@env.task(triggers=...)``): each firing starts a run at it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from astroid import nodes

from flyte_lint.model.arguments import argument
from flyte_lint.model.kinds import CallForm, RootReason
from flyte_lint.model.scopes import enclosing_function
from flyte_lint.model.values import PartialRef, TaskRef

if TYPE_CHECKING:
    import networkx as nx

    from flyte_lint.model.analysis import Analysis
    from flyte_lint.model.entities import Task

# ``flyte.run(task, ...)`` and ``flyte.with_runcontext(...).run(task, ...)``, sync and async.
RUN_PATHS = ("flyte.run", "flyte.run.aio", "flyte._run._Runner.run", "flyte._run._Runner.run.aio")
# Calls whose task arguments the model follows: runs (roots), maps (call sites), partials (called later).
_FOLLOWED = frozenset({*RUN_PATHS, "flyte.map", "flyte.map.aio", "functools.partial"})
_SEQUENCES = frozenset({nodes.List, nodes.Tuple, nodes.Set})


@dataclass(frozen=True)
class Root:
    task: Task
    why: RootReason

    @property
    def described(self) -> str:
        return {
            RootReason.NO_CALLER: "no task calls it",
            RootReason.RUN: "run by `flyte.run`",
            RootReason.TRIGGER: "it has a trigger",
        }[self.why]


class RunRoots:
    """The task call graph of a project and the roots of its runs (Analysis.run_roots)."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self._reaching: dict[int, list[Root]] = {}

    @cached_property
    def calls(self) -> nx.DiGraph:
        """Caller task -> called task, for every task call made inside a task's run (``.forward`` runs the
        callee's body in the caller: no edge), also to each task a call may choose among (``TOOLS[k](x)``)."""
        import networkx as nx

        graph = nx.DiGraph()
        graph.add_nodes_from(self.analysis.tasks)
        context_tasks = self.analysis.context_tasks
        sites = [*self.analysis.call_sites, *getattr(self.analysis, "choice_sites", ())]
        for site in sites:
            called = getattr(site, "candidates", ()) or ((site.task,) if site.task is not None else ())
            if not called or site.form == CallForm.FORWARD:
                continue
            for caller in context_tasks(enclosing_function(site.node)):
                graph.add_edges_from((caller, task) for task in called)
        for call, task in self._handed:  # (handed to code a task runs: it may call it)
            for caller in context_tasks(enclosing_function(call.node)):
                graph.add_edge(caller, task)
        return graph

    @cached_property
    def _handed(self) -> list[tuple]:
        """(call, task) for each task passed as an argument (or in a literal list, tuple, set or dict argument) to a
        call that is not one the model follows (``flyte.run``, ``flyte.map``, ``functools.partial``): the code it is
        handed to may call it, where the model does not see."""
        # (exact node types: astroid has no subclasses of these; this loop visits every argument of the project)
        value_of = self.analysis.resolver.value_of
        found = []
        for call in self.analysis.calls:
            node = call.node
            if not (node.args or node.keywords) or call.external_path in _FOLLOWED:
                continue
            todo = [*node.args, *(kw.value for kw in node.keywords)] if node.keywords else list(node.args)
            while todo:
                node = todo.pop()
                kind = type(node)
                if kind is nodes.Starred:
                    node = node.value
                    kind = type(node)
                if kind is nodes.Name or kind is nodes.Attribute:
                    value = value_of(node)
                    if type(value) is PartialRef:
                        value = value.target
                    if type(value) is TaskRef:
                        found.append((call, value.task))
                elif kind in _SEQUENCES:
                    todo.extend(node.elts)
                elif kind is nodes.Dict:
                    todo.extend(value for _, value in node.items)
        return found

    def _callers_hidden(self, task: Task) -> bool:
        """Calls of ``task`` may be made where the model does not see them: its name is bound to what a decorator
        the model cannot see through returns, or bound again (``t = dataclasses.replace(t, ...)``), or the task is
        handed to code outside any task (``register([t])`` at import)."""
        func = task.func
        if (
            func.decorators is not None
            and task.decorator in func.decorators.nodes
            and (
                not isinstance(self.analysis.resolver.function_value(func), TaskRef)
                or len(func.parent.scope().locals.get(func.name, ())) != 1
            )
            and self._name_used(func)
        ):
            return True
        return id(task) in self._handed_outside_tasks

    @cached_property
    def _handed_outside_tasks(self) -> frozenset[int]:
        """The ids of the tasks handed to code outside any task (see _handed)."""
        context_tasks = self.analysis.context_tasks
        return frozenset(id(t) for call, t in self._handed if not context_tasks(enclosing_function(call.node)))

    def _name_used(self, func: nodes.FunctionDef) -> bool:
        """The name of ``func`` is used somewhere but its own definition: read in its module, imported from it by
        name, or read as an attribute (``module.name``) by a call."""
        name = func.name
        if any(not _inside(node, func) for node in self.analysis.resolver._names_in(func.root()).get(name, ())):
            return True
        return name in self._imported_names or name in self._called_attributes

    @cached_property
    def _imported_names(self) -> frozenset[str]:
        """Every name a ``from m import name [as alias]`` of the analysed modules imports, and every alias."""
        return frozenset(
            part
            for _, stmt in self.analysis.nodes_of(nodes.ImportFrom)
            for names in stmt.names
            for part in names
            if part
        )

    @cached_property
    def _called_attributes(self) -> frozenset[str]:
        """The attribute names called as ``x.name(...)`` in the analysed modules."""
        funcs = [call.node.func for call in self.analysis.calls]
        return frozenset([func.attrname for func in funcs if type(func) is nodes.Attribute])

    @cached_property
    def roots(self) -> dict[Task, Root]:
        import networkx as nx

        # (one reason per root, the surest first: a run the code starts, one only a run of the task can start, one
        # its trigger starts, whose image cache is that of the deploy that registered it)
        found: dict[Task, Root] = {task: Root(task, RootReason.RUN) for task in self._run_tasks()}
        condensed = nx.condensation(self.calls)
        for component in condensed.nodes:
            if condensed.in_degree(component) == 0:
                for task in condensed.nodes[component]["members"]:
                    if not self._callers_hidden(task):
                        found.setdefault(task, Root(task, RootReason.NO_CALLER))
        for task in self.analysis.tasks:
            if task.options is not None and _has_triggers(task.options):
                found.setdefault(task, Root(task, RootReason.TRIGGER))
        return found

    def _run_tasks(self) -> list[Task]:
        found = []
        for call in self.analysis.calls_to(*RUN_PATHS):
            if not call.node.args or _local_run(call.node):
                continue
            target = self.analysis.resolver.value_of(call.node.args[0])
            if isinstance(target, PartialRef):
                target = target.target
            if isinstance(target, TaskRef):
                found.append(target.task)
        return found

    def reaching(self, task: Task) -> list[Root]:
        """The roots whose runs may reach ``task`` (itself, when it is one), by name."""
        found = self._reaching.get(id(task))
        if found is None:
            import networkx as nx

            graph = self.calls
            above = (nx.ancestors(graph, task) | {task}) if task in graph else set()
            roots = self.roots
            found = self._reaching[id(task)] = sorted(
                (roots[t] for t in above if t in roots), key=lambda r: r.task.name
            )
        return found


def _local_run(call: nodes.Call) -> bool:
    """``flyte.with_runcontext(mode="local").run(...)`` (or its ``.aio``): a run in this process, no image built."""
    func = call.func
    if isinstance(func, nodes.Attribute) and func.attrname == "aio":
        func = func.expr
    context = func.expr if isinstance(func, nodes.Attribute) else None
    mode = argument(context, None, "mode") if isinstance(context, nodes.Call) else None
    return isinstance(mode, nodes.Const) and mode.value == "local"


def _inside(node: nodes.NodeNG, func: nodes.FunctionDef) -> bool:
    while node is not None:
        if node is func:
            return True
        node = node.parent
    return False


def _has_triggers(options: nodes.Call) -> bool:
    """``env.task(triggers=...)`` gives a trigger: anything but None or an empty tuple or list."""
    node = argument(options, None, "triggers")
    if node is None or (isinstance(node, nodes.Const) and node.value is None):
        return False
    return not (isinstance(node, (nodes.Tuple, nodes.List)) and not node.elts)
