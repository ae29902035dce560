"""What the analysis finds: environments, tasks and the call sites that invoke tasks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from astroid import nodes

from flyte_lint.model.kinds import CallForm, EnvOrigin, ParamKind

if TYPE_CHECKING:
    from flyte_lint.model.project import Module
    from flyte_lint.model.values import Value


@dataclass(eq=False)
class Env:
    """A ``flyte.TaskEnvironment``: constructed, cloned with ``clone_with`` or made by ``from_task``."""

    node: nodes.Call
    module: Module
    name: str | None  # None when the name is not a literal
    name_node: nodes.NodeNG | None
    origin: EnvOrigin  # (SHELL: a shell task's own, in Analysis.task_object_envs only)
    parent: Env | None = None  # the env a clone was made from
    # (declaring node, resolved dependency or None if unresolvable)
    dependencies: list[tuple[nodes.NodeNG, Env | None]] = field(default_factory=list)
    dependencies_unknown: bool = False  # depends_on is not a literal list we can follow

    @property
    def label(self) -> str:
        return self.name if self.name is not None else "<dynamic name>"

    def __repr__(self) -> str:
        return f"Env({self.label!r} at {self.module.display_path}:{self.node.lineno})"


@dataclass
class Param:
    name: str
    kind: ParamKind
    required: bool


@dataclass(eq=False)
class Signature:
    params: list[Param]
    var_positional: bool = False
    var_keyword: bool = False

    @classmethod
    def of_function(cls, func: nodes.FunctionDef) -> Signature:
        args = func.args
        params: list[Param] = []
        positional = list(args.posonlyargs or []) + list(args.args or [])
        defaults_start = len(positional) - len(args.defaults or [])
        for index, arg in enumerate(positional):
            kind = ParamKind.POSITIONAL_ONLY if index < len(args.posonlyargs or []) else ParamKind.POSITIONAL_OR_KEYWORD
            params.append(Param(arg.name, kind, required=index < defaults_start))
        for arg, default in zip(args.kwonlyargs or [], args.kw_defaults or [], strict=True):
            params.append(Param(arg.name, ParamKind.KEYWORD_ONLY, required=default is None))
        return cls(params, var_positional=bool(args.vararg), var_keyword=bool(args.kwarg))

    @property
    def positional(self) -> list[Param]:
        return [p for p in self.params if p.kind != ParamKind.KEYWORD_ONLY]

    def get(self, name: str) -> Param | None:
        for p in self.params:
            if p.name == name and p.kind != ParamKind.POSITIONAL_ONLY:
                return p
        return None


@dataclass(eq=False)
class Task:
    """A function decorated with ``@env.task`` (or wrapped as ``t = env.task(fn)``)."""

    func: nodes.FunctionDef
    env: Env
    module: Module
    decorator: nodes.NodeNG  # the decorator expression or the ``env.task(fn)`` call
    options: nodes.Call | None  # the ``env.task(...)`` call carrying task options, if any
    traced: bool = False  # ``@flyte.trace`` is stacked on it

    @property
    def is_async(self) -> bool:
        return isinstance(self.func, nodes.AsyncFunctionDef)

    @property
    def name(self) -> str:
        return f"{self.env.label}.{self.func.name}"

    @property
    def signature(self) -> Signature:
        return Signature.of_function(self.func)

    def __repr__(self) -> str:
        return f"Task({self.name})"


@dataclass(eq=False)
class CallSite:
    """One place where a task (or a remote task reference) is invoked.

    ``form`` is how (a CallForm; its values are the words here): call (``t(...)``), aio (``t.aio(...)``),
    override (``t.override(...)(...)``), partial (a ``functools.partial`` of a task, called), map (``flyte.map(t, ...)``),
    map_aio (``flyte.map.aio(t, ...)``), forward (``t.forward(...)``, the raw function), remote
    (a ``remote.Task.get(...)`` reference called).
    """

    node: nodes.Call
    module: Module
    form: CallForm
    task: Task | None  # None for remote references
    callee: Value
    function: nodes.FunctionDef | None  # innermost enclosing def (comprehensions are transparent)
    via_aio: bool = False
    overridden: bool = False
    # A call of one of several tasks, not known which (Analysis.choice_sites: ``TOOLS[k](...)``, a loop variable
    # over a container of tasks); ``task`` is then None.
    candidates: tuple[Task, ...] = ()

    @property
    def tasks(self) -> tuple[Task, ...]:
        """The task the call runs, or each task it may run."""
        return self.candidates or ((self.task,) if self.task is not None else ())

    @property
    def through_wrapper(self) -> bool:
        """The call goes through a project decorator's wrapper function (see TaskRef.wrapped)."""
        return bool(getattr(self.callee, "wrapped", False))

    @property
    def awaited(self) -> bool:
        return isinstance(self.node.parent, nodes.Await)

    @property
    def in_async_function(self) -> bool:
        return isinstance(self.function, nodes.AsyncFunctionDef)

    @property
    def makes_coroutine(self) -> bool:
        """The call expression evaluates to a coroutine that must be awaited to run the child."""
        if self.form in (CallForm.MAP, CallForm.MAP_AIO, CallForm.FORWARD):
            return self.form == CallForm.FORWARD and self.task is not None and self.task.is_async
        if self.form == CallForm.REMOTE or self.via_aio:
            return True
        tasks = self.tasks
        return bool(tasks) and all(task.is_async for task in tasks)
