"""``LaunchPlan.get_or_create(wf, name=..., schedule=..., fixed_inputs=..., default_inputs=...)`` (and
``LaunchPlan.create``) -> Flyte 2 (guide §12).

- A schedule becomes a ``flyte.Trigger`` on the workflow's task, wherever the launch plan is defined in the
  project: ``@env.task(triggers=flyte.Trigger("name", flyte.Cron("0 2 * * *"), inputs={...},
  auto_activate=False))``. ``CronSchedule(schedule=...)`` -> ``flyte.Cron(expression)`` (the ``@hourly``-style
  aliases spelled out), ``FixedRate(duration=timedelta(...))`` -> ``flyte.FixedRate(minutes)``; the trigger's
  ``inputs`` are the fixed and the default inputs (a triggered run cannot override either) and
  ``kickoff_time_input_arg="t"`` binds ``"t": flyte.TriggerTime``. Flyte 1 activates a schedule only when asked
  (``auto_activate=False`` by default), a Trigger activates on deploy unless told: ``auto_activate`` is carried
  over, ``False`` when not given.
- Notifications: Flyte 1's ``Email``, ``Slack`` and ``PagerDuty`` all send an email (to a person, a Slack channel's
  or a PagerDuty service's address), so each becomes ``flyte.notify.Email(on_phase=..., recipients=(...))`` on the
  launch plan's trigger; a launch plan with notifications and no schedule becomes a trigger without automation
  (fired on demand, the launch plan's pre-bound configuration), besides its task.
- A module-level launch plan bound to a name becomes a task of that name that calls the workflow with the fixed
  inputs bound and the others as its parameters (defaults: the launch plan's default inputs, else the
  workflow's), so code calling the launch plan, or running it as an entry, runs the same; a scheduled one only
  when the name is used. A launch plan built inside a function (``LaunchPlan.get_or_create(wf, "lp")()``) becomes
  the workflow itself, or ``functools.partial(wf, **inputs)``.
- What has no counterpart (notifications, a non-literal inputs dict, a six-field cron_expression...) gets a
  TODO, and the statement stays as it was.
"""

from __future__ import annotations

import ast

import libcst as cst
from astroid import nodes

from flyte_lint.migrate.launch_plan_facts import (
    METHODS,
    LaunchPlanFacts,
    func_parameters,
    module_launch_plans,
    parameters_of,
)
from flyte_lint.migrate.transforms.base import TODO_PREFIX, Transform
from flyte_lint.model.source import source_text

SECTION_TRIGGERS = '§12 "Triggers and Scheduling"'
NOT_MIGRATED = f"{TODO_PREFIX}launch plan not migrated: "
NOT_MIGRATED_MESSAGE = NOT_MIGRATED.removeprefix(TODO_PREFIX)


def project_launch_plans(transform: Transform) -> list[LaunchPlanFacts]:
    """Every module-level launch plan of the project (computed once per file's transform)."""
    return [facts for mplan in transform.file.plan.modules.values() for facts in module_launch_plans(mplan)]


def wrap(text: str, indent: int, prefix: str = "", width: int = 99) -> str:
    """``prefix + text`` (a call or a parenthesized tuple) at ``indent``, its arguments one a line (each wrapped
    again) when it is longer than ``width``, as black writes it."""
    flat = f"{' ' * indent}{prefix}{text}"
    if len(flat) <= width:
        return flat
    node = ast.parse(text, mode="eval").body
    segment = lambda n: ast.get_source_segment(text, n)  # noqa: E731
    if isinstance(node, ast.Call):
        head = segment(node.func) + "("
        items = [("", segment(a)) for a in node.args]
        items += [(f"{k.arg}=" if k.arg else "**", segment(k.value)) for k in node.keywords]
    elif isinstance(node, ast.Tuple) and text.startswith("("):
        head, items = "(", [("", segment(e)) for e in node.elts]
    else:
        return flat
    inner = "".join(wrap(value, indent + 4, key, width) + ",\n" for key, value in items)
    return f"{' ' * indent}{prefix}{head}\n{inner}{' ' * indent})"


def _names_in(text: str) -> set[str]:
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        return {"?"}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def _blank_lines(lines, count: int) -> list[cst.EmptyLine]:
    """``lines`` starting with at least ``count`` blank lines."""
    lines = list(lines)
    have = 0
    while have < len(lines) and lines[have].comment is None:
        have += 1
    return [cst.EmptyLine()] * max(0, count - have) + lines


class LaunchPlansTransform(Transform):
    section = SECTION_TRIGGERS

    def __init__(self, file) -> None:
        super().__init__(file)
        self._all: list[LaunchPlanFacts] | None = None
        self._depth = 0

    @property
    def all_plans(self) -> list[LaunchPlanFacts]:
        if self._all is None:
            self._all = project_launch_plans(self)
        return self._all

    @property
    def own_plans(self) -> list[LaunchPlanFacts]:
        return [f for f in self.all_plans if f.mplan is self.file.module]

    # -- triggers on the workflow's task ---------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._depth += 1
        return True

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        self._depth -= 1
        task = self.file.module.tasks.get(updated.name.value) if self._depth == 0 else None
        if task is None:
            return updated
        triggers = [f for f in self.all_plans if f.workflow is task and f.has_trigger and self._trigger_ok(f)]
        if not triggers:
            return updated
        self.require("import flyte")
        if any(f.notifications for f in triggers):
            self.require("import flyte.notify")  # (`import flyte` does not load it)
            self.require("from flyte.models import ActionPhase")
        env = self.file.module.name_of(task.env)
        texts = [f.trigger for f in triggers]
        decorators = [self._with_triggers(d, env, texts) for d in updated.decorators]
        return updated.with_changes(decorators=decorators)

    @staticmethod
    def _with_triggers(decorator: cst.Decorator, env: str, triggers: list[str]) -> cst.Decorator:
        """``@env.task(...)`` with ``triggers=`` added (one trigger, or a tuple), on several lines when long."""
        expr = decorator.decorator
        func = expr.func if isinstance(expr, cst.Call) else expr
        if not (
            isinstance(func, cst.Attribute)
            and func.attr.value == "task"
            and isinstance(func.value, cst.Name)
            and func.value.value == env
        ):
            return decorator
        args = list(expr.args) if isinstance(expr, cst.Call) else []
        if any(a.keyword is not None and a.keyword.value == "triggers" for a in args):
            return decorator
        code = cst.Module([]).code_for_node
        texts = [code(a.with_changes(comma=cst.MaybeSentinel.DEFAULT)).strip() for a in args]
        value = triggers[0] if len(triggers) == 1 else f"({', '.join(triggers)})"
        text = wrap(f"{env}.task({', '.join([*texts, f'triggers={value}'])})", 0)
        return decorator.with_changes(decorator=cst.parse_expression(text))

    def _trigger_ok(self, facts: LaunchPlanFacts) -> bool:
        """Whether the trigger can be written on the workflow's task: the launch plan has nothing untranslated,
        and what its values name is bound in the workflow's module."""
        if facts.problems or facts.workflow is None:
            return False
        home = next((m for m in self.file.plan.modules.values() if facts.workflow in m.tasks.values()), None)
        if home is None:
            return False
        texts = [facts.name, facts.automation or "", *facts.fixed.values(), *facts.default.values()]
        texts += facts.notifications
        names = set().union(*(_names_in(t) for t in texts)) - {"flyte", "None", "True", "False", "ActionPhase"}
        if facts.mplan is home:
            return True
        bound = set(home.module.tree.locals) if home.module.tree is not None else set()
        return names <= bound

    # -- the launch plan statements ----------------------------------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """A launch plan made inside a function: the workflow itself, or a partial binding its inputs. A default
        launch plan (``LaunchPlan.get_default_launch_plan(ctx, wf)``) is the workflow itself, anywhere."""
        default = self._default_launch_plan_of(updated)
        if default is not None:
            return default
        if self._depth == 0 or not self._is_launch_plan(updated):
            return updated
        order = parameters_of(updated.func.attr.value)
        args = {a.keyword.value if a.keyword else order[i]: a.value for i, a in enumerate(updated.args[:5])}
        if len(updated.args) > 5 or set(args) - {"workflow", "name", "default_inputs", "fixed_inputs"}:
            self.todo_here("this launch plan has options with no Flyte 2 counterpart inside a task: call the task")
            return updated
        bound: list[cst.Arg] = []
        for key in ("default_inputs", "fixed_inputs"):
            value = args.get(key)
            if value is None:
                continue
            if not isinstance(value, cst.Dict) or not all(
                isinstance(e, cst.DictElement) and isinstance(e.key, cst.SimpleString) for e in value.elements
            ):
                self.todo_here(f"`{key}=` is not a dict literal: bind the inputs by hand")
                return updated
            for element in value.elements:
                bound.append(cst.Arg(keyword=cst.Name(element.key.evaluated_value), value=element.value))
        workflow = args.get("workflow")  # (checked last: a second run finds it migrated, and the same TODO)
        if not isinstance(workflow, cst.Name) or workflow.value not in self.file.module.task_names:
            self.todo_here("the launch plan's workflow is not a workflow of this project")
            return updated
        if not bound:
            return workflow
        self.require("import functools")
        return cst.parse_expression(
            "functools.partial("
            + ", ".join(
                [workflow.value, *(f"{a.keyword.value}={cst.Module([]).code_for_node(a.value)}" for a in bound)]
            )
            + ")"
        )

    def _default_launch_plan_of(self, call: cst.Call) -> cst.Name | None:
        func = call.func
        if not (
            isinstance(func, cst.Attribute)
            and func.attr.value == "get_default_launch_plan"
            and self.v1_symbol(func.value) == "LaunchPlan"
        ):
            return None
        given = {
            a.keyword.value if a.keyword else ("ctx", "workflow")[min(i, 1)]: a.value for i, a in enumerate(call.args)
        }
        workflow = given.get("workflow")
        if isinstance(workflow, cst.Name) and workflow.value in self.file.module.task_names:
            return workflow
        self.todo_here("the default launch plan's workflow is not a workflow of this project: call the task")
        return None

    def _is_launch_plan(self, call: cst.Call) -> bool:
        func = call.func
        return (
            isinstance(func, cst.Attribute)
            and func.attr.value in METHODS
            and self.v1_symbol(func.value) == "LaunchPlan"
        )

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        own = self.own_plans
        if not own:
            return updated
        used = self._names_read(updated)
        body: list[cst.CSTNode] = []
        count = 0
        carried: list[cst.EmptyLine] = []  # the comments above a statement dropped: they go to the next one
        after_def = False  # the statement after a generated task: two blank lines above it
        moved: dict[str, list[cst.EmptyLine]] = {}  # a dropped launch plan's comments: above its workflow here
        for stmt in updated.body:
            if carried:
                stmt = stmt.with_changes(leading_lines=[*carried, *stmt.leading_lines])
                carried = []
            if after_def:
                stmt = stmt.with_changes(leading_lines=_blank_lines(stmt.leading_lines, 2))
                after_def = False
            small = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 else None
            value = small.value if isinstance(small, (cst.Assign, cst.Expr)) else None
            if not (isinstance(value, cst.Call) and self._is_launch_plan(value)) or count >= len(own):
                body.append(stmt)
                continue
            facts = own[count]
            count += 1
            new = self._replace(stmt, facts, used)
            comments = [line for line in stmt.leading_lines if line.comment is not None]
            here = facts.workflow is not None and self.file.module.tasks.get(facts.workflow.name) is facts.workflow
            if not new and comments and here:  # (they describe the launch plan: its trigger is on the workflow)
                moved.setdefault(facts.workflow.name, []).extend(comments)
            elif not new:
                carried = comments
            elif isinstance(new[-1], cst.FunctionDef):
                new[0] = new[0].with_changes(leading_lines=_blank_lines(new[0].leading_lines, 2 if body else 0))
                after_def = True
            body.extend(new)
        for i, stmt in enumerate(body):
            if isinstance(stmt, cst.FunctionDef) and stmt.name.value in moved:
                body[i] = stmt.with_changes(leading_lines=[*stmt.leading_lines, *moved[stmt.name.value]])
        return updated.with_changes(body=body)

    def _imported(self, name: str) -> bool:
        """Whether another module of the project imports ``name`` from this one."""
        here = self.file.module.module.name
        for mplan in self.file.plan.modules.values():
            for node in (
                mplan.module.tree.body if mplan.module.tree is not None and mplan is not self.file.module else []
            ):
                if (
                    isinstance(node, nodes.ImportFrom)
                    and node.modname.endswith(here.rsplit(".", 1)[-1])
                    and any(written == name for written, _ in node.names)
                ):
                    return True
        return False

    def _replace(self, stmt: cst.SimpleStatementLine, facts: LaunchPlanFacts, used: set[str]) -> list[cst.CSTNode]:
        if any(line.comment is not None and line.comment.value.startswith(NOT_MIGRATED) for line in stmt.leading_lines):
            return [stmt]  # (an earlier run's TODO: a second run changes nothing)
        if facts.problems:
            return [self.todo(stmt, NOT_MIGRATED_MESSAGE + f"{'; '.join(facts.problems)}")]
        if facts.has_trigger and not self._trigger_ok(facts):
            return [
                self.todo(
                    stmt,
                    NOT_MIGRATED_MESSAGE
                    + "its trigger names values the workflow's module does not bind: add it there by hand",
                )
            ]
        last = [f for f in self.own_plans if f.var == facts.var][-1] is facts  # (the binding later code reads)
        keep = (
            facts.var is not None and last and (not facts.automation or facts.var in used or self._imported(facts.var))
        )
        if not keep:
            return []  # (the trigger on the workflow's task is what it was)
        wrapper = self._wrapper(facts)
        if wrapper is None:
            return [
                self.todo(
                    stmt,
                    NOT_MIGRATED_MESSAGE
                    + "the workflow's parameters could not be read: write a task calling it by hand",
                )
            ]
        new = list(cst.parse_module(wrapper).body)
        new[0] = new[0].with_changes(leading_lines=stmt.leading_lines)
        return list(new)

    def _wrapper(self, facts: LaunchPlanFacts) -> str | None:
        """The task under the launch plan's name: the workflow with the fixed inputs bound."""
        task = facts.workflow
        module = self.file.module
        local = next((n for n, t in module.task_names.items() if t is task), None)
        if local is None or task.func.args.vararg or task.func.args.kwarg:
            return None
        home = next(m for m in self.file.plan.modules.values() if task in m.tasks.values())
        src = lambda n: source_text(home.module, n)  # noqa: E731
        params, call = [], []
        for name, annotation, default in func_parameters(task):
            if name in facts.fixed:
                call.append(f"{name}={facts.fixed[name]}")
                continue
            if annotation is None:
                return None
            text = f"{name}: {src(annotation)}"
            if name in facts.default:
                text += f" = {facts.default[name]}"
            elif default is not None:
                text += f" = {src(default)}"
            params.append(text)
            call.append(f"{name}={name}")
        # (parameters with a default after one without: Python needs the order kept; the launch plan's defaults
        # can give a default to an earlier parameter only)
        params = self._ordered(params)
        returns = task.func.returns
        env = module.use(task.env)
        for line in module.env_imports():
            self.require(line)
        invoke = f"{local}({', '.join(call)})"
        if task.is_async:
            invoke = f"await {invoke}"
        body = invoke if task.outputs == "none" else f"return {invoke}"
        result = f" -> {src(returns)}" if returns is not None else ""
        keyword = "async def" if task.is_async else "def"
        return f"@{env}.task\n{keyword} {facts.var}({', '.join(params)}){result}:\n    {body}\n"

    @staticmethod
    def _ordered(params: list[str]) -> list[str]:
        """Parameters without a default first (a default before one without would not parse)."""
        return [p for p in params if " = " not in p] + [p for p in params if " = " in p]

    @staticmethod
    def _names_read(module: cst.Module) -> set[str]:
        class Reads(cst.CSTVisitor):
            def __init__(self) -> None:
                self.names: set[str] = set()
                self._targets = 0

            def visit_AssignTarget(self, node) -> bool:
                return False

            def visit_Name(self, node: cst.Name) -> None:
                self.names.add(node.value)

        reads = Reads()
        module.visit(reads)
        return reads.names


TRANSFORM = LaunchPlansTransform
