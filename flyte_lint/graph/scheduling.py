"""Scheduling: when a call's task starts (awaited, gathered, made an asyncio task, in which group) and what it
follows: order edges from the frontier of completed work, and the frontier after it completes."""

from __future__ import annotations

from collections.abc import Iterable

from flyte_lint.graph.emission import add_condition, group_label, id_safe
from flyte_lint.graph.values import Context, Flow, Frame, Pending


class SchedulingMixin:
    """Starts pending invocations and keeps the frontier (see Compiler)."""

    def _start(
        self, frame: Frame, pending: Iterable[Pending], ctx: Context, as_task: bool = False
    ) -> tuple[frozenset[str], set[str]]:
        """Start pending invocations at this point of the body: each follows the current frontier, none
        follows another (they run concurrently). Returns the node ids whose outputs they produce, and the
        nodes that complete when they all have. ``as_task``: they become asyncio tasks (``create_task``),
        which awaiting later does not start again.

        A coroutine runs its task in the ``flyte.group`` current where it starts (the SDK reads the group when
        the coroutine submits the task), not where it was made."""
        sources: set[str] = set()
        completes: set[str] = set()
        entry = set(frame.frontier)
        for item in pending:
            node_id = item.node_id
            if item not in self.started:
                self.started.add(item)
                if as_task:
                    self._tasks.add(item)
                if item.helper is not None:
                    # An async helper runs its body from here; its tasks follow `entry`, not the other starts.
                    func, call, flows, hctx = item.helper
                    frame.frontier = set(entry)
                    hctx = Context(hctx.multipliers, hctx.conditions, ctx.group, hctx.handler)
                    result = self._await(frame, self._inline(func, call, flows, frame, hctx), ctx)
                    item.sources, item.completes = result.sources, frozenset(frame.frontier)
                    frame.frontier = set(entry)
                else:
                    node_id = self._start_node(frame, item.node_id, ctx)
            elif (
                node_id
                and item not in self._tasks
                and node_id in self._start_groups
                and ctx.group not in self._start_groups[node_id]
            ):
                # One call site's coroutines (made in a loop) kept in a container whose key is known only at run
                # time, then started in several groups: some of its runs are in each.
                node_id = self._start_node(frame, item.node_id, ctx)
            elif node_id:
                node_id = self._start_groups.get(node_id, {}).get(ctx.group, node_id)
            if node_id:
                sources.add(node_id)
                completes.add(node_id)
            else:
                sources |= item.sources
                completes |= item.completes
        return frozenset(sources), completes

    def _start_tasks(self, frame: Frame, pending: Iterable[Pending], ctx: Context) -> dict[int, Pending]:
        """Start coroutines here as asyncio tasks (as ``asyncio.gather`` does): the tasks, by id of the coroutine.
        Awaiting a task later waits for it; it does not start it again."""
        tasks: dict[int, Pending] = {}
        for item in pending:
            sources, completes = self._start(frame, [item], ctx)
            task = Pending(sources=sources, completes=frozenset(completes))
            self.started.add(task)
            self._tasks.add(task)
            tasks[id(item)] = task
        return tasks

    def _start_node(self, frame: Frame, node_id: str, ctx: Context) -> str:
        """Start the node of a coroutine in the current group: the node itself, or, when it already started in
        another group, its copy for this group. Returns the id of the node that starts."""
        groups = self._start_groups.setdefault(node_id, {})
        started = groups.get(ctx.group)
        if started is None and not groups:
            started = groups[ctx.group] = node_id
            self.graph.nodes[node_id]["group"] = ctx.group
        elif started is None:
            started = groups[ctx.group] = self._split(node_id, ctx.group)
        self.graph.nodes[started]["never_runs"] = False
        self._order_edges(frame, started)
        return started

    def _split(self, node_id: str, group: str | None) -> str:
        """A copy of ``node_id`` for its runs started in ``group``; each copy holds some of the runs."""
        attrs = self.graph.nodes[node_id]
        if not attrs.get("split"):
            attrs["split"] = True
            add_condition(attrs, f"started in {group_label(attrs['group'])}")
        copy_id = base = f"{node_id}@{id_safe(group or 'no-group')}"
        while copy_id in self.graph:  # (two group names the same once made safe for an id)
            copy_id = f"{base}-{sum(1 for n in self.graph if n.startswith(base))}"
        copy = {
            **attrs,
            "id": copy_id,
            "group": group,
            "never_runs": False,
            "condition": None,
            "conditional": False,
            "copy_of": node_id,
        }
        add_condition(copy, f"started in {group_label(group)}")
        self.graph.add_node(copy_id, **copy)
        if node_id in self.call_of:
            self.call_of[copy_id] = self.call_of[node_id]
        for source, _, data in list(self.graph.in_edges(node_id, data=True)):
            if data.get("kind") == "data":
                self._count_edge(source, copy_id)
                self.graph.add_edge(source, copy_id, kind="data")
        return copy_id

    def _order_edges(self, frame: Frame, node_id: str) -> None:
        for before in frame.frontier:
            if before in self.graph and not self.graph.has_edge(before, node_id):
                self._count_edge(before, node_id)
                self.graph.add_edge(before, node_id, kind="order")
        self.pred.setdefault(node_id, set()).update(frame.frontier)
        self.started_at.setdefault(node_id, len(self.started_at))

    def _complete(self, frame: Frame, node_ids: Iterable[str]) -> None:
        candidates = set(frame.frontier) | set(node_ids)
        frame.frontier = {n for n in candidates if not self._precedes_any(n, candidates - {n})}

    def _precedes_any(self, node: str, others: set[str]) -> bool:
        """``node`` is an (order) ancestor of one of ``others``. Only nodes that started after ``node`` can
        have it as an ancestor, so the walk stops at older ones: linear work over a sequential body."""
        first = self.started_at.get(node, -1)
        todo, seen = list(others), set()
        while todo:
            current = todo.pop()
            for before in self.pred.get(current, ()):
                if before == node:
                    return True
                if before not in seen and self.started_at.get(before, 1 << 60) > first:
                    seen.add(before)
                    todo.append(before)
        return False

    def _await(self, frame: Frame, flow: Flow, ctx: Context) -> Flow:
        sources, completes = self._start(frame, flow.pending, ctx)
        self._complete(frame, completes)
        return Flow(flow.sources | sources, (), flow.const, self._started_items(flow.items))

    def _started_items(self, items):
        """Element flows once their pending invocations have started: each carries its own results."""
        if items is None:
            return None

        def started(flow: Flow) -> Flow:
            sources = set(flow.sources)
            for item in flow.pending:
                sources |= {item.node_id} if item.node_id else item.sources
            return Flow(frozenset(sources), (), flow.const, self._started_items(flow.items))

        if isinstance(items, dict):
            return {key: started(flow) for key, flow in items.items()}
        return tuple(started(flow) for flow in items)
