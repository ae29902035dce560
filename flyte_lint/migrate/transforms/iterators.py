"""Flyte 1's typed iterators -> lists (checked against flytekit 1.16.31's types/iterator and flyte 2.12.1).

flytekit registers a transformer for ``typing.Iterator[T]`` (and ``collections.abc.Iterator[T]``): a task
declaring it returns an iterator or is a generator, flytekit sends the items as a list of T, and a task taking it
receives a ``FlyteIterator`` over that list. Flyte 2 has no such type: a generator task's output fails
("cannot pickle 'generator' object"; flyte-lint's FLY815). So:

- the annotation ``Iterator[T]`` of a task's return or parameter -> ``list[T]``;
- a generator task's body collects its items: ``results = []`` opens it, ``yield x`` -> ``results.append(x)``,
  ``yield from xs`` -> ``results.extend(xs)``, a bare ``return`` -> ``return results``, and ``return results``
  ends it;
- a task (not a workflow: its return is a task's output, a list already) that returns an iterator some other way
  returns ``list(...)`` of it.

A ``yield`` whose value is used, a generator's ``return value``, ``next()`` on an iterator parameter and
``Iterator[JSON]`` (flytekit's JSONL file) get a TODO.
"""

from __future__ import annotations

import libcst as cst

from flyte_lint.migrate.task_options import SECTION_TASKS
from flyte_lint.migrate.transforms.base import OwnScope, Transform

ACCUMULATORS = ("results", "items", "outputs", "collected")


class _Body(cst.CSTVisitor):
    """What a function body holds, outside nested functions, classes and lambdas: its yields (and whether each
    is a whole statement), its returns, the names it mentions, and the calls ``next(<name>)``."""

    def __init__(self) -> None:
        self.statement_yields: set[int] = set()
        self.yields: list[cst.Yield] = []
        self.returns: list[cst.Return] = []
        self.names: set[str] = set()
        self.next_of: set[str] = set()

    def visit_FunctionDef(self, node) -> bool:
        self.names.add(node.name.value)
        return False

    def visit_ClassDef(self, node) -> bool:
        self.names.add(node.name.value)
        return False

    def visit_Lambda(self, node) -> bool:
        return False

    def visit_Expr(self, node: cst.Expr) -> None:
        if isinstance(node.value, cst.Yield):
            self.statement_yields.add(id(node.value))

    def visit_Yield(self, node: cst.Yield) -> None:
        self.yields.append(node)

    def visit_Return(self, node: cst.Return) -> None:
        self.returns.append(node)

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)

    def visit_Call(self, node: cst.Call) -> None:
        func, args = node.func, node.args
        if isinstance(func, cst.Name) and func.value == "next" and args and isinstance(args[0].value, cst.Name):
            self.next_of.add(args[0].value.value)


class _Collect(OwnScope, cst.CSTTransformer):
    """A generator body's yields and bare returns, rewritten to collect into ``name`` (nested scopes aside)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def leave_Expr(self, original: cst.Expr, updated: cst.Expr) -> cst.BaseSmallStatement:
        value = updated.value
        if not isinstance(value, cst.Yield):
            return updated
        if isinstance(value.value, cst.From):
            method, item = "extend", value.value.item
        else:
            method, item = "append", value.value if value.value is not None else cst.Name("None")
        call = cst.Call(func=cst.Attribute(cst.Name(self.name), cst.Name(method)), args=[cst.Arg(item)])
        return updated.with_changes(value=call)

    def leave_Return(self, original: cst.Return, updated: cst.Return) -> cst.Return:
        if updated.value is not None:
            return updated
        return updated.with_changes(value=cst.Name(self.name), whitespace_after_return=cst.SimpleWhitespace(" "))


class IteratorsTransform(Transform):
    section = SECTION_TASKS

    def __init__(self, file) -> None:
        super().__init__(file)
        self._depth = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._depth += 1
        return True

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        self._depth -= 1
        task = self.file.module.tasks.get(updated.name.value) if self._depth == 0 else None
        if task is None or not task.iterators:
            return updated
        if "json" in task.iterators.values():
            return self.todo(
                updated,
                "Flyte 1's Iterator[JSON] (a JSONL file of records) has no Flyte 2 type: write the records to a "
                "flyte.io.File, or pass a list[dict]",
            )
        body = _Body()
        updated.body.visit(body)
        used = {p for p in task.iterators if p != "return"} & body.next_of
        if used:
            return self.todo(
                updated,
                f"`next()` on {', '.join(sorted(used))}: Flyte 2 passes the items as a list (iterate it, or "
                "call iter() on it first)",
            )
        if "return" in task.iterators and body.yields:
            problem = _uncollectable(body)
            if problem:
                return self.todo(updated, problem)
        updated = updated.with_changes(params=self._params(updated.params, task.iterators))
        if "return" not in task.iterators or updated.returns is None:
            return updated
        element = _element(updated.returns.annotation)
        if element is None:
            return updated
        updated = updated.with_changes(returns=updated.returns.with_changes(annotation=_list_of(element)))
        if body.yields:
            return self._collected(updated, body)
        if task.kind == "task":
            return updated.with_changes(body=updated.body.visit(_ListReturns()))
        return updated

    def _params(self, params: cst.Parameters, iterators: dict[str, str]) -> cst.Parameters:
        def typed(param: cst.Param) -> cst.Param:
            if param.name.value not in iterators or param.annotation is None:
                return param
            element = _element(param.annotation.annotation)
            if element is None:
                return param
            return param.with_changes(annotation=param.annotation.with_changes(annotation=_list_of(element)))

        return params.with_changes(
            posonly_params=[typed(p) for p in params.posonly_params],
            params=[typed(p) for p in params.params],
            kwonly_params=[typed(p) for p in params.kwonly_params],
        )

    def _collected(self, func: cst.FunctionDef, body: _Body) -> cst.FunctionDef:
        name = next((n for n in ACCUMULATORS if n not in body.names), None)
        if name is None or not isinstance(func.body, cst.IndentedBlock):
            return self.todo(func, "make this generator task return the list of its items")
        statements = list(func.body.visit(_Collect(name)).body)
        start = 1 if statements and _is_docstring(statements[0]) else 0
        statements.insert(start, cst.parse_statement(f"{name} = []\n"))
        if not isinstance(statements[-1], cst.SimpleStatementLine) or not isinstance(
            statements[-1].body[-1], cst.Return
        ):
            statements.append(cst.parse_statement(f"return {name}\n"))
        return func.with_changes(body=func.body.with_changes(body=statements))


def _uncollectable(body: _Body) -> str | None:
    """Why a generator's items cannot be collected mechanically (None: they can)."""
    if any(id(y) not in body.statement_yields for y in body.yields):
        return "a `yield` whose value is used: make this generator task return a list by hand"
    if any(r.value is not None for r in body.returns):
        return "a generator task's `return value`: make it return the list of its items by hand"
    return None


class _ListReturns(OwnScope, cst.CSTTransformer):
    """``return x`` -> ``return list(x)`` (nested scopes aside; a list display or comprehension stays)."""

    def leave_Return(self, original: cst.Return, updated: cst.Return) -> cst.Return:
        value = updated.value
        if value is None or isinstance(value, (cst.List, cst.ListComp)):
            return updated
        return updated.with_changes(value=cst.Call(func=cst.Name("list"), args=[cst.Arg(value)]))


def _element(annotation: cst.BaseExpression) -> cst.BaseExpression | None:
    """``T`` of ``Iterator[T]`` (any spelling of the name: the plan resolved it)."""
    if isinstance(annotation, cst.Subscript) and len(annotation.slice) == 1:
        index = annotation.slice[0].slice
        if isinstance(index, cst.Index):
            return index.value
    return None


def _list_of(element: cst.BaseExpression) -> cst.Subscript:
    return cst.Subscript(value=cst.Name("list"), slice=[cst.SubscriptElement(cst.Index(element))])


def _is_docstring(statement: cst.CSTNode) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


TRANSFORM = IteratorsTransform
