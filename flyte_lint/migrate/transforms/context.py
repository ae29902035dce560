"""``current_context()`` -> ``flyte.ctx()`` (guide §15.1), and what is read through it:

- ``ctx.secrets.get(key="k", group="g")`` (or ``get("g", "k")``) -> ``os.environ["G_K"]``: a Flyte 2 secret is
  mounted as the env var ``flyte.Secret`` derives, ``f"{group}_{key}"`` upper-cased with ``-`` as ``_`` (checked
  against flyte 2.12.1's ``Secret.__post_init__``; guide §7);
- ``ctx.working_directory`` -> ``os.getcwd()`` (guide §14, example 1);
- ``ctx.execution_id.name`` / ``.project`` / ``.domain`` -> ``ctx.action.run_name`` / ``.project`` / ``.domain``
  (Flyte 2 names the execution a run), ``ctx.execution_date`` -> ``ctx.run_start_time`` (both: when the
  workflow/run started), ``ctx.raw_output_prefix`` -> ``ctx.raw_data_path.path``;
- ``ctx.file_access.get_random_local_directory()`` -> ``tempfile.mkdtemp()`` (a new local directory, a str as
  Flyte 1's), ``get_random_local_path(p)`` -> ``str(flyte.storage.get_random_local_path(p))``,
  ``get_random_remote_path(p)`` / ``get_random_remote_directory()`` ->
  ``ctx.raw_data_path.get_random_remote_path(p)`` (fields and functions checked in flyte 2.12.1's models.py and
  storage);
- ``ctx.logging`` (Flyte 1's user-space logger) -> ``flyte.logger`` (Flyte 2's);
- ``ctx.default_deck`` / ``ctx.decks``: left to decks.py (``flyte.report``);
- any other attribute -> a TODO: Flyte 2's TaskContext lacks ``execution_id`` (itself), ``task_id``...,
  and its ``checkpoint`` has another API (``load_sync``/``save_sync``, no ``read``/``write``).

``ctx`` is the call itself or a name bound to it in the same function; the secret's group and key are string
literals or module-level names bound once to one.
"""

from __future__ import annotations

import libcst as cst

from flyte_lint.migrate.task_options import secret_env_var
from flyte_lint.migrate.transforms.base import Transform, names_read

DECK_ATTRIBUTES = ("default_deck", "decks")
# Flyte 1 context attribute (and the attribute read of it) -> the same read of Flyte 2's TaskContext
RENAMED = {
    ("execution_id", "name"): "action.run_name",
    ("execution_id", "project"): "action.project",
    ("execution_id", "domain"): "action.domain",
    ("execution_date", None): "run_start_time",
    ("raw_output_prefix", None): "raw_data_path.path",
}
FILE_ACCESS = (
    "get_random_local_directory",
    "get_random_local_path",
    "get_random_remote_path",
    "get_random_remote_directory",
)
# Flyte 2's TaskContext fields (flyte/models.py): migrated code reads them; they are no Flyte 1 leftover.
FLYTE2_FIELDS = frozenset(
    {
        "action",
        "version",
        "raw_data_path",
        "input_path",
        "output_path",
        "run_base_dir",
        "report",
        "group_data",
        "checkpoint_paths",
        "code_bundle",
        "data",
        "mode",
        "interactive_mode",
        "custom_context",
        "disable_run_cache",
        "run_start_time",
        "task_action",
    }
)
SECTION_CONTEXT = '§15 "Common Gotchas" (1. current_context() → flyte.ctx())'


def _secret_env_var(group: str | None, key: str) -> str:
    return secret_env_var(group, key)  # (task_options.py names the env var the same way)


def _read(ctx: cst.BaseExpression, dotted: str) -> cst.BaseExpression:
    """``ctx.<dotted>``."""
    for part in dotted.split("."):
        ctx = cst.Attribute(value=ctx, attr=cst.Name(part))
    return ctx


def _binds_ctx(statement: cst.CSTNode, names: set[str]) -> bool:
    """``statement`` is ``<name> = flyte.ctx()`` for one of ``names``, with no comment (a comment is kept)."""
    if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
        return False
    if statement.trailing_whitespace.comment is not None or any(line.comment for line in statement.leading_lines):
        return False
    assign = statement.body[0]
    return (
        isinstance(assign, cst.Assign)
        and len(assign.targets) == 1
        and isinstance(assign.targets[0].target, cst.Name)
        and assign.targets[0].target.value in names
        and cst.Module(body=[]).code_for_node(assign.value) == "flyte.ctx()"
    )


class ContextTransform(Transform):
    section = SECTION_CONTEXT

    def __init__(self, file) -> None:
        super().__init__(file)
        self._names: list[set[str]] = [set()]
        self._migrated: list[set[str]] = [set()]  # the names bound to a `current_context()` rewritten here
        self._secret_gets: set[int] = set()
        self._handled: set[int] = set()  # `ctx.x` nodes an enclosing read rewrites (`ctx.execution_id` of `.name`)

    def visit_FunctionDef(self, node) -> bool:
        self._names.append(set())
        self._migrated.append(set())
        return True

    def leave_FunctionDef(self, original, updated):
        self._names.pop()
        unused = self._migrated.pop() - names_read(updated.body, targets=False)
        statements = list(updated.body.body)
        # `ctx = current_context()` whose every read was rewritten (secrets -> os.environ...): it goes too
        kept = [s for s in statements if not _binds_ctx(s, unused)]
        if not kept or len(kept) == len(statements):
            return updated
        if _binds_ctx(statements[0], unused):  # (no blank line opens the body)
            kept[0] = kept[0].with_changes(leading_lines=[line for line in kept[0].leading_lines if line.comment])
        return updated.with_changes(body=updated.body.with_changes(body=kept))

    def _is_ctx(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Name):
            return node.value in self._names[-1]
        return isinstance(node, cst.Call) and not node.args and cst.Module(body=[]).code_for_node(node) == "flyte.ctx()"

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        if self._is_ctx(updated.value) and isinstance(updated.value, cst.Call):
            migrated = isinstance(original.value, cst.Call) and self.v1_symbol(original.value.func) == "current_context"
            for target in updated.targets:
                if isinstance(target.target, cst.Name):
                    self._names[-1].add(target.target.value)
                    if migrated:
                        self._migrated[-1].add(target.target.value)
        return updated

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self.v1_symbol(updated.func) == "current_context":
            self.require("import flyte")
            return cst.parse_expression("flyte.ctx()")
        func = updated.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value in FILE_ACCESS
            and isinstance(func.value, cst.Attribute)
            and func.value.attr.value == "file_access"
            and self._is_ctx(func.value.value)
        ):
            return self._file_access(updated)
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "get"
            and isinstance(func.value, cst.Attribute)
            and func.value.attr.value == "secrets"
            and self._is_ctx(func.value.value)
        ):
            return self._secret(updated)
        return updated

    def _literal(self, node: cst.BaseExpression) -> str | None:
        """A string literal's value, or that of a module-level name bound once to one."""
        if isinstance(node, cst.SimpleString):
            return node.evaluated_value
        if isinstance(node, cst.Name):
            return self.file.module.constants.get(node.value)
        return None

    def _secret(self, call: cst.Call) -> cst.BaseExpression:
        values: dict[str, str] = {}
        for position, arg in zip(("group", "key"), [a for a in call.args if a.keyword is None], strict=False):
            if self._literal(arg.value) is not None:
                values[position] = self._literal(arg.value)
        for arg in call.args:
            if arg.keyword is not None and self._literal(arg.value) is not None:
                values[arg.keyword.value] = self._literal(arg.value)
        known = {a.keyword.value for a in call.args if a.keyword is not None} | {"group", "key"}
        if "key" not in values or len(call.args) > len(values) or known - {"group", "key"}:
            self.todo_here("read the secret from the env var its flyte.Secret is mounted as (os.environ[...])")
            return call
        self.require("import os")
        name = _secret_env_var(values.get("group"), values["key"])
        return cst.parse_expression(f'os.environ["{name}"]')

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        inner = updated.value
        if isinstance(inner, cst.Attribute) and self._is_ctx(inner.value):
            renamed = RENAMED.get((inner.attr.value, updated.attr.value))
            if renamed:
                return _read(inner.value, renamed)
        if not self._is_ctx(updated.value):
            return updated
        attr = updated.attr.value
        if attr == "working_directory":
            self.require("import os")
            return cst.parse_expression("os.getcwd()")
        if attr == "logging":  # Flyte 1's user-space logger; Flyte 2's is flyte.logger
            self.require("import flyte")
            return cst.parse_expression("flyte.logger")
        if attr == "secrets" and id(original) in self._secret_gets:
            return updated
        if attr in DECK_ATTRIBUTES or attr in FLYTE2_FIELDS or id(original) in self._handled:
            return updated  # (decks.py makes the decks flyte.report calls)
        if (attr, None) in RENAMED:
            return _read(updated.value, RENAMED[attr, None])
        if attr == "checkpoint":
            self.todo_here(
                "Flyte 2's flyte.ctx() has no `checkpoint` with Flyte 1's read()/write(): its checkpoint has "
                "load_sync() (the path of the previous blob) and save_sync(data) (await load()/save() in async code)"
            )
            return updated
        self.todo_here(f"Flyte 2's flyte.ctx() has no `{attr}` of Flyte 1's context: see flyte.models.TaskContext")
        return updated

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Attribute) and (node.value.attr.value, node.attr.value) in RENAMED:
            self._handled.add(id(node.value))

    def _file_access(self, call: cst.Call) -> cst.BaseExpression:
        method = call.func.attr.value
        ctx = call.func.value.value
        if method == "get_random_local_directory" and not call.args:
            self.require("import tempfile")
            return cst.parse_expression("tempfile.mkdtemp()")
        if method == "get_random_local_path":
            self.require("import flyte")
            self.require("import flyte.storage")
            inner = cst.Call(func=cst.parse_expression("flyte.storage.get_random_local_path"), args=call.args)
            return cst.Call(func=cst.Name("str"), args=[cst.Arg(inner)])
        if method == "get_random_remote_directory" and call.args:
            self.todo_here("Flyte 2: ctx.raw_data_path.get_random_remote_path() (it takes no directory arguments)")
            return call
        return cst.Call(func=_read(ctx, "raw_data_path.get_random_remote_path"), args=call.args)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value in FILE_ACCESS
            and isinstance(func.value, cst.Attribute)
            and func.value.attr.value == "file_access"
        ):
            self._handled.add(id(func.value))
        # (`ctx.secrets.get(...)`: its `ctx.secrets` is rewritten with the call)
        if isinstance(func, cst.Attribute) and func.attr.value == "get" and isinstance(func.value, cst.Attribute):
            self._secret_gets.add(id(func.value))


TRANSFORM = ContextTransform
