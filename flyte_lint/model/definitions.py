"""What attributes, calls and decorated definitions make: environments, tasks, their methods, SDK values (a part
of Resolver). Environments and tasks are registered here (env_for, task_for)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from astroid import nodes

from flyte_lint import sdk
from flyte_lint.model.arguments import argument
from flyte_lint.model.constants import string_literal
from flyte_lint.model.entities import Env, Task
from flyte_lint.model.kinds import EnvOrigin
from flyte_lint.model.rebinding import is_rebound, rebound_by_module
from flyte_lint.model.scopes import FUNCTION_NODES, own_returns
from flyte_lint.model.task_containers import COLLECTION_VIEWS
from flyte_lint.model.values import (
    UNKNOWN,
    AgentToolRef,
    EnvRef,
    External,
    FunctionRef,
    Instance,
    LambdaRef,
    Method,
    ModuleRef,
    NamespaceRef,
    PartialRef,
    RemoteTaskRef,
    TaskChoice,
    TaskCollection,
    TaskDecorator,
    TaskRef,
    Value,
)

if TYPE_CHECKING:
    from flyte_lint.model.resolver import Resolver

    _Base = Resolver
else:
    _Base = object

ENV_METHODS = {"task", "clone_with", "add_dependency"}
TASK_METHODS = {"aio", "override", "forward"}
REMOTE_METHODS = {"aio", "override"}
# Library decorators whose wrapper calls the task with the same arguments and returns what it returns, measured on
# flyte 2.12.1 (tests/test_async_rules.py): tenacity 9's ``retry`` picks its sync ``Retrying`` for a task object
# (its ``__call__`` is a plain def), so an async task's coroutine comes back untouched (it runs once awaited; lost
# if dropped) and a sync task's call runs it (a sync task called from async code fails on every attempt: bare
# ``@retry`` then retries forever, which no rule claims).
PASS_THROUGH_DECORATORS = frozenset({"tenacity.retry"})
AGENT_TOOL_DECORATORS = frozenset({"flyte.ai.agents.tool", "flyte.ai.agents._tools.tool"})


class Definitions(_Base):
    """Attributes, calls and definitions (a part of Resolver)."""

    def attribute(self, base: Value, attr: str) -> Value:
        if isinstance(base, ModuleRef):
            return self.module_attr(base.module, attr)
        if isinstance(base, NamespaceRef):
            return self._submodule(base, attr, None)  # type: ignore[arg-type]
        if isinstance(base, External):
            return base.attr(attr)
        if isinstance(base, Instance):
            return External(f"{base.path}.{attr}")
        if isinstance(base, EnvRef) and attr in ENV_METHODS:
            return Method(base, attr)
        if isinstance(base, EnvRef):
            return External(f"flyte.TaskEnvironment.{attr}")
        if isinstance(base, TaskRef) and attr in TASK_METHODS and not base.wrapped:
            return Method(base, attr)
        if isinstance(base, TaskChoice) and attr in TASK_METHODS:
            return Method(base, attr)
        if isinstance(base, TaskCollection) and attr in COLLECTION_VIEWS:
            return Method(base, attr)
        if isinstance(base, RemoteTaskRef) and attr in REMOTE_METHODS:
            return Method(base, attr)
        if isinstance(base, RemoteTaskRef):
            returned = sdk.returns("flyte.remote.Task.get")
            return External(f"{returned}.{attr}") if returned else UNKNOWN
        return UNKNOWN

    def _sdk_value(self, value: Value, node: nodes.NodeNG) -> Value:
        """``value``, what the name or attribute ``node`` refers to; UNKNOWN when it is a flyte attribute that a
        module of ``node``'s import component reassigns (``flyte.Cache = MyCache``, model/rebinding.py): a call
        of it may run the project's class, not the SDK's."""
        if type(value) is not External or not value.is_flyte:
            return value
        rebound = self._rebound
        if rebound is None:
            self._rebound = {}  # (while it is worked out, the attributes its lookups meet are the SDK's)
            rebound = self._rebound = rebound_by_module(self, list(self._modules.values()))
        if not rebound:
            return value
        paths = rebound.get(id(node.root()))
        return UNKNOWN if paths and is_rebound(value.path, paths) else value

    def call_result(self, call: nodes.Call) -> Value:
        callee = self.value_of(call.func)
        if isinstance(callee, External):
            path = callee.path
            if path in sdk.environment_classes():
                return EnvRef(self.env_for(call, EnvOrigin.CONSTRUCTOR))
            if path.endswith(".from_task") and path[: -len(".from_task")] in sdk.environment_classes():
                return EnvRef(self.env_for(call, EnvOrigin.FROM_TASK))
            if path == "functools.partial" and call.args and not isinstance(call.args[0], nodes.Starred):
                return PartialRef(self.value_of(call.args[0]), call)
            if path == "flyte.remote.Task.get":
                return RemoteTaskRef(call)
            if path == "flyte.trace" and len(call.args) == 1:
                target = self.value_of(call.args[0])
                if isinstance(target, FunctionRef):
                    return FunctionRef(target.func, traced=True)
                return target if isinstance(target, TaskRef) else UNKNOWN
            info = sdk.callable_info(path)
            if info is not None and info.get("kind") == "class":
                return Instance(path)
            returned = sdk.returns(path)
            return Instance(returned) if returned else UNKNOWN
        if isinstance(callee, Method):
            owner = callee.owner
            if isinstance(owner, EnvRef):
                if callee.name == "clone_with":
                    return EnvRef(self.env_for(call, EnvOrigin.CLONE_WITH, parent=owner.env))
                if callee.name == "task":
                    if call.args:
                        target = self.value_of(call.args[0])
                        if isinstance(target, FunctionRef):
                            return TaskRef(self.task_for(target.func, owner.env, call, call))
                        return UNKNOWN
                    return TaskDecorator(owner.env, call)
            if isinstance(owner, TaskRef) and callee.name == "override":
                return TaskRef(owner.task, overridden=True)
            if isinstance(owner, TaskChoice) and callee.name == "override":
                return TaskChoice(tuple(TaskRef(o.task, overridden=True) for o in owner.options))
            if (
                isinstance(owner, TaskCollection)
                and callee.name in ("values", "copy")
                and not call.args
                and (callee.name == "copy" or isinstance(owner.node, (nodes.Dict, nodes.DictComp)))
            ):
                return owner
            if isinstance(owner, RemoteTaskRef) and callee.name == "override":
                return owner
            return UNKNOWN
        if isinstance(callee, TaskDecorator) and call.args:
            target = self.value_of(call.args[0])
            if isinstance(target, FunctionRef):
                return TaskRef(self.task_for(target.func, callee.env, call, callee.call))
        if isinstance(callee, FunctionRef) and not callee.traced:
            return self.returned_reference(callee.func)
        if isinstance(callee, LambdaRef):  # ``make_ref = lambda: flyte.remote.Task.get(...)``
            made = self.value_of(callee.node.body)
            return made if isinstance(made, RemoteTaskRef) else UNKNOWN
        return UNKNOWN

    def function_value(self, func: nodes.FunctionDef) -> Value:
        key = id(func)
        found = self._functions.get(key)
        if found is not None:
            return found
        self._functions[key] = FunctionRef(func)  # provisional, for recursion through decorators
        task: Task | None = None
        traced_below_task = traced_above_task = False
        wrapped_above_task = False
        wrappers: list[FunctionRef] = []  # project decorators above the task that hand calls on to it
        agent_tool = False  # ``@flyte.ai.agents.tool`` is the outermost decorator (see _agent_tool)
        for decorator in reversed(func.decorators.nodes if func.decorators else []):
            if agent_tool:
                wrapped_above_task = True  # (something above the agent tool: not followed)
                continue
            value = self.value_of(decorator)
            if task is not None and self._agent_tool(decorator):
                agent_tool = True
            elif isinstance(value, Method) and isinstance(value.owner, EnvRef) and value.name == "task":
                task = task or self.task_for(func, value.owner.env, decorator, None)
            elif isinstance(value, TaskDecorator):
                task = task or self.task_for(func, value.env, decorator, value.call)
            elif isinstance(value, External) and value.path == "flyte.trace":
                if task is None:
                    traced_below_task = True
                else:
                    traced_above_task = True
            elif task is not None and (_passes_calls_through(value, task.is_async) or self._hands_calls_on(decorator)):
                wrappers.append(value)
            elif task is not None:
                wrapped_above_task = True
        if task is not None and wrapped_above_task:
            # The name is bound to what a decorator above the task returns: calls through it are not task
            # calls we can check (the task itself still exists and is deployed).
            task.traced = traced_above_task
            result: Value = UNKNOWN
        elif task is not None and agent_tool:
            # Calling the AgentTool runs ``AgentTool.aio``, which awaits the task's ``.aio``: a call through the
            # name is the task's ``.aio`` call, whatever the task's own async-ness (flyte 2.12.1, measured in
            # tests/test_async_rules.py). (It has ``.aio`` too, but no ``.override``; neither is followed.)
            task.traced = traced_above_task
            result = UNKNOWN if wrappers else AgentToolRef(task)
        elif task is not None:
            task.traced = traced_above_task
            result = TaskRef(task, wrapped=bool(wrappers))
        else:
            result = FunctionRef(func, traced=traced_below_task)
        self._functions[key] = result
        return result

    def _agent_tool(self, decorator: nodes.NodeNG) -> bool:
        """``@flyte.ai.agents.tool`` or ``@tool(...)`` without a ``call_handler`` (which would run in place of
        the task): the name becomes an AgentTool whose call awaits the task's ``.aio`` (flyte 2.12.1)."""
        if isinstance(decorator, nodes.Call):
            if decorator.args or any(k.arg in (None, "call_handler") for k in decorator.keywords or []):
                return False
            decorator = decorator.func
        value = self.value_of(decorator)
        return isinstance(value, External) and value.path in AGENT_TOOL_DECORATORS

    def _hands_calls_on(self, decorator: nodes.NodeNG) -> bool:
        """A library decorator (bare or called with options) whose wrapper calls the task with the same arguments
        and returns what it returns (PASS_THROUGH_DECORATORS)."""
        target = decorator.func if isinstance(decorator, nodes.Call) else decorator
        value = self.value_of(target)
        return isinstance(value, External) and value.path in PASS_THROUGH_DECORATORS

    def task_for(self, func: nodes.FunctionDef, env: Env, decorator: nodes.NodeNG, options: nodes.Call | None) -> Task:
        key = (id(func), id(decorator))
        task = self.tasks.get(key) or self._unlisted_tasks.get(key)
        if task is None:
            task = Task(func=func, env=env, module=self.module_of(func), decorator=decorator, options=options)
            (self._unlisted_tasks if self.sealed else self.tasks)[key] = task
        return task

    def env_for(self, call: nodes.Call, origin: EnvOrigin, parent: Env | None = None) -> Env:
        env = self.envs.get(id(call)) or self._unlisted_envs.get(id(call))
        if env is not None:
            return env
        name_node = argument(call, 0, "name")
        name = string_literal(name_node)
        env = Env(node=call, module=self.module_of(call), name=name, name_node=name_node, origin=origin, parent=parent)
        (self._unlisted_envs if self.sealed else self.envs)[id(call)] = env
        return env


def _passes_calls_through(decorator: Value, task_is_async: bool) -> bool:
    """A project decorator ``def deco(fn)`` that returns its one wrapper, which takes exactly ``*args, **kwargs``
    and whose every ``return`` gives what ``fn(*args, **kwargs)`` gives: calling the result calls the task with
    the same arguments and returns the same value, or the same coroutine (measured on flyte 2.12.1:
    tests/test_model.py), so the task's signature and async-ness still apply. An ``async def`` wrapper that
    returns ``await fn(*args, **kwargs)`` passes on an async task's coroutine alike; around a sync task it makes
    a coroutine the task never made: not passed through."""
    if not isinstance(decorator, FunctionRef):
        return False
    func = decorator.func
    params = func.args
    if params.vararg or params.kwarg or params.kwonlyargs or len((params.posonlyargs or []) + (params.args or [])) != 1:
        return False
    fn = ((params.posonlyargs or []) + params.args)[0].name
    inner = [n for n in func.body if isinstance(n, FUNCTION_NODES)]
    if len(inner) != 1:
        return False
    wrapper = inner[0]
    args = wrapper.args
    if not (args.vararg and args.kwarg) or args.posonlyargs or args.args or args.kwonlyargs:
        return False
    if not all(isinstance(r.value, nodes.Name) and r.value.name == wrapper.name for r in own_returns(func)):
        return False
    is_async = isinstance(wrapper, nodes.AsyncFunctionDef)
    if is_async and not task_is_async:
        return False
    returns = own_returns(wrapper)
    return bool(returns) and all(_hands_on(r.value, fn, args.vararg, args.kwarg, is_async) for r in returns)


def _hands_on(value: nodes.NodeNG | None, fn: str, vararg: str, kwarg: str, awaited: bool) -> bool:
    """``value`` is ``fn(*vararg, **kwarg)`` (``await`` of it when ``awaited``)."""
    if awaited:
        if not isinstance(value, nodes.Await):
            return False
        value = value.value
    return (
        isinstance(value, nodes.Call)
        and isinstance(value.func, nodes.Name)
        and value.func.name == fn
        and len(value.args) == 1
        and isinstance(value.args[0], nodes.Starred)
        and isinstance(value.args[0].value, nodes.Name)
        and value.args[0].value.name == vararg
        and len(value.keywords or []) == 1
        and value.keywords[0].arg is None
        and isinstance(value.keywords[0].value, nodes.Name)
        and value.keywords[0].value.name == kwarg
    )
