"""Abstract values the DAG compiler tracks through a task body: which task outputs reach an expression,
which task coroutines are created but not yet started, and what is statically known."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flyte_lint.model.constants import MISSING as NOTHING  # "no statically known value"


@dataclass(eq=False)
class Pending:
    """A task invocation that exists (a coroutine, a map generator, a deferred helper) but has not started."""

    node_id: str | None = None  # the task/map node, once created
    helper: Any = None  # a deferred async helper call: (function, call node, argument flows, context)
    # Once a helper has started: the node ids its result carries, and the nodes done when it completes.
    sources: frozenset[str] = frozenset()
    completes: frozenset[str] = frozenset()


@dataclass
class Flow:
    sources: frozenset[str] = frozenset()  # node ids whose output reaches this value
    pending: tuple[Pending, ...] = ()
    const: Any = NOTHING  # a statically known Python value (int, str, list, range...)
    # The flows of the elements of a tuple/list (a tuple of Flows) or dict (constant key -> Flow) whose
    # shape is statically known, e.g. a literal or a gather's results: unpacking or indexing it takes one
    # element's flow. `sources` and `pending` are always the union over the elements.
    items: tuple[Flow, ...] | dict[Any, Flow] | None = None

    def item(self, key: Any) -> Flow | None:
        """The flow of element ``key`` (an index or a dict key), when known."""
        if (
            isinstance(self.items, tuple)
            and isinstance(key, int)
            and not isinstance(key, bool)
            and -len(self.items) <= key < len(self.items)
        ):
            return self.items[key]
        if isinstance(self.items, dict):
            try:
                return self.items.get(key)
            except TypeError:  # unhashable
                return None
        return None

    def __or__(self, other: Flow) -> Flow:
        pending = self.pending + tuple(p for p in other.pending if p not in self.pending)
        return Flow(self.sources | other.sources, pending, items=_merged_items(self.items, other.items))

    @staticmethod
    def union(flows) -> Flow:
        result = Flow()
        for flow in flows:
            result = result | flow
        return result

    def without_pending(self) -> Flow:
        items = self.items
        if isinstance(items, dict):
            items = {key: flow.without_pending() for key, flow in items.items()}
        elif isinstance(items, tuple):
            items = tuple(flow.without_pending() for flow in items)
        return Flow(self.sources, (), self.const, items)


def _merged_items(left, right):
    """The element flows of a value that is one of two of the same shape (the same dict keys, or tuples of the
    same length): each element is one of the two elements. None when the shapes differ or one is unknown."""
    if isinstance(left, dict) and isinstance(right, dict) and left.keys() == right.keys():
        return {key: left[key] | right[key] for key in left}
    if isinstance(left, tuple) and isinstance(right, tuple) and len(left) == len(right):
        return tuple(a | b for a, b in zip(left, right, strict=True))
    return None


class TaskGroupScope:
    """The value of ``async with asyncio.TaskGroup() as tg``: the nodes its ``tg.create_task(...)`` started,
    which all complete when the block ends."""

    def __init__(self) -> None:
        self.started: set[str] = set()


@dataclass
class Context:
    """Where in the body a call happens: loop multipliers, branch conditions, group, handler."""

    multipliers: tuple[int | None, ...] = ()
    conditions: tuple[str, ...] = ()
    group: str | None = None
    handler: bool = False

    @property
    def count(self) -> int | None:
        total = 1
        for m in self.multipliers:
            if m is None:
                return None
            total *= m
        return total

    @property
    def dynamic(self) -> bool:
        return any(m is None for m in self.multipliers)


@dataclass
class Frame:
    """The state of one body being compiled (a task's, or an inlined helper's)."""

    parent: str  # id of the task node whose body this is
    prefix: str  # id prefix for nodes made here
    function: Any  # the astroid FunctionDef being compiled
    vars: dict[str, Flow] = field(default_factory=dict)
    frontier: set[str] = field(default_factory=set)  # completed nodes that later starts must follow
    returns: list[Flow] = field(default_factory=list)
    depth: int = 0
    # (vars, frontier) where `break`/`continue` left the innermost loop body being compiled
    loop_exits: list[tuple[dict[str, Flow], set[str]]] = field(default_factory=list)
