"""Calls: the nodes a call makes (a task, a remote task, a map, a ContainerTask or shell task, a trace, an unknown
call) and helpers inlined at their call, with their arguments bound to their parameters."""

from __future__ import annotations

from astroid import nodes

from flyte_lint.graph.emission import add_condition, object_segment, shortened
from flyte_lint.graph.limits import MAX_INLINE_DEPTH
from flyte_lint.graph.unresolved import class_name
from flyte_lint.graph.values import Context, Flow, Frame, Pending
from flyte_lint.model.analysis import CONTAINER_TASK, TaskObjectCall
from flyte_lint.model.entities import CallSite
from flyte_lint.model.scopes import enclosing_function


class CallsMixin:
    """Nodes of task, map, task-object, trace and unknown calls; inlined helpers (see Compiler)."""

    def _task_call(
        self, site: CallSite, call: nodes.Call, frame: Frame, ctx: Context, args: Flow, arg_flows: list[Flow]
    ) -> Flow:
        if site.form == "remote":
            name = getattr(site.callee, "name", None) or getattr(getattr(site.callee, "owner", None), "name", None)
            node_id = self._add_node(
                self._node_id(frame, call, "remote"),
                kind="remote",
                task=name,
                site_module=site.module,
                line=call.lineno,
                ctx=ctx,
                parent=frame.parent,
                call=call,
            )
            self._data_edges(args.sources, node_id)
            self.graph.nodes[node_id].setdefault("never_runs", True)
            return Flow(pending=(Pending(node_id=node_id),))
        task = site.task
        node_id = self._node_id(frame, call, task.func.name)
        recursive = task in self._stack
        self._add_node(
            node_id,
            kind="task",
            task=task.name,
            site_module=site.module,
            line=call.lineno,
            ctx=ctx,
            parent=frame.parent,
            env_task=task,
            recursive=recursive,
            form=site.form,
            call=call,
        )
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

    def _map_node(self, site: CallSite, call: nodes.Call, frame: Frame, ctx: Context, arg_flows: list[Flow]) -> Flow:
        node_id = self._add_map(
            call,
            frame,
            ctx,
            arg_flows,
            f"map-{site.task.func.name}",
            site.task.name,
            site.module,
            env_task=site.task,
            map_form=site.form,
        )
        if self.expand and site.task not in self._stack:
            self._expand(site.task, node_id, {})
        self.graph.nodes[node_id].setdefault("never_runs", True)
        return Flow(pending=(Pending(node_id=node_id),))

    def _add_map(
        self,
        call: nodes.Call,
        frame: Frame,
        ctx: Context,
        arg_flows: list[Flow],
        segment: str,
        task: str,
        module,
        **attrs,
    ) -> str:
        """The node of a ``flyte.map`` of ``task`` (its id's last segment ``segment``): its count, and data edges
        from what the map is given."""
        count = self._map_count(call, frame, ctx)
        node_id = self._add_node(
            self._node_id(frame, call, segment),
            kind="map",
            task=task,
            site_module=module,
            line=call.lineno,
            ctx=ctx,
            parent=frame.parent,
            count=count,
            call=call,
            **attrs,
        )
        if count is None:
            self.graph.nodes[node_id]["dynamic"] = True
        self._data_edges(Flow.union(arg_flows).sources, node_id)
        return node_id

    def _object_call(
        self, used: TaskObjectCall, call: nodes.Call, frame: Frame, ctx: Context, args: Flow, arg_flows: list[Flow]
    ) -> Flow | None:
        """A node for a ContainerTask or a shell task the call runs, when the model knows what made it and its
        name is a literal (the SDK names the task after it, without its env): called, ``.aio``-called or mapped
        (a ContainerTask), or called (a shell task, which has no ``.aio`` and fails when mapped). Its call
        makes a coroutine: the task starts when that is awaited (see TaskObjectCall.coroutine). None: leave
        the call to an unknown node (another maker, an ``.override(...)`` form, a name computed at run time)."""
        segment = object_segment(used)
        if segment is None:
            return None
        kind = class_name(used.maker) if used.maker == CONTAINER_TASK else "shell"
        extra = {"env": used.env.label if used.env is not None else None, "object": kind}
        if used.form in ("map", "map_aio"):
            node_id = self._add_map(
                call,
                frame,
                ctx,
                arg_flows,
                segment,
                segment.removeprefix("map-"),
                used.call.module,
                map_form=used.form,
                **extra,
            )
        else:
            node_id = self._add_node(
                self._node_id(frame, call, segment),
                kind="task",
                task=segment,
                site_module=used.call.module,
                line=call.lineno,
                ctx=ctx,
                parent=frame.parent,
                form=used.form,
                call=call,
                **extra,
            )
            self._data_edges(args.sources, node_id)
        self.graph.nodes[node_id].setdefault("never_runs", True)
        return Flow(pending=(Pending(node_id=node_id),))

    def _trace_node(self, func: nodes.FunctionDef, call: nodes.Call, frame: Frame, ctx: Context, args: Flow) -> Flow:
        node_id = self._add_node(
            self._node_id(frame, call, func.name),
            kind="trace",
            task=None,
            site_module=self.resolver.module_of(call),
            line=call.lineno,
            ctx=ctx,
            parent=frame.parent,
            function=func.name,
            call=call,
        )
        self._data_edges(args.sources, node_id)
        if isinstance(func, nodes.AsyncFunctionDef):
            self.graph.nodes[node_id].setdefault("never_runs", True)
            return Flow(pending=(Pending(node_id=node_id),))
        self._order_edges(frame, node_id)
        self._complete(frame, [node_id])
        return Flow(frozenset({node_id}))

    def _unknown_node(
        self, call: nodes.Call, frame: Frame, ctx: Context, reason: str, inputs: Flow, coroutine: bool = False
    ) -> Flow:
        """``inputs``: the flows of the callee expression and the arguments. ``coroutine``: the call surely gives
        a coroutine (a task's ``.aio``, one of several async tasks), which starts where it is awaited or gathered."""
        node_id = self._add_node(
            self._node_id(frame, call, "unknown"),
            kind="unknown",
            task=None,
            site_module=self.resolver.module_of(call),
            line=call.lineno,
            ctx=ctx,
            parent=frame.parent,
            reason=reason,
            source=shortened(call.as_string()),
            call=call,
        )
        self.graph.nodes[node_id]["dynamic"] = True
        self._data_edges(inputs.sources, node_id)
        if id(call) in self._handed:
            # It is handed a function that calls tasks: whether, and when, that runs is up to the code it is
            # handed to (now, or later, as a callback): conditional, and nothing after it waits for it.
            add_condition(self.graph.nodes[node_id], f"`{shortened(call.func.as_string())}` calls what it is handed")
            return Flow(frozenset({node_id}))
        if coroutine and not isinstance(call.parent, nodes.Await):
            self.graph.nodes[node_id].setdefault("never_runs", True)
            return Flow(pending=(Pending(node_id=node_id),))
        if isinstance(call.parent, nodes.Await):
            return Flow(pending=(Pending(node_id=node_id),))
        self._order_edges(frame, node_id)
        self._complete(frame, [node_id])
        return Flow(frozenset({node_id}))

    def _inline(
        self, func: nodes.FunctionDef, call: nodes.Call, arg_flows: list[Flow], frame: Frame, ctx: Context
    ) -> Flow:
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
        """Argument flows by parameter name (``*args``/``**kwargs`` parameters get what lands in them).
        ``arg_flows`` one Flow: any parameter may receive it (a partial's call: bound and given arguments)."""
        spec = func.args
        params = [a.name for a in list(spec.posonlyargs or []) + list(spec.args or [])]
        named = set(params) | {a.name for a in spec.kwonlyargs or []}
        rest = [n for n in (spec.vararg, spec.kwarg) if n]
        if isinstance(arg_flows, Flow):
            return dict.fromkeys([*named, *rest], arg_flows)
        positional, keywords = arg_flows[: len(call.args)], arg_flows[len(call.args) :]
        if any(isinstance(a, nodes.Starred) for a in call.args) or any(k.arg is None for k in call.keywords or []):
            # Unpacked arguments: any parameter may receive any of them.
            every = Flow.union(arg_flows)
            return dict.fromkeys([*named, *rest], every)
        bound: dict[str, Flow] = dict(zip(params, positional, strict=False))
        if spec.vararg:
            bound[spec.vararg] = Flow.union(positional[len(params) :])
        for kw, flow in zip(call.keywords or [], keywords, strict=False):
            if kw.arg in named:
                bound[kw.arg] = flow
            elif spec.kwarg:
                bound[spec.kwarg] = bound.get(spec.kwarg, Flow()) | flow
        return bound
