"""Flyte 1's imperative workflows -> a task that calls the tasks (guide §6: a workflow is a task calling tasks).

flytekit builds one at module level (checked against flytekit 1.16.31's ImperativeWorkflow)::

    wf = Workflow(name="wf")
    wf.add_workflow_input("x", list[int])
    n1 = wf.add_entity(slope, x=wf.inputs["x"])
    n2 = wf.add_entity(intercept, x=wf.inputs["x"], slope=n1.outputs["o0"])
    wf.add_workflow_output("out", n2.outputs["o0"], python_type=float)

becomes, where the ``Workflow(...)`` statement was::

    @env.task
    def wf(x: list[int]) -> float:
        n1 = slope(x=x)
        n2 = intercept(x=x, slope=n1)
        return n2

``add_task`` / ``add_subwf`` / ``add_launch_plan`` are ``add_entity``; ``node.outputs["o1"]`` (or a named output)
is ``node[1]`` for a task with several outputs; the output's type is ``python_type=`` or the entity's return
annotation. The task joins the environment of the first task it calls. Anything else the statements do with the
workflow (another method, a value that is not an input or an output, an entity that is not a task of the project)
gets a TODO, and the statements stay.
"""

from __future__ import annotations

import libcst as cst
from astroid import nodes

from flyte_lint.migrate.task_options import SECTION_TASKS
from flyte_lint.migrate.transforms.base import Transform, names_read

CONSTRUCTORS = ("Workflow", "ImperativeWorkflow")
ADD_ENTITY = ("add_entity", "add_task", "add_subwf", "add_launch_plan")


class _NotMechanical(Exception):
    """The imperative workflow uses what has no mechanical translation (the message says what)."""


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def _string(node: cst.BaseExpression) -> str | None:
    return node.evaluated_value if isinstance(node, cst.SimpleString) else None


class _Workflow:
    """One imperative workflow being read: its inputs, nodes and outputs, in order."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.inputs: list[tuple[str, str]] = []  # (name, type source)
        self.lines: list[tuple[list[cst.EmptyLine], str]] = []  # body lines with the comments above them
        self.nodes: dict[str, object] = {}  # node variable -> the TaskPlan it calls
        self.outputs: list[tuple[str, str | None]] = []  # (value source, type source)
        self.entities: list[object] = []
        self.comments: list[cst.EmptyLine] = []  # comments of statements with no line of their own
        self.statements: list[int] = []  # positions of the statements it is made of


class ImperativeTransform(Transform):
    section = SECTION_TASKS

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        body = list(updated.body)
        for workflow in self._workflows(body):
            try:
                self._read(body, workflow)
            except _NotMechanical as problem:
                first = workflow.statements[0]
                body[first] = self.todo(
                    body[first], f"this imperative workflow {problem}: write `{workflow.name}` as a task calling tasks"
                )
                continue
            first = workflow.statements[0]
            function = cst.parse_statement(self._source(workflow))
            lines = list(body[first].leading_lines)
            blank = next((i for i, line in enumerate(lines) if line.comment is not None), len(lines))
            if first and blank < 2:  # (two blank lines above a module-level def)
                lines = [cst.EmptyLine()] * (2 - blank) + lines
            body[first] = function.with_changes(leading_lines=lines)
            for position in workflow.statements[1:]:
                body[position] = None
        return updated.with_changes(body=[s for s in body if s is not None])

    # -- reading ------------------------------------------------------------------------------------------------
    def _workflows(self, body: list) -> list[_Workflow]:
        found = []
        for position, stmt in enumerate(body):
            assign = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 else None
            if (
                isinstance(assign, cst.Assign)
                and len(assign.targets) == 1
                and isinstance(assign.targets[0].target, cst.Name)
                and isinstance(assign.value, cst.Call)
                and self.v1_symbol(assign.value.func) in CONSTRUCTORS
            ):
                workflow = _Workflow(assign.targets[0].target.value)
                workflow.statements.append(position)
                for later in range(position + 1, len(body)):
                    if self._method_call(body[later], workflow.name) is not None:
                        workflow.statements.append(later)
                found.append(workflow)
        return found

    @staticmethod
    def _method_call(stmt, name: str) -> tuple[str | None, str, cst.Call] | None:
        """``(target, method, call)`` of a statement ``[target =] <name>.<method>(...)``."""
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
            return None
        small, target = stmt.body[0], None
        if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
            target, value = small.targets[0].target.value, small.value
        elif isinstance(small, cst.Expr):
            value = small.value
        else:
            return None
        if (
            isinstance(value, cst.Call)
            and isinstance(value.func, cst.Attribute)
            and isinstance(value.func.value, cst.Name)
            and value.func.value.value == name
        ):
            return target, value.func.attr.value, value
        return None

    def _read(self, body: list, workflow: _Workflow) -> None:
        for position in workflow.statements[1:]:
            stmt = body[position]
            target, method, call = self._method_call(stmt, workflow.name)
            comments = [line for line in stmt.leading_lines if line.comment is not None]
            args = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
            positional = [a.value for a in call.args if a.keyword is None]
            if any(a.star for a in call.args):
                raise _NotMechanical("passes * or ** arguments")
            if method == "add_workflow_input" and len(positional) == 2 and not args:
                name = _string(positional[0])
                if name is None:
                    raise _NotMechanical("names an input with a non-literal")
                workflow.inputs.append((name, _code(positional[1])))
                workflow.comments += comments
            elif method in ADD_ENTITY and len(positional) == 1:
                task = self._task(positional[0])
                arguments = ", ".join(f"{k}={self._value(v, workflow)}" for k, v in args.items())
                line = f"{_code(positional[0])}({arguments})"
                if target is not None:
                    workflow.nodes[target] = task
                    line = f"{target} = {line}"
                workflow.entities.append(task)
                workflow.lines.append((workflow.comments + comments, line))
                workflow.comments = []
            elif method == "add_workflow_output" and len(positional) == 2 and set(args) <= {"python_type"}:
                value = self._value(positional[1], workflow)
                kind = (
                    _code(args["python_type"]) if "python_type" in args else self._output_type(positional[1], workflow)
                )
                workflow.outputs.append((value, kind))
                workflow.comments += comments
            else:
                raise _NotMechanical(f"calls `{method}` in a way with no mechanical translation")
        if not workflow.entities:
            raise _NotMechanical("calls no task")

    def _task(self, node: cst.BaseExpression):
        task = self.file.module.task_names.get(node.value) if isinstance(node, cst.Name) else None
        if task is None:
            raise _NotMechanical(f"adds `{_code(node)}`, which is not a task or workflow of this project")
        return task

    def _value(self, node: cst.BaseExpression, workflow: _Workflow) -> str:
        """``wf.inputs["x"]`` -> ``x``; ``n.outputs["o0"]`` -> ``n`` (``n[i]`` for one of several outputs)."""
        if isinstance(node, cst.Subscript) and isinstance(node.value, cst.Attribute) and len(node.slice) == 1:
            owner, field = node.value.value, node.value.attr.value
            index = node.slice[0].slice
            key = _string(index.value) if isinstance(index, cst.Index) else None
            if isinstance(owner, cst.Name) and key is not None:
                if owner.value == workflow.name and field == "inputs" and key in dict(workflow.inputs):
                    return key
                if field == "outputs" and owner.value in workflow.nodes:
                    position = self._output_position(workflow.nodes[owner.value], key)
                    return owner.value if position is None else f"{owner.value}[{position}]"
        if not names_read(node) & {*workflow.nodes, workflow.name}:
            return _code(node)  # (a constant, or a module-level value)
        raise _NotMechanical(f"binds `{_code(node)}`, which is not a workflow input or a node's output")

    @staticmethod
    def _output_position(task, key: str) -> int | None:
        """None: the task's only output; else its index among the task's outputs."""
        if task.outputs == "one" and key == "o0":
            return None
        fields = task.output_fields
        if fields is not None and key in fields:
            return None if len(fields) == 1 else fields.index(key)
        if task.outputs in ("many", "named") and key.startswith("o") and key[1:].isdigit():
            return int(key[1:])
        raise _NotMechanical(f"reads the output `{key}` of `{task.name}`, which it does not have")

    def _output_type(self, node: cst.BaseExpression, workflow: _Workflow) -> str:
        value = self._value(node, workflow)
        if value in dict(workflow.inputs):
            return dict(workflow.inputs)[value]
        base, _, index = value.partition("[")
        task = workflow.nodes.get(base)
        returns = task.func.returns if task is not None else None
        if returns is None:
            raise _NotMechanical(f"returns `{value}`, whose type it does not say (give python_type=)")
        if not index:
            return returns.as_string()
        items = (
            returns.slice.elts
            if isinstance(returns, nodes.Subscript) and isinstance(returns.slice, nodes.Tuple)
            else None
        )
        if items is None:
            raise _NotMechanical(f"returns `{value}`, whose type it does not say (give python_type=)")
        return items[int(index.rstrip("]"))].as_string()

    # -- writing ------------------------------------------------------------------------------------------------
    def _source(self, workflow: _Workflow) -> str:
        module = self.file.module
        env = module.use(workflow.entities[0].env)
        for line in module.env_imports():
            self.require(line)
        is_async = any(task.is_async for task in workflow.entities)
        params = ", ".join(f"{name}: {kind}" for name, kind in workflow.inputs)
        if len(workflow.outputs) == 1:
            returns, result = f" -> {workflow.outputs[0][1]}", workflow.outputs[0][0]
        elif workflow.outputs:
            returns = f" -> tuple[{', '.join(kind for _, kind in workflow.outputs)}]"
            result = ", ".join(value for value, _ in workflow.outputs)
        else:
            returns, result = " -> None", None
        lines = []
        for comments, line in workflow.lines:
            lines += [f"    {c.comment.value}" for c in comments]
            if is_async:  # (task_call wrote a sync call: the tasks are awaited in an async task)
                head, equals, call = line.rpartition(" = ")
                callee = call.split("(", 1)[0]
                awaited = (
                    f"await {call}"
                    if module.task_names[callee].is_async
                    else f"await {callee}.aio({call.split('(', 1)[1]}"
                )
                line = f"{head}{equals}{awaited}"
            lines.append(f"    {line}")
        lines += [f"    {c.comment.value}" for c in workflow.comments]
        if result is not None:
            lines.append(f"    return {result}")
        keyword = "async def" if is_async else "def"
        return f"@{env}.task\n{keyword} {workflow.name}({params}){returns}:\n" + "\n".join(lines) + "\n"


TRANSFORM = ImperativeTransform
