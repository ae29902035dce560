"""Compile the top-level task of a Flyte 2 workflow into a static DAG (a networkx DiGraph), without running it.

The compiler walks the entry task's body in program order as an abstract interpreter. It tracks which task
outputs reach each variable (data edges), which task coroutines exist but have not started (so calls combined
by ``asyncio.gather`` or created and awaited later stay parallel), the completed tasks that later starts must
follow (order edges), loop trip counts (fan-out ``count``), branch conditions, ``flyte.group`` blocks and
``except`` handlers. Calls to tasks that call tasks are compiled under their node; recursion is cut.
Whatever it cannot resolve becomes a node of kind ``unknown`` with the reason.
"""

from __future__ import annotations

from typing import Any, Iterable

import networkx as nx
from astroid import nodes

from flyte_lint import __version__, sdk
from flyte_lint.findings import char_column
from flyte_lint.graph.values import NOTHING, Context, Flow, Frame, Pending, TaskGroupScope
from flyte_lint.model.analysis import CONTAINER_TASK, SHELL_CREATE, Analysis, TaskObjectCall, walk
from flyte_lint.model.entities import CallSite, Task
from flyte_lint.model.resolver import FUNCTION_NODES, argument, enclosing_function
from flyte_lint.model.values import External, FunctionRef, Instance, LambdaRef, ModuleRef, TaskChoice, TaskCollection, Unknown

MAX_INLINE_DEPTH = 8
MAX_LOOP_REPASS_DEPTH = 4
# The most dependencies a graph may have. Real workflows have hundreds; 5,000 calls in a chain have 5,000.
# But n optional calls in a row (`if c: v = await t(v)`) may each feed every later one: n**2 / 2 edges
# (5,000 of them: 12.5 million edges and 140 s), which no reader or CI job can use.
MAX_EDGES = 250_000


class GraphTooLarge(Exception):
    """The graph passed MAX_EDGES dependencies; compiling stops."""

    def __init__(self, edges: int) -> None:
        super().__init__(f"more than {MAX_EDGES:,} dependencies between its calls")
        self.edges = edges
CONSUMERS = {"builtins.list", "builtins.tuple", "builtins.set", "builtins.sorted", "builtins.sum", "builtins.dict",
             "builtins.frozenset", "builtins.min", "builtins.max", "builtins.any", "builtins.all"}
# Methods that read a container (or an asyncio task) without changing it: its elements keep their own flows.
READERS = {"values", "keys", "items", "get", "copy", "count", "index", "result", "done", "exception", "cancelled"}
STARTERS = {"asyncio.create_task", "asyncio.ensure_future", "asyncio.as_completed"}  # schedule their coroutines now
# How a path can leave a block before its end.
RETURN, RAISE, JUMP = "return", "raise", "jump"  # JUMP: break or continue
AWAITERS = {"asyncio.run", "asyncio.gather", "asyncio.wait", "asyncio.wait_for", "asyncio.shield", "asyncio.as_completed"}


class Compiler:
    def __init__(self, analysis: Analysis, inputs: dict[str, Any] | None = None, use_defaults: bool = True) -> None:
        """``inputs``: values of the entry's parameters for the run the graph describes. Parameters not given
        take their default values when ``use_defaults`` (a run with default inputs, the usual reading of a
        static DAG); otherwise they are unknown, and what depends on them is dynamic."""
        self.inputs = dict(inputs or {})
        self.use_defaults = use_defaults
        self.assumed_inputs: dict[str, Any] = {}
        self.analysis = analysis
        self.resolver = analysis.resolver
        self.sites: dict[int, CallSite] = analysis.unwrapped.site_of_call
        # ContainerTasks and shell tasks the model resolves, by id of the call that runs them (see _object_call)
        self.objects: dict[int, TaskObjectCall] = {id(u.call.node): u for u in analysis.unwrapped.task_object_calls}
        self.graph = nx.DiGraph()
        self.pred: dict[str, set[str]] = {}
        self.started_at: dict[str, int] = {}  # order in which nodes first started
        self.started: set[Pending] = set()  # identity-hashed; holding them keeps ids unique
        self._ordinals: dict[int, dict[int, int]] = {}
        self._reasons: dict[int, str | None] = {}  # why each call is unresolved (None: surely no task), by id
        self._stack: list[Task] = []
        self.call_of: dict[str, nodes.Call] = {}  # node id -> the call expression that makes it
        self._expanded: set[str] = set()
        self._start_groups: dict[str, dict[str | None, str]] = {}  # node -> group it started in -> node started there
        self._tasks: set[Pending] = set()  # started as asyncio tasks
        self.edges = 0  # edges added so far (see MAX_EDGES)

    # -- entry ---------------------------------------------------------------------------------------
    def compile(self, entry: Task, expand: bool = True) -> nx.DiGraph:
        """Compile ``entry``. Each level of nested task calls costs a few Python frames, so deep workflows
        compile on a thread with a large stack and a raised recursion limit."""
        return with_deep_stack(lambda: self._compile(entry, expand))

    def _compile(self, entry: Task, expand: bool) -> nx.DiGraph:
        self.expand = expand
        root = entry.func.name
        self.graph.graph.update(entry=entry.name, static=True, flyte_lint_version=__version__)
        self._add_node(root, kind="task", task=entry.name, site_module=entry.module, line=entry.func.lineno,
                       env_task=entry, ctx=Context(), parent=None)
        self._expand(entry, root, {}, entry_call=True)
        self._confirm_never_runs()
        self.graph.graph["inputs"] = {k: _jsonable(v) for k, v in sorted(self.assumed_inputs.items())}
        self.graph.graph["static"] = not any(
            attrs.get("dynamic") or attrs.get("kind") == "unknown" for _, attrs in self.graph.nodes(data=True)
        )
        return self.graph

    def _confirm_never_runs(self) -> None:
        """A coroutine (or a map's generator) the compiler did not see start "never runs" only where
        `flyte-lint check` says so too (FLY103/FLY104: discarded, bound to a name never used, returned as a task's
        output; FLY201: a map never iterated). Elsewhere it went where the graph cannot follow (a call of unknown
        code, an attribute, a container left as it is): it runs if something awaits or iterates it, so the node
        is conditional, not "never runs"."""
        lost = None
        for node_id, attrs in self.graph.nodes(data=True):
            if not attrs.get("never_runs"):
                continue
            if lost is None:
                lost = lost_coroutine_calls(self.analysis.unwrapped)
            call = self.call_of.get(node_id)
            if call is None or _finding_place(self.resolver.module_of(call), call) not in lost:
                attrs["never_runs"] = False
                if attrs["kind"] == "trace":  # (no rule tells a lost trace coroutine)
                    kept = "its coroutine is awaited (the graph did not see it awaited)"
                elif attrs["kind"] == "map":
                    kept = "its generator, kept where the graph cannot follow it, is iterated"
                else:
                    kept = "its coroutine, kept where the graph cannot follow it, is awaited"
                _also(attrs, kept)

    def _expand(self, task: Task, node_id: str, arguments: dict[str, Flow], entry_call: bool = False) -> None:
        if node_id in self._expanded:
            return
        self._expanded.add(node_id)
        self._stack.append(task)
        try:
            frame = Frame(parent=node_id, prefix=node_id, function=task.func)
            self._bind_parameters(task.func, frame, arguments, entry=entry_call)
            self._block(task.func.body, frame, Context())
        finally:
            self._stack.pop()

    def _bind_parameters(self, func: nodes.FunctionDef, frame: Frame, arguments: dict[str, Flow], entry: bool) -> None:
        args = func.args
        positional = list(args.posonlyargs or []) + list(args.args or [])
        defaults = dict(zip([a.name for a in positional[len(positional) - len(args.defaults or []):]], args.defaults or []))
        defaults.update({a.name: d for a, d in zip(args.kwonlyargs or [], args.kw_defaults or []) if d is not None})
        for arg in positional + list(args.kwonlyargs or []):
            flow = arguments.get(arg.name)
            if entry:
                # The entry's inputs come with the run (`flyte.run(main, n=5)`): the graph describes the run
                # with the inputs given, else with the defaults (recorded in the graph's `inputs`).
                if arg.name in self.inputs:
                    frame.vars[arg.name] = Flow(const=self.inputs[arg.name])
                    self.assumed_inputs[arg.name] = self.inputs[arg.name]
                elif self.use_defaults and arg.name in defaults:
                    value = self._const(defaults[arg.name], frame)
                    frame.vars[arg.name] = Flow(const=value)
                    if value is not NOTHING:
                        self.assumed_inputs[arg.name] = value
                else:
                    frame.vars[arg.name] = Flow()
            elif flow is not None:
                frame.vars[arg.name] = flow
            elif arg.name in defaults:
                frame.vars[arg.name] = Flow(const=self._const(defaults[arg.name], frame))
            else:
                frame.vars[arg.name] = Flow()
        for name in (args.vararg, args.kwarg):
            if name:
                flow = arguments.get(name)
                frame.vars[name] = flow if flow is not None and not entry else Flow()

    # -- nodes and edges -----------------------------------------------------------------------------
    def _add_node(self, node_id: str, *, kind: str, task: str | None, site_module, line: int, ctx: Context,
                  parent: str | None, env_task: Task | None = None, count: int | None | Any = NOTHING, **extra) -> str:
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
            "id": node_id, "kind": kind, "task": task,
            "env": env_task.env.label if env_task else None,
            "file": site_module.display_path if site_module else None, "line": line,
            "count": count, "dynamic": count is None or ctx.dynamic,
            "conditional": bool(ctx.conditions), "condition": " and ".join(ctx.conditions) or None,
            "group": ctx.group, "handler": ctx.handler, "parent": parent,
        }
        if env_task is not None:
            attrs.update(_env_facts(env_task))
        attrs.update(extra)
        self.graph.add_node(node_id, **attrs)
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
        site = self.sites.get(id(call))
        if site is not None:
            if site.form in ("map", "map_aio") and site.task:
                return f"map-{site.task.func.name}"
            if site.form == "remote":
                return "remote"
            return site.task.func.name if site.task else None
        used = self.objects.get(id(call)) if self.objects else None
        if used is not None and (segment := _object_segment(used)) is not None:
            return segment
        callee = self.resolver.value_of(call.func)
        if isinstance(callee, FunctionRef):
            return callee.func.name
        if isinstance(callee, External) and callee.path in ("flyte.map", "flyte.map.aio"):
            return "unknown"  # (no call site: a map of something that is not a resolvable task, see _call)
        if self._unknown_reason(call, None) is not None:
            return "unknown"
        return None

    def _data_edges(self, sources: Iterable[str], target: str) -> None:
        for source in sources:
            if source in self.graph and self.graph.nodes[source].get("parent") == self.graph.nodes[target].get("parent"):
                self._count_edge(source, target)
                self.graph.add_edge(source, target, kind="data")

    def _count_edge(self, source: str, target: str) -> None:
        """Count a new edge (networkx's number_of_edges() sums every degree: quadratic if asked each time)."""
        if not self.graph.has_edge(source, target):
            self.edges += 1
            if self.edges > MAX_EDGES:
                raise GraphTooLarge(self.edges)

    def _start(self, frame: Frame, pending: Iterable[Pending], ctx: Context, as_task: bool = False) -> tuple[frozenset[str], set[str]]:
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
            elif node_id and item not in self._tasks and node_id in self._start_groups and ctx.group not in self._start_groups[node_id]:
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
            _also(attrs, f"started in {_group_label(attrs['group'])}")
        copy_id = base = f"{node_id}@{_id_safe(group or 'no-group')}"
        while copy_id in self.graph:  # (two group names the same once made safe for an id)
            copy_id = f"{base}-{sum(1 for n in self.graph if n.startswith(base))}"
        copy = {**attrs, "id": copy_id, "group": group, "never_runs": False, "condition": None, "conditional": False,
                "copy_of": node_id}
        _also(copy, f"started in {_group_label(group)}")
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

    # -- statements ----------------------------------------------------------------------------------
    def _block(self, body: list[nodes.NodeNG], frame: Frame, ctx: Context) -> Context | str:
        """Compile statements in order. Returns the context the code after them runs in, or, when no path
        gets past them, how they leave: RETURN, RAISE or JUMP (break/continue)."""
        for stmt in body:
            ctx = self._stmt(stmt, frame, ctx)
            if not isinstance(ctx, Context):
                return ctx
        return ctx

    def _stmt(self, stmt: nodes.NodeNG, frame: Frame, ctx: Context) -> Context | str:
        if isinstance(stmt, nodes.Assign):
            flow = self._expr(stmt.value, frame, ctx)
            for target in stmt.targets:
                self._bind(target, flow, frame)
        elif isinstance(stmt, nodes.AnnAssign):
            if stmt.value is not None:
                self._bind(stmt.target, self._expr(stmt.value, frame, ctx), frame)
        elif isinstance(stmt, nodes.AugAssign):
            flow = self._expr(stmt.value, frame, ctx)
            if isinstance(stmt.target, nodes.AssignName):
                frame.vars[stmt.target.name] = frame.vars.get(stmt.target.name, Flow()) | flow.without_pending() | Flow(pending=flow.pending)
            else:
                self._bind(stmt.target, flow, frame, merge=True)
        elif isinstance(stmt, nodes.Expr):
            self._expr(stmt.value, frame, ctx)
        elif isinstance(stmt, nodes.Return):
            frame.returns.append(self._expr(stmt.value, frame, ctx) if stmt.value is not None else Flow())
            return RETURN
        elif isinstance(stmt, nodes.Raise):
            for child in stmt.get_children():
                self._expr(child, frame, ctx)
            return RAISE
        elif isinstance(stmt, (nodes.Break, nodes.Continue)):
            frame.loop_exits.append((dict(frame.vars), set(frame.frontier)))
            return JUMP
        elif isinstance(stmt, nodes.If):
            self._expr(stmt.test, frame, ctx)
            condition = stmt.test.as_string()
            return self._branches(frame, ctx, [
                (stmt.body, _and(ctx, condition)),
                (stmt.orelse, _and(ctx, f"not ({condition})")),
            ])
        elif isinstance(stmt, (nodes.For, nodes.AsyncFor, nodes.While)):
            return self._loop(stmt, frame, ctx)
        elif isinstance(stmt, (nodes.Try, getattr(nodes, "TryStar", nodes.Try))):
            end = self._block(stmt.body, frame, ctx)
            caught = [h.type.as_string() if h.type is not None else "exception" for h in stmt.handlers]
            branches: list[tuple[list, Context]] = []
            exits: list[str] = []
            if isinstance(end, Context):
                # `else` (and, past it, the rest) runs when the body completed: when no handler ran.
                branches.append((stmt.orelse, _and(end, f"no {', '.join(caught)} raised") if caught else end))
                if len(end.conditions) > len(ctx.conditions):
                    exits.append(RETURN)  # the body returned on some path: `else` and what follows run on the others
            else:
                exits.append(end)
            for handler, name in zip(stmt.handlers, caught):
                hctx = Context(ctx.multipliers, ctx.conditions + (f"except {name if handler.type is not None else 'any exception'}",), ctx.group, True)
                branches.append((handler.body, hctx))
            after = self._branches(frame, ctx, branches, exits)
            final = self._block(stmt.finalbody, frame, ctx)  # runs on every path
            return after if isinstance(final, Context) else final
        elif isinstance(stmt, (nodes.With, nodes.AsyncWith)):
            group = ctx.group
            scopes = []
            for item, alias in stmt.items:
                flow = self._expr(item, frame, ctx)
                name = self._group_name(item)
                if name is not None:
                    group = name
                if isinstance(item, nodes.Call) and _is_external(self.resolver.value_of(item.func), "asyncio.TaskGroup"):
                    scopes.append(TaskGroupScope())
                    flow = Flow(flow.sources, flow.pending, scopes[-1])
                if alias is not None:
                    self._bind(alias, flow, frame)
            end = self._block(stmt.body, frame, Context(ctx.multipliers, ctx.conditions, group, ctx.handler))
            for scope in scopes:  # the block ends when every task its TaskGroup started has completed
                self._complete(frame, scope.started)
            return Context(ctx.multipliers, end.conditions, ctx.group, ctx.handler) if isinstance(end, Context) else end
        elif isinstance(stmt, nodes.Match):
            self._expr(stmt.subject, frame, ctx)
            subject = stmt.subject.as_string()
            cases = [(case.body, _and(ctx, f"match {subject}: case {case.pattern.as_string()}"
                                           + (f" if {case.guard.as_string()}" if case.guard is not None else "")))
                     for case in stmt.cases]
            last = stmt.cases[-1] if stmt.cases else None
            irrefutable = (last is not None and last.guard is None and isinstance(last.pattern, nodes.MatchAs)
                           and last.pattern.pattern is None)  # `case _:` or `case name:`
            return self._branches(frame, ctx, cases if irrefutable else cases + [([], ctx)])
        elif isinstance(stmt, (nodes.Assert, nodes.Delete)):
            for child in stmt.get_children():
                if isinstance(child, nodes.NodeNG) and not isinstance(child, nodes.DelName):
                    self._expr(child, frame, ctx)
                if isinstance(child, nodes.Subscript) and isinstance(child.value, nodes.Name) and child.value.name in frame.vars:
                    frame.vars[child.value.name] = _deleted(frame.vars[child.value.name], self._const(child.slice, frame))
        return ctx

    def _branches(self, frame: Frame, ctx: Context, branches: list[tuple[list, Context]], exits: Iterable[str] = ()) -> Context | str:
        """Alternative paths from the current state (``exits``: how paths that already ended left). The
        state after is the merge of the paths that get past them; if some returned (or, in a loop body,
        jumped), the code after runs only under the conditions of those that did not."""
        entry_vars, entry_frontier = dict(frame.vars), set(frame.frontier)
        outcomes: list[tuple[dict[str, Flow], set[str]]] = []
        ends: list[Context] = []
        exits = list(exits)
        narrowed = False  # a path inside a branch returned or jumped: the branch's end has more conditions
        for body, bctx in branches:
            frame.vars, frame.frontier = dict(entry_vars), set(entry_frontier)
            end = self._block(body, frame, bctx)
            if isinstance(end, Context):
                outcomes.append((frame.vars, frame.frontier))
                ends.append(end)
                narrowed = narrowed or len(end.conditions) > len(bctx.conditions)
            else:
                exits.append(end)
        if not outcomes:
            return next((e for e in (RETURN, JUMP) if e in exits), RAISE)
        self._merge_states(frame, outcomes, entry_vars)
        if not narrowed and RETURN not in exits and JUMP not in exits:
            return ctx
        extra = [end.conditions[len(ctx.conditions):] for end in ends]
        if len(extra) == 1:
            conditions = ctx.conditions + extra[0]
        elif all(extra):
            conditions = ctx.conditions + (_short(" or ".join(f"({' and '.join(e)})" for e in extra), 120),)
        else:
            conditions = ctx.conditions
        return Context(ctx.multipliers, conditions, ctx.group, ctx.handler)

    def _merge_states(self, frame: Frame, states: list[tuple[dict[str, Flow], set[str]]], entry_vars: dict[str, Flow]) -> None:
        """The state where paths in ``states`` (vars, frontier) join."""
        merged: dict[str, Flow] = {}
        for variables, _ in states:
            for name, flow in variables.items():
                merged[name] = merged[name] | flow if name in merged else flow
        for name in merged:
            if all(variables.get(name) is entry_vars.get(name) for variables, _ in states):
                merged[name] = entry_vars[name]  # untouched on every path: as it was, elements included
                continue
            consts = [v[name].const if name in v else NOTHING for v, _ in states]
            merged[name].const = consts[0] if all(c is consts[0] or c == consts[0] for c in consts) else NOTHING
        frame.vars = merged
        frontier: set[str] = set()
        for _, path_frontier in states:
            frontier |= path_frontier
        frame.frontier = frontier
        self._complete(frame, ())

    def _loop(self, stmt: nodes.For | nodes.While, frame: Frame, ctx: Context) -> Context | str:
        leaves = _loop_leaves(stmt.body)
        always = False
        if isinstance(stmt, nodes.While):
            self._expr(stmt.test, frame, ctx)
            count = None
        else:
            iterated = self._expr(stmt.iter, frame, ctx)
            # A map runs as it is iterated; so does an async generator (`async for x in traced_stream(q)`).
            maps = [p for p in iterated.pending
                    if isinstance(stmt, nodes.AsyncFor) or (p.node_id and self.graph.nodes[p.node_id]["kind"] == "map")]
            if maps:
                iterated = self._await(frame, Flow(iterated.sources, tuple(maps), iterated.const), ctx)
            # A `break` or `return` can end the loop early: how often its body runs is known only at run time.
            count = None if leaves else _trips(iterated)
            # Over a known non-empty sequence the body runs at least once (up to a `break` or `return`).
            always = _trips(iterated) not in (None, 0)
            # Iterating coroutines or tasks (`for fut in asyncio.as_completed(...)`) hands them to the target.
            self._bind(stmt.target, Flow(iterated.sources, iterated.pending), frame)
        self._forget_consts(stmt.body, frame)
        if count != 0:
            self._loop_body(stmt.body, frame, Context(ctx.multipliers + (count,), ctx.conditions, ctx.group, ctx.handler),
                            always)
        after = _and(ctx, f"the loop at line {stmt.lineno} does not return") if "return" in leaves else ctx
        orelse = _and(after, f"the loop at line {stmt.lineno} ends without break") if "break" in leaves else after
        end = self._block(stmt.orelse, frame, orelse)
        if not isinstance(end, Context):
            return end if "break" not in leaves else after
        return after

    def _loop_body(self, body: list, frame: Frame, ctx: Context, always: bool = False) -> None:
        """Twice, so that what one iteration produces reaches the next (loop-carried data and order).
        ``always``: the body surely runs at least once, so what it replaces on every path does not reach past
        the loop."""
        outer_exits = frame.loop_exits
        # Deeply nested loops are compiled once each: two passes per level would cost 2**depth.
        self._loop_depth = getattr(self, "_loop_depth", 0) + 1
        passes = 2 if self._loop_depth <= MAX_LOOP_REPASS_DEPTH else 1
        try:
            self._loop_passes(body, frame, ctx, passes, outer_exits, always)
        finally:
            self._loop_depth -= 1

    def _loop_passes(self, body: list, frame: Frame, ctx: Context, passes: int, outer_exits, always: bool) -> None:
        for _ in range(passes):
            before, before_frontier = dict(frame.vars), set(frame.frontier)
            frame.loop_exits = []
            end = self._block(body, frame, ctx)
            # The next iteration starts where this one completed or `continue`d; `break` also ends up after the loop.
            states = ([(frame.vars, frame.frontier)] if isinstance(end, Context) else []) + frame.loop_exits
            if states:
                self._merge_states(frame, states, before)
            else:  # every iteration returns or raises
                frame.vars, frame.frontier = before, before_frontier
            for name, flow in before.items() if not always else ():
                # The body may not run: the values from before the loop may reach past it. (A name the body
                # leaves alone keeps its value: `range(n)` after a loop still has n's default.) When it surely
                # runs, a path that keeps the old value (a `continue` before the assignment, an assignment
                # under `if`) brings it in its own state.
                if name in frame.vars and frame.vars[name] is not flow:
                    frame.vars[name] = frame.vars[name] | flow.without_pending()
        frame.loop_exits = outer_exits

    def _forget_consts(self, body: list, frame: Frame) -> None:
        for stmt in body:
            for node in walk(stmt):
                if isinstance(node, nodes.AssignName) and node.name in frame.vars:
                    frame.vars[node.name] = Flow(frame.vars[node.name].sources, frame.vars[node.name].pending)

    def _bind(self, target: nodes.NodeNG, flow: Flow, frame: Frame, merge: bool = False) -> None:
        if isinstance(target, nodes.AssignName):
            frame.vars[target.name] = (frame.vars.get(target.name, Flow()) | flow) if merge else flow
        elif isinstance(target, (nodes.Tuple, nodes.List)):
            values = flow.const if isinstance(flow.const, (tuple, list)) and len(flow.const) == len(target.elts) else None
            starred = any(isinstance(e, nodes.Starred) for e in target.elts)
            parts = flow.items if isinstance(flow.items, tuple) and len(flow.items) == len(target.elts) and not starred else None
            for i, element in enumerate(target.elts):
                if parts is not None:
                    part = Flow(parts[i].sources, parts[i].pending, values[i] if values is not None else parts[i].const, parts[i].items)
                else:
                    part = Flow(flow.sources, flow.pending, values[i] if values is not None else NOTHING)
                self._bind(element.value if isinstance(element, nodes.Starred) else element, part, frame, merge)
        elif isinstance(target, (nodes.Subscript, nodes.AssignAttr)):
            self._store(target, flow, frame, replace=not merge)

    def _group_name(self, expr: nodes.NodeNG) -> str | None:
        if isinstance(expr, nodes.Call):
            callee = self.resolver.value_of(expr.func)
            if isinstance(callee, External) and callee.path == "flyte.group":
                arg = expr.args[0] if expr.args else next((k.value for k in expr.keywords or [] if k.arg == "name"), None)
                if isinstance(arg, nodes.Const):
                    return str(arg.value)
                return arg.as_string() if arg is not None else "group"
        return None

    # -- expressions ---------------------------------------------------------------------------------
    def _expr(self, node: nodes.NodeNG | None, frame: Frame, ctx: Context) -> Flow:
        if node is None:
            return Flow()
        if isinstance(node, nodes.Const):
            return Flow(const=node.value)
        if isinstance(node, nodes.Name):
            flow = frame.vars.get(node.name)
            if flow is not None:
                return flow
            return Flow(const=self._const(node, frame))
        if isinstance(node, nodes.Await):
            return self._await(frame, self._expr(node.value, frame, ctx), ctx)
        if isinstance(node, nodes.Call):
            return self._call(node, frame, ctx)
        if isinstance(node, (nodes.ListComp, nodes.SetComp, nodes.GeneratorExp, nodes.DictComp)):
            return self._comprehension(node, frame, ctx)
        if isinstance(node, nodes.NamedExpr):
            flow = self._expr(node.value, frame, ctx)
            self._bind(node.target, flow, frame)
            return flow
        if isinstance(node, (nodes.Lambda,) + FUNCTION_NODES):
            return Flow()
        if isinstance(node, nodes.IfExp):
            # Two alternatives, like an if statement's branches: neither follows the other.
            self._expr(node.test, frame, ctx)
            entry = set(frame.frontier)
            body = self._expr(node.body, frame, _and(ctx, node.test.as_string()))
            after_body, frame.frontier = frame.frontier, entry
            orelse = self._expr(node.orelse, frame, _and(ctx, f"not ({node.test.as_string()})"))
            frame.frontier = set(after_body) | frame.frontier
            self._complete(frame, ())
            return body | orelse
        flows = [self._expr(child, frame, ctx) for child in node.get_children() if isinstance(child, nodes.NodeNG)]
        result = Flow.union(flows)
        if isinstance(node, (nodes.List, nodes.Tuple)) and not any(isinstance(e, nodes.Starred) for e in node.elts):
            result.items = tuple(flows)
            if all(f.const is not NOTHING for f in flows):
                result.const = [f.const for f in flows] if isinstance(node, nodes.List) else tuple(f.const for f in flows)
        elif isinstance(node, nodes.Dict) and all(isinstance(k, nodes.Const) for k, _ in node.items):
            result.items = {k.value: f for (k, _), f in zip(node.items, flows[1::2])}
        elif isinstance(node, nodes.Subscript):
            element = flows[0].item(self._const(node.slice, frame))
            if element is not None:
                result = Flow(element.sources | flows[1].sources, element.pending + flows[1].pending, items=element.items)
            result.const = self._const(node, frame)
        elif isinstance(node, (nodes.BinOp, nodes.UnaryOp)):
            result.const = self._const(node, frame)
        return result

    def _comprehension(self, node: nodes.NodeNG, frame: Frame, ctx: Context) -> Flow:
        inner = ctx
        sources: frozenset[str] = frozenset()
        saved = dict(frame.vars)
        for generator in node.generators:
            iterated = self._expr(generator.iter, frame, inner)
            maps = [p for p in iterated.pending
                    if generator.is_async or (p.node_id and self.graph.nodes[p.node_id]["kind"] == "map")]
            if maps:
                iterated = self._await(frame, Flow(iterated.sources, tuple(maps)), inner)
            count = _trips(iterated)
            self._bind(generator.target, Flow(iterated.sources, iterated.pending), frame)
            if generator.ifs:
                count = None
                inner = _and(inner, " and ".join(i.as_string() for i in generator.ifs))
            inner = Context(inner.multipliers + (count,), inner.conditions, inner.group, inner.handler)
            for condition in generator.ifs:
                sources |= self._expr(condition, frame, inner).sources
            sources |= iterated.sources
        elements = [node.key, node.value] if isinstance(node, nodes.DictComp) else [node.elt]
        # Elements that await, or call sync tasks, run one after the other: like a loop body, compile them
        # twice so that each run follows the previous one.
        sequential = any(isinstance(n, nodes.Await) or (id(n) in self.sites and not self.sites[id(n)].makes_coroutine)
                         for e in elements for n in walk(e))
        for _ in range(2 if sequential else 1):
            result = Flow.union(self._expr(e, frame, inner) for e in elements)
        frame.vars = {**saved, **{k: v for k, v in frame.vars.items() if k in saved}}
        return Flow(result.sources | sources, result.pending)

    def _call(self, call: nodes.Call, frame: Frame, ctx: Context) -> Flow:
        site = self.sites.get(id(call))
        callee = self.resolver.value_of(call.func)
        if isinstance(call.func, nodes.Attribute):
            func_flow = self._expr(call.func.expr, frame, ctx)
        elif isinstance(call.func, (nodes.Call, nodes.Subscript)):  # the callee is computed: `getattr(m, name)(x)`
            func_flow = self._expr(call.func, frame, ctx)
        else:
            func_flow = Flow()
        arg_flows = [self._expr(a.value if isinstance(a, nodes.Starred) else a, frame, ctx) for a in call.args]
        arg_flows += [self._expr(k.value, frame, ctx) for k in call.keywords or []]
        args = Flow.union(arg_flows)

        if isinstance(call.func, nodes.Attribute) and call.func.attrname == "create_task" and isinstance(func_flow.const, TaskGroupScope):
            sources, completes = self._start(frame, args.pending, ctx, as_task=True)
            func_flow.const.started |= completes
            return Flow(sources, args.pending)  # (its result, `t.result()`, is there once the block has ended)
        if site is not None and site.task is not None and site.form in ("map", "map_aio"):
            return self._map_node(site, call, frame, ctx, arg_flows)
        if site is not None and site.form == "forward" and site.task is not None:
            return self._inline(site.task.func, call, arg_flows, frame, ctx)
        if site is not None:
            return self._task_call(site, call, frame, ctx, args | func_flow, arg_flows)
        used = self.objects.get(id(call)) if self.objects else None
        if used is not None:
            flow = self._object_call(used, call, frame, ctx, args | func_flow, arg_flows)
            if flow is not None:
                return flow
        if isinstance(callee, External):
            path = callee.path
            if path in STARTERS:
                self._start(frame, args.pending, ctx, as_task=True)
                return args  # started, and still pending: awaiting the task completes them
            if path in CONSUMERS:
                maps = tuple(p for p in args.pending if p.node_id and self.graph.nodes[p.node_id]["kind"] == "map")
                if maps:
                    done = self._await(frame, Flow(args.sources, maps), ctx)
                    return Flow(done.sources, tuple(p for p in args.pending if p not in maps))
            if path == "asyncio.run":
                return self._await(frame, args, ctx)
            if path == "asyncio.wait":
                for item in args.pending:
                    if item.node_id and item not in self.started:  # a coroutine, not a task (nor a gather's future)
                        _also(self.graph.nodes[item.node_id], "Python 3.10 (asyncio.wait raises TypeError for a coroutine from 3.11 on)")
            if path == "asyncio.gather":
                # It wraps each coroutine in a task when called: they start here, awaited or not, and its future
                # carries those tasks, not the coroutines (which may be in containers gathered elsewhere).
                tasks = self._start_tasks(frame, args.pending, ctx)
                result = _with_tasks(args, tasks)
                if not any(isinstance(a, nodes.Starred) for a in call.args):
                    # Its results come in argument order: unpacking them keeps each one's own flow.
                    result.items = tuple(_with_tasks(f, tasks) for f in arg_flows[: len(call.args)])
                return result
            if path in ("flyte.map", "flyte.map.aio"):
                what = self.resolver.value_of(call.args[0]) if call.args else None
                kind = {LambdaRef: "a lambda", FunctionRef: "a plain function"}.get(type(what), "something that is not a resolvable task")
                task_class = _task_class_called(what)
                if task_class is not None:
                    kind = f"a {task_class} task, which the graph does not model"
                return args | self._unknown_node(call, frame, ctx, f"flyte.map of {kind}", args | func_flow)
            if path.startswith("builtins."):
                result = args | func_flow
                result.const = self._const(call, frame)
                if path in ("builtins.list", "builtins.tuple") and len(arg_flows) == 1 and isinstance(arg_flows[0].items, tuple):
                    result.items = arg_flows[0].items
                return result
        if isinstance(callee, FunctionRef):
            if callee.traced:
                return self._trace_node(callee.func, call, frame, ctx, args)
            if isinstance(callee.func, nodes.AsyncFunctionDef):
                return Flow(pending=(Pending(helper=(callee.func, call, arg_flows, ctx)),))
            return self._inline(callee.func, call, arg_flows, frame, ctx)
        reason = self._unknown_reason(call, frame)
        if reason is not None:
            return args | self._unknown_node(call, frame, ctx, reason, args | func_flow)
        # A method that mutates a container (`results.append(x)`, `by_key[k].append(x)`) makes it carry x.
        # (Any other method may change it too: its statically known value is gone.)
        if isinstance(call.func, nodes.Attribute) and call.func.attrname not in READERS:
            self._store(call.func.expr, args, frame, replace=False, only_known=True)
        return args | func_flow

    def _store(self, container: nodes.NodeNG, flow: Flow, frame: Frame, replace: bool, only_known: bool = False) -> None:
        """``flow`` goes into ``container`` (``x``, ``x[k]``, ``x[k][j]``, ``x.setdefault(k, [])``, ``x.attr``), a
        part of a variable: it replaces that part (``replace``: an assignment) or is added to it. ``only_known``:
        only into a variable of the body (not a module, such as ``asyncio`` in ``asyncio.gather(...)``)."""
        keys: list[Any] = []
        while not isinstance(container, nodes.Name):
            if isinstance(container, nodes.Subscript):
                keys.append(self._const(container.slice, frame))
                container = container.value
            elif isinstance(container, (nodes.Attribute, nodes.AssignAttr)):
                keys.append(NOTHING)  # (an attribute: a part the graph does not tell apart)
                container = container.expr
            elif isinstance(container, nodes.Call) and isinstance(container.func, nodes.Attribute):
                method = container.func.attrname  # `x.setdefault(k, [])`, `x.get(k)`: the element at k
                first = self._const(container.args[0], frame) if container.args else NOTHING
                keys.append(first if method in ("setdefault", "get") else NOTHING)
                container = container.func.expr
            else:
                return
        if container.name in frame.vars or not only_known:
            frame.vars[container.name] = _put(frame.vars.get(container.name, Flow()), keys[::-1], flow, replace)

    def _task_call(self, site: CallSite, call: nodes.Call, frame: Frame, ctx: Context, args: Flow, arg_flows: list[Flow]) -> Flow:
        if site.form == "remote":
            name = getattr(site.callee, "name", None) or getattr(getattr(site.callee, "owner", None), "name", None)
            node_id = self._add_node(self._node_id(frame, call, "remote"), kind="remote", task=name, site_module=site.module,
                                     line=call.lineno, ctx=ctx, parent=frame.parent, call=call)
            self._data_edges(args.sources, node_id)
            self.graph.nodes[node_id].setdefault("never_runs", True)
            return Flow(pending=(Pending(node_id=node_id),))
        task = site.task
        node_id = self._node_id(frame, call, task.func.name)
        recursive = task in self._stack
        self._add_node(node_id, kind="task", task=task.name, site_module=site.module, line=call.lineno, ctx=ctx,
                       parent=frame.parent, env_task=task, recursive=recursive, form=site.form, call=call)
        self._data_edges(args.sources, node_id)
        if recursive:
            # The node stands for the whole cut-off recursion: how often that runs is known only at run time.
            self.graph.nodes[node_id]["count"] = None
            self.graph.nodes[node_id]["dynamic"] = True
            self.graph.nodes[node_id]["reason"] = f"recursive call of {task.name}; not expanded"
        elif self.expand:
            self._expand(task, node_id, self._arguments(task.func, call, arg_flows))
        if site.makes_coroutine:
            self.graph.nodes[node_id].setdefault("never_runs", True)
            return Flow(pending=(Pending(node_id=node_id),))
        self.graph.nodes[node_id]["never_runs"] = False
        self._order_edges(frame, node_id)
        self._complete(frame, [node_id])
        return Flow(frozenset({node_id}))

    def _map_count(self, call: nodes.Call, frame: Frame, ctx: Context) -> int | None:
        """How many items a ``flyte.map(task, *iterables)`` runs in all (per run of its context), or None."""
        iterables = call.args[1:]
        lengths = [self._static_length(a, frame) for a in iterables] if iterables else [None]
        known = [n for n in lengths if n is not None]
        per_parent = min(known) if known and len(known) == len(lengths) else None
        outer = ctx.count
        return per_parent * outer if per_parent is not None and outer is not None else None

    def _static_length(self, node: nodes.NodeNG, frame: Frame) -> int | None:
        """The length of the sequence ``node`` gives, when static: a constant, or a list comprehension or
        generator expression of one ``for`` without conditions over a constant (``[f(x) for x in range(n)]``,
        n known). (A second ``for`` may iterate over the first one's variable, which a constant of the
        enclosing body could shadow here.)"""
        if isinstance(node, (nodes.ListComp, nodes.GeneratorExp)):
            if len(node.generators) != 1 or node.generators[0].ifs or node.generators[0].is_async:
                return None
            return _length(self._const(node.generators[0].iter, frame))
        return _length(self._const(node, frame))

    def _map_node(self, site: CallSite, call: nodes.Call, frame: Frame, ctx: Context, arg_flows: list[Flow]) -> Flow:
        node_id = self._add_map(call, frame, ctx, arg_flows, f"map-{site.task.func.name}", site.task.name, site.module,
                                env_task=site.task, map_form=site.form)
        if self.expand and site.task not in self._stack:
            self._expand(site.task, node_id, {})
        self.graph.nodes[node_id].setdefault("never_runs", True)
        return Flow(pending=(Pending(node_id=node_id),))

    def _add_map(self, call: nodes.Call, frame: Frame, ctx: Context, arg_flows: list[Flow], segment: str, task: str,
                 module, **attrs) -> str:
        """The node of a ``flyte.map`` of ``task`` (its id's last segment ``segment``): its count, and data edges
        from what the map is given."""
        count = self._map_count(call, frame, ctx)
        node_id = self._add_node(self._node_id(frame, call, segment), kind="map", task=task, site_module=module,
                                 line=call.lineno, ctx=ctx, parent=frame.parent, count=count, call=call, **attrs)
        if count is None:
            self.graph.nodes[node_id]["dynamic"] = True
        self._data_edges(Flow.union(arg_flows).sources, node_id)
        return node_id

    def _object_call(self, used: TaskObjectCall, call: nodes.Call, frame: Frame, ctx: Context, args: Flow,
                     arg_flows: list[Flow]) -> Flow | None:
        """A node for a ContainerTask or a shell task the call runs, when the model knows what made it and its
        name is a literal (the SDK names the task after it, without its env): called, ``.aio``-called or mapped
        (a ContainerTask), or called (a shell task, which has no ``.aio`` and fails when mapped). Its call
        makes a coroutine: the task starts when that is awaited (see TaskObjectCall.coroutine). None: leave
        the call to an unknown node (another maker, an ``.override(...)`` form, a name computed at run time)."""
        segment = _object_segment(used)
        if segment is None:
            return None
        kind = _class_name(used.maker) if used.maker == CONTAINER_TASK else "shell"
        extra = {"env": used.env.label if used.env is not None else None, "object": kind}
        if used.form in ("map", "map_aio"):
            node_id = self._add_map(call, frame, ctx, arg_flows, segment, segment.removeprefix("map-"),
                                    used.call.module, map_form=used.form, **extra)
        else:
            node_id = self._add_node(self._node_id(frame, call, segment), kind="task", task=segment,
                                     site_module=used.call.module, line=call.lineno, ctx=ctx, parent=frame.parent,
                                     form=used.form, call=call, **extra)
            self._data_edges(args.sources, node_id)
        self.graph.nodes[node_id].setdefault("never_runs", True)
        return Flow(pending=(Pending(node_id=node_id),))

    def _trace_node(self, func: nodes.FunctionDef, call: nodes.Call, frame: Frame, ctx: Context, args: Flow) -> Flow:
        node_id = self._add_node(self._node_id(frame, call, func.name), kind="trace", task=None, site_module=self.resolver.module_of(call),
                                 line=call.lineno, ctx=ctx, parent=frame.parent, function=func.name, call=call)
        self._data_edges(args.sources, node_id)
        if isinstance(func, nodes.AsyncFunctionDef):
            self.graph.nodes[node_id].setdefault("never_runs", True)
            return Flow(pending=(Pending(node_id=node_id),))
        self._order_edges(frame, node_id)
        self._complete(frame, [node_id])
        return Flow(frozenset({node_id}))

    def _unknown_reason(self, call: nodes.Call, frame: Frame | None) -> str | None:
        """Why a call that may invoke a task cannot be resolved, or None when it is surely not a task."""
        key = id(call)
        if key not in self._reasons:
            self._reasons[key] = self._why_unresolved(call)
        return self._reasons[key]

    def _why_unresolved(self, call: nodes.Call) -> str | None:
        func = call.func
        callee = self.resolver.value_of(func)
        if isinstance(callee, TaskChoice):  # one of several tasks: why the graph cannot tell which
            names = ", ".join(sorted({option.task.name for option in callee.options}))
            return self._why_callee_unresolved(call, Unknown()) or f"the callee `{_short(func.as_string())}` is one of {names}, chosen at run time"
        return self._why_callee_unresolved(call, callee)

    def _why_callee_unresolved(self, call: nodes.Call, callee) -> str | None:
        """Why the call of ``callee`` (Unknown: a callee the model does not resolve) cannot be resolved."""
        func = call.func
        if not isinstance(callee, Unknown):
            if isinstance(callee, External) and callee.path in ("flyte.map", "flyte.map.aio") and call.args:
                target = self.resolver.value_of(call.args[0])
                if isinstance(target, Unknown):
                    return f"the task mapped by `{func.as_string()}` is not statically known"
            task_class = _task_class_called(callee)
            if task_class is not None:
                return f"`{_short(func.as_string())}` runs a {task_class} task, which the graph does not model"
            return None
        if isinstance(func, nodes.Attribute) and func.attrname == "aio":
            return f"`{func.expr.as_string()}` is not a task that can be resolved statically"
        if isinstance(func, nodes.Subscript) and isinstance(self.resolver.value_of(func.value), (Unknown, TaskCollection)):
            # (a subscripted class, such as a generic ``Batcher[int, str](...)``, is not a task)
            return f"the callee `{func.as_string()}` is chosen at run time"
        if isinstance(func, nodes.Call):
            inner = self.resolver.value_of(func.func)
            if isinstance(inner, External) and inner.path == "builtins.getattr":
                return f"the callee `{func.as_string()}` is looked up at run time"
        awaited = isinstance(call.parent, nodes.Await)
        if isinstance(func, nodes.Name) and awaited:
            scope = enclosing_function(call)
            if isinstance(scope, FUNCTION_NODES) and func.name in {a.name for a in scope.args.arguments or []}:
                return f"`{func.name}` is a callable passed in as a parameter"
        if isinstance(func, nodes.Name):
            return self._why_name_unresolved(func, awaited)
        return None

    def _why_name_unresolved(self, func: nodes.Name, awaited: bool) -> str | None:
        """Why the name ``func`` calls may be a task the model cannot resolve, from how the name is bound: a
        task under a decorator the model cannot see through, an SDK or plugin task object (made where the name
        is bound, or by a function of the project that returns one), or (``awaited``: a coroutine) a callable
        chosen at run time, by a loop or a lookup."""
        try:
            _, bindings = func.lookup(func.name)
        except Exception:  # astroid lookup on odd trees  # pragma: no cover
            return None
        return self._why_bound_unresolved(func.name, bindings, awaited)

    def _why_bound_unresolved(self, name: str, bindings, awaited: bool, depth: int = 0) -> str | None:
        for binding in bindings:
            if isinstance(binding, nodes.ImportFrom) and depth < MAX_INLINE_DEPTH:  # the binding in its module
                source = self.resolver.imported_module(binding)
                tree = source.module.tree if isinstance(source, ModuleRef) else None
                for original, alias in binding.names if tree is not None else ():
                    if (alias or original) == name and original in tree.locals:
                        reason = self._why_bound_unresolved(name, tree.locals[original], awaited, depth + 1)
                        if reason is not None:
                            return reason
                continue
            if isinstance(binding, FUNCTION_NODES):
                task = self._task_of_function(binding)
                if task is not None:
                    return f"`{name}` is task {task.name} under a decorator the graph cannot see through"
                continue
            if not isinstance(binding, nodes.AssignName):
                continue
            statement = binding.parent
            while isinstance(statement, (nodes.Tuple, nodes.List, nodes.Starred)):
                statement = statement.parent
            if isinstance(statement, (nodes.For, nodes.AsyncFor, nodes.Comprehension)):
                if awaited:
                    return f"the callee `{name}` is chosen by a loop at run time"
                continue
            value = statement.value if isinstance(statement, (nodes.Assign, nodes.AnnAssign)) else None
            if isinstance(value, nodes.Subscript) and awaited:
                return f"the callee `{name}` is chosen at run time (`{_short(value.as_string())}`)"
            if isinstance(value, nodes.Call):
                maker = self.resolver.value_of(value.func)
                if awaited and isinstance(maker, External) and maker.path == "builtins.getattr":
                    return f"the callee `{name}` is looked up at run time (`{_short(value.as_string())}`)"
                made = self._task_made_by(maker)
                if made is not None:
                    return f"`{name}` is made by `{_short(value.func.as_string())}(...)`, {made}, which the graph does not model"
        return None

    def _task_of_function(self, func: nodes.FunctionDef) -> Task | None:
        return self.analysis.unwrapped.task_by_function.get(id(func))

    def _task_made_by(self, maker) -> str | None:
        """What kind of task calling ``maker`` makes, when it surely makes one the model does not resolve: an
        SDK task class, an SDK function that returns a task object, a plugin's class (``flyteplugins``: its
        connector tasks), or a function of the project that returns one of these."""
        if isinstance(maker, External):
            if maker.path.startswith("flyteplugins."):
                return f"a task of plugin `{maker.path.rpartition('.')[0]}`"
            returned = maker.path if _task_class(maker.path) else sdk.returns(maker.path)
            return f"a {_class_name(returned)} task" if returned and _task_class(returned) else None
        if isinstance(maker, FunctionRef):
            for node in walk(maker.func):
                if isinstance(node, nodes.Return) and isinstance(node.value, nodes.Call) and enclosing_function(node) is maker.func:
                    inner = self.resolver.value_of(node.value.func)
                    if not isinstance(inner, FunctionRef):  # (one level: no chains of factories)
                        made = self._task_made_by(inner)
                        if made is not None:
                            return made
        return None

    def _unknown_node(self, call: nodes.Call, frame: Frame, ctx: Context, reason: str, inputs: Flow) -> Flow:
        """``inputs``: the flows of the callee expression and the arguments."""
        node_id = self._add_node(self._node_id(frame, call, "unknown"), kind="unknown", task=None,
                                 site_module=self.resolver.module_of(call), line=call.lineno, ctx=ctx, parent=frame.parent,
                                 reason=reason, source=_short(call.as_string()), call=call)
        self.graph.nodes[node_id]["dynamic"] = True
        self._data_edges(inputs.sources, node_id)
        if isinstance(call.parent, nodes.Await):
            return Flow(pending=(Pending(node_id=node_id),))
        self._order_edges(frame, node_id)
        self._complete(frame, [node_id])
        return Flow(frozenset({node_id}))

    # -- helpers: inlined ----------------------------------------------------------------------------
    def _inline(self, func: nodes.FunctionDef, call: nodes.Call, arg_flows: list[Flow], frame: Frame, ctx: Context) -> Flow:
        if frame.depth >= MAX_INLINE_DEPTH or any(f is func for f in self._inline_stack(frame)):
            return Flow.union(arg_flows)
        seg = self._node_id(frame, call, func.name).rsplit("/", 1)[1]
        inner = Frame(parent=frame.parent, prefix=f"{frame.prefix}/{seg}", function=func, depth=frame.depth + 1)
        inner.frontier = set(frame.frontier)
        inner.vars = {}
        inner._outer = frame  # type: ignore[attr-defined]
        self._bind_parameters(func, inner, self._arguments(func, call, arg_flows), entry=False)
        if enclosing_function(func) is frame.function:  # a nested def sees the enclosing variables
            for name, flow in frame.vars.items():
                inner.vars.setdefault(name, flow)
        self._block(func.body, inner, ctx)
        frame.frontier = inner.frontier
        # The arguments are bound to the parameters: what of them reaches the result is in the returns.
        return Flow.union(inner.returns) if inner.returns else Flow()

    def _inline_stack(self, frame: Frame):
        current = frame
        while current is not None:
            yield current.function
            current = getattr(current, "_outer", None)

    def _arguments(self, func: nodes.FunctionDef, call: nodes.Call, arg_flows: list[Flow]) -> dict[str, Flow]:
        """Argument flows by parameter name (``*args``/``**kwargs`` parameters get what lands in them)."""
        spec = func.args
        params = [a.name for a in list(spec.posonlyargs or []) + list(spec.args or [])]
        named = set(params) | {a.name for a in spec.kwonlyargs or []}
        rest = [n for n in (spec.vararg, spec.kwarg) if n]
        positional, keywords = arg_flows[: len(call.args)], arg_flows[len(call.args):]
        if any(isinstance(a, nodes.Starred) for a in call.args) or any(k.arg is None for k in call.keywords or []):
            # Unpacked arguments: any parameter may receive any of them.
            every = Flow.union(arg_flows)
            return {name: every for name in [*named, *rest]}
        bound: dict[str, Flow] = dict(zip(params, positional))
        if spec.vararg:
            bound[spec.vararg] = Flow.union(positional[len(params):])
        for kw, flow in zip(call.keywords or [], keywords):
            if kw.arg in named:
                bound[kw.arg] = flow
            elif spec.kwarg:
                bound[spec.kwarg] = bound.get(spec.kwarg, Flow()) | flow
        return bound

    # -- constants -----------------------------------------------------------------------------------
    def _const(self, node: nodes.NodeNG, frame: Frame, depth: int = 0) -> Any:
        if depth > 20:
            return NOTHING
        if isinstance(node, nodes.Const):
            return node.value
        if isinstance(node, (nodes.List, nodes.Tuple, nodes.Set)):
            values = [self._const(e, frame, depth + 1) for e in node.elts]
            if any(v is NOTHING for v in values) or any(isinstance(e, nodes.Starred) for e in node.elts):
                return NOTHING
            return tuple(values) if isinstance(node, nodes.Tuple) else values
        if isinstance(node, nodes.Dict):
            keys = [self._const(k, frame, depth + 1) for k, _ in node.items]
            return dict.fromkeys(keys) if NOTHING not in keys else NOTHING
        if isinstance(node, nodes.Name):
            if node.name in frame.vars:
                return frame.vars[node.name].const
            return self._module_const(node, depth)
        if isinstance(node, nodes.UnaryOp) and node.op == "-":
            value = self._const(node.operand, frame, depth + 1)
            return -value if isinstance(value, (int, float)) else NOTHING
        if isinstance(node, nodes.BinOp):
            left, right = self._const(node.left, frame, depth + 1), self._const(node.right, frame, depth + 1)
            if left is NOTHING or right is NOTHING:
                return NOTHING
            try:
                if node.op in ("+", "-", "*", "//", "%") and isinstance(left, (int, list, tuple, str)):
                    result = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
                              "//": lambda a, b: a // b, "%": lambda a, b: a % b}[node.op](left, right)
                    return result if not isinstance(result, (list, tuple, str)) or len(result) < 100_000 else NOTHING
            except Exception:
                return NOTHING
            return NOTHING
        if isinstance(node, nodes.Call):
            return self._call_const(node, frame, depth)
        return NOTHING

    def _call_const(self, node: nodes.Call, frame: Frame, depth: int) -> Any:
        if node.keywords:
            return NOTHING
        callee = self.resolver.value_of(node.func)
        args = [self._const(a, frame, depth + 1) for a in node.args]
        if any(a is NOTHING for a in args):
            if isinstance(node.func, nodes.Attribute) and node.func.attrname in ("items", "keys", "values") and not node.args:
                base = self._const(node.func.expr, frame, depth + 1)
                return list(base) if isinstance(base, dict) else NOTHING
            return NOTHING
        if not isinstance(callee, External):
            if isinstance(node.func, nodes.Attribute) and node.func.attrname in ("items", "keys", "values") and not node.args:
                base = self._const(node.func.expr, frame, depth + 1)
                return list(base) if isinstance(base, dict) else NOTHING
            return NOTHING
        name = callee.path
        try:
            if name == "builtins.range" and all(isinstance(a, int) for a in args) and 1 <= len(args) <= 3:
                return range(*args)
            if name == "builtins.len" and len(args) == 1 and hasattr(args[0], "__len__"):
                return len(args[0])
            if name in ("builtins.list", "builtins.tuple", "builtins.sorted", "builtins.enumerate", "builtins.reversed") and len(args) == 1:
                return list(args[0]) if name != "builtins.enumerate" else list(enumerate(args[0]))
            if name == "builtins.zip" and args:
                return list(zip(*args))
        except Exception:
            return NOTHING
        return NOTHING

    def _module_const(self, node: nodes.Name, depth: int) -> Any:
        try:
            scope, stmts = node.lookup(node.name)
        except Exception:
            return NOTHING
        if len(stmts) != 1 or not isinstance(scope, nodes.Module):
            return NOTHING
        stmt = stmts[0]
        if isinstance(stmt, nodes.AssignName) and isinstance(stmt.parent, (nodes.Assign, nodes.AnnAssign)):
            value = stmt.parent.value
            if value is not None and not isinstance(value, nodes.Name) or (isinstance(value, nodes.Name) and value.name != node.name):
                return self._const(value, Frame(parent="", prefix="", function=None), depth + 1)
        return NOTHING


def _put(container: Flow, keys: list[Any], value: Flow, replace: bool) -> Flow:
    """``container`` with ``value`` put at the element ``keys`` leads to (NOTHING: a key not known statically,
    so any element may be the one), replacing it or added to it. Elements of a known shape keep their own flows."""
    pending = container.pending + tuple(p for p in value.pending if p not in container.pending)
    if not keys:
        return value if replace else Flow(container.sources | value.sources, pending)
    key, rest = keys[0], keys[1:]
    items, new_items = container.items, None
    if isinstance(items, dict):
        try:
            known = key is not NOTHING and (key in items or (replace and not rest))
        except TypeError:  # unhashable
            known = False
        if known:
            new_items = {**items, key: _put(items.get(key, Flow()), rest, value, replace)}
        elif key is NOTHING:
            new_items = {k: _put(f, rest, value, replace) | f if replace else _put(f, rest, value, False)
                         for k, f in items.items()}
    elif isinstance(items, tuple) and isinstance(key, int) and not isinstance(key, bool) and -len(items) <= key < len(items):
        new_items = tuple(_put(f, rest, value, replace) if i == key % len(items) else f for i, f in enumerate(items))
    return Flow(container.sources | value.sources, pending, items=new_items)


def _loop_leaves(body: list[nodes.NodeNG]) -> set[str]:
    """Which of "break" (of this loop) and "return" occur in a loop body, outside nested functions."""
    found: set[str] = set()

    def visit(node: nodes.NodeNG, nested_loop: bool) -> None:
        if isinstance(node, (nodes.FunctionDef, nodes.AsyncFunctionDef, nodes.Lambda, nodes.ClassDef)):
            return
        if isinstance(node, nodes.Return):
            found.add("return")
        elif isinstance(node, nodes.Break) and not nested_loop:
            found.add("break")
        for child in node.get_children():
            visit(child, nested_loop or isinstance(node, (nodes.For, nodes.AsyncFor, nodes.While)))

    for stmt in body:
        visit(stmt, False)
    return found


def _with_tasks(flow: Flow, tasks: dict[int, Pending]) -> Flow:
    """``flow`` with the coroutines in ``tasks`` replaced by their tasks, in its elements too."""
    items = flow.items
    if isinstance(items, tuple):
        items = tuple(_with_tasks(f, tasks) for f in items)
    elif isinstance(items, dict):
        items = {k: _with_tasks(f, tasks) for k, f in items.items()}
    return Flow(flow.sources, tuple(tasks.get(id(p), p) for p in flow.pending), flow.const, items)


def _deleted(container: Flow, key: Any) -> Flow:
    """``container`` after ``del container[key]``: without that element when its elements are known (what it
    alone held is gone), else as it was but for where each element is."""
    items = container.items
    if isinstance(items, tuple) and isinstance(key, int) and not isinstance(key, bool) and -len(items) <= key < len(items):
        rest = tuple(f for i, f in enumerate(items) if i != key % len(items))
    elif isinstance(items, dict) and key is not NOTHING and not isinstance(key, (list, dict, set)) and key in items:
        rest = {k: f for k, f in items.items() if k != key}
    else:
        return Flow(container.sources, container.pending)
    union = Flow.union(rest.values() if isinstance(rest, dict) else rest)
    return Flow(union.sources, union.pending, items=rest)


def _trips(iterated: Flow) -> int | None:
    """How many elements a loop over ``iterated`` takes: its static value's length, or the number of elements of
    a literal (``for c in [t(1), t(2)]``)."""
    length = _length(iterated.const)
    return len(iterated.items) if length is None and isinstance(iterated.items, tuple) else length


def _length(value: Any) -> int | None:
    if value is NOTHING or value is None:
        return None
    try:
        return len(value)
    except TypeError:
        return None


def lost_coroutine_calls(analysis: Analysis) -> set[tuple[str, int, int]]:
    """(path, line, column) of the calls whose coroutine FLY103 or FLY104, or whose map FLY201, reports as never
    run."""
    from flyte_lint.rules import REGISTRY

    found = getattr(analysis, "_graph_lost_calls", None)  # (one check per model: the FLY7xx notes compile each task)
    if found is None:
        found = {(finding.path, finding.line, finding.column)
                 for code in ("FLY103", "FLY104", "FLY201") for finding in REGISTRY[code].check(analysis)}
        analysis._graph_lost_calls = found
    return found


def _finding_place(module, call: nodes.Call) -> tuple[str, int, int]:
    """Where a rule's finding at ``call`` is (see Rule.finding)."""
    line = call.lineno or 1
    return module.display_path, line, char_column(module, line, call.col_offset or 0) + 1


def _is_external(value, path: str) -> bool:
    return isinstance(value, External) and value.path == path


def _also(attrs: dict, condition: str) -> None:
    """Make the node ``attrs`` conditional on ``condition`` as well."""
    attrs["condition"] = " and ".join(c for c in (attrs.get("condition"), condition) if c)
    attrs["conditional"] = True


def _group_label(group: str | None) -> str:
    return f"group '{group}'" if group is not None else "no group"


def _id_safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)


def _and(ctx: Context, condition: str) -> Context:
    return Context(ctx.multipliers, ctx.conditions + (_short(condition, 120),), ctx.group, ctx.handler)


def _object_segment(used: TaskObjectCall) -> str | None:
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


def _task_class(path: str) -> bool:
    """An SDK class whose instances run as tasks when called: the table knows its ``.aio`` (TaskTemplate and
    its kind: ContainerTask, the shell's container task, sandboxed code) or its ``.as_task`` (the object
    ``flyte.extras.shell.create`` returns)."""
    info = sdk.callable_info(path) if path.startswith("flyte.") else None
    return (info is not None and info.get("kind") == "class"
            and (sdk.callable_info(f"{path}.aio") is not None or sdk.callable_info(f"{path}.as_task") is not None))


def _task_class_called(callee) -> str | None:
    """The class name when ``callee`` is an instance of an SDK task class, or its ``.aio`` (not ``.forward``,
    which runs the task's code in the caller: no task of its own)."""
    if isinstance(callee, Instance) and _task_class(callee.path):
        return _class_name(callee.path)
    if isinstance(callee, External):  # (what an instance's attribute resolves to: the class's path)
        owner, _, attr = callee.path.rpartition(".")
        if attr == "aio" and _task_class(owner):
            return _class_name(owner)
    return None


def _class_name(path: str) -> str:
    return path.rpartition(".")[2].lstrip("_")


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _env_facts(task: Task) -> dict:
    """The env's resources, cache and the task's retries, as source text where set."""
    facts: dict[str, Any] = {}
    for kw in task.env.node.keywords or []:
        if kw.arg in ("resources", "cache"):
            facts[kw.arg] = _short(kw.value.as_string(), 200)
    if task.options is not None:
        for kw in task.options.keywords or []:
            if kw.arg in ("retries", "cache", "timeout"):
                facts[kw.arg] = _short(kw.value.as_string(), 200)
    return facts


DEEP_STACK_THREAD = "flyte-lint-graph"


def with_deep_stack(work):
    """``work()`` on a thread with a large stack (directly when already on one: a caller compiling many
    bodies, as the FLY7xx notes do, pays for one thread, not one per body)."""
    import sys
    import threading

    if threading.current_thread().name == DEEP_STACK_THREAD:
        return work()
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = work()
        except BaseException as exc:  # re-raised in the caller's thread
            result["error"] = exc

    old_limit = sys.getrecursionlimit()
    old_size = threading.stack_size()
    try:
        threading.stack_size(512 * 1024 * 1024)
        sys.setrecursionlimit(max(old_limit, 60_000))
        thread = threading.Thread(target=target, name=DEEP_STACK_THREAD)
        thread.start()
        thread.join()
    except (ValueError, RuntimeError):  # a platform that refuses big thread stacks: compile here
        return work()
    finally:
        threading.stack_size(old_size)
        sys.setrecursionlimit(old_limit)
    if "error" in result:
        raise result["error"]
    return result["value"]


def _jsonable(value: Any) -> Any:
    if isinstance(value, range):
        return list(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value if isinstance(value, (int, float, str, bool)) or value is None else repr(value)


def compile_entry(analysis: Analysis, entry: Task, expand: bool = True, inputs: dict[str, Any] | None = None,
                  use_defaults: bool = True) -> nx.DiGraph:
    return Compiler(analysis, inputs, use_defaults).compile(entry, expand=expand)
