"""Expressions: the flow of each expression (which task outputs reach it, which coroutines it holds), and the
calls in it: of tasks and maps (see calls.py), of asyncio's and the builtins' functions, of helpers, of
methods that put a value into a container."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from astroid import nodes

from flyte_lint.graph.constants import trip_count
from flyte_lint.graph.emission import add_condition, shortened
from flyte_lint.graph.statements import with_condition
from flyte_lint.graph.unresolved import choice_names, chosen_callee, task_class_called
from flyte_lint.graph.values import (
    NOTHING,
    Context,
    Flow,
    Frame,
    Pending,
    TaskGroupScope,
)
from flyte_lint.model.analysis import walk
from flyte_lint.model.calls import ITERABLE_CONSUMERS
from flyte_lint.model.entities import CallSite
from flyte_lint.model.scopes import FUNCTION_NODES, enclosing_function
from flyte_lint.model.values import (
    AgentToolRef,
    External,
    FunctionRef,
    LambdaRef,
    Method,
    PartialRef,
    RemoteTaskRef,
    TaskChoice,
    TaskRef,
)

# Methods that read a container (or an asyncio task) without changing it: its elements keep their own flows.
READERS = {"values", "keys", "items", "get", "copy", "count", "index", "result", "done", "exception", "cancelled"}
STARTERS = {"asyncio.create_task", "asyncio.ensure_future", "asyncio.as_completed"}  # schedule their coroutines now


class ExpressionsMixin:
    """Compiles expressions and dispatches calls (see Compiler)."""

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
            body = self._expr(node.body, frame, with_condition(ctx, node.test.as_string()))
            after_body, frame.frontier = frame.frontier, entry
            orelse = self._expr(node.orelse, frame, with_condition(ctx, f"not ({node.test.as_string()})"))
            frame.frontier = set(after_body) | frame.frontier
            self._complete(frame, ())
            return body | orelse
        flows = [self._expr(child, frame, ctx) for child in node.get_children() if isinstance(child, nodes.NodeNG)]
        result = Flow.union(flows)
        if isinstance(node, (nodes.List, nodes.Tuple)) and not any(isinstance(e, nodes.Starred) for e in node.elts):
            result.items = tuple(flows)
            if all(f.const is not NOTHING for f in flows):
                result.const = (
                    [f.const for f in flows] if isinstance(node, nodes.List) else tuple(f.const for f in flows)
                )
        elif isinstance(node, nodes.Dict) and all(isinstance(k, nodes.Const) for k, _ in node.items):
            result.items = {k.value: f for (k, _), f in zip(node.items, flows[1::2], strict=True)}
        elif isinstance(node, nodes.Subscript):
            element = flows[0].item(self._const(node.slice, frame))
            if element is not None:
                result = Flow(
                    element.sources | flows[1].sources, element.pending + flows[1].pending, items=element.items
                )
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
            maps = [
                p
                for p in iterated.pending
                if generator.is_async or (p.node_id and self.graph.nodes[p.node_id]["kind"] == "map")
            ]
            if maps:
                iterated = self._await(frame, Flow(iterated.sources, tuple(maps)), inner)
            count = trip_count(iterated)
            self._bind(generator.target, Flow(iterated.sources, iterated.pending), frame)
            if generator.ifs:
                count = None
                inner = with_condition(inner, " and ".join(i.as_string() for i in generator.ifs))
            inner = Context(inner.multipliers + (count,), inner.conditions, inner.group, inner.handler)
            for condition in generator.ifs:
                sources |= self._expr(condition, frame, inner).sources
            sources |= iterated.sources
        elements = [node.key, node.value] if isinstance(node, nodes.DictComp) else [node.elt]
        # Elements that await, or call sync tasks, run one after the other: like a loop body, compile them
        # twice so that each run follows the previous one.
        sequential = any(
            isinstance(n, nodes.Await) or (id(n) in self.sites and not self.sites[id(n)].makes_coroutine)
            for e in elements
            for n in walk(e)
        )
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
        elif isinstance(call.func, nodes.Name) and call.func.name in frame.vars:
            # a callee made in the body (`p = functools.partial(t.aio, x=y)`): what it was made from reaches the call
            func_flow = Flow(frame.vars[call.func.name].sources)
        else:
            func_flow = Flow()
        arg_flows = [self._expr(a.value if isinstance(a, nodes.Starred) else a, frame, ctx) for a in call.args]
        arg_flows += [self._expr(k.value, frame, ctx) for k in call.keywords or []]
        args = Flow.union(arg_flows)

        if (
            isinstance(call.func, nodes.Attribute)
            and call.func.attrname == "create_task"
            and isinstance(func_flow.const, TaskGroupScope)
        ):
            sources, completes = self._start(frame, args.pending, ctx, as_task=True)
            func_flow.const.started |= completes
            return Flow(sources, args.pending)  # (its result, `t.result()`, is there once the block has ended)
        if site is None:
            site = self._derived_site(call, callee)
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
            if path in ITERABLE_CONSUMERS:
                maps = tuple(p for p in args.pending if p.node_id and self.graph.nodes[p.node_id]["kind"] == "map")
                if maps:
                    done = self._await(frame, Flow(args.sources, maps), ctx)
                    return Flow(done.sources, tuple(p for p in args.pending if p not in maps))
            if path == "asyncio.run":
                return self._await(frame, args, ctx)
            if path == "asyncio.wait":
                for item in args.pending:
                    if item.node_id and item not in self.started:  # a coroutine, not a task (nor a gather's future)
                        add_condition(
                            self.graph.nodes[item.node_id],
                            "Python 3.10 (asyncio.wait raises TypeError for a coroutine from 3.11 on)",
                        )
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
                kind = {LambdaRef: "a lambda", FunctionRef: "a plain function"}.get(
                    type(what), "something that is not a resolvable task"
                )
                chosen = chosen_callee(what, call.args[0]) if call.args else None
                if chosen is not None:
                    kind = f"`{shortened(chosen[1].as_string())}`, one of {choice_names(chosen[0])}, chosen at run time"
                task_class = task_class_called(what)
                if task_class is not None:
                    kind = f"a {task_class} task, which the graph does not model"
                return args | self._unknown_node(call, frame, ctx, f"flyte.map of {kind}", args | func_flow)
            reason = self._unknown_reason(call, frame)  # (a function that calls tasks handed to it)
            if reason is not None:
                return args | self._unknown_node(call, frame, ctx, reason, args | func_flow)
            if path.startswith("builtins."):
                result = args | func_flow
                result.const = self._const(call, frame)
                if (
                    path in ("builtins.list", "builtins.tuple")
                    and len(arg_flows) == 1
                    and isinstance(arg_flows[0].items, tuple)
                ):
                    result.items = arg_flows[0].items
                return result
        if isinstance(callee, FunctionRef):
            if callee.traced:
                return self._trace_node(callee.func, call, frame, ctx, args)
            if isinstance(callee.func, nodes.AsyncFunctionDef):
                return Flow(pending=(Pending(helper=(callee.func, call, arg_flows, ctx)),))
            return self._inline(callee.func, call, arg_flows, frame, ctx)
        if isinstance(callee, PartialRef) and isinstance(callee.target, FunctionRef):
            # a partial of a project function: its body runs here, any parameter may get what the partial was made
            # from (``func_flow``) or the call's arguments
            target, every = callee.target, args | func_flow
            if target.traced:
                return self._trace_node(target.func, call, frame, ctx, every)
            if isinstance(target.func, nodes.AsyncFunctionDef):
                return Flow(pending=(Pending(helper=(target.func, call, every, ctx)),))
            return self._inline(target.func, call, every, frame, ctx)
        reason = self._unknown_reason(call, frame)
        if reason is not None:
            return args | self._unknown_node(
                call, frame, ctx, reason, args | func_flow, coroutine=_makes_coroutine(callee)
            )
        # A method that mutates a container (`results.append(x)`, `by_key[k].append(x)`) makes it carry x.
        # (Any other method may change it too: its statically known value is gone.)
        if isinstance(call.func, nodes.Attribute) and call.func.attrname not in READERS:
            self._store(call.func.expr, args, frame, replace=False, only_known=True)
        return args | func_flow

    def _derived_site(self, call: nodes.Call, callee) -> CallSite | None:
        """The site of a call that runs one known task but that the model's call sites leave out: a partial of a
        task's ``.aio`` or of another partial (``functools.partial(t.aio, x=1)()``), and a choice whose every
        option is the same task (``{"a": t, "b": t.override(...)}[k](x)``)."""
        choice = self.choices.get(id(call))
        if choice is not None:
            if len(choice.candidates) != 1:
                return None
            return replace(choice, task=choice.candidates[0], candidates=())
        if not isinstance(callee, PartialRef):
            return None
        target, via_aio = callee, False
        while isinstance(target, PartialRef):
            target = target.target
        if isinstance(target, Method) and target.name == "aio":
            target, via_aio = target.owner, True
        if not isinstance(target, TaskRef):
            return None
        function = enclosing_function(call)
        return CallSite(
            call,
            self.resolver.module_of(call),
            "partial",
            target.task,
            callee,
            function if isinstance(function, FUNCTION_NODES) else None,
            via_aio=via_aio,
            overridden=target.overridden,
        )

    def _store(
        self, container: nodes.NodeNG, flow: Flow, frame: Frame, replace: bool, only_known: bool = False
    ) -> None:
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


def _makes_coroutine(callee) -> bool:
    """Whether calling ``callee``, which may run a task the graph does not resolve, gives a coroutine: the task
    starts when that is awaited or gathered (an ``.aio``, an agent tool, a remote reference, a partial of one of
    these, an async task or a choice of async tasks, or the ``.forward`` of one)."""
    while isinstance(callee, PartialRef):
        callee = callee.target
    if isinstance(callee, Method) and callee.name == "forward":  # (the function of an async task: a coroutine)
        return _makes_coroutine(callee.owner)
    if isinstance(callee, Method):
        return callee.name == "aio"
    if isinstance(callee, (AgentToolRef, RemoteTaskRef)):
        return True
    if isinstance(callee, TaskChoice):
        return all(option.task.is_async for option in callee.options)
    if isinstance(callee, TaskRef):
        return callee.task.is_async
    return False


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
            new_items = {
                k: _put(f, rest, value, replace) | f if replace else _put(f, rest, value, False)
                for k, f in items.items()
            }
    elif (
        isinstance(items, tuple)
        and isinstance(key, int)
        and not isinstance(key, bool)
        and -len(items) <= key < len(items)
    ):
        new_items = tuple(_put(f, rest, value, replace) if i == key % len(items) else f for i, f in enumerate(items))
    return Flow(container.sources | value.sources, pending, items=new_items)


def _with_tasks(flow: Flow, tasks: dict[int, Pending]) -> Flow:
    """``flow`` with the coroutines in ``tasks`` replaced by their tasks, in its elements too."""
    items = flow.items
    if isinstance(items, tuple):
        items = tuple(_with_tasks(f, tasks) for f in items)
    elif isinstance(items, dict):
        items = {k: _with_tasks(f, tasks) for k, f in items.items()}
    return Flow(flow.sources, tuple(tasks.get(id(p), p) for p in flow.pending), flow.const, items)
