"""What the `flyte.map` rules share: the map calls, positions, and the rewrite that iterates a map in async code
(FLY105 offers it too)."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis, ResolvedCall
from flyte_lint.model.source import rendered
from flyte_lint.model.values import External, FunctionRef, LambdaRef, PartialRef, TaskRef
from flyte_lint.rules.base import Edit, Suggestion

MAP_PATHS = ("flyte.map", "flyte.map.aio")


def map_calls(analysis: Analysis) -> Iterable[ResolvedCall]:
    return analysis.calls_to(*MAP_PATHS)


def start(node: nodes.NodeNG) -> tuple[int, int]:
    return node.lineno, node.col_offset


def end(node: nodes.NodeNG) -> tuple[int, int]:
    return node.end_lineno, node.end_col_offset


def comprehension_for(module, comp: nodes.Comprehension) -> tuple[int, int] | None:
    """Where the ``for`` of ``comp`` starts, when it is on the line of its target: astroid gives a comprehension
    no position of its own."""
    line, col = comp.target.lineno, comp.target.col_offset
    if not module.lines or not 0 < line <= len(module.lines):
        return None
    before = module.lines[line - 1].encode("utf-8")[:col].rstrip()
    if not before.endswith(b"for"):
        return None
    return line, len(before) - 3


def async_iteration(call: ResolvedCall) -> Suggestion | None:
    """The map made by ``call`` in an ``async def``, iterated as async code must: a plain ``for`` over it becomes
    ``async for``, ``list(...)`` of it an async comprehension, anything else reads ``[r async for r in
    flyte.map.aio(...)]``; a sync map gets ``.aio``. None inside a generator expression or lambda, where an async
    comprehension would not compile or would make an async generator."""
    node, func = call.node, call.node.func
    parent = node.parent
    walker = parent
    while walker is not None and not isinstance(walker, (nodes.FunctionDef, nodes.Module)):
        if isinstance(walker, (nodes.GeneratorExp, nodes.Lambda)):
            return None
        walker = walker.parent
    if not isinstance(walker, nodes.AsyncFunctionDef):
        return None
    spelled = rendered(func)
    aio = []
    if call.external_path != "flyte.map.aio":
        aio, spelled = [Edit(end(func), end(func), ".aio")], spelled + ".aio"
    if isinstance(parent, nodes.For) and not isinstance(parent, nodes.AsyncFor) and node is parent.iter:
        shown = f"async for {rendered(parent.target)} in {spelled}(...)"
        return Suggestion(shown, (Edit(start(parent), start(parent), "async "), *aio))
    if isinstance(parent, nodes.Comprehension) and node is parent.iter:
        if parent.is_async:
            return Suggestion(f"{spelled}(...)", tuple(aio)) if aio else None
        where = comprehension_for(call.module, parent)
        shown = f"async for {rendered(parent.target)} in {spelled}(...)"
        return Suggestion(shown, (Edit(where, where, "async "), *aio)) if where else None
    shown = f"[r async for r in {spelled}(...)]"
    if isinstance(parent, nodes.Await):
        return Suggestion(
            shown, (Edit(start(parent), start(node), "[r async for r in "), *aio, Edit(end(node), end(node), "]"))
        )
    if (
        isinstance(parent, nodes.Call)
        and isinstance(parent.func, nodes.Name)
        and parent.func.name == "list"
        and parent.args == [node]
        and not parent.keywords
    ):
        return Suggestion(
            shown, (Edit(start(parent), start(node), "[r async for r in "), *aio, Edit(end(node), end(parent), "]"))
        )
    return Suggestion(
        shown, (Edit(start(node), start(node), "[r async for r in "), *aio, Edit(end(node), end(node), "]"))
    )


def partial_problem(partial: PartialRef) -> str | None:
    """Why `flyte.map` fails with the ``partial`` it is given (FLY202): not of a task, or not leaving exactly the
    first open parameter to map; None when the partial maps (or is not known well enough to tell)."""
    target = partial.target
    if isinstance(target, (FunctionRef, LambdaRef)) or (
        isinstance(target, External) and target.path.startswith("builtins.")
    ):
        return (
            "`flyte.map` is given a `partial` of something that is not a task: it fails when iterated "
            "(AttributeError). Make the partial of an `@env.task` function"
        )
    if not isinstance(target, TaskRef) or not partial.static:
        return None
    params = [p.name for p in target.task.signature.params]
    bound_kw = partial.bound_keywords
    open_count = len(params) - partial.bound_positional - len(bound_kw)
    if open_count != 1:
        return (
            f"the `partial` of task '{target.task.name}' leaves {open_count} parameters unspecified; "
            "`flyte.map` needs exactly one: it fails with TypeError when iterated. Bind all parameters but the mapped one"
        )
    for name in params[: partial.bound_positional + 1]:
        if name in bound_kw:
            return (
                f"the mapped argument of task '{target.task.name}' lands on `{name}`, which the `partial` "
                "already binds by keyword: it fails with TypeError when iterated. Bind the parameters before the "
                "mapped one positionally, or leave the first one open"
            )
    return None
