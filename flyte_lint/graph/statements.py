"""Statements: a body compiled in program order, with branches (their conditions, and the state where they join),
loops (their trip counts, compiled twice so one iteration reaches the next), ``try``, ``with flyte.group``
and assignments."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from astroid import nodes

from flyte_lint.graph.constants import trip_count
from flyte_lint.graph.emission import shortened
from flyte_lint.graph.limits import MAX_LOOP_REPASS_DEPTH
from flyte_lint.graph.values import NOTHING, Context, Flow, Frame, TaskGroupScope
from flyte_lint.model.analysis import walk
from flyte_lint.model.values import External

# How a path can leave a block before its end.
RETURN, RAISE, JUMP = "return", "raise", "jump"  # JUMP: break or continue


class StatementsMixin:
    """Compiles statements; a block returns the context after it, or how every path left it (see Compiler)."""

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
                frame.vars[stmt.target.name] = (
                    frame.vars.get(stmt.target.name, Flow()) | flow.without_pending() | Flow(pending=flow.pending)
                )
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
            return self._branches(
                frame,
                ctx,
                [
                    (stmt.body, with_condition(ctx, condition)),
                    (stmt.orelse, with_condition(ctx, f"not ({condition})")),
                ],
            )
        elif isinstance(stmt, (nodes.For, nodes.AsyncFor, nodes.While)):
            return self._loop(stmt, frame, ctx)
        elif isinstance(stmt, (nodes.Try, getattr(nodes, "TryStar", nodes.Try))):
            end = self._block(stmt.body, frame, ctx)
            caught = [h.type.as_string() if h.type is not None else "exception" for h in stmt.handlers]
            branches: list[tuple[list, Context]] = []
            exits: list[str] = []
            if isinstance(end, Context):
                # `else` (and, past it, the rest) runs when the body completed: when no handler ran.
                branches.append((stmt.orelse, with_condition(end, f"no {', '.join(caught)} raised") if caught else end))
                if len(end.conditions) > len(ctx.conditions):
                    exits.append(RETURN)  # the body returned on some path: `else` and what follows run on the others
            else:
                exits.append(end)
            for handler, name in zip(stmt.handlers, caught, strict=True):
                hctx = Context(
                    ctx.multipliers,
                    ctx.conditions + (f"except {name if handler.type is not None else 'any exception'}",),
                    ctx.group,
                    True,
                )
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
                if isinstance(item, nodes.Call) and _is_external(
                    self.resolver.value_of(item.func), "asyncio.TaskGroup"
                ):
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
            cases = [
                (
                    case.body,
                    with_condition(
                        ctx,
                        f"match {subject}: case {case.pattern.as_string()}"
                        + (f" if {case.guard.as_string()}" if case.guard is not None else ""),
                    ),
                )
                for case in stmt.cases
            ]
            last = stmt.cases[-1] if stmt.cases else None
            irrefutable = (
                last is not None
                and last.guard is None
                and isinstance(last.pattern, nodes.MatchAs)
                and last.pattern.pattern is None
            )  # `case _:` or `case name:`
            return self._branches(frame, ctx, cases if irrefutable else cases + [([], ctx)])
        elif isinstance(stmt, (nodes.Assert, nodes.Delete)):
            for child in stmt.get_children():
                if isinstance(child, nodes.NodeNG) and not isinstance(child, nodes.DelName):
                    self._expr(child, frame, ctx)
                if (
                    isinstance(child, nodes.Subscript)
                    and isinstance(child.value, nodes.Name)
                    and child.value.name in frame.vars
                ):
                    frame.vars[child.value.name] = _deleted(
                        frame.vars[child.value.name], self._const(child.slice, frame)
                    )
        return ctx

    def _branches(
        self, frame: Frame, ctx: Context, branches: list[tuple[list, Context]], exits: Iterable[str] = ()
    ) -> Context | str:
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
        extra = [end.conditions[len(ctx.conditions) :] for end in ends]
        if len(extra) == 1:
            conditions = ctx.conditions + extra[0]
        elif all(extra):
            conditions = ctx.conditions + (shortened(" or ".join(f"({' and '.join(e)})" for e in extra), 120),)
        else:
            conditions = ctx.conditions
        return Context(ctx.multipliers, conditions, ctx.group, ctx.handler)

    def _merge_states(
        self, frame: Frame, states: list[tuple[dict[str, Flow], set[str]]], entry_vars: dict[str, Flow]
    ) -> None:
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
            maps = [
                p
                for p in iterated.pending
                if isinstance(stmt, nodes.AsyncFor) or (p.node_id and self.graph.nodes[p.node_id]["kind"] == "map")
            ]
            if maps:
                iterated = self._await(frame, Flow(iterated.sources, tuple(maps), iterated.const), ctx)
            # A `break` or `return` can end the loop early: how often its body runs is known only at run time.
            count = None if leaves else trip_count(iterated)
            # Over a known non-empty sequence the body runs at least once (up to a `break` or `return`).
            always = trip_count(iterated) not in (None, 0)
            # Iterating coroutines or tasks (`for fut in asyncio.as_completed(...)`) hands them to the target.
            self._bind(stmt.target, Flow(iterated.sources, iterated.pending), frame)
        self._forget_consts(stmt.body, frame)
        if count != 0:
            self._loop_body(
                stmt.body, frame, Context(ctx.multipliers + (count,), ctx.conditions, ctx.group, ctx.handler), always
            )
        after = with_condition(ctx, f"the loop at line {stmt.lineno} does not return") if "return" in leaves else ctx
        orelse = (
            with_condition(after, f"the loop at line {stmt.lineno} ends without break") if "break" in leaves else after
        )
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
            values = (
                flow.const if isinstance(flow.const, (tuple, list)) and len(flow.const) == len(target.elts) else None
            )
            starred = any(isinstance(e, nodes.Starred) for e in target.elts)
            parts = (
                flow.items
                if isinstance(flow.items, tuple) and len(flow.items) == len(target.elts) and not starred
                else None
            )
            for i, element in enumerate(target.elts):
                if parts is not None:
                    part = Flow(
                        parts[i].sources,
                        parts[i].pending,
                        values[i] if values is not None else parts[i].const,
                        parts[i].items,
                    )
                else:
                    part = Flow(flow.sources, flow.pending, values[i] if values is not None else NOTHING)
                self._bind(element.value if isinstance(element, nodes.Starred) else element, part, frame, merge)
        elif isinstance(target, (nodes.Subscript, nodes.AssignAttr)):
            self._store(target, flow, frame, replace=not merge)

    def _group_name(self, expr: nodes.NodeNG) -> str | None:
        if isinstance(expr, nodes.Call):
            callee = self.resolver.value_of(expr.func)
            if isinstance(callee, External) and callee.path == "flyte.group":
                arg = (
                    expr.args[0] if expr.args else next((k.value for k in expr.keywords or [] if k.arg == "name"), None)
                )
                if isinstance(arg, nodes.Const):
                    return str(arg.value)
                return arg.as_string() if arg is not None else "group"
        return None


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


def _deleted(container: Flow, key: Any) -> Flow:
    """``container`` after ``del container[key]``: without that element when its elements are known (what it
    alone held is gone), else as it was but for where each element is."""
    items = container.items
    if (
        isinstance(items, tuple)
        and isinstance(key, int)
        and not isinstance(key, bool)
        and -len(items) <= key < len(items)
    ):
        rest = tuple(f for i, f in enumerate(items) if i != key % len(items))
    elif isinstance(items, dict) and key is not NOTHING and not isinstance(key, (list, dict, set)) and key in items:
        rest = {k: f for k, f in items.items() if k != key}
    else:
        return Flow(container.sources, container.pending)
    union = Flow.union(rest.values() if isinstance(rest, dict) else rest)
    return Flow(union.sources, union.pending, items=rest)


def with_condition(ctx: Context, condition: str) -> Context:
    return Context(ctx.multipliers, ctx.conditions + (shortened(condition, 120),), ctx.group, ctx.handler)


def _is_external(value, path: str) -> bool:
    return isinstance(value, External) and value.path == path
