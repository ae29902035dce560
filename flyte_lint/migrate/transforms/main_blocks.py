"""``pyflyte run``-style ``if __name__ == "__main__":`` blocks: a Flyte 1 workflow or task called directly there
runs locally; in Flyte 2 the block starts a run with ``flyte.init_from_config()`` and ``flyte.run(task, ...)``
(guide §5 and its cheat sheet; without a config file ``init_from_config`` runs locally, as the original did).

A call in a statement of the block is hoisted as flyte-sdk's examples write it::

    run = flyte.run(wf, a=50)
    run.wait()
    print(run.outputs()[0])  # tuple(run.outputs()) for a Tuple, N(*run.outputs()) for a NamedTuple N, None for none

a call that is the whole statement becomes ``flyte.run(wf, ...)``, one inside a loop or another compound
statement ``flyte.run(wf, ...).outputs()[0]`` in place.
"""

from __future__ import annotations

import libcst as cst

from flyte_lint.migrate.plan import TaskPlan
from flyte_lint.migrate.transforms.base import Transform

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


def value_of_run(run: cst.BaseExpression, task: TaskPlan) -> cst.BaseExpression:
    outputs = cst.Call(func=cst.Attribute(value=run, attr=cst.Name("outputs")))
    if task.outputs == "none":
        return cst.Name("None")
    if task.outputs == "many":
        return cst.Call(func=cst.Name("tuple"), args=[cst.Arg(outputs)])
    if task.outputs == "named":  # (what Flyte 1 returned: the NamedTuple, rebuilt from the outputs)
        rebuild = cst.parse_expression(task.func.returns.as_string())
        return cst.Call(func=rebuild, args=[cst.Arg(outputs, star="*")])
    return cst.Subscript(value=outputs, slice=[cst.SubscriptElement(cst.Index(cst.Integer("0")))])


class MainBlocksTransform(Transform):
    section = SECTION_CLI

    def __init__(self, file) -> None:
        super().__init__(file)
        self._depth = 0

    def visit_FunctionDef(self, node) -> bool:
        return False  # (only module-level blocks)

    def visit_ClassDef(self, node) -> bool:
        return False

    def leave_If(self, original: cst.If, updated: cst.If) -> cst.If:
        tasks = self.file.module.task_names
        if not tasks or not is_main_test(updated.test) or not isinstance(updated.body, cst.IndentedBlock):
            return updated
        body: list[cst.BaseStatement] = []
        runs = 0
        changed = False
        for stmt in updated.body.body:
            if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
                small = stmt.body[0]
                if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
                    call = small.value
                    if isinstance(call.func, cst.Name) and call.func.value in tasks:
                        body.append(stmt.with_changes(body=[small.with_changes(value=run_call(call))]))
                        changed = True
                        continue
                hoisted: list[cst.BaseStatement] = []

                def hoist(call: cst.Call, task: TaskPlan, hoisted=hoisted, stmt=stmt) -> cst.BaseExpression:
                    nonlocal runs
                    runs += 1
                    name = "run" if runs == 1 else f"run_{runs}"
                    hoisted.append(cst.parse_statement(f"{name} = flyte.run()\n"))
                    assign = hoisted[-1]
                    hoisted[-1] = assign.with_changes(
                        body=[assign.body[0].with_changes(value=run_call(call))],
                        leading_lines=stmt.leading_lines if len(hoisted) == 1 else [],
                    )
                    hoisted.append(cst.parse_statement(f"{name}.wait()\n"))
                    return value_of_run(cst.Name(name), task)

                calls = _Calls(tasks, hoist)
                new = stmt.visit(calls)
                if calls.found:
                    changed = True
                    body.extend(hoisted)
                    body.append(new.with_changes(leading_lines=[]) if hoisted else new)
                    continue
                body.append(stmt)
                continue
            calls = _Calls(tasks, lambda call, task: value_of_run(run_call(call), task))
            new = stmt.visit(calls)
            changed = changed or bool(calls.found)
            body.append(new)
        if not changed:
            return updated
        self.require("import flyte")
        if not any(_is_init(s) for s in body):
            body.insert(0, cst.parse_statement("flyte.init_from_config()\n"))
        return updated.with_changes(body=updated.body.with_changes(body=body))


def _is_init(stmt: cst.BaseStatement) -> bool:
    code = cst.Module(body=[stmt]).code.strip()
    return code.startswith(("flyte.init(", "flyte.init_from_config("))


TRANSFORM = MainBlocksTransform
