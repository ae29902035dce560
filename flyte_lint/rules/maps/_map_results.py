"""What a function does with the results of a `flyte.map` (FLY205): whether it only counts them, turns them into
text or drops them after iterating, so that an item returned as its exception goes unnoticed."""

from __future__ import annotations

import enum
import re

from astroid import nodes

from flyte_lint.model.analysis import Analysis, ResolvedCall
from flyte_lint.model.arguments import keyword_argument
from flyte_lint.model.names import loads_of
from flyte_lint.model.scopes import enclosing_function, walk
from flyte_lint.model.values import External, PartialRef, TaskRef
from flyte_lint.rules.base import Suggestion, keyword_added
from flyte_lint.rules.maps._common import partial_problem
from flyte_lint.rules.maps._iteration import LOG_METHODS
from flyte_lint.rules.usage import assigned_name


class Hidden(str, enum.Enum):
    """How a use of the results lets a failed item (an exception value) pass unnoticed."""

    COUNTED = "counted"
    TEXT = "turned into text"
    DROPPED = "dropped after iteration"


# Calls that accept an exception value where a result should be, and make text of it.
TEXT_CALLS = {"builtins.str", "builtins.repr", "builtins.print"}
# Builtins that make a list or tuple of every item an iterable gives.
MATERIALIZERS = {"builtins.list", "builtins.tuple"}
# A class named in an isinstance check that picks out the exception values.
EXCEPTION_CLASS = re.compile(r"(Exception|Error)\b")
# A field of a format string that an exception value does not fit (a number format: TypeError or ValueError).
PERCENT_SPEC = re.compile(r"%[-#0 +]*[0-9*]*(?:\.[0-9*]*)?[diouxXeEfFgGc]")
BRACE_SPEC = re.compile(r"\{[^{}]*:[^{}]+\}")


def map_hides_failures(
    analysis: Analysis,
    call: nodes.Call,
    function: nodes.NodeNG | None,
    place: nodes.NodeNG | None = None,
    aio: bool = False,
) -> list[Hidden] | None:
    """FLY205's question: how ``function`` hides the failed items of the map ``call`` (an `.aio` map when ``aio``):
    the uses of its results when every one hides a failed item; None when some use may see it, the map hands
    failures back raised (``return_exceptions=False``), the function checks for exceptions, or the map is given
    no task (it fails before any item runs: FLY202). ``place``: for a map a rewrite is about to
    iterate, where (the node the list of its results will stand at, or the ``for`` that will loop over it)."""
    if not isinstance(function, nodes.FunctionDef) or not returns_exceptions(call) or checks_for_exceptions(function):
        return None
    if not _maps_a_task(analysis, call):
        return None
    if place is None:
        uses = _hidden_uses(analysis, call, function, aio)
    elif isinstance(place, nodes.For):
        uses = _loop_uses(analysis, place, function)
    else:
        uses = _uses_of_whole(analysis, place, function)
    return uses or None


def fail_on_failed_items(analysis: Analysis, call: nodes.Call, function: nodes.NodeNG | None, place: nodes.NodeNG):
    """The edit adding ``return_exceptions=False`` to the map ``call``, when a rewrite that iterates it at ``place``
    would otherwise hide its failed items (FLY205); None when it would not."""
    if map_hides_failures(analysis, call, function, place) is None:
        return None
    return keyword_added(call, "return_exceptions=False").edits[0]


def raising_failures(analysis: Analysis, call: ResolvedCall, rewrite: Suggestion | None, place: nodes.NodeNG):
    """``rewrite``, a rewrite that iterates the map ``call`` at ``place`` (see ``map_hides_failures``), also passing
    ``return_exceptions=False`` when the code it leaves would hide the map's failed items (FLY205)."""
    if rewrite is None:
        return None
    edit = fail_on_failed_items(analysis, call.node, call.function, place)
    if edit is None:
        return rewrite
    return Suggestion(rewrite.shown.replace("(...)", "(..., return_exceptions=False)", 1), (*rewrite.edits, edit))


def _maps_a_task(analysis: Analysis, call: nodes.Call) -> bool:
    """The map is given a task, or a partial of one that leaves one parameter, the first open one, to map: its
    failed items come back as values. Given anything else (FLY202), it fails before any item runs."""
    if not call.args or isinstance(call.args[0], nodes.Starred):
        return False
    target = analysis.resolver.value_of(call.args[0])
    if isinstance(target, PartialRef):
        return isinstance(target.target, TaskRef) and target.static and partial_problem(target) is None
    return isinstance(target, TaskRef)


def returns_exceptions(call: nodes.Call) -> bool:
    """The map hands back failed items as values: no ``return_exceptions=`` other than a literal True, and no
    ``**kwargs`` that might set it."""
    if any(k.arg is None for k in call.keywords or ()):
        return False
    given = keyword_argument(call, "return_exceptions")
    return given is None or (isinstance(given, nodes.Const) and given.value is True)


def _hidden_uses(analysis: Analysis, call: nodes.Call, function: nodes.FunctionDef, aio: bool) -> list[Hidden] | None:
    """What ``function`` does with the items of the map ``call``: the hiding uses when every use hides a failed
    item (none: unused after iteration); None when some use may see it (arithmetic, an output, an argument to
    other code...) or the map is not iterated the way it must be (an `.aio` map by `async for`, a sync one by
    `for`: the other way is a TypeError, FLY203's)."""
    parent = call.parent
    if isinstance(parent, nodes.For) and call is parent.iter:
        return _loop_uses(analysis, parent, function) if isinstance(parent, nodes.AsyncFor) == aio else None
    whole = _materialized(analysis, call, aio)
    return None if whole is None else _uses_of_whole(analysis, whole, function)


def checks_for_exceptions(function: nodes.FunctionDef) -> bool:
    """``function`` has an ``isinstance(x, SomeException)`` check (a tuple of classes counts)."""
    for node in walk(function):
        if (
            isinstance(node, nodes.Call)
            and isinstance(node.func, nodes.Name)
            and node.func.name == "isinstance"
            and len(node.args) == 2
            and EXCEPTION_CLASS.search(node.args[1].as_string())
        ):
            return True
    return False


def _materialized(analysis: Analysis, call: nodes.Call, aio: bool) -> nodes.NodeNG | None:
    """The list (or tuple) holding every item of the map ``call``: ``list(call)``, ``[r for r in call]`` (a sync
    map), ``[r async for r in call]`` (an `.aio` one). None: the items are not collected as they are."""
    parent = call.parent
    if isinstance(parent, nodes.Call) and parent.args == [call] and not parent.keywords and not aio:
        callee = analysis.resolver.value_of(parent.func)
        return parent if isinstance(callee, External) and callee.path in MATERIALIZERS else None
    if isinstance(parent, nodes.Comprehension) and call is parent.iter and not parent.ifs and parent.is_async == aio:
        comp = parent.parent
        if (
            isinstance(comp, nodes.ListComp)
            and len(comp.generators) == 1
            and isinstance(parent.target, nodes.AssignName)
            and isinstance(comp.elt, nodes.Name)
            and comp.elt.name == parent.target.name
        ):
            return comp
    return None


def _uses_of_whole(analysis: Analysis, whole: nodes.NodeNG, function: nodes.FunctionDef) -> list[Hidden] | None:
    """How the list ``whole`` of every result is used: in place, or through the one name it is bound to."""
    if isinstance(whole.parent, nodes.Expr):
        return [Hidden.DROPPED]
    target = assigned_name(whole.parent, whole)
    if target is None:
        use = _value_use(analysis, whole, function)
        return None if use is None else [use]
    if isinstance(whole.parent, nodes.NamedExpr) or len(function.locals.get(target.name, ())) != 1:
        return None
    if enclosing_function(target) is not function:
        return None
    uses = []
    for load in _reads(target, function):
        use = _value_use(analysis, load, function) if enclosing_function(load) is function else None
        if use is None:
            return None
        uses.append(use)
    return uses or [Hidden.DROPPED]


def _value_use(analysis: Analysis, expr: nodes.NodeNG, function: nodes.FunctionDef) -> Hidden | None:
    """How the place ``expr`` (the list of results) stands in uses it: counted, made text of, looped over
    without looking at the items; None for anything else."""
    parent = expr.parent
    if isinstance(parent, nodes.FormattedValue):
        return Hidden.TEXT if parent.format_spec is None else None  # (`f"{r:.2f}"` of an exception: TypeError)
    if isinstance(parent, nodes.For) and expr is parent.iter:
        loop = _loop_uses(analysis, parent, function)
        return loop[0] if loop else None
    if isinstance(parent, nodes.Tuple) and isinstance(parent.parent, nodes.BinOp):
        expr, parent = parent, parent.parent
    if isinstance(parent, nodes.BinOp) and parent.op == "%" and expr is parent.right:
        return Hidden.TEXT if _is_text(parent.left, PERCENT_SPEC) else None
    if isinstance(parent, nodes.Call) and expr in parent.args:
        return _call_use(analysis, parent, expr)
    return None


def _call_use(analysis: Analysis, call: nodes.Call, arg: nodes.NodeNG) -> Hidden | None:
    func = call.func
    if isinstance(func, nodes.Attribute) and func.attrname == "format" and _is_text(func.expr, BRACE_SPEC):
        return Hidden.TEXT
    callee = analysis.resolver.value_of(func)
    path = callee.path if isinstance(callee, External) else None
    if path == "builtins.len":
        return Hidden.COUNTED
    if path in TEXT_CALLS:
        return Hidden.TEXT
    if path in ("json.dumps", "json.dump") and call.args[0] is arg:
        # An exception is no JSON: only a `default=` function makes text of it (without, dumps raises TypeError).
        return Hidden.TEXT if any(k.arg == "default" for k in call.keywords or ()) else None
    if path is not None and path.startswith("logging.") and path.rsplit(".", 1)[-1] in LOG_METHODS:
        return Hidden.TEXT
    if path is None and isinstance(func, nodes.Attribute) and func.attrname in LOG_METHODS:
        return Hidden.TEXT if "log" in func.expr.as_string().lower() else None
    return None


def _loop_uses(analysis: Analysis, loop: nodes.For, function: nodes.FunctionDef) -> list[Hidden] | None:
    """A loop over the results whose body uses each item only as text, or not at all (``for _ in ...: pass``)."""
    target = loop.target
    if not isinstance(target, nodes.AssignName) or loop.orelse:
        return None
    if len(function.locals.get(target.name, ())) != 1:
        return None
    uses = []
    for load in _reads(target, function):
        if enclosing_function(load) is not function or not _inside(load, loop):
            return None
        use = _value_use(analysis, load, function)
        if use is not Hidden.TEXT:
            return None
        uses.append(use)
    return uses or [Hidden.DROPPED]


def _reads(target: nodes.AssignName, function: nodes.FunctionDef) -> list[nodes.Name]:
    """The reads of the variable ``target`` binds in ``function``: not those of a comprehension or nested
    function that binds the same name for itself."""
    reads = []
    for load in loads_of(target):
        scope = load.scope()
        while scope is not function and target.name not in scope.locals and scope.parent is not None:
            scope = scope.parent.scope()
        if scope is function:
            reads.append(load)
    return reads


def _inside(node: nodes.NodeNG, loop: nodes.For) -> bool:
    while node is not None and node is not loop:
        node = node.parent
    return node is loop


def _is_text(node: nodes.NodeNG, spec: re.Pattern[str]) -> bool:
    """``node`` is a literal format string whose fields all accept an exception (``%s``, ``{}``, ``{!r}``)."""
    return isinstance(node, nodes.Const) and isinstance(node.value, str) and not spec.search(node.value)
