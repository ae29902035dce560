"""Constants: the values the compiler knows statically (the model's ``static_value`` over a frame's known locals),
and the trip counts of loops and maps that follow from them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from astroid import nodes

from flyte_lint.graph.values import NOTHING, Context, Flow, Frame
from flyte_lint.model.constants import static_value


class ConstantsMixin:
    """Static values of expressions in a frame, and the counts they give (see Compiler)."""

    def _const(self, node: nodes.NodeNG, frame: Frame) -> Any:
        """The static value of ``node`` given the frame's known locals (the model's evaluator), or NOTHING."""
        return static_value(self.resolver, node, _FrameConstants(frame))

    def _map_count(self, call: nodes.Call, frame: Frame, ctx: Context) -> int | None:
        """How many items a ``flyte.map(task, *iterables)`` runs in all (per run of its context), or None."""
        iterables = call.args[1:]
        lengths = [self._static_length(a, frame) for a in iterables] if iterables else [None]
        known = [n for n in lengths if n is not None]
        per_parent = min(known) if known and len(known) == len(lengths) else None
        outer = ctx.count
        return per_parent * outer if per_parent is not None and outer is not None else None

    def _static_length(self, node: nodes.NodeNG, frame: Frame) -> int | None:
        """The length of the sequence ``node`` gives, when static: a constant, or a list comprehension or
        generator expression of one ``for`` without conditions over a constant (``[f(x) for x in range(n)]``,
        n known). (A second ``for`` may iterate over the first one's variable, which a constant of the
        enclosing body could shadow here.)"""
        if isinstance(node, (nodes.ListComp, nodes.GeneratorExp)):
            if len(node.generators) != 1 or node.generators[0].ifs or node.generators[0].is_async:
                return None
            return _length(self._const(node.generators[0].iter, frame))
        return _length(self._const(node, frame))


class _FrameConstants(Mapping[str, Any]):
    """A frame's locals as the model's evaluator reads them: name -> statically known value (or NOTHING)."""

    def __init__(self, frame: Frame) -> None:
        self._vars = frame.vars

    def __getitem__(self, name: str) -> Any:
        return self._vars[name].const

    def __iter__(self) -> Iterator[str]:
        return iter(self._vars)

    def __len__(self) -> int:
        return len(self._vars)


def trip_count(iterated: Flow) -> int | None:
    """How many elements a loop over ``iterated`` takes: its static value's length, or the number of elements of
    a literal (``for c in [t(1), t(2)]``)."""
    length = _length(iterated.const)
    return len(iterated.items) if length is None and isinstance(iterated.items, tuple) else length


def _length(value: Any) -> int | None:
    if value is NOTHING or value is None:
        return None
    try:
        return len(value)
    except TypeError:
        return None


def jsonable(value: Any) -> Any:
    if isinstance(value, range):
        return list(value)
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, frozenset):  # (a set display: its order is known only at run time)
        return sorted((jsonable(v) for v in value), key=repr)
    return value if isinstance(value, (int, float, str, bool)) or value is None else repr(value)
