"""Executors: the objects that run a callable somewhere else (a thread pool, a process pool, a thread, an event
loop), and the calls that hand a callable to one. Built from the model's resolved calls and name bindings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from astroid import nodes

from flyte_lint.model.arguments import argument
from flyte_lint.model.calls import ResolvedCall
from flyte_lint.model.kinds import Kind
from flyte_lint.model.values import External

if TYPE_CHECKING:
    from flyte_lint.model.analysis import Analysis


class Executor(Kind):
    """What runs a callable handed to it."""

    THREAD_POOL = "thread pool"  # concurrent.futures.ThreadPoolExecutor (also an event loop's default executor)
    PROCESS_POOL = "process pool"  # concurrent.futures.ProcessPoolExecutor: pickles the callable
    THREAD = "thread"  # threading.Thread(target=...), threading.Timer(interval, function)
    EVENT_LOOP = "event loop"  # an asyncio event loop (asyncio.get_event_loop/get_running_loop/new_event_loop)


# The external callables whose call makes each executor, by dotted path.
MADE_BY = {
    "concurrent.futures.ThreadPoolExecutor": Executor.THREAD_POOL,
    "concurrent.futures.thread.ThreadPoolExecutor": Executor.THREAD_POOL,
    "concurrent.futures.ProcessPoolExecutor": Executor.PROCESS_POOL,
    "concurrent.futures.process.ProcessPoolExecutor": Executor.PROCESS_POOL,
    "asyncio.get_event_loop": Executor.EVENT_LOOP,
    "asyncio.get_running_loop": Executor.EVENT_LOOP,
    "asyncio.new_event_loop": Executor.EVENT_LOOP,
    "asyncio.events.get_event_loop": Executor.EVENT_LOOP,
    "asyncio.events.get_running_loop": Executor.EVENT_LOOP,
    "asyncio.events.new_event_loop": Executor.EVENT_LOOP,
}
# Thread classes, with the position and keyword of the callable they run.
THREADS = {"threading.Thread": (1, "target"), "threading.Timer": (1, "function")}
# Methods of a pool that run a callable (the callable's position, and its keyword when it has one).
POOL_METHODS = {"submit": (0, None), "map": (0, "fn")}


@dataclass(frozen=True)
class HandOff:
    """A call that hands a callable to an executor to run: ``pool.submit(f, ...)``, ``pool.map(f, ...)``,
    ``loop.run_in_executor(pool, f, ...)``, ``threading.Thread(target=f)``. ``runner`` is what runs ``handed``:
    THREAD_POOL (also an event loop's default executor), PROCESS_POOL or THREAD."""

    call: ResolvedCall
    handed: nodes.NodeNG
    runner: Executor
    how: str  # as the call names the hand-off: "submit", "map", "run_in_executor", "threading.Thread"...


def _assigned_value(binding: nodes.NodeNG) -> nodes.NodeNG | None:
    """The expression a binding of a name (an AssignName) gives it: ``x = <expr>``, ``x: T = <expr>`` or
    ``with <expr> as x`` (an executor's ``__enter__`` returns the executor itself)."""
    if not isinstance(binding, nodes.AssignName):
        return None
    parent = binding.parent
    if isinstance(parent, nodes.Assign) and len(parent.targets) == 1 and parent.targets[0] is binding:
        return parent.value
    if isinstance(parent, nodes.AnnAssign) and parent.value is not None:
        return parent.value
    if isinstance(parent, (nodes.With, nodes.AsyncWith)):
        for expr, target in parent.items:
            if target is binding:
                return expr
    return None


def executor_of(analysis: Analysis, node: nodes.NodeNG | None, depth: int = 0) -> Executor | None:
    """The executor ``node`` evaluates to: a call that makes one (``ThreadPoolExecutor()``,
    ``asyncio.get_running_loop()``, through any import alias), or a name every binding of which is one of the
    same kind (``pool = ...``, ``with ThreadPoolExecutor() as pool``, an import of a module's ``POOL = ...``).
    None: not known to be an executor."""
    if isinstance(node, nodes.Call):
        callee = analysis.resolver.value_of(node.func)
        return MADE_BY.get(callee.path) if isinstance(callee, External) else None
    if depth >= 4:
        return None
    if isinstance(node, (nodes.Name, nodes.Attribute)):
        defined = analysis.definition(node)  # (bound once, following imports: ``from pools import POOL``)
        if defined is not None and defined is not node:
            return executor_of(analysis, defined, depth + 1)
    if isinstance(node, nodes.Name):
        bindings = analysis.bindings_of(node)
        kinds = {executor_of(analysis, _assigned_value(b), depth + 1) for b in bindings}
        if len(kinds) == 1:
            return kinds.pop()
    return None


def _hand_off(analysis: Analysis, call: ResolvedCall) -> HandOff | None:
    node, callee = call.node, call.callee
    if isinstance(callee, External) and callee.path in THREADS:
        index, keyword = THREADS[callee.path]
        handed = argument(node, index, keyword)
        return HandOff(call, handed, Executor.THREAD, callee.path) if handed is not None else None
    func = node.func
    if not isinstance(func, nodes.Attribute):
        return None
    if func.attrname in POOL_METHODS:
        runner = executor_of(analysis, func.expr)
        if runner not in (Executor.THREAD_POOL, Executor.PROCESS_POOL):
            return None
        index, keyword = POOL_METHODS[func.attrname]
        handed = argument(node, index, keyword) if keyword else (node.args[index] if len(node.args) > index else None)
    elif func.attrname == "run_in_executor":
        if executor_of(analysis, func.expr) is not Executor.EVENT_LOOP or len(node.args) < 2:
            return None
        pool = node.args[0]
        if isinstance(pool, nodes.Const) and pool.value is None:
            runner = Executor.THREAD_POOL  # (the loop's default executor)
        else:
            runner = executor_of(analysis, pool)
            if runner not in (Executor.THREAD_POOL, Executor.PROCESS_POOL):
                return None
        handed = node.args[1]
    else:
        return None
    if handed is None or isinstance(handed, nodes.Starred):
        return None
    return HandOff(call, handed, runner, func.attrname)


def hand_offs(analysis: Analysis) -> list[HandOff]:
    """Every call in the analysed modules that hands a callable to an executor (HandOff), in source order."""

    def compute() -> list[HandOff]:
        found = []
        for call in analysis.calls:
            hand_off = _hand_off(analysis, call)
            if hand_off is not None:
                found.append(hand_off)
        return found

    return analysis.memo("executors.hand_offs", compute)
