"""``conditional("name").if_(c).then(a).elif_(d).then(b).else_().then(e)`` becomes ``if``/``elif``/``else``
(guide §13 "Dynamic Workflows", "Conditional Task Execution": native Python if/else).

The statement holding the chain decides what each branch does with its value: ``return <chain>`` returns it in
each branch, ``x = <chain>`` (any targets) assigns it, a bare ``<chain>`` statement just runs it; a branch whose
value is itself a conditional nests. ``.else_().fail("msg")`` becomes ``raise ValueError("msg")``, what Flyte 1
raises when that branch is taken. Only the selected branch runs, as in Flyte 1.

Conditions: ``&``/``|`` become ``and``/``or``; ``x.is_true()`` → ``x``, ``x.is_false()`` → ``not x``,
``x.is_none()`` → ``x is None``; comparisons stay as written (they now compare values). A chain used inside
another expression, or not of the DSL's shape, gets a TODO.
"""

from __future__ import annotations

import libcst as cst

from flyte_lint.migrate.transforms.base import Transform

SECTION_CONDITIONAL = '§13 "Dynamic Workflows", "Conditional Task Execution"'


def _bare(node: cst.BaseExpression) -> cst.BaseExpression:
    return node.with_changes(lpar=[], rpar=[]) if getattr(node, "lpar", None) else node


def _paren(node: cst.BaseExpression) -> cst.BaseExpression:
    return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


class ConditionalTransform(Transform):
    section = SECTION_CONDITIONAL

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
