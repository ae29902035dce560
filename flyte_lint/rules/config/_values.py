"""What the config rules share: where a value's code runs, the SDK path of a call or env, and edits and
suggestions that rewrite a value in place.

Values are read only when they are literals, or names bound once to a literal (``analysis.literal``); anything
else is quiet.
"""

from __future__ import annotations

from typing import Any

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.arguments import sdk_arguments
from flyte_lint.model.entities import Env
from flyte_lint.model.kinds import EnvOrigin
from flyte_lint.model.scopes import enclosing_function
from flyte_lint.model.values import External
from flyte_lint.rules.base import Edit, Suggestion


def callee_path(analysis: Analysis, call: nodes.Call) -> str | None:
    """The dotted path of what ``call`` calls outside the project, or None."""
    value = analysis.resolver.value_of(call.func)
    return value.path if isinstance(value, External) else None


def is_external(analysis: Analysis, node: nodes.NodeNG, path: str) -> bool:
    """``node`` stands for the object at ``path`` outside the project (``flyte.TriggerTime``)."""
    value = analysis.resolver.value_of(node)
    return isinstance(value, External) and value.path == path


def when(node: nodes.NodeNG) -> str:
    """When code at ``node`` runs: at import for module-level code."""
    return "when the module is imported" if enclosing_function(node) is None else "when this line runs"


def q(value: Any) -> str:
    """A value as Python source, double-quoted for strings."""
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


def env_path(analysis: Analysis, env: Env) -> str | None:
    """The SDK table path of the callable that made ``env``."""
    if env.origin == EnvOrigin.CLONE_WITH:
        return "flyte.TaskEnvironment.clone_with"
    if env.origin == EnvOrigin.FROM_TASK:
        return "flyte.TaskEnvironment.from_task"
    return callee_path(analysis, env.node)


def env_argument(analysis: Analysis, env: Env, name: str) -> nodes.NodeNG | None:
    """The argument ``name`` of the call that made ``env``, or None."""
    path = env_path(analysis, env)
    return sdk_arguments(env.node, path).get(name) if path else None


def node_edit(node: nodes.NodeNG, text: str) -> Edit:
    """``text`` in place of ``node``."""
    return Edit((node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset), text)


def string_edit(module, node: nodes.NodeNG, new: str) -> Edit | None:
    """Replace a plain one-line string literal, keeping its quote character."""
    if not isinstance(node, nodes.Const) or not isinstance(node.value, str) or node.lineno != node.end_lineno:
        return None
    if module.text is None or node.end_col_offset is None:
        return None
    lines = module.text.splitlines()
    if not 0 < node.lineno <= len(lines):
        return None
    raw = lines[node.lineno - 1].encode("utf-8")[node.col_offset : node.end_col_offset].decode("utf-8", "ignore")
    if len(raw) < 2 or raw[0] not in "'\"" or raw[-1] != raw[0] or raw.startswith(raw[0] * 3):
        return None  # prefixes (r, f, b), triple quotes, implicit concatenation
    quote = raw[0]
    if quote in new or "\\" in new:
        return None
    return node_edit(node, f"{quote}{new}{quote}")


def value_suggestion(module, node: nodes.NodeNG | None, shown: str, new: str) -> Suggestion | None:
    """The message's ``shown`` rewrite, made by writing the string ``new`` in place of ``node`` (keeping the
    quotes of a string literal)."""
    if node is None or node.lineno is None or node.end_col_offset is None:
        return None
    edit = string_edit(module, node, new) if isinstance(node, nodes.Const) and isinstance(node.value, str) else None
    if edit is None and '"' not in new and "\\" not in new:
        edit = node_edit(node, f'"{new}"')
    return Suggestion(shown, (edit,)) if edit else None
