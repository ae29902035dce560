"""``map_task(t, concurrency=N)(x=xs)`` becomes ``flyte.map`` consumed so that it runs (guide §10).

In sync code (a workflow or dynamic workflow becomes a sync task)::

    list(flyte.map(t, xs, concurrency=N, return_exceptions=False))

in async code::

    [r async for r in flyte.map.aio(t, xs, concurrency=N, return_exceptions=False)]

``flyte.map`` is a generator (nothing runs until it is iterated), hence ``list(...)``. It passes the mapped
values positionally (``t.aio(*bound_args, *values, **bound_keywords)``), so the mapped inputs are written in
the task's parameter order. flyte.map takes a ``functools.partial`` only when it leaves exactly one parameter
open, the first one not bound positionally (flyte 2.12.1 checks the count; a value passed positionally to a
parameter bound by keyword fails); Flyte 1 mapped partials leaving several lists open, or its first input bound
by keyword. Such a map maps the task itself, each bound value ``itertools.repeat(value)`` in its parameter's
place (zip stops at the end of the mapped lists), when the values read the same at the map as where the partial
was made; a ``name = functools.partial(...)`` nothing reads any more then goes. ``concurrency`` is flyte.map's
own parameter of that name.

Flyte 1's ``min_success_ratio`` defaults to 1.0: one failed item fails the map. ``flyte.map`` instead yields a
failed item's exception as a value by default (``return_exceptions=True``); ``return_exceptions=False`` keeps
Flyte 1's behaviour (the first failure raises). With a ratio below 1 or ``min_successes``, Flyte 1 returns None
for a failed item as long as enough succeed: that becomes ``[None if isinstance(r, Exception) else r for r in
flyte.map(..., return_exceptions=True)]`` with a TODO, as the minimum itself is not checked. A map over inputs
flyte.map cannot pass positionally gets a TODO and stays as it was.
"""

from __future__ import annotations

import libcst as cst

from flyte_lint.migrate.transforms.base import Transform

SECTION_MAP = '§10 "map_task to flyte.map and Async Loops"'
KNOWN_OPTIONS = {"concurrency", "min_success_ratio", "min_successes"}


def is_partial(node: cst.BaseExpression) -> bool:
    """``functools.partial(...)`` or ``partial(...)``."""
    if not isinstance(node, cst.Call):
        return False
    func = node.func
    if isinstance(func, cst.Name):
        return func.value == "partial"
    return (
        isinstance(func, cst.Attribute)
        and func.attr.value == "partial"
        and isinstance(func.value, cst.Name)
        and func.value.value == "functools"
    )


def _names(node: cst.CSTNode, out: dict[str, int]) -> None:
    if isinstance(node, cst.Name):
        out[node.value] = out.get(node.value, 0) + 1
    for child in node.children:
        _names(child, out)


def _reads(node: cst.CSTNode, name: str) -> bool:
    if isinstance(node, cst.Name) and node.value == name:
        return True
    return any(_reads(child, name) for child in node.children)


def _partial_binding(stmt: cst.BaseStatement) -> str | None:
    """The name a ``name = functools.partial(...)`` statement binds."""
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Assign):
        assign = stmt.body[0]
        if len(assign.targets) == 1 and isinstance(assign.targets[0].target, cst.Name) and is_partial(assign.value):
            return assign.targets[0].target.value
    return None


def _keyword(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(
        value=value,
        keyword=cst.Name(name),
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
    )


def _is_one(node: cst.BaseExpression) -> bool:
    return isinstance(node, (cst.Integer, cst.Float)) and float(node.value) == 1.0


class MapTaskTransform(Transform):
    section = SECTION_MAP

    def __init__(self, file) -> None:
        super().__init__(file)
        self._async: list[bool] = []  # innermost function last: is it `async def`
        self._partials: list[dict[str, tuple]] = []  # names bound to a partial in each function: (call, snapshot)
        self._bindings: list[dict[str, int]] = []  # how often each name was bound so far in each function
        self._spent: list[set[str]] = []  # names of partials a map no longer takes (the task itself is mapped)

    def visit_Module(self, node: cst.Module) -> bool:
        # the parameters of this module's functions: a second run sees migrated tasks the plan no longer lists
        self._params = {
            stmt.name.value: [param.name.value for param in (*stmt.params.posonly_params, *stmt.params.params)]
            for stmt in node.body
            if isinstance(stmt, cst.FunctionDef)
        }
        return True

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._async.append(node.asynchronous is not None)
        self._partials.append({})
        self._bindings.append({})
        self._spent.append(set())
        return True

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        self._async.pop()
        self._partials.pop()
        self._bindings.pop()
        return self._drop_spent(updated, self._spent.pop())

    def _drop_spent(self, func: cst.FunctionDef, spent: set[str]) -> cst.FunctionDef:
        """Without the ``name = functools.partial(...)`` statements (at the body's top level) of partials the
        maps no longer take and nothing else reads; their comments stay, above what follows."""
        if not spent or not isinstance(func.body, cst.IndentedBlock):
            return func
        statements = list(func.body.body)
        for name in spent:
            at = [i for i, stmt in enumerate(statements) if _partial_binding(stmt) == name]
            if len(at) != 1 or any(_reads(stmt, name) for i, stmt in enumerate(statements) if i != at[0]):
                continue
            dropped = statements.pop(at[0])
            comments = [line for line in dropped.leading_lines if line.comment is not None]
            if comments and at[0] < len(statements):
                following = statements[at[0]]
                statements[at[0]] = following.with_changes(leading_lines=[*comments, *following.leading_lines])
        if not statements:
            return func
        return func.with_changes(body=func.body.with_changes(body=statements))

    def _bind(self, target: cst.CSTNode) -> None:
        if not self._bindings:
            return
        if isinstance(target, cst.Name):
            self._bindings[-1][target.value] = self._bindings[-1].get(target.value, 0) + 1
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind(element.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._bind(node.target)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind(target.target)
        if not self._partials or len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return
        name = node.targets[0].target.value
        if is_partial(node.value):
            reads: dict[str, int] = {}
            for arg in node.value.args[1:]:
                _names(arg.value, reads)
            counts = self._bindings[-1]
            self._partials[-1][name] = (node.value, {n: counts.get(n, 0) for n in reads})
        else:
            self._partials[-1].pop(name, None)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        inner = updated.func
        if isinstance(inner, cst.Call) and self.v1_symbol(inner.func) == "map_task":
            mapped = self._map(inner, updated)
            if mapped is not None:
                self.require("import flyte")
                return mapped
        return updated

    def leave_SimpleStatementLine(self, original, updated):
        """A ``map_task`` left (not called at once: ``m = map_task(t)``) gets a TODO; one _map could not
        translate has its own."""
        if self._pending or any(isinstance(s, (cst.Import, cst.ImportFrom)) for s in updated.body):
            return updated
        if any(self._leftover(s) for s in updated.body):
            self.todo_here("`map_task` was not migrated: call `flyte.map(task, values, concurrency=...)` instead")
        return updated

    def _leftover(self, node: cst.CSTNode) -> bool:
        """Whether ``node`` still names flytekit's map_task."""
        if isinstance(node, (cst.Name, cst.Attribute)) and self.v1_symbol(node) == "map_task":
            return True
        return any(self._leftover(child) for child in node.children)

    # -- the translation ---------------------------------------------------------------------------------------
    def _map(self, inner: cst.Call, outer: cst.Call) -> cst.BaseExpression | None:
        if not inner.args or inner.args[0].keyword is not None or inner.args[0].star:
            self.todo_here("`map_task` with no task given first was not migrated")
            return None
        target = inner.args[0].value
        options = {arg.keyword.value: arg.value for arg in inner.args[1:] if arg.keyword is not None}
        unknown = sorted(set(options) - KNOWN_OPTIONS) + (
            ["positional arguments"] if any(arg.keyword is None for arg in inner.args[1:]) else []
        )
        if unknown:
            self.todo_here(f"`map_task` options {', '.join(unknown)} have no `flyte.map` counterpart")
            return None
        ratio = options.get("min_success_ratio")
        tolerant = "min_successes" in options or (ratio is not None and not _is_one(ratio))
        if tolerant:
            self.todo_here(
                "Flyte 1 failed the map when fewer than `min_success_ratio`/`min_successes` items succeeded:"
                " failed items are None here as there, but no minimum is checked"
            )
        if any(arg.star for arg in outer.args):
            self.todo_here("a mapped task called with * or ** arguments was not migrated")
            return None
        positional = [arg.value for arg in outer.args if arg.keyword is None]
        values = {arg.keyword.value: arg.value for arg in outer.args if arg.keyword is not None}
        arguments = self._arguments(target, positional, values)
        if arguments is None:
            return None
        func, iterables = arguments
        args = [cst.Arg(func), *(cst.Arg(value) for value in iterables)]
        concurrency = options.get("concurrency")
        if concurrency is not None and not (isinstance(concurrency, cst.Name) and concurrency.value == "None"):
            args.append(_keyword("concurrency", concurrency))
        args.append(_keyword("return_exceptions", cst.Name("True" if tolerant else "False")))
        args = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in args]
        flyte_map = cst.Attribute(value=cst.Name("flyte"), attr=cst.Name("map"))
        is_async = bool(self._async and self._async[-1])
        if not is_async and not tolerant:
            return cst.Call(func=cst.Name("list"), args=[cst.Arg(cst.Call(func=flyte_map, args=args))])
        call = cst.Call(func=cst.Attribute(value=flyte_map, attr=cst.Name("aio")) if is_async else flyte_map, args=args)
        item = cst.Name("r")
        if tolerant:  # `None if isinstance(r, Exception) else r`: a failed item is None, as Flyte 1 returned it
            failed = cst.Call(
                func=cst.Name("isinstance"), args=[cst.Arg(cst.Name("r")), cst.Arg(cst.Name("Exception"))]
            )
            item = cst.IfExp(test=failed, body=cst.Name("None"), orelse=cst.Name("r"))
        asynchronous = cst.Asynchronous(cst.SimpleWhitespace(" ")) if is_async else None
        return cst.ListComp(elt=item, for_in=cst.CompFor(target=cst.Name("r"), iter=call, asynchronous=asynchronous))

    def _arguments(self, target: cst.BaseExpression, positional: list, values: dict):
        """``(the function to map, the iterables in the order flyte.map passes them)``, or None (a TODO)."""
        partial, snapshot = None, {}
        if isinstance(target, cst.Name) and self._partials and target.value in self._partials[-1]:
            partial, snapshot = self._partials[-1][target.value]
        elif is_partial(target):
            partial = target
        task_expr = partial.args[0].value if partial is not None and partial.args else target
        name = task_expr.value if isinstance(task_expr, cst.Name) else None
        task = self.file.module.task_names.get(name) if name else None
        params = [arg.name for arg in task.func.args.args] if task is not None else self._params.get(name)
        given = len(positional)
        if params is None:
            if len(values) + given == 1 or not values:
                return target, [*positional, *values.values()]
            self.todo_here("flyte.map passes mapped values positionally: write them in the task's parameter order")
            return None
        if partial is None:
            open_params = params[given : given + len(values)]
            if set(open_params) == set(values) and len(open_params) == len(values):
                return target, [*positional, *(values[p] for p in open_params)]
            self.todo_here(
                f"flyte.map passes mapped values positionally, to {', '.join(open_params) or 'no input'}: "
                f"bind the other inputs with functools.partial"
            )
            return None
        bound = partial.args[1:]
        keywords = {arg.keyword.value for arg in bound if arg.keyword is not None}
        at = sum(1 for arg in bound if arg.keyword is None)
        open_params = [p for p in params[at:] if p not in keywords]
        if open_params[:1] == params[at : at + 1] and len(open_params) == 1 and given + len(values) == 1:
            return target, [*positional, *values.values()]
        spread = self._spread(task_expr, params, partial, snapshot, positional, values)
        if spread is not None and isinstance(target, cst.Name):
            self._spent[-1].add(target.value)  # the partial itself may be read no more
        return spread

    def _spread(self, task_expr, params, partial, snapshot, positional, values):
        """A partial flyte.map cannot take (it must leave exactly its first unbound input open): the task itself,
        each input an iterable in parameter order, a bound one ``itertools.repeat(value)`` (zip stops at the
        mapped lists' end)."""
        by_name: dict[str, cst.BaseExpression] = {}
        bound = partial.args[1:]
        if any(arg.star for arg in bound) or not self._stable(bound, snapshot):
            self.todo_here("flyte.map needs a `functools.partial` that leaves exactly its first open input to map")
            return None
        repeat = cst.Attribute(value=cst.Name("itertools"), attr=cst.Name("repeat"))
        for k, arg in enumerate(arg for arg in bound if arg.keyword is None):
            by_name[params[k] if k < len(params) else ""] = cst.Call(func=repeat, args=[cst.Arg(arg.value)])
        for arg in bound:
            if arg.keyword is not None:
                by_name[arg.keyword.value] = cst.Call(func=repeat, args=[cst.Arg(arg.value)])
        open_params = [p for p in params if p not in by_name]
        mapped = dict(zip(open_params, positional, strict=False))
        if len(mapped) != len(positional) or set(mapped) & set(values):
            self.todo_here("flyte.map passes mapped values positionally: write them in the task's parameter order")
            return None
        mapped.update(values)
        by_name.update(mapped)
        if set(params[: len(by_name)]) != set(by_name):
            self.todo_here(
                "flyte.map passes mapped values positionally: the inputs mapped or bound must be the task's first"
            )
            return None
        self.require("import itertools")
        return task_expr, [by_name[p] for p in params[: len(by_name)]]

    def _stable(self, bound: list[cst.Arg], snapshot: dict[str, int]) -> bool:
        """Whether the partial's bound values read the same now as where the partial was made: no name they read
        was bound again since (an inline partial is made here)."""
        counts = self._bindings[-1] if self._bindings else {}
        return all(counts.get(name, 0) == count for name, count in snapshot.items())


TRANSFORM = MapTaskTransform
