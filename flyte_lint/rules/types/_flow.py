"""Whether control can reach the end of a def's body (and so return None there), decided conservatively: what
cannot be shown reachable counts as unreachable, so a rule reporting a reachable end never reports a body that
cannot get there."""

from __future__ import annotations

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.scopes import SCOPE_NODES
from flyte_lint.model.values import External, FunctionRef

# Calls that never return normally.
_EXITS = frozenset({"sys.exit", "os._exit", "os.abort", "builtins.exit", "builtins.quit"})
_LOOPS = (nodes.For, nodes.AsyncFor, nodes.While)
_MAX_DEPTH = 3


def end_reachable(analysis: Analysis, func: nodes.FunctionDef) -> bool:
    """Control may run off the end of ``func``'s body."""
    return _Flow(analysis, 0).block(func.body)


class _Flow:
    def __init__(self, analysis: Analysis, depth: int) -> None:
        self.analysis = analysis
        self.depth = depth

    def block(self, statements: list[nodes.NodeNG]) -> bool:
        """The statements can complete normally (the next statement after them runs)."""
        return all(self.statement(statement) for statement in statements)

    def statement(self, node: nodes.NodeNG) -> bool:
        if isinstance(node, (nodes.Return, nodes.Raise, nodes.Break, nodes.Continue)):
            return False  # (a loop completes through its break: see _loop)
        if isinstance(node, nodes.If):
            return self.block(node.body) or self.block(node.orelse)
        if isinstance(node, _LOOPS):
            return self._loop(node)
        if isinstance(node, (nodes.Try, nodes.TryStar)):
            completes = (self.block(node.body) and self.block(node.orelse)) or any(
                self.block(handler.body) for handler in node.handlers
            )
            return completes and self.block(node.finalbody)
        if isinstance(node, (nodes.With, nodes.AsyncWith)):
            return self.block(node.body)  # (a manager that swallows an exception is not assumed)
        if isinstance(node, nodes.Match):
            if any(self.block(case.body) for case in node.cases):
                return True
            return not any(_irrefutable(case) for case in node.cases)
        if isinstance(node, nodes.Assert):
            return not (isinstance(node.test, nodes.Const) and not node.test.value)
        if isinstance(node, nodes.Expr):
            return not self._never_returns(node.value)
        return True

    def _loop(self, node: nodes.For | nodes.AsyncFor | nodes.While) -> bool:
        if _breaks(node):
            return True
        infinite = isinstance(node, nodes.While) and isinstance(node.test, nodes.Const) and bool(node.test.value)
        return not infinite and self.block(node.orelse)

    def _never_returns(self, value: nodes.NodeNG) -> bool:
        if isinstance(value, nodes.Await):
            value = value.value
        if not isinstance(value, nodes.Call):
            return False
        callee = self.analysis.resolver.value_of(value.func)
        if isinstance(callee, External):
            return callee.path in _EXITS
        if isinstance(callee, FunctionRef) and self.depth < _MAX_DEPTH and not _has_return(callee.func):
            # A project function that always raises (or exits) and never returns.
            return not _Flow(self.analysis, self.depth + 1).block(callee.func.body)
        return False


def _breaks(loop: nodes.NodeNG) -> bool:
    """A ``break`` of this loop (not of a loop nested in it) is in its body."""
    if any(True for _ in _own(loop.body, nodes.Break, skip=(*SCOPE_NODES, *_LOOPS))):
        return True
    for inner in _own(loop.body, *_LOOPS, skip=(*SCOPE_NODES, *_LOOPS)):
        # a break in the else clause of a nested loop belongs to this loop
        if any(True for _ in _own(inner.orelse, nodes.Break, skip=(*SCOPE_NODES, *_LOOPS))):
            return True
    return False


def _own(statements: list[nodes.NodeNG], *types: type, skip: tuple[type, ...]):
    for statement in statements:
        if isinstance(statement, types):
            yield statement
        if not isinstance(statement, skip):
            for child in statement.get_children():
                yield from _own([child], *types, skip=skip)


def _has_return(func: nodes.FunctionDef) -> bool:
    return any(True for _ in _own(func.body, nodes.Return, skip=SCOPE_NODES))


def _irrefutable(case: nodes.MatchCase) -> bool:
    pattern = case.pattern
    return case.guard is None and isinstance(pattern, nodes.MatchAs) and pattern.pattern is None
