"""``a >> b`` / ``a.runs_before(b)`` and ``create_node(t, x=1)`` become plain calls in that order (guide §15
"Common Gotchas", 2. "Workflow `>>` Ordering Notation": sequential calls are naturally ordered; awaited one after
the other in async code).

A task now runs where it is called, so a ``>>`` statement goes and the statements it orders run in its order:
a name in a chain stands for the one statement of the block binding it (``n = t(...)``), a call in a chain
(``t1() >> t2()``, ``prepare() >> n``) becomes a statement of its own where the chain was. When the code
already runs them in that order nothing moves; otherwise (flytesnacks' ``t2_out = t2()``, ``t1_out = t1()``,
``t0_out = t0()`` then ``t0_out >> t1_out``, ``t1_out >> t2_out``) the statements between the first and the
last of them are put in an order that keeps every chain and every data flow (what reads a name stays after
what binds it), moving each as little as that needs: a Flyte 1 DAG ordered nodes by data and by ``>>`` only.
Blank lines stay in place, comments go with their statement. A cycle, a compound statement in the way, or a
name not bound exactly once in the block leaves the chains with a TODO. Only the bodies of Flyte 1 tasks and
workflows are read: elsewhere ``>>`` may be another library's operator.

``create_node(t, x=1)`` becomes ``t(x=1)`` (``await t.aio(x=1)`` in async code for a sync task), and the node's
``n.o0`` / ``n.<output>`` the value: ``n`` for one output, ``n[i]`` for several. A binding read nowhere but in
dropped ``>>`` statements (``first = t(...)`` kept only to order it) becomes the bare call.
"""

from __future__ import annotations

from itertools import combinations, pairwise

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


def _topological(nodes: list[int], edges: set[tuple[int, int]]) -> list[int] | None:
    """The nodes in an order every edge (a, b) keeps (a first), None for a cycle. Built from the end: the last
    place goes to the latest statement nothing has to precede, so a statement moves only as far as an edge
    needs (a call the chain puts first moves up, the statements it passes keep their order)."""
    after = {n: {b for a, b in edges if a == n} for n in nodes}
    remaining = set(nodes)
    backwards: list[int] = []
    while remaining:
        last = [n for n in remaining if not after[n] & remaining]
        if not last:
            return None
        backwards.append(max(last))
        remaining.discard(max(last))
    return backwards[::-1]


def _bound_anywhere(node: cst.CSTNode) -> set[str]:
    """The names a compound statement binds in any of its blocks (assignment, for and with targets)."""
    found: set[str] = set()
    if isinstance(node, cst.Assign):
        for target in node.targets:
            found |= _reads(target.target)
    elif isinstance(node, (cst.AnnAssign, cst.AugAssign, cst.For)):
        found |= _reads(node.target)
    elif isinstance(node, cst.AsName):
        found |= _reads(node.name)
    elif isinstance(node, cst.NamedExpr):
        found |= _reads(node.target)
    for child in node.children:
        found |= _bound_anywhere(child)
    return found


def _value_reads(stmt: cst.BaseStatement) -> set[str]:
    """The names a statement reads (a simple binding's targets are no read)."""
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
        small = stmt.body[0]
        if isinstance(small, (cst.Assign, cst.AnnAssign, cst.Expr)) and small.value is not None:
            return _reads(small.value)
    return _reads(stmt)


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
        binder: dict[str, list[int]] = {}  # name -> the statements of the block binding it
        for j, stmt in enumerate(body):
            if j not in chains:
                for name in _binds(stmt) or _bound_anywhere(stmt):
                    binder.setdefault(name, []).append(j)

        def bound_once(operand: cst.BaseExpression, at: int) -> bool:
            if isinstance(operand, (cst.Call, cst.Await)):
                return True
            places = binder.get(operand.value, []) if isinstance(operand, cst.Name) else []
            return len(places) == 1 and places[0] < at

        ordered = {i for i, operands in chains.items() if all(bound_once(op, i) for op in operands)}
        result = self._ordered(body, chains, ordered, binder)
        if result is None:  # the order cannot be had by moving statements: every chain is left, with a TODO
            items, where, todo = body, {i: i for i in chains}, set(chains)
        else:
            (items, where), todo = result, set(chains) - ordered
        chain_at = {at: i for i, at in where.items()}
        dropped = {op.value for i in set(chains) - todo for op in chains[i] if isinstance(op, cst.Name)}
        dropped -= {op.value for i in todo for op in chains[i] if isinstance(op, cst.Name)}
        out: list[cst.BaseStatement] = []
        carried: list[cst.EmptyLine] = []
        for at, stmt in enumerate(items):
            chain = chain_at.get(at)
            if chain in todo:
                out.append(self.todo(stmt, TODO_ORDER))
            elif chain is not None:  # dropped: its comments stay, above what follows
                carried.extend(line for line in stmt.leading_lines if line.comment is not None)
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

    def _ordered(self, body, chains, ordered, binder):
        """``(statements, chain -> its index there)``: the block with each orderable chain's calls made
        statements of their own before it, and the statements the chains name moved into the order they state;
        None when that order cannot be had (a cycle, or data flowing across a move)."""
        items: list[cst.BaseStatement] = []
        place: dict[int, int] = {}  # index in body -> index in items
        calls: dict[tuple[int, int], int] = {}  # (chain, operand position) -> index in items of its call
        for j, stmt in enumerate(body):
            if j in ordered:
                lines = stmt.leading_lines
                for k, operand in enumerate(chains[j]):
                    if isinstance(operand, (cst.Call, cst.Await)):
                        calls[(j, k)] = len(items)
                        items.append(cst.SimpleStatementLine(body=[cst.Expr(operand)], leading_lines=lines))
                        lines = ()
                if lines != stmt.leading_lines:
                    stmt = stmt.with_changes(leading_lines=[])
            place[j] = len(items)
            items.append(stmt)
        edges: set[tuple[int, int]] = set()
        for j in ordered:
            points = [
                calls[(j, k)] if (j, k) in calls else place[binder[op.value][0]] for k, op in enumerate(chains[j])
            ]
            edges |= set(pairwise(points))
        where = {j: place[j] for j in chains}
        nodes = {n for edge in edges for n in edge}
        if not nodes:
            return items, where
        skip = {place[j] for j in ordered}
        span = [j for j in range(min(nodes), max(nodes) + 1) if j not in skip]
        binds = {j: _binds(items[j]) for j in span}
        if any(b is None for b in binds.values()):
            return None
        reads = {j: _value_reads(items[j]) for j in span}
        for a, b in combinations(span, 2):  # data keeps its order: what reads a name stays after what binds it
            if reads[b] & binds[a] or reads[a] & binds[b] or binds[a] & binds[b]:
                edges.add((a, b))
        order = _topological(span, edges)
        if order is None:
            return None
        moved = list(items)
        for at, n in zip(span, order, strict=True):  # blank lines stay in place, comments go with their statement
            blank = [line for line in items[at].leading_lines if line.comment is None]
            comments = [line for line in items[n].leading_lines if line.comment is not None]
            moved[at] = items[n].with_changes(leading_lines=[*blank, *comments])
        return moved, where

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
