"""The abstract values names and expressions resolve to. Resolution never runs user code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from astroid import nodes

if TYPE_CHECKING:
    from flyte_lint.model.entities import Env, Task
    from flyte_lint.model.project import Module


@dataclass(frozen=True)
class Unknown:
    """Anything the analysis cannot pin down. Rules stay quiet on it."""


UNKNOWN = Unknown()


@dataclass(frozen=True)
class External:
    """A name from outside the project, by its dotted path: ``flyte.map``, ``asyncio.gather``."""

    path: str

    @property
    def is_flyte(self) -> bool:
        return self.path == "flyte" or self.path.startswith("flyte.")

    def attr(self, name: str) -> External:
        return External(f"{self.path}.{name}")


@dataclass(frozen=True)
class Instance:
    """An object returned by a known external callable, by its class path: ``flyte.Image``."""

    path: str


@dataclass(frozen=True, eq=False)
class ModuleRef:
    module: Module

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ModuleRef) and other.module is self.module

    def __hash__(self) -> int:
        return id(self.module)


@dataclass(frozen=True)
class NamespaceRef:
    """A package directory without ``__init__.py``."""

    name: str


@dataclass(frozen=True, eq=False)
class EnvRef:
    env: Env

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EnvRef) and other.env is self.env

    def __hash__(self) -> int:
        return id(self.env)


@dataclass(frozen=True, eq=False)
class TaskRef:
    task: Task
    overridden: bool = False
    # Called through the wrapper function of a project decorator stacked above ``@env.task`` that hands its
    # arguments on and returns what the task call returns (Resolver.function_value): a call through it is a
    # call of the task, but the wrapper has no ``.aio``, ``.override`` nor ``.forward``.
    wrapped: bool = False

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, TaskRef)
            and other.task is self.task
            and other.overridden == self.overridden
            and other.wrapped == self.wrapped
        )

    def __hash__(self) -> int:
        return hash((id(self.task), self.overridden, self.wrapped))


@dataclass(frozen=True, eq=False)
class TaskChoice:
    """One of several tasks, not known which: an element of a literal container of tasks (``TOOLS[k]``, a loop
    variable over one). Each option is a TaskRef; there are at least two different ones."""

    options: tuple[TaskRef, ...]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TaskChoice) and other.options == self.options

    def __hash__(self) -> int:
        return hash(self.options)


@dataclass(frozen=True, eq=False)
class TaskCollection:
    """A literal dict, list, tuple or set (or a comprehension) whose every element is a task, bound once and
    mutated at most by adding known tasks: ``options`` are the tasks it may hold."""

    node: nodes.NodeNG
    options: tuple[TaskRef, ...]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TaskCollection) and other.node is self.node

    def __hash__(self) -> int:
        return id(self.node)


@dataclass(frozen=True, eq=False)
class AgentToolRef:
    """A task under ``@flyte.ai.agents.tool`` (without a ``call_handler``): an AgentTool, whose call returns a
    coroutine that awaits the task's ``.aio`` (flyte 2.12.1), whatever the task's own async-ness. It is called
    through no ``.override`` (AttributeError) and is no plain ``t.aio`` to ``flyte.map``."""

    task: Task
    wrapped = True  # (not the task object itself: see TaskRef.wrapped)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AgentToolRef) and other.task is self.task

    def __hash__(self) -> int:
        return id(self.task)


@dataclass(frozen=True, eq=False)
class TaskDecorator:
    """The result of ``env.task(...)`` with options only: a decorator that makes a task of ``env``."""

    env: Env
    call: nodes.Call

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TaskDecorator) and other.call is self.call

    def __hash__(self) -> int:
        return id(self.call)


@dataclass(frozen=True, eq=False)
class PartialRef:
    """``functools.partial(target, *args, **kwargs)``."""

    target: Value
    call: nodes.Call

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PartialRef) and other.call is self.call

    def __hash__(self) -> int:
        return id(self.call)

    @property
    def static(self) -> bool:
        return not any(isinstance(a, nodes.Starred) for a in self.call.args[1:]) and not any(
            k.arg is None for k in self.call.keywords or []
        )

    @property
    def bound_positional(self) -> int:
        return len(self.call.args) - 1

    @property
    def bound_keywords(self) -> set[str]:
        return {k.arg for k in self.call.keywords or [] if k.arg}


@dataclass(frozen=True, eq=False)
class RemoteTaskRef:
    """A lazy reference from ``flyte.remote.Task.get(...)``: calling it returns a coroutine."""

    call: nodes.Call

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RemoteTaskRef) and other.call is self.call

    def __hash__(self) -> int:
        return id(self.call)

    @property
    def name(self) -> str | None:
        arg = self.call.args[0] if self.call.args else None
        if arg is None:
            for kw in self.call.keywords or []:
                if kw.arg == "name":
                    arg = kw.value
        if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
            return arg.value
        return None


@dataclass(frozen=True, eq=False)
class FunctionRef:
    """A plain function or method of the project (not a task)."""

    func: nodes.FunctionDef
    traced: bool = False

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FunctionRef) and other.func is self.func and other.traced == self.traced

    def __hash__(self) -> int:
        return hash((id(self.func), self.traced))


@dataclass(frozen=True, eq=False)
class ClassRef:
    cls: nodes.ClassDef

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ClassRef) and other.cls is self.cls

    def __hash__(self) -> int:
        return id(self.cls)


@dataclass(frozen=True)
class Method:
    """An attribute of a value that is a method we model: ``env.task``, ``t.aio``, ``t.override``."""

    owner: Value
    name: str


@dataclass(frozen=True)
class LambdaRef:
    node: nodes.Lambda


Value = (
    Unknown
    | External
    | Instance
    | ModuleRef
    | NamespaceRef
    | EnvRef
    | TaskRef
    | TaskChoice
    | TaskCollection
    | AgentToolRef
    | TaskDecorator
    | PartialRef
    | RemoteTaskRef
    | FunctionRef
    | ClassRef
    | Method
    | LambdaRef
)
