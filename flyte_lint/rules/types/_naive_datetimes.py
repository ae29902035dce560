"""Which expressions are evidently naive datetimes (no tzinfo), for FLY810. Anything not pinned down is not."""

from __future__ import annotations

import datetime

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.arguments import keyword_argument
from flyte_lint.model.constants import string_literal
from flyte_lint.model.source import short
from flyte_lint.model.values import External

_DT = "datetime.datetime"
# Constructors of a naive datetime whatever their arguments (utcnow() is naive, despite its name).
_ALWAYS_NAIVE = frozenset({f"{_DT}.utcnow", f"{_DT}.today", f"{_DT}.utcfromtimestamp"})
# How many positional arguments give the time zone (the tz-less call is naive), and its keyword.
_TZ_ARGUMENT = {f"{_DT}.now": (1, "tz"), f"{_DT}.fromtimestamp": (2, "tz"), _DT: (8, "tzinfo")}


def naive_datetime(analysis: Analysis, node: nodes.NodeNG | None, depth: int = 0) -> str | None:
    """Why ``node`` is a naive datetime (a few words for a message), or None when it is not evidently one:
    ``datetime.now()``, ``datetime.utcnow()``, ``datetime(2024, 1, 1)`` without tzinfo, ``fromisoformat`` of a
    literal without an offset, ``strptime`` with a literal format without ``%z``/``%Z``, one plus or minus a
    ``timedelta(...)``, its ``.replace(...)`` without tzinfo, or a name bound once to one of these."""
    if node is None or depth > 6:
        return None
    if isinstance(node, nodes.BinOp) and node.op in ("+", "-") and _is_timedelta(analysis, node.right):
        return naive_datetime(analysis, node.left, depth + 1)
    if isinstance(node, (nodes.Name, nodes.Attribute)):
        bound = analysis.definition(node)
        why = naive_datetime(analysis, bound, depth + 1) if bound is not None and bound is not node else None
        return f"bound to `{short(bound.as_string(), 60)}`, {why}" if why is not None else None
    if not isinstance(node, nodes.Call) or _unpacks(node):
        return None
    if isinstance(node.func, nodes.Attribute) and node.func.attrname == "replace":
        if keyword_argument(node, "tzinfo") is None and naive_datetime(analysis, node.func.expr, depth + 1):
            return "a `.replace(...)` without tzinfo of a naive datetime"
        return None
    made = analysis.resolver.value_of(node.func)
    path = made.path if isinstance(made, External) else None
    if path in _ALWAYS_NAIVE:
        return f"`{path.rsplit('.', 1)[-1]}()` sets no tzinfo"
    if path in _TZ_ARGUMENT:
        count, keyword = _TZ_ARGUMENT[path]
        if len(node.args) < count and keyword_argument(node, keyword) is None:
            return f"made without {keyword}"
        return None
    if path == f"{_DT}.fromisoformat" and len(node.args) == 1:
        text = string_literal(node.args[0])
        return "its string has no UTC offset" if text is not None and _parses_naive(text) else None
    if path == f"{_DT}.strptime" and len(node.args) == 2:
        form = string_literal(node.args[1])
        if form is not None and "%z" not in form and "%Z" not in form:
            return "its format has no %z"
    return None


def _is_timedelta(analysis: Analysis, node: nodes.NodeNG) -> bool:
    bound = analysis.definition(node)
    if not isinstance(bound, nodes.Call):
        return False
    made = analysis.resolver.value_of(bound.func)
    return isinstance(made, External) and made.path == "datetime.timedelta"


def _unpacks(call: nodes.Call) -> bool:
    return any(isinstance(a, nodes.Starred) for a in call.args or []) or any(k.arg is None for k in call.keywords or [])


def _parses_naive(text: str) -> bool:
    try:
        return datetime.datetime.fromisoformat(text).tzinfo is None
    except ValueError:
        return False
