"""``pyflyte run``-style ``if __name__ == "__main__":`` blocks: a Flyte 1 workflow or task called directly there
runs locally; in Flyte 2 the block starts a run with ``flyte.init_from_config()`` and ``flyte.run(task, ...)``
(guide §5 and its cheat sheet; without a config file ``init_from_config`` runs locally, as the original did).

A call in a statement of the block is hoisted as flyte-sdk's examples write it::

    run = flyte.run(wf, a=50)
    run.wait()
    print(run.outputs()[0])  # tuple(run.outputs()) for a Tuple, N(*run.outputs()) for a NamedTuple N, None for none

the same in the blocks nested in it (a loop's body, a ``try``'s...); a call that is the whole statement
becomes ``flyte.run(wf, ...)``, one in a compound statement's header ``flyte.run(wf, ...).outputs()[0]`` in
place.
"""

from __future__ import annotations

import libcst as cst

from flyte_lint.migrate.plan import TaskPlan
from flyte_lint.migrate.transforms.base import OwnScope, Transform

SECTION_CLI = '§5 "CLI Commands"'


def is_main_test(test: cst.BaseExpression) -> bool:
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    target = test.comparisons[0]
    if not isinstance(target.operator, cst.Equal):
        return False
    sides = [test.left, target.comparator]
    names = [s for s in sides if isinstance(s, cst.Name) and s.value == "__name__"]
    strings = [s for s in sides if isinstance(s, cst.SimpleString) and s.evaluated_value == "__main__"]
    return len(names) == 1 and len(strings) == 1


class _Calls(cst.CSTTransformer):
    """Replace the calls of planned tasks in one statement (not inside nested functions or lambdas)."""

    def __init__(self, tasks: dict[str, TaskPlan], replace) -> None:
        super().__init__()
        self.tasks = tasks
        self.replace = replace
        self.found = 0

    def visit_Lambda(self, node) -> bool:
        return False

    def visit_FunctionDef(self, node) -> bool:
        return False

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = updated.func
        if isinstance(func, cst.Name) and func.value in self.tasks:
            self.found += 1
            return self.replace(updated, self.tasks[func.value])
        return updated


def run_call(call: cst.Call) -> cst.Call:
    """``wf(a=1)`` -> ``flyte.run(wf, a=1)``."""
    args = [cst.Arg(call.func), *call.args]
    args = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in args]
    return cst.Call(func=cst.parse_expression("flyte.run"), args=args)


def value_of_run(run: cst.BaseExpression, task: TaskPlan, here=None) -> cst.BaseExpression:
    """What the original call returned, read from a run of it; ``here``: the astroid module being rewritten (a
    NamedTuple is rebuilt only where its name is bound, in the task's own module)."""
    outputs = cst.Call(func=cst.Attribute(value=run, attr=cst.Name("outputs")))
    if task.outputs == "none":
        return cst.Name("None")
    if task.outputs == "many" or (task.outputs == "named" and task.func.root() is not here):
        return cst.Call(func=cst.Name("tuple"), args=[cst.Arg(outputs)])
    if task.outputs == "named":  # (what Flyte 1 returned: the NamedTuple, rebuilt from the outputs)
        rebuild = cst.parse_expression(task.func.returns.as_string())
        return cst.Call(func=rebuild, args=[cst.Arg(outputs, star="*")])
    return cst.Subscript(value=outputs, slice=[cst.SubscriptElement(cst.Index(cst.Integer("0")))])


class _Block(OwnScope, cst.CSTTransformer):
    """Rewrite the task calls of a ``__main__`` block: each simple statement of it, or of a block nested in it
    (a loop's, a ``try``'s...), gets its calls hoisted; what is left (a loop's header, a one-line suite) is
    rewritten in place."""

    def __init__(self, tasks: dict[str, TaskPlan], taken: set[str], here) -> None:
        super().__init__()
        self.tasks = tasks
        self.here = here
        self.changed = False
        # a statement's runs are consumed by that statement: each one names them run, run_2... afresh
        self.base = next(n for n in ("run", "flyte_run", "task_run") if n not in taken)

    def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock) -> cst.IndentedBlock:
        body: list[cst.BaseStatement] = []
        for stmt in updated.body:
            body.extend(self._statement(stmt) if isinstance(stmt, cst.SimpleStatementLine) else [stmt])
        return updated.with_changes(body=body)

    def _statement(self, stmt: cst.SimpleStatementLine) -> list[cst.BaseStatement]:
        small = stmt.body[0] if len(stmt.body) == 1 else None
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
            call = small.value
            if isinstance(call.func, cst.Name) and call.func.value in self.tasks:
                self.changed = True
                return [stmt.with_changes(body=[small.with_changes(value=run_call(call))])]
        if small is None:
            return [stmt]
        hoisted: list[cst.BaseStatement] = []
        number = 1

        def hoist(call: cst.Call, task: TaskPlan) -> cst.BaseExpression:
            nonlocal number
            name = self.base if number == 1 else f"{self.base}_{number}"
            number += 1
            assign = cst.parse_statement(f"{name} = flyte.run()\n")
            hoisted.append(
                assign.with_changes(
                    body=[assign.body[0].with_changes(value=run_call(call))],
                    leading_lines=stmt.leading_lines if not hoisted else [],
                )
            )
            hoisted.append(cst.parse_statement(f"{name}.wait()\n"))
            return value_of_run(cst.Name(name), task, self.here)

        calls = _Calls(self.tasks, hoist)
        new = stmt.visit(calls)
        if not calls.found:
            return [stmt]
        self.changed = True
        return [*hoisted, new.with_changes(leading_lines=[])]


class MainBlocksTransform(Transform):
    section = SECTION_CLI

    def visit_FunctionDef(self, node) -> bool:
        return False  # (only module-level blocks)

    def visit_ClassDef(self, node) -> bool:
        return False

    def leave_If(self, original: cst.If, updated: cst.If) -> cst.If:
        tasks = self.file.module.task_names
        if not tasks or not is_main_test(updated.test) or not isinstance(updated.body, cst.IndentedBlock):
            return updated
        block = _Block(tasks, _names(updated.body), self.file.module.module.tree)
        body = updated.body.visit(block)
        here = self.file.module.module.tree
        inline = _Calls(tasks, lambda call, task: value_of_run(run_call(call), task, here))  # (headers, one-liners)
        body = body.visit(inline)
        if not block.changed and not inline.found:
            return updated
        self.require("import flyte")
        statements = list(body.body)
        if not any(_is_init(s) for s in statements):
            statements.insert(0, cst.parse_statement("flyte.init_from_config()\n"))
        return updated.with_changes(body=body.with_changes(body=statements))


def _names(node: cst.CSTNode) -> set[str]:
    """The names ``node`` reads or binds."""
    found: set[str] = set()

    class Names(cst.CSTVisitor):
        def visit_Name(self, name: cst.Name) -> None:
            found.add(name.value)

    node.visit(Names())
    return found


def _is_init(stmt: cst.BaseStatement) -> bool:
    code = cst.Module(body=[stmt]).code.strip()
    return code.startswith(("flyte.init(", "flyte.init_from_config("))


TRANSFORM = MainBlocksTransform
