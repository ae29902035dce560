"""Where a function runs: inside which tasks' runs, and whether on their event loop (a part of Analysis)."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from astroid import nodes

from flyte_lint.model.entities import Task
from flyte_lint.model.scopes import FUNCTION_NODES, enclosing_function
from flyte_lint.model.values import External, FunctionRef

if TYPE_CHECKING:
    from flyte_lint.model.analysis import Analysis

    _Base = Analysis
else:
    _Base = object

# Decorators after which calling a plain function still runs its body inline, in the caller's thread.
INLINE_DECORATORS = frozenset(
    {
        "functools.wraps",
        "functools.lru_cache",
        "functools.cache",
        "builtins.staticmethod",
        "builtins.classmethod",
        "flyte.trace",
    }
)


class TaskContext(_Base):
    """Task context and event loops (a part of Analysis)."""

    @cached_property
    def _function_callers(self) -> dict[int, list[nodes.NodeNG | None]]:
        """For each plain project function, the functions (or module bodies: None) that call it."""
        callers: dict[int, list] = {}
        for call in self.calls:
            if isinstance(call.callee, FunctionRef):
                callers.setdefault(id(call.callee.func), []).append(call.function)
        return callers

    def context_tasks(self, function: nodes.NodeNG | None) -> set[Task]:
        """The tasks inside whose run ``function`` executes: the task itself, the task a nested def
        sits in, or every task that calls a plain helper (transitively)."""
        result: set[Task] = set()
        seen: set[int] = set()
        todo = [function]
        while todo:
            func = todo.pop()
            if func is None or id(func) in seen:
                continue
            seen.add(id(func))
            task = self.task_by_function.get(id(func))
            if task is not None:
                result.add(task)
                continue
            outer = enclosing_function(func)
            if outer is not None:
                todo.append(outer)
            todo.extend(self._function_callers.get(id(func), ()))
        return result

    def in_task_context(self, function: nodes.NodeNG | None) -> bool:
        return bool(self.context_tasks(function))

    def runs_on_event_loop(self, function: nodes.NodeNG | None) -> bool:
        """``function`` runs on an event loop inside a task run: it is an ``async def`` in task context,
        or a plain function called directly (through plain calls) from such code. A blocking call there
        blocks the loop. Sync task bodies run in worker threads, and a function handed to a thread
        (``asyncio.to_thread(f)``, ``run_in_executor``) or wrapped in a lambda is not called directly,
        so neither counts."""
        seen: set[int] = set()
        todo = [function]
        while todo:
            func = todo.pop()
            if not isinstance(func, FUNCTION_NODES) or id(func) in seen:
                continue
            seen.add(id(func))
            if isinstance(func, nodes.AsyncFunctionDef):
                if self.in_task_context(func):
                    return True
            elif id(func) not in self.task_by_function and self._runs_where_called(func):
                todo.extend(self._function_callers.get(id(func), ()))
        return False

    def _runs_where_called(self, func: nodes.FunctionDef) -> bool:
        """Calling ``func`` runs its body right there: it has no decorator, or only ones known to keep the
        call inline. Any other decorator may run it elsewhere (a thread, a process) or return a coroutine."""
        for decorator in func.decorators.nodes if func.decorators else []:
            target = decorator.func if isinstance(decorator, nodes.Call) else decorator
            value = self.resolver.value_of(target)
            if not (isinstance(value, External) and value.path in INLINE_DECORATORS):
                return False
        return True
