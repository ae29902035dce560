"""The calls the model records: every call expression with what its callee resolves to (ResolvedCall), and the calls
of task objects not made by ``@env.task`` (TaskObjectCall)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from astroid import nodes

from flyte_lint.model.kinds import CallForm, CoroutineRuns
from flyte_lint.model.values import External

if TYPE_CHECKING:
    from flyte_lint.model.entities import Env
    from flyte_lint.model.project import Module
    from flyte_lint.model.values import Value

CONTAINER_TASK = "flyte.extras.ContainerTask"
# Builtins that consume an iterable whole when called on it: the graph's data flow (a container's elements flow into
# the result) and FLY203 (an async generator given to one fails with TypeError) read this one list.
ITERABLE_CONSUMERS = frozenset(
    {
        "builtins.list",
        "builtins.tuple",
        "builtins.set",
        "builtins.sorted",
        "builtins.sum",
        "builtins.dict",
        "builtins.frozenset",
        "builtins.min",
        "builtins.max",
        "builtins.any",
        "builtins.all",
    }
)
SHELL_CREATE = "flyte.extras.shell.create"
MAPS = {"flyte.map": CallForm.MAP, "flyte.map.aio": CallForm.MAP_AIO}  # the form of a task object's call through them


@dataclass(frozen=True)
class TaskObjectCall:
    """A call of a task object not made by ``@env.task`` (a ContainerTask, a shell task...)."""

    call: ResolvedCall
    made: nodes.Call  # the call that made the object
    env: Env | None  # None: not known
    name: str  # the object as the call names it: ``greet``
    form: CallForm  # CALL (``greet(...)``), AIO (``greet.aio(...)``), OVERRIDE (``greet.override(...)(...)``, or its
    # .aio), MAP or MAP_AIO (``flyte.map(greet, ...)``, ``flyte.map.aio(greet, ...)``: ``call`` is the map's)
    maker: str | None  # the SDK's path of what made the object (CONTAINER_TASK, SHELL_CREATE...); None: not the SDK

    @property
    def starts_task(self) -> bool:
        """The call starts the object's task (once awaited or iterated); of a shell task only the call itself
        does (it has no ``.aio`` nor ``.override``, and mapping it runs nothing: flyte 2.12.1)."""
        return self.maker != SHELL_CREATE or self.form == CallForm.CALL

    @property
    def coroutine(self) -> CoroutineRuns | None:
        """Where the call makes a coroutine that runs the task only once awaited (flyte 2.12.1): IN_A_RUN for a
        ContainerTask called or ``.aio``-called (inside a run, TaskTemplate.__call__ hands back the controller's
        submit coroutine; outside one the call fails), ANYWHERE for a shell task called (``_Shell.__call__``
        is ``async def``; it has no ``.aio``). None: not known to make one (a plugin's task class, whose
        call may be sync; an ``.override(...)`` form, which fails on its own for a ContainerTask)."""
        if self.maker == CONTAINER_TASK and self.form in (CallForm.CALL, CallForm.AIO):
            return CoroutineRuns.IN_A_RUN
        if self.maker == SHELL_CREATE and self.form == CallForm.CALL:
            return CoroutineRuns.ANYWHERE
        return None


def called_object(func: nodes.NodeNG) -> tuple[nodes.NodeNG | None, CallForm]:
    """The object a call runs, and how: ``greet`` in ``greet(...)`` (call), ``greet.aio(...)`` (aio),
    ``greet.override(...)(...)`` and its ``.aio`` (override)."""
    form = CallForm.CALL
    if isinstance(func, nodes.Attribute) and func.attrname == "aio":
        func, form = func.expr, CallForm.AIO
    if isinstance(func, nodes.Call) and isinstance(func.func, nodes.Attribute) and func.func.attrname == "override":
        func, form = func.func.expr, CallForm.OVERRIDE
    return (func if isinstance(func, (nodes.Name, nodes.Attribute)) else None), form


@dataclass(eq=False)
class ResolvedCall:
    """Any call expression in an analysed module, with what its callee resolves to."""

    node: nodes.Call
    module: Module
    callee: Value
    function: nodes.FunctionDef | nodes.Lambda | None
    external_path: str | None = None  # the callee's dotted path when it lies outside the project

    def __post_init__(self) -> None:
        if isinstance(self.callee, External):
            self.external_path = self.callee.path
