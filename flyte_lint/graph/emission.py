"""Emission: the nodes of the output graph (their ids, attributes and the env facts they show) and its data edges."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from astroid import nodes

from flyte_lint.graph.limits import MAX_EDGES
from flyte_lint.graph.values import NOTHING, Context, Frame
from flyte_lint.model.analysis import CONTAINER_TASK, SHELL_CREATE, TaskObjectCall, walk
from flyte_lint.model.arguments import argument
from flyte_lint.model.entities import Task
from flyte_lint.model.scopes import enclosing_function
from flyte_lint.model.values import External, FunctionRef, PartialRef


class GraphTooLarge(Exception):
    """The graph passed MAX_EDGES dependencies; compiling stops."""

    def __init__(self, edges: int) -> None:
        super().__init__(f"more than {MAX_EDGES:,} dependencies between its calls")
        self.edges = edges


class EmissionMixin:
    """Adds nodes and data edges to ``self.graph`` (see Compiler)."""

    def _add_node(
        self,
        node_id: str,
        *,
        kind: str,
        task: str | None,
        site_module,
        line: int,
        ctx: Context,
        parent: str | None,
        env_task: Task | None = None,
        count: int | None | Any = NOTHING,
        **extra,
    ) -> str:
        if node_id in self.graph:
            extra.pop("call", None)
            attrs = self.graph.nodes[node_id]
            # A second pass over a loop body meets the same call site: nothing changes but conditions seen.
            if ctx.conditions and not attrs["conditional"]:
                attrs["conditional"], attrs["condition"] = True, " and ".join(ctx.conditions)
            return node_id
        if count is NOTHING:
            count = ctx.count
        if isinstance(extra.get("call"), nodes.Call):
            self.call_of[node_id] = extra.pop("call")
        attrs = {
            "id": node_id,
            "kind": kind,
            "task": task,
            "env": env_task.env.label if env_task else None,
            "file": site_module.display_path if site_module else None,
            "line": line,
            "count": count,
            "dynamic": count is None or ctx.dynamic,
            "conditional": bool(ctx.conditions),
            "condition": " and ".join(ctx.conditions) or None,
            "group": ctx.group,
            "handler": ctx.handler,
            "parent": parent,
        }
        if env_task is not None:
            attrs.update(_env_facts(env_task))
        # (the model's kinds are str enums, model/kinds.py: the graph's attributes are plain values, as json,
        # dot and GraphML write them)
        attrs.update(extra)
        self.graph.add_node(
            node_id, **{key: str(value) if isinstance(value, str) else value for key, value in attrs.items()}
        )
        return node_id

    def _node_id(self, frame: Frame, call: nodes.Call, name: str) -> str:
        ordinal = self._ordinal(call, name)
        return f"{frame.prefix}/{name}" + (f"#{ordinal}" if ordinal > 1 else "")

    def _ordinal(self, call: nodes.Call, name: str) -> int:
        """The position of ``call`` among the calls of the same name in its function, in source order.
        Ids built from it survive unrelated edits elsewhere in the file."""
        scope = enclosing_function(call) or call.root()
        table = self._ordinals.get(id(scope))
        if table is None:
            table, seen = {}, {}
            for node in walk(scope):
                owner = None if isinstance(scope, nodes.Module) else scope
                if isinstance(node, nodes.Call) and enclosing_function(node) is owner:
                    key = self._segment_name(node)
                    if key is not None:
                        seen[key] = seen.get(key, 0) + 1
                        table[id(node)] = seen[key]
            self._ordinals[id(scope)] = table
        return table.get(id(call), 1)

    def _segment_name(self, call: nodes.Call) -> str | None:
        site = self.sites.get(id(call)) or self._derived_site(call, self.resolver.value_of(call.func))
        if site is not None:
            if site.form in ("map", "map_aio") and site.task:
                return f"map-{site.task.func.name}"
            if site.form == "remote":
                return "remote"
            return site.task.func.name if site.task else None
        used = self.objects.get(id(call)) if self.objects else None
        if used is not None and (segment := object_segment(used)) is not None:
            return segment
        callee = self.resolver.value_of(call.func)
        if isinstance(callee, PartialRef) and isinstance(callee.target, FunctionRef):
            callee = callee.target
        if isinstance(callee, FunctionRef):
            return callee.func.name
        if isinstance(callee, External) and callee.path in ("flyte.map", "flyte.map.aio"):
            return "unknown"  # (no call site: a map of something that is not a resolvable task, see _call)
        if self._unknown_reason(call, None) is not None:
            return "unknown"
        return None

    def _data_edges(self, sources: Iterable[str], target: str) -> None:
        for source in sources:
            if source in self.graph and self.graph.nodes[source].get("parent") == self.graph.nodes[target].get(
                "parent"
            ):
                self._count_edge(source, target)
                self.graph.add_edge(source, target, kind="data")

    def _count_edge(self, source: str, target: str) -> None:
        """Count a new edge (networkx's number_of_edges() sums every degree: quadratic if asked each time)."""
        if not self.graph.has_edge(source, target):
            self.edges += 1
            if self.edges > MAX_EDGES:
                raise GraphTooLarge(self.edges)


def add_condition(attrs: dict, condition: str) -> None:
    """Make the node ``attrs`` conditional on ``condition`` as well."""
    attrs["condition"] = " and ".join(c for c in (attrs.get("condition"), condition) if c)
    attrs["conditional"] = True


def group_label(group: str | None) -> str:
    return f"group '{group}'" if group is not None else "no group"


def id_safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)


def shortened(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def object_segment(used: TaskObjectCall) -> str | None:
    """The name of the node a task object's call makes (its id's last segment, before any ordinal): the SDK's
    name of the task (``name=``, a literal), ``map-`` before it for a map; None when the call makes none (see
    Compiler._object_call)."""
    # (not a plugin's object, whose task name may be another; nor an override: a ContainerTask's fails)
    runs = used.starts_task and used.maker in (CONTAINER_TASK, SHELL_CREATE) and used.form != "override"
    name = argument(used.made, 0, "name") if runs else None
    mapped = used.form in ("map", "map_aio")
    if not (isinstance(name, nodes.Const) and isinstance(name.value, str)):
        return None
    return f"map-{name.value}" if mapped else name.value


def _env_facts(task: Task) -> dict:
    """The env's resources, cache and the task's retries, as source text where set."""
    facts: dict[str, Any] = {}
    for kw in task.env.node.keywords or []:
        if kw.arg in ("resources", "cache"):
            facts[kw.arg] = shortened(kw.value.as_string(), 200)
    if task.options is not None:
        for kw in task.options.keywords or []:
            if kw.arg in ("retries", "cache", "timeout"):
                facts[kw.arg] = shortened(kw.value.as_string(), 200)
    return facts
