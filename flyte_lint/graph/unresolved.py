"""Unresolved reasons: why a call that may run a task becomes a node of kind ``unknown`` (the reason it shows,
and the FLY703 note reads), or None when the call surely runs no task."""

from __future__ import annotations

from astroid import nodes

from flyte_lint import sdk
from flyte_lint.graph.emission import shortened
from flyte_lint.graph.limits import MAX_INLINE_DEPTH
from flyte_lint.graph.values import Frame
from flyte_lint.model.analysis import walk
from flyte_lint.model.classes import project_method
from flyte_lint.model.entities import Task
from flyte_lint.model.names import lookup
from flyte_lint.model.scopes import FUNCTION_NODES, enclosing_function
from flyte_lint.model.values import (
    AgentToolRef,
    External,
    FunctionRef,
    Instance,
    LambdaRef,
    Method,
    ModuleRef,
    PartialRef,
    RemoteTaskRef,
    TaskChoice,
    TaskCollection,
    TaskRef,
    Unknown,
)

# Calls that take a function to wrap it, not to call it (what they give is followed where it is called).
WRAPPERS = frozenset(
    {
        "flyte.trace",
        "functools.partial",
        "functools.wraps",
        "functools.cache",
        "functools.lru_cache",
        "functools.update_wrapper",
        "builtins.staticmethod",
        "builtins.classmethod",
        "builtins.property",
        "builtins.callable",
        "builtins.id",
        "builtins.repr",
        "builtins.str",
        "builtins.print",
        "builtins.isinstance",
        "builtins.getattr",
        "builtins.hasattr",
        "builtins.setattr",
    }
)


def unresolved_call_note(reason: str | None) -> str:
    """The FLY703 note on a call the graph shows as an ``unknown`` node with ``reason`` (one wording for the rule
    and for `flyte-lint graph`'s notes)."""
    return f"call not resolvable statically: {reason}"


def recursive_call_note(task: str | None) -> str:
    """The FLY702 note on a call of ``task`` that the graph cuts as recursive (one wording for the rule and for
    `flyte-lint graph`'s notes)."""
    return f"task '{task}' is called recursively: the DAG cuts the recursion here"


class UnresolvedMixin:
    """The reason each unresolved call shows, memoised by call (see Compiler)."""

    def _unknown_reason(self, call: nodes.Call, frame: Frame | None) -> str | None:
        """Why a call that may invoke a task cannot be resolved, or None when it is surely not a task."""
        key = id(call)
        if key not in self._reasons:
            self._reasons[key] = None  # (while it is worked out: a call met again through a forward of a choice)
            self._reasons[key] = self._why_unresolved(call)
        return self._reasons[key]

    def _why_unresolved(self, call: nodes.Call) -> str | None:
        func = call.func
        callee = self.resolver.value_of(func)
        chosen = chosen_callee(callee, func)
        if (
            chosen is not None
        ):  # one of several tasks (called, by .aio, through a partial): why the graph cannot tell which
            choice, expression = chosen
            return (
                self._why_callee_unresolved(call, Unknown(), expression, awaited=True)
                or f"the callee `{shortened(expression.as_string())}` is one of {choice_names(choice)}, chosen at run time"
            )
        if isinstance(callee, Method) and callee.name == "forward" and isinstance(callee.owner, TaskChoice):
            if self._may_call_tasks(callee.owner):
                return (
                    f"`{shortened(func.as_string())}` runs in this task the function of one of "
                    f"{choice_names(callee.owner)}, chosen at run time, and the tasks that one calls"
                )
            return None
        reason = self._why_callee_unresolved(call, callee)
        if reason is None and runs_task(callee):
            # (a value the model calls a task that no node kind took: a node with a reason, never a silent drop)
            reason = f"`{shortened(func.as_string())}` runs a task the graph does not resolve"
        return reason

    def _may_call_tasks(self, choice: TaskChoice) -> bool:
        """Whether the function of one of the tasks ``choice`` holds calls a task, or a helper that may."""
        return any(self._may_run_tasks(option.task.func) for option in choice.options)

    def _may_run_tasks(self, func: nodes.FunctionDef) -> bool:
        """Whether running the body of ``func`` (not a task's node: its code, run in the caller) may call a task:
        a call of one, of a task object or a map, an unknown call with a reason, or a project function that may."""
        known = self._runs_tasks.get(id(func))
        if known is not None:
            return known
        self._runs_tasks[id(func)] = False  # (while it is worked out: recursion)
        found = False
        for node in walk(func):
            if not isinstance(node, nodes.Call) or node is func:
                continue
            callee = self.resolver.value_of(node.func)
            if (
                id(node) in self.sites
                or id(node) in self.objects
                or id(node) in self.choices
                or runs_task(callee)
                or (isinstance(callee, External) and callee.path in ("flyte.map", "flyte.map.aio"))
                or (isinstance(callee, FunctionRef) and (callee.traced or self._may_run_tasks(callee.func)))
                or self._unknown_reason(node, None) is not None
            ):
                found = True
                break
        self._runs_tasks[id(func)] = found
        return found

    def _why_handed(self, call: nodes.Call, func: nodes.NodeNG) -> str | None:
        """Why a call of code outside the project may run tasks: a function of the project (or a lambda, or a
        partial of one) whose body calls tasks is handed to it (``asyncio.to_thread(helper, x)``,
        ``map(helper, xs)``, ``loop.run_in_executor(None, helper)``), which may call it where the graph cannot
        follow."""
        for arg in [*call.args, *(k.value for k in call.keywords or [])]:
            arg = arg.value if isinstance(arg, nodes.Starred) else arg
            value = self.resolver.value_of(arg)
            while isinstance(value, PartialRef):
                value = value.target
            body = (
                value.func if isinstance(value, FunctionRef) else value.node if isinstance(value, LambdaRef) else None
            )
            if body is not None and self._may_run_tasks(body):
                self._handed.add(id(call))
                return (
                    f"`{shortened(arg.as_string())}` calls tasks and is handed to `{shortened(func.as_string())}`, "
                    "which may call it where the graph does not follow"
                )
        return None

    def _why_callee_unresolved(
        self, call: nodes.Call, callee, func: nodes.NodeNG | None = None, awaited: bool | None = None
    ) -> str | None:
        """Why the call of ``callee`` (Unknown: a callee the model does not resolve) cannot be resolved.
        ``func``: the expression called (by default the call's), ``awaited``: whether what it gives is awaited
        (by default: whether the call is)."""
        func = call.func if func is None else func
        if not isinstance(callee, Unknown):
            if isinstance(callee, External) and callee.path in ("flyte.map", "flyte.map.aio") and call.args:
                target = self.resolver.value_of(call.args[0])
                if isinstance(target, Unknown):
                    return f"the task mapped by `{func.as_string()}` is not statically known"
            task_class = task_class_called(callee)
            if task_class is not None:
                return f"`{shortened(func.as_string())}` runs a {task_class} task, which the graph does not model"
            if isinstance(callee, External) and callee.path not in WRAPPERS:
                return self._why_handed(call, func)
            return None
        if isinstance(func, nodes.Attribute) and func.attrname == "aio":
            return f"`{func.expr.as_string()}` is not a task that can be resolved statically"
        if isinstance(func, nodes.Attribute):
            method = project_method(self.resolver, func)
            if method is not None and self._may_run_tasks(method[1]):
                return (
                    f"`{shortened(func.as_string())}` is method {method[0].name}.{method[1].name} of the project, "
                    "which calls tasks: the graph does not follow methods"
                )
        if isinstance(func, nodes.Subscript) and isinstance(
            self.resolver.value_of(func.value), (Unknown, TaskCollection)
        ):
            # (a subscripted class, such as a generic ``Batcher[int, str](...)``, is not a task)
            return f"the callee `{func.as_string()}` is chosen at run time"
        if isinstance(func, nodes.Call):
            inner = self.resolver.value_of(func.func)
            if isinstance(inner, External) and inner.path == "builtins.getattr":
                return f"the callee `{func.as_string()}` is looked up at run time"
        awaited = isinstance(call.parent, nodes.Await) if awaited is None else awaited
        if isinstance(func, nodes.Name) and awaited:
            scope = enclosing_function(call)
            if isinstance(scope, FUNCTION_NODES) and func.name in {a.name for a in scope.args.arguments or []}:
                return f"`{func.name}` is a callable passed in as a parameter"
        if isinstance(func, nodes.Name):
            return self._why_name_unresolved(func, awaited)
        if isinstance(func, nodes.Attribute) and func is call.func:  # (a method of an object the model does not know)
            return self._why_handed(call, func)
        return None

    def _why_name_unresolved(self, func: nodes.Name, awaited: bool) -> str | None:
        """Why the name ``func`` calls may be a task the model cannot resolve, from how the name is bound: a
        task under a decorator the model cannot see through, an SDK or plugin task object (made where the name
        is bound, or by a function of the project that returns one), or (``awaited``: a coroutine) a callable
        chosen at run time, by a loop or a lookup."""
        binder, bindings = lookup(func)
        if binder is None:  # (astroid's lookup failed on an odd tree)
            return None
        return self._why_bound_unresolved(func.name, bindings, awaited)

    def _why_bound_unresolved(self, name: str, bindings, awaited: bool, depth: int = 0) -> str | None:
        for binding in bindings:
            if isinstance(binding, nodes.ImportFrom) and depth < MAX_INLINE_DEPTH:  # the binding in its module
                source = self.resolver.imported_module(binding)
                tree = source.module.tree if isinstance(source, ModuleRef) else None
                for original, alias in binding.names if tree is not None else ():
                    if (alias or original) == name and original in tree.locals:
                        reason = self._why_bound_unresolved(name, tree.locals[original], awaited, depth + 1)
                        if reason is not None:
                            return reason
                continue
            if isinstance(binding, FUNCTION_NODES):
                task = self._task_of_function(binding)
                if task is not None:
                    return f"`{name}` is task {task.name} under a decorator the graph cannot see through"
                continue
            if not isinstance(binding, nodes.AssignName):
                continue
            statement = binding.parent
            while isinstance(statement, (nodes.Tuple, nodes.List, nodes.Starred)):
                statement = statement.parent
            if isinstance(statement, (nodes.For, nodes.AsyncFor, nodes.Comprehension)):
                if awaited:
                    return f"the callee `{name}` is chosen by a loop at run time"
                continue
            value = statement.value if isinstance(statement, (nodes.Assign, nodes.AnnAssign)) else None
            if isinstance(value, nodes.Subscript) and awaited:
                return f"the callee `{name}` is chosen at run time (`{shortened(value.as_string())}`)"
            if isinstance(value, nodes.Call):
                maker = self.resolver.value_of(value.func)
                if awaited and isinstance(maker, External) and maker.path == "builtins.getattr":
                    return f"the callee `{name}` is looked up at run time (`{shortened(value.as_string())}`)"
                made = self._task_made_by(maker)
                if made is not None:
                    return f"`{name}` is made by `{shortened(value.func.as_string())}(...)`, {made}, which the graph does not model"
        return None

    def _task_of_function(self, func: nodes.FunctionDef) -> Task | None:
        return self.analysis.task_by_function.get(id(func))

    def _task_made_by(self, maker) -> str | None:
        """What kind of task calling ``maker`` makes, when it surely makes one the model does not resolve: an
        SDK task class, an SDK function that returns a task object, a plugin's class (``flyteplugins``: its
        connector tasks), or a function of the project that returns one of these."""
        if isinstance(maker, External):
            if maker.path.startswith("flyteplugins."):
                return f"a task of plugin `{maker.path.rpartition('.')[0]}`"
            returned = maker.path if _task_class(maker.path) else sdk.returns(maker.path)
            return f"a {class_name(returned)} task" if returned and _task_class(returned) else None
        if isinstance(maker, FunctionRef):
            for node in walk(maker.func):
                if (
                    isinstance(node, nodes.Return)
                    and isinstance(node.value, nodes.Call)
                    and enclosing_function(node) is maker.func
                ):
                    inner = self.resolver.value_of(node.value.func)
                    if not isinstance(inner, FunctionRef):  # (one level: no chains of factories)
                        made = self._task_made_by(inner)
                        if made is not None:
                            return made
        return None


def _task_class(path: str) -> bool:
    """An SDK class whose instances run as tasks when called: the table knows its ``.aio`` (TaskTemplate and
    its kind: ContainerTask, the shell's container task, sandboxed code) or its ``.as_task`` (the object
    ``flyte.extras.shell.create`` returns)."""
    info = sdk.callable_info(path) if path.startswith("flyte.") else None
    return (
        info is not None
        and info.get("kind") == "class"
        and (sdk.callable_info(f"{path}.aio") is not None or sdk.callable_info(f"{path}.as_task") is not None)
    )


def runs_task(callee) -> bool:
    """Whether calling ``callee`` runs a task the model knows of (or one of several, or a remote one): a task, a
    choice of tasks, an agent tool, a remote reference, the ``.aio`` of one of these, a partial of one. Every
    such call gets a node: a task, map or remote node, or an unknown node with its reason."""
    if isinstance(callee, (TaskRef, TaskChoice, AgentToolRef, RemoteTaskRef)):
        return True
    if isinstance(callee, Method):
        return callee.name == "aio" and runs_task(callee.owner)
    if isinstance(callee, PartialRef):
        return runs_task(callee.target)
    return False


def chosen_callee(callee, func: nodes.NodeNG) -> tuple[TaskChoice, nodes.NodeNG] | None:
    """When calling ``callee`` (the value of ``func``) runs one of several tasks: the choice and the expression
    that is it: ``TOOLS[k]`` of ``TOOLS[k].aio`` and of ``functools.partial(TOOLS[k].aio, ...)`` (wherever that
    partial is called), or ``func`` itself (``TOOLS[k]``, ``t`` of a loop, a name bound to ``TOOLS[k].aio``)."""
    while True:
        if isinstance(callee, TaskChoice):
            return callee, func
        if isinstance(callee, Method) and callee.name == "aio" and isinstance(callee.owner, TaskChoice):
            expression = func.expr if isinstance(func, nodes.Attribute) and func.attrname == "aio" else func
            return callee.owner, expression
        if isinstance(callee, PartialRef) and callee.call.args:  # (the choice is made where the partial is)
            callee, func = callee.target, callee.call.args[0]
            continue
        return None


def choice_names(choice: TaskChoice) -> str:
    return ", ".join(sorted({option.task.name for option in choice.options}))


def task_class_called(callee) -> str | None:
    """The class name when ``callee`` is an instance of an SDK task class, or its ``.aio`` (not ``.forward``,
    which runs the task's code in the caller: no task of its own)."""
    if isinstance(callee, Instance) and _task_class(callee.path):
        return class_name(callee.path)
    if isinstance(callee, External):  # (what an instance's attribute resolves to: the class's path)
        owner, _, attr = callee.path.rpartition(".")
        if attr == "aio" and _task_class(owner):
            return class_name(owner)
    return None


def class_name(path: str) -> str:
    return path.rpartition(".")[2].lstrip("_")
