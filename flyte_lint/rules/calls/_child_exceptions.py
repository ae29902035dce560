"""What FLY115 (child-exception-unwrapped) reads of a ``try:`` around task calls: which calls in its body the SDK
wraps a child's error for, what else in the body may raise, and what a handler's types are."""

from __future__ import annotations

from dataclasses import dataclass

from astroid import nodes
from astroid.const import Context

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.entities import CallSite, Task
from flyte_lint.model.kinds import CallForm
from flyte_lint.model.values import ClassRef, External

# The bases of flyte.errors.RuntimeUserError outside flyte.errors: a handler of one of them does catch a child's
# error (flyte 2.12.1: RuntimeUserError < BaseRuntimeError < RuntimeError).
CATCHING_BUILTINS = frozenset({"builtins.RuntimeError", "builtins.Exception", "builtins.BaseException"})
# Exceptions the SDK never wraps (not Exception subclasses, or a cancellation of the caller itself).
NEVER_WRAPPED = frozenset(
    {
        "builtins.KeyboardInterrupt",
        "builtins.SystemExit",
        "builtins.GeneratorExit",
        "asyncio.CancelledError",
        "asyncio.exceptions.CancelledError",
        "concurrent.futures.CancelledError",
    }
)
# Calls in a try body that raise nothing a handler of a child's error type would expect, but the builtin
# exceptions given: they run the task calls given to them (``asyncio.gather`` without ``return_exceptions``), open
# a group, print or log, or build and measure containers.
_HARMLESS: dict[str, frozenset[str]] = {
    "asyncio.gather": frozenset(),
    "flyte.group": frozenset(),
    "builtins.print": frozenset(),
    "functools.partial": frozenset({"TypeError"}),
    "builtins.len": frozenset({"TypeError", "OverflowError"}),
    "builtins.isinstance": frozenset({"TypeError"}),
    "builtins.range": frozenset({"TypeError", "ValueError"}),
    "builtins.list": frozenset({"TypeError"}),
    "builtins.tuple": frozenset({"TypeError"}),
    "builtins.sorted": frozenset({"TypeError"}),
    "builtins.enumerate": frozenset({"TypeError"}),
}
# ``logging`` and a logger's methods report their own errors (``Handler.handleError``) instead of raising.
_LOGGING_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log"})
# Methods of a list that raise nothing but TypeError (``extend`` of a non-iterable).
_LIST_METHODS = {"append": frozenset(), "extend": frozenset({"TypeError"})}
_LIST_MAKERS = (nodes.List, nodes.ListComp)


# The forms of a task call whose error the SDK wraps in RuntimeUserError inside a run.
_WRAPPED_IN_A_RUN = (CallForm.CALL, CallForm.AIO, CallForm.OVERRIDE, CallForm.PARTIAL)
# ... and outside any run: only a sync task's own call (``TaskTemplate.__call__`` wraps what ``forward`` raises;
# ``.aio`` outside a run and an async task's coroutine raise the original exception).
_WRAPPED_OUTSIDE = (CallForm.CALL, CallForm.OVERRIDE, CallForm.PARTIAL)

# Exceptions the Python operations themselves raise (no call): an operation of that kind in the try body may
# raise a handler's type, so the handler is left alone.
_LOOKUP = {"KeyError", "IndexError", "LookupError", "TypeError"}
_ARITHMETIC = {"ArithmeticError", "ZeroDivisionError", "OverflowError", "FloatingPointError", "TypeError"}
_IMPLICIT: dict[type, set[str]] = {
    nodes.Subscript: _LOOKUP,
    nodes.BinOp: _ARITHMETIC,
    nodes.AugAssign: _ARITHMETIC,
    nodes.UnaryOp: {"TypeError"},
    nodes.Compare: {"TypeError"},
    nodes.Attribute: {"AttributeError"},
    nodes.Name: {"NameError", "UnboundLocalError"},
    nodes.Assert: {"AssertionError"},
    nodes.Delete: {"KeyError", "IndexError", "LookupError", "NameError", "AttributeError", "TypeError"},
    nodes.JoinedStr: {"ValueError", "TypeError"},
    nodes.Starred: {"TypeError"},
    nodes.Comprehension: {"TypeError"},
}
# Nodes after which anything may be raised: a ``raise``, a ``yield`` (thrown into), awaiting something other than
# a call, an import, an ``async with`` / ``async for`` (their protocol methods run user code).
_ANYTHING = (nodes.Raise, nodes.Yield, nodes.YieldFrom, nodes.Import, nodes.ImportFrom, nodes.AsyncWith, nodes.AsyncFor)
_SCOPES = (nodes.FunctionDef, nodes.Lambda, nodes.ClassDef)


@dataclass(frozen=True)
class TryBody:
    """What the body of a ``try:`` holding task calls may raise: ``anything`` (a call or statement the model
    cannot bound), else the names of the builtin exceptions its operations may raise (``implicit``)."""

    anything: bool
    implicit: frozenset[str]


def task_sites_by_call(analysis: Analysis) -> dict[int, CallSite]:
    """Every task call site (one task, or one of several), by ``id`` of its call node."""

    def index() -> dict[int, CallSite]:
        return {id(site.node): site for site in (*analysis.call_sites, *analysis.choice_sites)}

    return analysis.memo("calls.child_exceptions.sites", index)


def wraps_child_errors(analysis: Analysis, site: CallSite) -> bool:
    """The SDK hands the error of the task this call runs to the caller as RuntimeUserError: in a run (the call's
    function runs in a task's run) for a plain, ``.aio``, ``.override`` or partial call; outside any run only for a
    sync task's own call."""
    if not site.tasks or site.through_wrapper:
        return False
    if analysis.in_task_context(site.function):
        return site.form in _WRAPPED_IN_A_RUN
    return site.form in _WRAPPED_OUTSIDE and not any(task.is_async for task in site.tasks)


def try_body(analysis: Analysis, node: nodes.Try, sites: dict[int, CallSite]) -> TryBody:
    """What the body of ``node`` may raise besides the errors of the wrapped task calls in it."""
    implicit: set[str] = set()
    parts_of_calls = set()  # (the `t.override(...)` and `functools.partial(t, ...)` of a task call)
    for call in _calls_in(node.body):
        site = sites.get(id(call))
        if site is not None:
            parts_of_calls.update(_call_parts(site))
    for child in _walk(node.body):
        if isinstance(child, _ANYTHING):
            return TryBody(True, frozenset())
        if isinstance(child, nodes.Await) and not isinstance(child.value, nodes.Call):
            return TryBody(True, frozenset())
        if isinstance(child, nodes.Call):
            if id(child) in parts_of_calls:
                continue
            site = sites.get(id(child))
            if site is not None:
                if not wraps_child_errors(analysis, site):
                    return TryBody(True, frozenset())
                continue
            raised = _harmless(analysis, child)
            if raised is None:
                return TryBody(True, frozenset())
            implicit.update(raised)
            continue
        if isinstance(child, (nodes.For, nodes.Comprehension)) and not isinstance(
            child.iter, (nodes.List, nodes.Tuple, nodes.Name, nodes.Call)
        ):
            return TryBody(True, frozenset())
        if isinstance(child, (nodes.Tuple, nodes.List)) and child.ctx == Context.Store:
            implicit.update({"ValueError", "TypeError"})  # (unpacking)
        if isinstance(child, nodes.BinOp) and child.op == "%":
            implicit.update({"ValueError", "TypeError"})  # (% formatting)
        if isinstance(child, (nodes.Attribute, nodes.Name)) and _is_callee(child):
            continue
        implicit.update(_IMPLICIT.get(type(child), ()))
    return TryBody(False, frozenset(implicit))


def raised_by_tasks(analysis: Analysis, node: nodes.Try, sites: dict[int, CallSite]) -> dict[object, Task]:
    """What the tasks called in the body of ``node`` (by calls the SDK wraps) visibly raise: each exception class
    a ``raise X(...)`` / ``raise X`` of a task's own body names, with the task."""
    found: dict[object, Task] = {}
    for call in _calls_in(node.body):
        site = sites.get(id(call))
        if site is None or not wraps_child_errors(analysis, site):
            continue
        for task in site.tasks:
            for child in _walk(task.func.body):
                if isinstance(child, nodes.Raise) and child.exc is not None:
                    raised = child.exc.func if isinstance(child.exc, nodes.Call) else child.exc
                    value = analysis.resolver.value_of(raised)
                    if isinstance(value, (External, ClassRef)):
                        found.setdefault(value, task)
    return found


def _call_parts(site: CallSite) -> list[int]:
    """The ids of the calls that only make the task callable: ``t.override(...)`` of ``t.override(...)(x)`` or
    ``t.override(...).aio(x)``, and a partial's own ``functools.partial(t, ...)`` written in place."""
    func = site.node.func
    if isinstance(func, nodes.Attribute) and func.attrname == "aio":
        func = func.expr
    return [id(func)] if isinstance(func, nodes.Call) else []


def _harmless(analysis: Analysis, call: nodes.Call) -> frozenset[str] | None:
    """The builtin exceptions ``call`` may raise, when it is a call known to raise nothing else: see _HARMLESS, a
    ``logging`` call or a logging method, ``xs.append(...)`` of a list made in place. None for any other call."""
    callee = analysis.resolver.value_of(call.func)
    if isinstance(callee, External):
        if any(kw.arg == "return_exceptions" for kw in call.keywords or ()):
            return None
        if callee.path.startswith(("logging.", "flyte.logger.")) and callee.path.rsplit(".", 1)[-1] in _LOGGING_METHODS:
            return frozenset()
        return _HARMLESS.get(callee.path)
    func = call.func
    if not isinstance(func, nodes.Attribute):
        return None
    made = analysis.definition(func.expr)
    if func.attrname in _LIST_METHODS and isinstance(made, _LIST_MAKERS):
        return _LIST_METHODS[func.attrname]
    if func.attrname in _LOGGING_METHODS and isinstance(made, nodes.Call):
        maker = analysis.resolver.value_of(made.func)
        if isinstance(maker, External) and maker.path == "logging.getLogger":
            return frozenset()
    return None


def _is_callee(node: nodes.NodeNG) -> bool:
    return isinstance(node.parent, nodes.Call) and node.parent.func is node


def _calls_in(body: list[nodes.NodeNG]) -> list[nodes.Call]:
    return [child for child in _walk(body) if isinstance(child, nodes.Call)]


def _walk(body: list[nodes.NodeNG]):
    """The nodes of ``body`` that run with it: not the bodies of functions, lambdas or classes defined there."""
    todo = list(reversed(body))
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, _SCOPES):
            continue
        todo.extend(reversed(list(node.get_children())))


def handler_types(analysis: Analysis, handler: nodes.ExceptHandler) -> list[tuple[nodes.NodeNG, object]]:
    """Each type a handler names, with what it resolves to (a bare ``except:`` names none)."""
    if handler.type is None:
        return []
    written = handler.type.elts if isinstance(handler.type, nodes.Tuple) else [handler.type]
    return [(node, analysis.resolver.value_of(node)) for node in written]


def catches_child_errors(analysis: Analysis, value: object) -> bool:
    """A handler of this type catches a child's RuntimeUserError, or the model cannot tell: a flyte class, a base
    of RuntimeUserError, one the SDK never wraps, anything unresolved, or a project class built on any of those
    but the bases (``class BadInput(ValueError)`` catches only its own instances)."""
    if isinstance(value, External):
        return value.is_flyte or value.path in CATCHING_BUILTINS or value.path in NEVER_WRAPPED
    if isinstance(value, ClassRef):
        return _flyte_or_unknown_class(analysis, value.cls, 0)
    return True


def _flyte_or_unknown_class(analysis: Analysis, cls: nodes.ClassDef, depth: int) -> bool:
    if depth > 8 or not cls.bases:
        return True
    for base in cls.bases:
        value = analysis.resolver.value_of(base)
        if isinstance(value, External):
            if value.is_flyte or value.path in NEVER_WRAPPED:
                return True
        elif isinstance(value, ClassRef):
            if _flyte_or_unknown_class(analysis, value.cls, depth + 1):
                return True
        else:
            return True
    return False


def type_name(value: object) -> str:
    """The class name a RuntimeUserError's ``.code`` holds for an exception of this type."""
    if isinstance(value, ClassRef):
        return value.cls.name
    return value.path.rsplit(".", 1)[-1] if isinstance(value, External) else "?"


def builtin_name(value: object) -> str | None:
    return (
        value.path[len("builtins.") :] if isinstance(value, External) and value.path.startswith("builtins.") else None
    )
