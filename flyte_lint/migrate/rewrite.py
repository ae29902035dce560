"""Apply the transforms to one file: parse it with LibCST (comments and formatting are kept), run every
transform in base.ORDER, and check the result parses before anything is written."""

from __future__ import annotations

import ast
from dataclasses import dataclass

import libcst as cst

from flyte_lint.migrate.plan import MigrationPlan, ModulePlan, build_plan
from flyte_lint.migrate.transforms import transforms
from flyte_lint.migrate.transforms.base import TODO_PREFIX, FileContext


class RewriteError(Exception):
    """The file could not be rewritten (it does not parse, or the result would not)."""


@dataclass
class Rewritten:
    text: str
    todos: int  # TODO(flyte-lint migrate) comments in the result (new and earlier ones)


def rewrite(source: str, plan: MigrationPlan, module: ModulePlan) -> Rewritten:
    """``source`` migrated as ``plan`` says for ``module``."""
    try:
        tree = cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        raise RewriteError(f"cannot parse: {str(exc).splitlines()[0]}") from None
    tree = _todos_to_first_statement(tree)
    context = FileContext(plan, module)
    for transform in transforms():
        tree = cst.MetadataWrapper(tree, unsafe_skip_copy=True).visit(transform(context))
    text = tree.code
    check_parses(text)
    return Rewritten(text, todo_count(text))


def _todos_to_first_statement(tree: cst.Module) -> cst.Module:
    """LibCST parses the comments above a module's first statement into the module's header: the TODOs of an
    earlier run that end the header go back to that statement, where a transform looks for them (the text is
    the same)."""
    header = list(tree.header)
    cut = len(header)
    while cut and header[cut - 1].comment is not None and header[cut - 1].comment.value.startswith(TODO_PREFIX):
        cut -= 1
    if cut == len(header) or not tree.body:
        return tree
    first = tree.body[0]
    body = [first.with_changes(leading_lines=[*header[cut:], *first.leading_lines]), *tree.body[1:]]
    return tree.with_changes(header=header[:cut], body=body)


def check_parses(text: str) -> None:
    try:
        ast.parse(text)
    except SyntaxError as exc:  # a transform's bug: never write it
        raise RewriteError(f"the migrated code would not parse ({exc.msg}, line {exc.lineno})") from None


def todo_count(text: str) -> int:
    return text.count(TODO_PREFIX)


def migrated_module(analysis, module) -> str | None:
    """``module``'s text as `flyte-lint migrate` rewrites it on its own (the FLY5xx fixes are this edit); None when
    that leaves a TODO, needs a new file (a shared env module) or fails."""
    if module.text is None:
        return None
    plan = build_plan(analysis, {module.path})
    module_plan = plan.module(module.path)
    if module_plan is None or plan.new_files:
        return None
    try:
        result = rewrite(module.text, plan, module_plan)
    except RewriteError:
        return None
    return result.text if result.todos == todo_count(module.text) else None
