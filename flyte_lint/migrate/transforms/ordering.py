"""``a >> b`` / ``a.runs_before(b)`` and ``create_node(t, x=1)`` become plain calls in that order (guide §15
"Common Gotchas", 2. "Workflow `>>` Ordering Notation": sequential calls are naturally ordered; awaited one after
the other in async code).

A task now runs where it is called, so a ``>>`` statement is dropped when the order it states is the order the
calls already happen in: each name in the chain bound (``n = t(...)`` in the same block) before the next one, a
call in the chain (``t1() >> t2()``, left to right) after every name. Its calls stay, one statement each, in
that order. When chains of names state another order than the code's (flytesnacks' ``t0_out >> t1_out`` after
``t1_out = t1()``, ``t0_out = t0()``), the bindings they name move into that order, among their own places, if
no data flows between what moves and what it moves across (a Flyte 1 DAG did not order independent nodes).
Otherwise, or for a chain naming what is not bound once in its block, a TODO. Only the bodies of Flyte 1
tasks and workflows are read: elsewhere ``>>`` may be another library's operator.

``create_node(t, x=1)`` becomes ``t(x=1)`` (``await t.aio(x=1)`` in async code for a sync task), and the node's
``n.o0`` / ``n.<output>`` the value: ``n`` for one output, ``n[i]`` for several. A binding read nowhere but in
dropped ``>>`` statements (``first = t(...)`` kept only to order it) becomes the bare call.
"""

from __future__ import annotations

from itertools import pairwise

import libcst as cst

from flyte_lint.migrate.transforms.base import Transform

TODO_ORDER = "this `>>` orders calls the code does not plainly run in that order: call the tasks in its order"
SECTION_ORDERING = '§15 "Common Gotchas", "Workflow `>>` Ordering Notation"'


def _chain(stmt: cst.BaseStatement) -> list[cst.BaseExpression] | None:
    """The operands of a ``a >> b >> c`` or ``a.runs_before(b)`` statement in the order it states."""
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Expr)):
        return None
    value = stmt.body[0].value
    if (
        isinstance(value, cst.Call)
        and isinstance(value.func, cst.Attribute)
        and value.func.attr.value == "runs_before"
        and len(value.args) == 1
        and value.args[0].keyword is None
    ):
        return [value.func.value, value.args[0].value]
    if not (isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.RightShift)):
        return None
    operands = []
    while isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.RightShift) and not value.lpar:
        operands.append(value.right)
        value = value.left
    operands.append(value)
    return list(reversed(operands))


def _bound_name(stmt: cst.BaseStatement) -> str | None:
    """The name a ``name = ...`` statement binds."""
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
        small = stmt.body[0]
        if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
            return small.targets[0].target.value
    return None


def _names(node: cst.CSTNode, out: dict[str, int]) -> None:
    if isinstance(node, cst.Name):
        out[node.value] = out.get(node.value, 0) + 1
    for child in node.children:
        _names(child, out)


def _reads(node: cst.CSTNode) -> set[str]:
    found: dict[str, int] = {}
    _names(node, found)
    return set(found)


def _binds(stmt: cst.BaseStatement) -> set[str] | None:
    """The names a simple statement binds; None for a statement this module does not move code across."""
    if not isinstance(stmt, cst.SimpleStatementLine):
        return None
    bound: set[str] = set()
    for small in stmt.body:
        if isinstance(small, cst.Assign):
            for target in small.targets:
                bound |= _reads(target.target)
        elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
            bound |= _reads(small.target)
        elif not isinstance(small, (cst.Expr, cst.Pass)):
            return None
    return bound


def _reorder(body: list[cst.BaseStatement], chains: dict[int, list]) -> tuple[list[cst.BaseStatement], set[int]]:
    """``body`` with the bindings that chains of names (``t0_out >> t1_out``) order moved into that order, and the
    chains it could not honour. A binding moves only among the places of the bindings being ordered, and only when
    no data flows between what moves and what it moves across (a Flyte 1 DAG did not order independent nodes)."""
    named = {i: ops for i, ops in chains.items() if all(isinstance(op, cst.Name) for op in ops)}
    edges: set[tuple[int, int]] = set()
    failed: set[int] = set()
    for i, operands in named.items():
        places = []
        for operand in operands:
            bound = [j for j, stmt in enumerate(body) if j not in chains and _bound_name(stmt) == operand.value]
            if len(bound) != 1 or bound[0] > i:
                failed.add(i)
                break
            places.append(bound[0])
        else:
            edges |= set(pairwise(places))
    nodes = {j for edge in edges for j in edge}
    order = _topological(nodes, edges)
    positions = sorted(nodes)
    if order is None or (order != positions and not _movable(body, positions, chains)):
        return body, failed | set(named)
    moved = list(body)
    for place, j in zip(positions, order, strict=True):
        moved[place] = body[j].with_changes(leading_lines=body[place].leading_lines)
    return moved, failed


def _topological(nodes: set[int], edges: set[tuple[int, int]]) -> list[int] | None:
    """The nodes in an order every edge (a, b) keeps (a first), the earliest place first among free ones; None
    for a cycle."""
    before = {n: {a for a, b in edges if b == n} for n in nodes}
    order: list[int] = []
    while before:
        free = sorted(n for n, preds in before.items() if not preds)
        if not free:
            return None
        order.append(free[0])
        del before[free[0]]
        for preds in before.values():
            preds.discard(free[0])
    return order


def _movable(body: list[cst.BaseStatement], positions: list[int], chains: dict[int, list]) -> bool:
    moving = set(positions)
    span = [j for j in range(positions[0], positions[-1] + 1) if j not in chains]
    binds = {j: _binds(body[j]) for j in span}
    if any(b is None for b in binds.values()):
        return False
    for j in span:
        reads = _reads(body[j].body[0].value) if j in moving else _reads(body[j])
        others = set().union(*(binds[k] for k in span if k != j and (k in moving or j in moving)))
        if reads & others:
            return False
    return True


class OrderingTransform(Transform):
    section = SECTION_ORDERING

    def __init__(self, file) -> None:
        super().__init__(file)
        self._async: list[bool] = []
        self._functions: list[str] = []  # the names of the functions being visited, outermost first
        self._uses: list[dict[str, int]] = []  # per function: reads of each name outside `>>` statements
        self._nodes: list[dict[str, object]] = []  # per function: names bound to create_node(t) -> t's TaskPlan

    # -- the function being rewritten --------------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._async.append(node.asynchronous is not None)
        self._functions.append(node.name.value)
        uses: dict[str, int] = {}
        nodes: dict[str, object] = {}
        self._scan(node.body, uses, nodes)
        self._uses.append(uses)
        self._nodes.append(nodes)
        return True

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        self._async.pop()
        self._functions.pop()
        self._uses.pop()
        self._nodes.pop()
        return updated

    def _scan(self, node: cst.CSTNode, uses: dict[str, int], nodes: dict[str, object]) -> None:
        """Count the names read outside ``>>`` statements (a simple binding's target is no read), and note the
        names bound to ``create_node(task, ...)``."""
        if _chain(node) is not None:
            return
        name = _bound_name(node)
        if name is not None:
            value = node.body[0].value
            task = self._node_task(value)
            if task is not None:
                nodes[name] = task
            _names(value, uses)
            return
        if isinstance(node, cst.Name):
            uses[node.value] = uses.get(node.value, 0) + 1
        for child in node.children:
            self._scan(child, uses, nodes)

    def _node_task(self, value: cst.BaseExpression):
        """The TaskPlan ``create_node(task, ...)`` runs, else None."""
        if not (isinstance(value, cst.Call) and self.v1_symbol(value.func) == "create_node" and value.args):
            return None
        target = value.args[0].value
        return self.file.module.task_names.get(target.value) if isinstance(target, cst.Name) else None

    # -- create_node(t, x=1) -> t(x=1); n.o0 -> n ----------------------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        task = self._node_task(updated)
        if task is None or any(arg.keyword is None for arg in updated.args[1:]):
            return updated
        func = updated.args[0].value
        args = [arg.with_changes(comma=cst.MaybeSentinel.DEFAULT) for arg in updated.args[1:]]
        if not (self._async and self._async[-1]):
            return cst.Call(func=func, args=args)
        if not task.is_async:
            func = cst.Attribute(value=func, attr=cst.Name("aio"))
        return cst.Await(expression=cst.Call(func=func, args=args))

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        if not self._nodes or not isinstance(updated.value, cst.Name):
            return updated
        task = self._nodes[-1].get(updated.value.value)
        if task is None:
            return updated
        attr = updated.attr.value
        fields = task.output_fields
        if fields is not None and attr in fields:
            position = fields.index(attr)
        elif attr[:1] == "o" and attr[1:].isdigit():
            position = int(attr[1:])
        else:
            return updated
        if task.outputs == "one" or (fields is not None and len(fields) == 1):
            return updated.value
        return cst.Subscript(value=updated.value, slice=[cst.SubscriptElement(cst.Index(cst.Integer(str(position))))])

    # -- the `>>` statements of a block ------------------------------------------------------------------------
    def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock) -> cst.IndentedBlock:
        if not self._functions or self._functions[0] not in self.file.module.tasks:
            return updated  # `>>` outside a Flyte 1 task or workflow may be any other library's operator
        body = list(updated.body)
        chains = {i: operands for i, stmt in enumerate(body) if (operands := _chain(stmt)) is not None}
        if not chains:
            return updated
        body, unordered = _reorder(body, chains)
        unordered |= {
            i for i, operands in chains.items() if i not in unordered and not self._in_order(body, i, operands)
        }
        dropped = {
            operand.value
            for i, operands in chains.items()
            if i not in unordered
            for operand in operands
            if isinstance(operand, cst.Name)
        }
        dropped -= {operand.value for i in unordered for operand in chains[i] if isinstance(operand, cst.Name)}
        out: list[cst.BaseStatement] = []
        carried: list[cst.EmptyLine] = []
        for i, stmt in enumerate(body):
            if i in unordered:
                out.append(self.todo(stmt, TODO_ORDER))
            elif i in chains:
                calls = [operand for operand in chains[i] if not isinstance(operand, cst.Name)]
                statements = [cst.SimpleStatementLine(body=[cst.Expr(call)]) for call in calls]
                if statements:
                    statements[0] = statements[0].with_changes(leading_lines=stmt.leading_lines)
                else:  # its comments stay, above what follows
                    carried.extend(line for line in stmt.leading_lines if line.comment is not None)
                out.extend(statements)
                continue
            elif (name := _bound_name(stmt)) in dropped and not self._uses[-1].get(name):
                out.append(stmt.with_changes(body=[cst.Expr(stmt.body[0].value)]))
            else:
                out.append(stmt)
            if carried:
                out[-1] = out[-1].with_changes(leading_lines=[*carried, *out[-1].leading_lines])
                carried = []
        if not out:
            out.append(cst.SimpleStatementLine(body=[cst.Pass()]))
        return updated.with_changes(body=out)

    def _in_order(self, body: list[cst.BaseStatement], at: int, operands: list[cst.BaseExpression]) -> bool:
        """Whether the code runs ``operands`` in their order already (see the module docstring)."""
        times = []
        for position, operand in enumerate(operands):
            if isinstance(operand, cst.Name):
                bound = [j for j in range(at) if _bound_name(body[j]) == operand.value]
                if not bound:
                    return False
                times.append((bound[-1], 0))
            elif isinstance(operand, (cst.Call, cst.Await)):
                times.append((at, position + 1))
            else:
                return False
        return all(a < b for a, b in pairwise(times))

    # -- what is left --------------------------------------------------------------------------------------------
    def leave_SimpleStatementLine(self, original, updated):
        if not any(isinstance(s, (cst.Import, cst.ImportFrom)) for s in updated.body) and self._names_it(updated):
            self.todo_here("this `create_node(...)` was not migrated: call the task instead")
        return updated

    def _names_it(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.Name, cst.Attribute)) and self.v1_symbol(node) == "create_node":
            return True
        return any(self._names_it(child) for child in node.children)


TRANSFORM = OrderingTransform
