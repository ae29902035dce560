"""Whether the place a map's generator appears in iterates it (FLY201): printing, logging, formatting or testing it
does not."""

from __future__ import annotations

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.values import External

# Calls that look at an object without iterating it.
NON_ITERATING = {
    "builtins.print",
    "builtins.repr",
    "builtins.str",
    "builtins.id",
    "builtins.type",
    "builtins.bool",
    "builtins.format",
    "builtins.isinstance",
    "builtins.hash",
}
LOG_METHODS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "log"}


def iterates(analysis: Analysis, expr: nodes.NodeNG) -> bool:
    """Whether the place ``expr`` appears in makes the generator run (or may: unknown code counts)."""
    parent = expr.parent
    if isinstance(parent, (nodes.Expr, nodes.FormattedValue, nodes.Compare, nodes.BoolOp, nodes.UnaryOp)):
        return False
    if isinstance(parent, (nodes.If, nodes.While, nodes.IfExp)) and expr is parent.test:
        return False
    if isinstance(parent, nodes.Call) and expr is not parent.func:
        callee = analysis.resolver.value_of(parent.func)
        if isinstance(callee, External) and callee.path in NON_ITERATING:
            return False
        if isinstance(callee, External) and callee.path.startswith("logging."):
            return False
        if (
            isinstance(parent.func, nodes.Attribute)
            and parent.func.attrname in LOG_METHODS
            and _looks_like_logger(parent.func.expr)
        ):
            return False
    return True


def _looks_like_logger(node: nodes.NodeNG) -> bool:
    text = node.as_string().lower()
    return "log" in text
