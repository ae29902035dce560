"""``map_task(t, concurrency=N)(x=xs)`` becomes ``flyte.map`` consumed so that it runs (guide §10).

In sync code (a workflow or dynamic workflow becomes a sync task)::

    list(flyte.map(t, xs, concurrency=N, return_exceptions=False))

in async code::

    [r async for r in flyte.map.aio(t, xs, concurrency=N, return_exceptions=False)]

``flyte.map`` is a generator (nothing runs until it is iterated), hence ``list(...)``. It passes the mapped
values positionally (``t.aio(*bound_args, *values, **bound_keywords)``), so the mapped inputs are written in
the task's parameter order; a ``functools.partial`` target must leave exactly one parameter open (flyte 2.12.1
checks it), as Flyte 1's map over a partial did. ``concurrency`` is flyte.map's own parameter of that name.

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
        self._partials: list[dict[str, cst.Call]] = []  # names bound to a partial in each function

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
        return True

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        self._async.pop()
        self._partials.pop()
        return updated

    def visit_Assign(self, node: cst.Assign) -> None:
        if not self._partials or len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return
        name = node.targets[0].target.value
        if is_partial(node.value):
            self._partials[-1][name] = node.value
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
        order = self._order(target, list(values), len(positional))
        if order is None:
            return None
        args = [cst.Arg(target), *(cst.Arg(value) for value in positional), *(cst.Arg(values[n]) for n in order)]
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

    def _order(self, target: cst.BaseExpression, mapped: list[str], given: int) -> list[str] | None:
        """The input names mapped by keyword in the order flyte.map passes them (positionally, after the ``given``
        values mapped positionally), or None (a TODO)."""
        partial = None
        if isinstance(target, cst.Name) and self._partials and target.value in self._partials[-1]:
            partial = self._partials[-1][target.value]
        elif is_partial(target):
            partial = target
        task_expr = partial.args[0].value if partial is not None and partial.args else target
        name = task_expr.value if isinstance(task_expr, cst.Name) else None
        task = self.file.module.task_names.get(name) if name else None
        params = [arg.name for arg in task.func.args.args] if task is not None else self._params.get(name)
        if params is None:
            if len(mapped) + given == 1 or not mapped:
                return mapped
            self.todo_here("flyte.map passes mapped values positionally: write them in the task's parameter order")
            return None
        if partial is None:
            open_params = params[given : given + len(mapped)]
        else:
            bound = partial.args[1:]
            keywords = {arg.keyword.value for arg in bound if arg.keyword is not None}
            positional = sum(1 for arg in bound if arg.keyword is None)
            open_params = [p for p in params[positional:] if p not in keywords]
            if len(open_params) != 1 or given + len(mapped) != 1:
                self.todo_here("flyte.map needs a `functools.partial` that leaves exactly one input open")
                return None
            if open_params[0] != params[positional]:
                self.todo_here(
                    f"flyte.map passes the mapped value positionally, to `{params[positional]}`: bind the inputs"
                    f" before `{open_params[0]}` positionally in the partial"
                )
                return None
            open_params = open_params[given:]
        if set(open_params) != set(mapped) or len(open_params) != len(mapped):
            self.todo_here(
                f"flyte.map passes mapped values positionally, to {', '.join(open_params) or 'no input'}: "
                f"bind the other inputs with functools.partial"
            )
            return None
        return open_params


TRANSFORM = MapTaskTransform
