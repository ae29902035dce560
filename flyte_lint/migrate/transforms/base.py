"""The interface of a migrate transform, and the order transforms run in.

A transform is a LibCST ``CSTTransformer`` that rewrites one concern of one file (decorators, workflows,
``current_context()``...), reading the project-wide plan (plan.py) instead of resolving names itself.
rewrite.py parses the file once and runs every transform of ``ORDER`` over the tree in turn (each sees the
previous ones' output), then checks the result parses.

How to add a transform
----------------------
1. Create ``flyte_lint/migrate/transforms/<name>.py`` where ``<name>`` is one of ``ORDER`` below (add it to
   ``ORDER`` if it is new: the place decides what it sees; ``imports`` must stay last). The module defines
   ``TRANSFORM = <YourClass>``; a listed module that does not exist yet is skipped.
2. Subclass ``Transform``; set ``section`` (the guide section its TODOs name, e.g. ``'§10 "map_task to
   flyte.map and Async Loops"'``; task_options.py has SECTION_* constants). Override LibCST ``leave_*``
   methods; return the updated node. (If you override ``on_visit``/``on_leave``, call ``super()``: they keep
   ``current_task`` and attach pending TODOs.)
3. Read what you need from ``self.file``:
   - ``self.file.module`` (plan.ModulePlan): ``tasks`` (function name -> TaskPlan: ``kind``
     task/workflow/dynamic/eager, ``env``, ``options``, the astroid ``func``, ``is_async``, ``outputs``
     none/one/many/named, ``output_fields``, ``callees``), ``task_names`` (every name bound here to a planned
     task, imported ones too), ``constants`` (module-level string constants), ``name_of(env)``, ``use(env)``
     (import an env defined elsewhere), ``module`` (the analysis Module: its astroid tree, for facts the model
     has; add queries to model/flyte1_index.py or plan.py rather than resolving names in a transform);
   - ``self.file.plan`` (plan.MigrationPlan): every module's plan (project-wide facts).
   ``self.current_task``: the TaskPlan of the module-level function being visited (None outside a task);
   ``self.task_call("t", "x=1")``: the source of a task call as that task's kind requires.
   Workflows become tasks before your transform runs: ``@workflow`` is ``@env.task`` already (tasks.py), and a
   workflow body is sync unless it calls an async task (workflows.py gives the policy); write a call of a task
   in code you generate as the caller's kind requires (``await t.aio(...)`` in async code for a sync task).
   - ``self.v1_path(node)``: the flytekit dotted path a Name/Attribute chain of the CURRENT tree names
     (``"flytekit.map_task"``), through the module's flytekit imports; ``self.v1_symbol(node)``: the construct
     (``"map_task"``, ``"Resources"``, ``"FlyteFile"``: model/flyte1_index.py CONSTRUCTS), else None.
4. Emit Flyte 2 names as ``flyte.X`` attributes (``flyte.map``, ``flyte.Resources``) and call
   ``self.require("import flyte")`` (any import statement: ``"import asyncio"``, ``"from flyte.io import File"``);
   the ``imports`` transform adds what is required and drops flytekit imports nothing uses any more.
   Verify every Flyte 2 spelling against the installed SDK (flyte 2.12.1) and test it runs (@requires_sdk).
5. What has no mechanical translation: ``self.todo_here(message)`` or ``self.todo(statement, message)`` (attached as
   ``# TODO(flyte-lint migrate): <message> (guide <section>)`` above the statement being rewritten; the command
   then exits 1). Leave the code as it was there. Never emit code that does not parse (rewrite.py refuses it).
6. Idempotence: a second run must change nothing. Migrated code has no flytekit names, so a transform that only
   acts on ``v1_symbol(...)`` matches is idempotent; TODOs are not added twice.
7. Tests: tests/test_migrate_<name>.py with ``tests/migrateutil.py``'s ``migrated(tmp_path, files)``: the
   expected output text, idempotence, ``flyte-lint check`` clean of FLY5xx and errors, and an @requires_sdk test
   running a migrated program under flyte 2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import libcst as cst

from flyte_lint.migrate.plan import MigrationPlan, ModulePlan
from flyte_lint.model.flyte1_index import v1_symbol
from flyte_lint.model.values import External

# The order transforms run in (module names under transforms/); `imports` cleans up last.
ORDER = (
    "tasks",
    "workflows",
    "imperative",
    "map_task",
    "conditional",
    "ordering",
    "launch_plans",
    "images",
    "resources",
    "context",
    "decks",
    "io_types",
    "iterators",
    "references",
    "main_blocks",
    "counterparts",
    "imports",
)

TODO_PREFIX = "# TODO(flyte-lint migrate): "
GUIDE = "guide"  # the TODOs name sections of the Flyte 1 -> 2 migration guide (seed 004)


@dataclass
class FileContext:
    """What the transforms of one file share: the plan, this module's part of it, the imports they require,
    and the TODOs added."""

    plan: MigrationPlan
    module: ModulePlan
    imports: list[str] = field(default_factory=list)
    todos: list[str] = field(default_factory=list)


class OwnScope:
    """Mixin of a LibCST visitor or transformer of one scope's code: it does not enter the functions, classes and
    lambdas nested in it (a ``yield``/``return`` there, or a call, belongs to them)."""

    def visit_FunctionDef(self, node) -> bool:
        return False

    def visit_ClassDef(self, node) -> bool:
        return False

    def visit_Lambda(self, node) -> bool:
        return False


class NamesRead(cst.CSTVisitor):
    """The names code reads: not an attribute's name (``env.task`` reads ``env``), not what import statements
    bind, forward references in string annotations included (``"FlyteFile"``); with ``targets=False``, not the
    names an assignment binds (``ctx = ...``)."""

    def __init__(self, targets: bool = True) -> None:
        super().__init__()
        self.used: set[str] = set()
        self._targets = targets
        self._annotations = 0

    def visit_Import(self, node) -> bool:
        return False

    def visit_ImportFrom(self, node) -> bool:
        return False

    def visit_AssignTarget(self, node: cst.AssignTarget) -> bool:
        return self._targets or not isinstance(node.target, cst.Name)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.used.add(node.value)

    def visit_Annotation(self, node: cst.Annotation) -> None:
        self._annotations += 1

    def leave_Annotation(self, node: cst.Annotation) -> None:
        self._annotations -= 1

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if self._annotations:  # a forward reference: "FlyteFile", "typing.List[FlyteFile]"
            self.used.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", node.evaluated_value))


def names_read(node: cst.CSTNode, targets: bool = True) -> set[str]:
    """What ``NamesRead`` finds in ``node``."""
    reader = NamesRead(targets)
    node.visit(reader)
    return reader.used


def todo_comment(message: str, section: str) -> str:
    return f"{TODO_PREFIX}{message} ({GUIDE} {section})" if section else f"{TODO_PREFIX}{message}"


def with_comment(node: cst.CSTNode, comment: str) -> cst.CSTNode:
    """``node`` (a statement or decorator) with ``comment`` as a line above it, unless it is there already."""
    lines = list(getattr(node, "leading_lines", ()))
    if any(line.comment is not None and line.comment.value == comment for line in lines):
        return node
    return node.with_changes(leading_lines=[*lines, cst.EmptyLine(comment=cst.Comment(comment))])


class Transform(cst.CSTTransformer):
    """A transform of one concern (see the module docstring). ``section`` names the guide section its TODOs
    point to."""

    section = ""

    def __init__(self, file: FileContext) -> None:
        super().__init__()
        self.file = file
        self._pending: list[str] = []
        self._functions: list[str] = []  # the names of the functions being visited, outermost first

    # -- reading the current tree through the plan ------------------------------------------------------------
    def v1_path(self, node: cst.CSTNode) -> str | None:
        """The flytekit dotted path ``node`` (a Name or Attribute chain) names, through this module's flytekit
        imports; None when it names nothing of flytekit."""
        parts: list[str] = []
        while isinstance(node, cst.Attribute):
            parts.append(node.attr.value)
            node = node.value
        if not isinstance(node, cst.Name):
            return None
        base = self.file.module.aliases.get(node.value)
        if base is None:
            return None
        return ".".join([base, *reversed(parts)])

    def v1_symbol(self, node: cst.CSTNode) -> str | None:
        path = self.v1_path(node)
        return v1_symbol(External(path)) if path else None

    def require(self, statement: str) -> None:
        if statement not in self.file.imports:
            self.file.imports.append(statement)

    # -- TODOs -------------------------------------------------------------------------------------------------
    def todo(self, node: cst.CSTNode, message: str, section: str | None = None) -> cst.CSTNode:
        """``node`` (a statement or decorator) with a TODO comment above it."""
        comment = todo_comment(message, self.section if section is None else section)
        self.file.todos.append(comment)
        return with_comment(node, comment)

    def todo_here(self, message: str, section: str | None = None) -> None:
        """A TODO for the innermost statement around the node being left (attached when that statement is)."""
        comment = todo_comment(message, self.section if section is None else section)
        if comment not in self._pending:
            self._pending.append(comment)

    # -- where the transform is ---------------------------------------------------------------------------------
    @property
    def current_task(self):
        """The plan.TaskPlan of the module-level function being visited (None: not in one, or not a task).
        Its ``is_async`` says how code written in it calls tasks (``await t.aio(...)`` for a sync task)."""
        return self.file.module.tasks.get(self._functions[0]) if self._functions else None

    def task_call(self, callee: str, arguments: str) -> str:
        """The source of a call of the task bound to ``callee`` here, as the current task's kind requires:
        ``t(args)`` in sync code, ``await t(args)`` (an async task) or ``await t.aio(args)`` (a sync one) in an
        async task."""
        task = self.current_task
        if task is None or not task.is_async:
            return f"{callee}({arguments})"
        target = self.file.module.task_names.get(callee)
        return (
            f"await {callee}({arguments})"
            if target is not None and target.is_async
            else f"await {callee}.aio({arguments})"
        )

    def on_visit(self, node) -> bool:
        if isinstance(node, cst.FunctionDef):
            self._functions.append(node.name.value)
        return super().on_visit(node)

    def on_leave(self, original_node, updated_node):
        if isinstance(original_node, cst.FunctionDef) and self._functions:
            self._functions.pop()
        result = super().on_leave(original_node, updated_node)
        if self._pending and isinstance(result, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            for comment in self._pending:
                self.file.todos.append(comment)
                result = with_comment(result, comment)
            self._pending = []
        return result
