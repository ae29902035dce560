"""``@task(...)``, ``@workflow``, ``@dynamic``, ``@eager`` -> ``@env.task(...)`` on the generated
``flyte.TaskEnvironment``s (plan.py decides which env and its options; task_options.py the per-task options).
The env definitions go right before the first task that uses them (where every name their options use is
bound, as it was for the decorator), imported envs come in through the imports transform. A ``PodTemplate``
becomes ``flyte.PodTemplate`` (the same parameters)."""

from __future__ import annotations

import libcst as cst

from flyte_lint.migrate.plan import TaskPlan
from flyte_lint.migrate.task_options import SECTION_TASKS
from flyte_lint.migrate.transforms.base import Transform

DECORATORS = ("task", "workflow", "dynamic", "eager")
POD_TEMPLATE_KEYWORDS = ("pod_spec", "primary_container_name", "labels", "annotations")


class TasksTransform(Transform):
    section = SECTION_TASKS

    def __init__(self, file) -> None:
        super().__init__(file)
        self._depth = 0
        self._decorators = 0  # (inside a decorator expression)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._depth += 1
        return True

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self._depth += 1
        return True

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        self._depth -= 1
        return updated

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        self._depth -= 1
        task = self.file.module.tasks.get(updated.name.value) if self._depth == 0 else None
        if task is None:
            if self._depth and any(self._is_v1_decorator(d) for d in updated.decorators):
                return self.todo(updated, "a Flyte 2 task is a module-level function: move this one out of its scope")
            return updated
        decorators = []
        for decorator in updated.decorators:
            if self._is_v1_decorator(decorator):
                decorator = decorator.with_changes(decorator=cst.parse_expression(self._decorator(task)))
            decorators.append(decorator)
        updated = updated.with_changes(decorators=decorators)
        for message, section in task.options.todos:
            updated = self.todo(updated, message, section)
        return updated

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """``PodTemplate(pod_spec=..., primary_container_name=..., labels=..., annotations=...)`` ->
        ``flyte.PodTemplate(...)``: the same parameters in flyte 2.12.1 (a TaskEnvironment's pod_template)."""
        if self.v1_symbol(updated.func) == "PodTemplate" and all(
            a.keyword is not None and a.keyword.value in POD_TEMPLATE_KEYWORDS for a in updated.args
        ):
            self.require("import flyte")
            return updated.with_changes(func=cst.parse_expression("flyte.PodTemplate"))
        target = updated.func.func if isinstance(updated.func, cst.Call) else updated.func
        if (
            not self._decorators
            and self.v1_symbol(target) in DECORATORS
            and (updated.args or isinstance(updated.func, cst.Call))
        ):  # task(fn), task(retries=2)(fn): not a decorator
            self.todo_here("a task made by calling the decorator: decorate the function with `@env.task` instead")
        return updated

    def visit_Decorator(self, node: cst.Decorator) -> bool:
        self._decorators += 1
        return True

    def leave_Decorator(self, original: cst.Decorator, updated: cst.Decorator) -> cst.Decorator:
        self._decorators -= 1
        return updated

    def _is_v1_decorator(self, decorator: cst.Decorator) -> bool:
        expr = decorator.decorator
        return self.v1_symbol(expr.func if isinstance(expr, cst.Call) else expr) in DECORATORS

    def _decorator(self, task: TaskPlan) -> str:
        name = self.file.module.name_of(task.env)
        options = task.options.task
        if not options:
            return f"{name}.task"
        if any("flyte." in v for v in options.values()):
            self.require("import flyte")
        return f"{name}.task({', '.join(f'{k}={v}' for k, v in options.items())})"

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        module = self.file.module
        if not module.tasks:
            return updated
        self.require("import flyte")
        for line in module.env_imports():
            self.require(line)
        names = module.names()
        defined: set[int] = set()
        pending = list(module.add_dependency)
        body: list[cst.CSTNode] = []
        first_task = True
        for stmt in updated.body:
            task = module.tasks.get(stmt.name.value) if isinstance(stmt, cst.FunctionDef) else None
            if task is not None:
                spacing = [cst.EmptyLine()] * 2 if body else []
                env = task.env
                if env in module.envs and id(env) not in defined:
                    defined.add(id(env))
                    body.append(self._statement(env.source(names), spacing))
                for entry in list(pending):  # once both envs exist here (a dynamic may call a later task)
                    env, dep, _caller = entry
                    if all(e not in module.envs or id(e) in defined for e in (env, dep)):
                        pending.remove(entry)
                        text = f"{module.name_of(env)}.add_dependency({module.name_of(dep)})"
                        body.append(self._statement(text, spacing))
                if first_task:
                    first_task = False
                    for message, section in module.todos:
                        stmt = self.todo(stmt, message, section)
            body.append(stmt)
        return updated.with_changes(body=body)

    @staticmethod
    def _statement(text: str, spacing: list[cst.EmptyLine]) -> cst.BaseStatement:
        stmt = cst.parse_statement(text + "\n")
        return stmt.with_changes(leading_lines=spacing)


TRANSFORM = TasksTransform
