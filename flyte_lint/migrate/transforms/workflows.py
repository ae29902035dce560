"""Workflow bodies (their decorator is the tasks transform's): a workflow becomes a task that calls tasks.

Policy: a workflow becomes a **sync** ``@env.task`` (``def``) calling its tasks directly. Flyte 1 tasks are sync
functions and stay so (their bodies are the user's code); guide §11 "Keep task types consistent within a call
chain", §6's sync "tasks calling tasks" and the Important note (an async caller may only ``await`` async tasks)
make a sync chain the faithful translation; calls then run in the workflow's order (§15.2: "Sequential calls are
naturally ordered"), and parallelism a DAG gave independent nodes comes back through ``flyte.map`` (the map_task
transform).

``@workflow(on_failure=handler)`` becomes ``try``/``except`` (guide §6 table: "Catching workflow failures"): the
handler runs with the workflow's inputs, then the error propagates, as Flyte 1 ran it::

    try:
        <body>
    except Exception:
        handler(x=x)
        raise

An ``@eager`` workflow is already ``async def``: it calls sync tasks as ``await t.aio(...)`` (what a Flyte 1 eager
call returned was an awaitable; awaiting a sync Flyte 2 task directly raises SyncTaskCallInAsyncContextError), and ``except EagerException``
catches ``flyte.errors.RuntimeUserError``, what a failed child raises in its caller.

A workflow that calls an async task (an eager workflow), directly or through other workflows, becomes
``async def`` and awaits every task call (``await t.aio(...)`` for a sync task): a sync task cannot await.

What a call returns is read as Flyte 2 returns it: a NamedTuple output comes back as a plain tuple (and a
one-field NamedTuple as its value: measured on flyte 2.12.1), so ``r.slope`` becomes ``r[0]`` (or ``r``), and
Flyte 1's ``r.o1`` becomes ``r[1]``.

A handler taking the failed node's error (``err: Optional[FlyteError]``: Flyte 2 has no such type) takes its
message: ``err: Optional[str]``, and the workflow passes ``err=str(exc)`` from ``except Exception as exc``. A
handler taking anything else beyond the workflow's inputs gets a TODO. ``.with_overrides(...)``
in a workflow becomes ``t.override(resources=flyte.Resources(...), retries=..., timeout=..., short_name=...)(...)``
(``override`` keeps what it is not given: retries=0 falls back to the task's); other keywords (an image, a cache)
get a TODO.
"""

from __future__ import annotations

import libcst as cst

from flyte_lint.migrate.task_options import ACCELERATORS, RESOURCE_POSITIONS, SECTION_TASKS, combine_resources
from flyte_lint.migrate.transforms.base import Transform

EAGER_EXCEPTION = "flytekit.exceptions.eager.EagerException"


class WorkflowsTransform(Transform):
    section = SECTION_TASKS

    def __init__(self, file) -> None:
        super().__init__(file)
        self._stack: list[str] = []
        self._results: dict = {}  # name -> the TaskPlan whose call result it holds (in the current function)
        self._receivers: set[int] = set()  # calls whose result an attribute is read from

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._stack.append(node.name.value)
        if len(self._stack) == 1:
            self._results = {}
        return True

    # -- the outputs of task calls: Flyte 2 returns a NamedTuple's values as a plain tuple (one field: the value)
    def _callee(self, node: cst.BaseExpression):
        """The planned task whose call result ``node`` is: ``t(...)``, ``await t(...)``, or a name bound to one."""
        if isinstance(node, cst.Await):
            node = node.expression
        if isinstance(node, cst.Name):
            return self._results.get(node.value) if self._stack and self._planned() else None
        if isinstance(node, cst.Call):
            func = node.func
            if isinstance(func, cst.Attribute) and func.attr.value == "aio":
                func = func.value
            if isinstance(func, cst.Name):
                return self.file.module.task_names.get(func.value)
        return None

    def _planned(self) -> bool:
        return self._stack[0] in self.file.module.tasks

    def visit_Assign(self, node: cst.Assign) -> None:
        if not self._stack or len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return
        name = node.targets[0].target.value
        callee = self._callee(node.value) if not isinstance(node.value, cst.Name) else None
        if callee is not None:
            self._results[name] = callee
        else:
            self._results.pop(name, None)

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        """``r.field`` of a NamedTuple output -> ``r[i]`` (``r`` for one field); ``r.o1`` -> ``r[1]``."""
        if not self._stack or not self._planned():
            return updated
        callee = self._callee(original.value)
        if callee is None:
            return updated
        attr = updated.attr.value
        fields = callee.output_fields
        if fields is not None and attr in fields:
            position = fields.index(attr)
            single = len(fields) == 1
        elif attr[:1] == "o" and attr[1:].isdigit():
            position = int(attr[1:])
            single = callee.outputs == "one"
        else:
            return updated
        value = updated.value
        if self._becomes_async() and isinstance(original.value, cst.Call):  # `(await t.aio(...))[0]`
            value = self._awaited(value, callee)
            value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]) if not single else value
        if single:
            return value
        return cst.Subscript(value=value, slice=[cst.SubscriptElement(cst.Index(cst.Integer(str(position))))])

    def _workflow(self) -> bool:
        if len(self._stack) != 1:
            return False
        task = self.file.module.tasks.get(self._stack[0])
        return task is not None and task.kind in ("workflow", "dynamic")

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Call):
            self._receivers.add(id(node.value))  # (`t(...).o0`, `t(...).with_overrides(...)`: awaited there)

    def _awaited(self, call: cst.Call, callee) -> cst.BaseExpression:
        """In a workflow that becomes async: ``await t.aio(...)`` for a sync task, ``await t(...)`` for an async one."""
        if not callee.is_async:
            func = call.func  # (t, or t.override(...))
            if not (isinstance(func, cst.Attribute) and func.attr.value == "aio"):
                call = call.with_changes(func=cst.Attribute(value=func, attr=cst.Name("aio")))
        return cst.Await(expression=call)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = updated.func
        if self._workflow() and isinstance(func, cst.Attribute) and func.attr.value == "with_overrides":
            overridden = self._override(func.value, updated.args)
            if overridden is not None:
                callee = self.file.module.task_names[func.value.func.value]
                if self._becomes_async() and id(original) not in self._receivers:
                    return self._awaited(overridden, callee)
                return overridden
            self.todo_here("`.with_overrides(...)`: call `task.override(...)(...)` (resources=, cache=, retries=...)")
        if self._stack and self._planned() and isinstance(func, cst.Name):
            callee = self.file.module.task_names.get(func.value)
            if callee is None:
                return updated
            if self._eager():
                if not callee.is_async:
                    return updated.with_changes(func=cst.Attribute(value=func, attr=cst.Name("aio")))
            elif self._becomes_async():
                if id(original) not in self._receivers:
                    return self._awaited(updated, callee)
            elif callee.is_async:
                self.todo_here(f"`{func.value}` is async: a sync task cannot await it")
        return updated

    def _becomes_async(self) -> bool:
        task = self.file.module.tasks.get(self._stack[0]) if self._stack else None
        return task is not None and task.becomes_async

    def _override(self, node: cst.BaseExpression, keywords) -> cst.Call | None:
        """``t(x=1).with_overrides(requests=Resources(cpu="2"), retries=3)`` ->
        ``t.override(resources=flyte.Resources(cpu="2"), retries=3)(x=1)``; None when a keyword has no
        mechanical counterpart (``container_image``: Flyte 2's override takes no image; ``cache``...)."""
        if not isinstance(node, cst.Call) or not isinstance(node.func, cst.Name):
            return None
        if node.func.value not in self.file.module.task_names:
            return None
        code = cst.Module(body=[]).code_for_node
        resources: dict[str, dict[str, str]] = {"requests": {}, "limits": {}, "resources": {}}
        device = None
        options: list[str] = []
        for arg in keywords:
            if arg.keyword is None:
                return None
            key = arg.keyword.value
            if key in resources:
                call = arg.value
                if not isinstance(call, cst.Call) or self.v1_symbol(call.func) != "Resources":
                    return None
                positional = [a for a in call.args if a.keyword is None]
                values = {k: code(a.value) for k, a in zip(RESOURCE_POSITIONS, positional, strict=False)}
                values.update({a.keyword.value: code(a.value) for a in call.args if a.keyword is not None})
                resources[key] = values
            elif key == "accelerator":
                device = ACCELERATORS.get(self.v1_symbol(arg.value) or "")
                if device is None:
                    return None
            elif key in ("retries", "timeout", "interruptible"):
                options.append(f"{key}={code(arg.value)}")
            elif key in ("name", "node_name"):
                options.append(f"short_name={code(arg.value)}")
            else:
                return None
        todos: list = []
        text = combine_resources(resources["requests"], resources["limits"], resources["resources"], device, todos)
        if todos:
            return None
        if text:
            options.insert(0, f"resources={text}")
            self.require("import flyte")
        override = cst.parse_expression(f"{node.func.value}.override({', '.join(options)})")
        return node.with_changes(func=override)

    def leave_ExceptHandler(self, original: cst.ExceptHandler, updated: cst.ExceptHandler) -> cst.ExceptHandler:
        """``except EagerException`` -> ``except flyte.errors.RuntimeUserError``: what a failed child task raises
        in its caller in Flyte 2 (local and remote runs alike)."""
        if updated.type is not None and self.v1_path(updated.type) == EAGER_EXCEPTION:
            self.require("import flyte")
            return updated.with_changes(type=cst.parse_expression("flyte.errors.RuntimeUserError"))
        return updated

    def _eager(self) -> bool:
        """In an eager workflow: its task calls return awaitables, as ``.aio`` does in Flyte 2 (a sync task
        awaited directly raises SyncTaskCallInAsyncContextError)."""
        task = self.file.module.tasks.get(self._stack[0]) if self._stack else None
        return task is not None and task.kind == "eager"

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        name = self._stack.pop()
        task = self.file.module.tasks.get(name) if not self._stack else None
        if task is not None and task.becomes_async and updated.asynchronous is None:
            updated = updated.with_changes(asynchronous=cst.Asynchronous())
        if task is not None and task.error_params:
            updated = updated.with_changes(params=updated.params.visit(_FlyteErrorAsStr(self, task.error_params)))
        if task is None or task.on_failure is None or not isinstance(updated.body, cst.IndentedBlock):
            return updated
        handler, params = task.on_failure
        inputs = [p.name.value for p in updated.params.params + updated.params.kwonly_params]
        passed = [f"{p}={p}" for p in params if p in inputs] if params is not None else [f"{p}={p}" for p in inputs]
        handler_task = self.file.module.task_names.get(handler)
        errors = set(params or ()) - set(inputs)
        if errors and handler_task is not None and errors <= handler_task.error_params:
            passed += [f"{p}=str(exc)" for p in params if p in errors]  # (the failed node's error, as its message)
        else:
            errors = set()
        call = f"{handler}({', '.join(passed)})"
        if task.becomes_async and handler_task is not None:
            call = f"await {handler}{'' if handler_task.is_async else '.aio'}({', '.join(passed)})"
        handler_stmt = cst.parse_statement(call + "\n")
        if params is None:
            handler_stmt = self.todo(handler_stmt, "check that the failure handler takes the workflow's inputs")
        elif set(params) - set(inputs) - errors:
            extra = ", ".join(sorted(set(params) - set(inputs)))
            handler_stmt = self.todo(
                handler_stmt, f"the failure handler also takes {extra}: pass it from the exception"
            )
        statements = list(updated.body.body)
        docstring = statements[:1] if updated.get_docstring(clean=False) is not None else []
        wrapped = cst.Try(
            body=updated.body.with_changes(body=statements[len(docstring) :]),
            handlers=[
                cst.ExceptHandler(
                    body=cst.IndentedBlock(body=[handler_stmt, cst.parse_statement("raise\n")]),
                    type=cst.Name("Exception"),
                    name=cst.AsName(cst.Name("exc")) if errors else None,
                )
            ],
        )
        return updated.with_changes(body=updated.body.with_changes(body=[*docstring, wrapped]))


class _FlyteErrorAsStr(cst.CSTTransformer):
    """A failure handler's ``err: Optional[FlyteError]`` -> ``err: Optional[str]`` (the workflow passes
    ``str(exc)``: Flyte 2 has no FlyteError)."""

    def __init__(self, transform: WorkflowsTransform, names: set[str]) -> None:
        super().__init__()
        self.transform, self.names = transform, names

    def leave_Param(self, original: cst.Param, updated: cst.Param) -> cst.Param:
        if updated.name.value not in self.names or updated.annotation is None:
            return updated
        return updated.with_changes(annotation=updated.annotation.visit(_StrForFlyteError(self.transform)))


class _StrForFlyteError(cst.CSTTransformer):
    def __init__(self, transform: WorkflowsTransform) -> None:
        super().__init__()
        self.transform = transform

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        return self._str(updated)

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        return self._str(updated)

    def _str(self, node: cst.BaseExpression) -> cst.BaseExpression:
        path = self.transform.v1_path(node)
        return cst.Name("str") if path is not None and path.endswith(".FlyteError") else node


TRANSFORM = WorkflowsTransform
