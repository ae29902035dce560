"""The Flyte 2 task results FLY509 reads: what a task call gives (a coroutine, or the value its return annotation
names), and the message for `>>` between such results."""

from __future__ import annotations

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.kinds import CallForm
from flyte_lint.model.names import bindings_of

# Flyte 2 task results (flyte 2.12.1, measured: tests/test_flyte1_rules.py): a sync task's call and an awaited
# async task's give the returned value; an async task's call (or `.aio`) not awaited gives a coroutine, which
# runs the task only once awaited. `>>` between them is Python's shift: TypeError unless both are ints.
SHIFTABLE = frozenset({"int", "bool"})
_ANNOTATED = {"int": "int", "bool": "bool", "float": "float", "str": "str", "bytes": "bytes"}
_RESULT_FORMS = (CallForm.CALL, CallForm.OVERRIDE, CallForm.AIO, CallForm.PARTIAL)


def task_result(analysis: Analysis, node: nodes.NodeNG, depth: int = 0) -> str | None:
    """The Python type name of what ``node`` holds when it is the result of a Flyte 2 task call whose type the
    code shows: "coroutine" (an async task called, not awaited), or the return annotation's type (None:
    "NoneType") of a sync task called or an async one awaited; also through a name every binding of which is
    such a result of the same type. None: anything else (unknown: the rule stays quiet)."""
    if depth > 4:
        return None
    if isinstance(node, nodes.Name):
        kinds = set()
        for stmt in bindings_of(node):
            assign = stmt.parent if isinstance(stmt, nodes.AssignName) else None
            if not (isinstance(assign, nodes.Assign) and assign.targets == [stmt]):
                return None
            kinds.add(task_result(analysis, assign.value, depth + 1))
        return kinds.pop() if len(kinds) == 1 else None
    awaited = isinstance(node, nodes.Await)
    call = node.value if awaited else node
    site = analysis.site_of_call.get(id(call)) if isinstance(call, nodes.Call) else None
    if site is None or site.task is None or site.form not in _RESULT_FORMS:
        return None
    if site.makes_coroutine and not awaited:
        return "coroutine"
    if awaited != site.makes_coroutine:
        return None  # (a sync task awaited: FLY101's)
    returns = site.task.func.returns
    if isinstance(returns, nodes.Const) and returns.value is None:
        return "NoneType"
    if isinstance(returns, nodes.Name) and returns.name in _ANNOTATED:
        return _ANNOTATED[returns.name]
    return None


def kind_text(kind: str) -> str:
    return {"coroutine": "a coroutine (an async task called without `await`)", "NoneType": "None"}.get(
        kind, f"an {kind}" if kind == "int" else f"a {kind}"
    )


def shift_message(shown: str, op: str, kinds: list[str]) -> str:
    left, right = kinds[0], kinds[1]
    if left in SHIFTABLE and right in SHIFTABLE:  # (a longer chain fails further on)
        left, right = "int", next(k for k in kinds[2:] if k not in SHIFTABLE)
    effect = (
        f"TypeError (\"unsupported operand type(s) for {op}: '{left}' and '{right}'\") once its operands are computed"
    )
    if "coroutine" in kinds:
        effect += "; an async task called without `await` there never runs"
    return (
        f"`{shown}` applies `{op}` to Flyte 2 task results: in Flyte 2 it is Python's shift operator, which fails "
        f"with {effect}. Flyte 2 runs calls in the order written: call the tasks one after the other (await each "
        f"one in an async task) and drop the `{op}`"
    )
