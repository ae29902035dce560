"""``conditional("name").if_(c).then(a).elif_(d).then(b).else_().then(e)`` becomes ``if``/``elif``/``else``
(guide §13 "Dynamic Workflows", "Conditional Task Execution": native Python if/else).

The statement holding the chain decides what each branch does with its value: ``return <chain>`` returns it in
each branch, ``x = <chain>`` (any targets) assigns it, a bare ``<chain>`` statement just runs it; a branch whose
value is itself a conditional nests. ``.else_().fail("msg")`` becomes ``raise ValueError("msg")``, what Flyte 1
raises when that branch is taken. Only the selected branch runs, as in Flyte 1.

Conditions: ``&``/``|`` become ``and``/``or``; ``x.is_true()`` → ``x``, ``x.is_false()`` → ``not x``,
``x.is_none()`` → ``x is None``; comparisons stay as written (they now compare values). A chain used inside
another expression, or not of the DSL's shape, gets a TODO.

``Echo(name=..., inputs={"x": float})``, Flyte 1's no-op task for a branch that passes its inputs through
(flytekit.core.task.Echo: its outputs are its inputs), has no Flyte 2 task type: a call ``echo(x=v)`` becomes
the value ``v`` (a tuple for several inputs, in the order ``inputs`` lists them), and the module-level
``echo = Echo(...)`` goes once nothing reads it.
"""

from __future__ import annotations

import libcst as cst

from flyte_lint.migrate.transforms.base import Transform

SECTION_CONDITIONAL = '§13 "Dynamic Workflows", "Conditional Task Execution"'


def _bare(node: cst.BaseExpression) -> cst.BaseExpression:
    return node.with_changes(lpar=[], rpar=[]) if getattr(node, "lpar", None) else node


def _paren(node: cst.BaseExpression) -> cst.BaseExpression:
    return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


ECHO = "flytekit.core.task.Echo"


def _reads(node: cst.CSTNode, name: str) -> bool:
    if isinstance(node, cst.Name) and node.value == name:
        return True
    return any(_reads(child, name) for child in node.children)


class ConditionalTransform(Transform):
    section = SECTION_CONDITIONAL

    # -- Echo: the value it passes through ---------------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> bool:
        self._echoes: dict[str, list[str]] = {}  # module-level names bound to Echo(...) -> its input names
        for stmt in node.body:
            name, inputs = self._echo(stmt)
            if name is not None:
                self._echoes[name] = inputs
        return True

    def _echo(self, stmt: cst.BaseStatement) -> tuple[str | None, list[str]]:
        """``(name, input names)`` for a ``name = Echo(name=..., inputs={"x": T, ...})`` statement."""
        if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
            return None, []
        assign = stmt.body[0]
        if not (
            isinstance(assign, cst.Assign)
            and len(assign.targets) == 1
            and isinstance(assign.targets[0].target, cst.Name)
            and isinstance(assign.value, cst.Call)
            and self.v1_path(assign.value.func) == ECHO
        ):
            return None, []
        inputs = next((arg.value for arg in assign.value.args if arg.keyword and arg.keyword.value == "inputs"), None)
        if not isinstance(inputs, cst.Dict) or not all(
            isinstance(e, cst.DictElement) and isinstance(e.key, cst.SimpleString) for e in inputs.elements
        ):
            return None, []
        return assign.targets[0].target.value, [e.key.evaluated_value for e in inputs.elements]

    def _echoed(self, call: cst.Call) -> cst.BaseExpression | None:
        """The value a call of an Echo task returns: its inputs."""
        inputs = self._echoes.get(call.func.value) if isinstance(call.func, cst.Name) else None
        if not inputs or any(arg.keyword is None for arg in call.args):
            return None
        given = {arg.keyword.value: arg.value for arg in call.args}
        if set(given) != set(inputs):
            return None
        if len(inputs) == 1:
            return given[inputs[0]]
        return cst.Tuple(elements=[cst.Element(given[name]) for name in inputs])

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        echoed = self._echoed(updated)
        return echoed if echoed is not None else updated

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        body, carried = [], []
        for stmt in updated.body:
            name, _ = self._echo(stmt)
            if name is not None and not any(_reads(other, name) for other in updated.body if other is not stmt):
                carried.extend(stmt.leading_lines)  # the comments above it stay, above what follows
                continue
            while carried and carried[-1].comment is None:
                carried.pop()
            if carried:
                stmt = stmt.with_changes(leading_lines=[*carried, *stmt.leading_lines])
                carried = []
            body.append(stmt)
        return updated.with_changes(body=body)

    # -- the chain ---------------------------------------------------------------------------------------------
    def _unroll(self, node: cst.BaseExpression) -> list[tuple[str, list[cst.Arg]]] | None:
        """The method calls of a ``conditional(...)`` chain in order, or None when ``node`` is not one."""
        steps = []
        while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            steps.append((node.func.attr.value, list(node.args)))
            node = node.func.value
        if not (isinstance(node, cst.Call) and self.v1_symbol(node.func) == "conditional"):
            return None
        return list(reversed(steps))

    def _cases(self, steps):
        """``([(condition, value)...], else)`` where else is None, ("then", value) or ("fail", message); None
        when the chain is not of the DSL's shape."""
        cases, rest = [], list(steps)
        opener = "if_"
        while rest and rest[0][0] == opener:
            if len(rest) < 2 or rest[1][0] != "then" or len(rest[0][1]) != 1 or len(rest[1][1]) != 1:
                return None
            cases.append((rest[0][1][0].value, rest[1][1][0].value))
            rest, opener = rest[2:], "elif_"
        if not cases:
            return None
        if not rest:
            return cases, None
        if len(rest) != 2 or rest[0][0] != "else_" or rest[0][1] or rest[1][0] not in ("then", "fail"):
            return None
        if len(rest[1][1]) != 1:
            return None
        return cases, (rest[1][0], rest[1][1][0].value)

    # -- conditions --------------------------------------------------------------------------------------------
    def _condition(self, node: cst.BaseExpression) -> cst.BaseExpression:
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, (cst.BitAnd, cst.BitOr)):
            joined = cst.And if isinstance(node.operator, cst.BitAnd) else cst.Or
            left, right = self._operand(node.left, joined), self._operand(node.right, joined)
            result = cst.BooleanOperation(left=left, operator=joined(), right=right)
            return _paren(result) if node.lpar else result
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and not node.args:
            subject, method = node.func.value, node.func.attr.value
            if method == "is_true":
                return subject
            if method == "is_false":
                return cst.UnaryOperation(operator=cst.Not(), expression=subject)
            if method == "is_none":
                return cst.Comparison(
                    left=subject, comparisons=[cst.ComparisonTarget(operator=cst.Is(), comparator=cst.Name("None"))]
                )
        return node

    def _operand(self, node: cst.BaseExpression, joined) -> cst.BaseExpression:
        """An operand of ``and``/``or``: without the parentheses ``&``/``|`` needed, unless it is an ``and``/
        ``or`` of the other kind (kept for the reader)."""
        converted = self._condition(_bare(node))
        if isinstance(converted, cst.BooleanOperation) and not isinstance(converted.operator, joined):
            return _paren(converted)
        return _bare(converted)

    # -- statements --------------------------------------------------------------------------------------------
    def _statement(self, value: cst.BaseExpression, sink) -> cst.BaseStatement:
        """What a branch does with ``value``: the sink's statement, or a nested if for a nested chain."""
        steps = self._unroll(value)
        parsed = self._cases(steps) if steps is not None else None
        if parsed is not None:
            return self._if(*parsed, sink)
        return cst.SimpleStatementLine(body=[sink(_bare(value) if not isinstance(value, cst.Tuple) else value)])

    def _if(self, cases, otherwise, sink) -> cst.If:
        orelse = None
        if otherwise is not None:
            kind, value = otherwise
            if kind == "fail":
                raised = cst.Raise(exc=cst.Call(func=cst.Name("ValueError"), args=[cst.Arg(value)]))
                body = cst.SimpleStatementLine(body=[raised])
            else:
                body = self._statement(value, sink)
            orelse = cst.Else(body=cst.IndentedBlock(body=[body]))
        for condition, value in reversed(cases):
            orelse = cst.If(
                test=_bare(self._condition(_bare(condition))),
                body=cst.IndentedBlock(body=[self._statement(value, sink)]),
                orelse=orelse,
            )
        return orelse

    def leave_SimpleStatementLine(self, original, updated):
        if len(updated.body) == 1:
            converted = self._convert(updated.body[0])
            if converted is not None:
                return converted.with_changes(leading_lines=updated.leading_lines)
        if not any(isinstance(s, (cst.Import, cst.ImportFrom)) for s in updated.body) and self._names_it(updated):
            self.todo_here("this `conditional(...)` was not migrated: write it as if/elif/else")
        return updated

    def _convert(self, stmt: cst.BaseSmallStatement) -> cst.If | None:
        if isinstance(stmt, cst.Return) and stmt.value is not None:
            value, sink = stmt.value, lambda v: cst.Return(value=v)
        elif isinstance(stmt, cst.Assign):
            value, sink = stmt.value, lambda v: cst.Assign(targets=stmt.targets, value=v)
        elif isinstance(stmt, cst.Expr):
            value, sink = stmt.value, lambda v: cst.Expr(value=v)
        else:
            return None
        steps = self._unroll(value)
        if steps is None:
            return None
        parsed = self._cases(steps)
        if parsed is None:
            return None
        return self._if(*parsed, sink)

    def _names_it(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.Name, cst.Attribute)) and self.v1_symbol(node) == "conditional":
            return True
        return any(self._names_it(child) for child in node.children)


TRANSFORM = ConditionalTransform
