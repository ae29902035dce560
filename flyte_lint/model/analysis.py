"""The analysis model, built once per run: modules → environments → tasks → call sites.

Rules read this model. They do not resolve names themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import cached_property
from typing import Any, TypeVar

from astroid import nodes

from flyte_lint.model.arguments import argument
from flyte_lint.model.calls import (
    CONTAINER_TASK,
    MAPS,
    SHELL_CREATE,
    ResolvedCall,
    TaskObjectCall,
    called_object,
)
from flyte_lint.model.constants import definition, literal, string_literal
from flyte_lint.model.dependencies import Dependencies
from flyte_lint.model.entities import CallSite, Env, Task
from flyte_lint.model.guards import guarded_against
from flyte_lint.model.kinds import CallForm, EnvOrigin
from flyte_lint.model.names import bindings_of, is_builtin, rebinds_same_variable
from flyte_lint.model.project import Module, Project
from flyte_lint.model.resolver import Resolver
from flyte_lint.model.scopes import (
    FUNCTION_NODES,
    enclosing_function,
    walk,  # noqa: F401  (read from here too)
)
from flyte_lint.model.task_context import INLINE_DECORATORS, TaskContext  # noqa: F401  (read from here too)
from flyte_lint.model.values import (
    AgentToolRef,
    External,
    FunctionRef,
    Instance,
    Method,
    PartialRef,
    RemoteTaskRef,
    TaskChoice,
    TaskDecorator,
    TaskRef,
    Unknown,
)

T = TypeVar("T")

# The callees whose calls may make an environment or a task (see Resolver.call_result).
_MAKERS = (External, Method, TaskDecorator)


class Analysis(Dependencies, TaskContext):
    """The analysis model of a set of modules, built completely when it is made: what rules (and the graph)
    read, never what they compute on first access.

    Building scans every analysed module once (model/builder.py noted its functions, calls and imports while
    parsing): each call is resolved (Resolver.value_of), which registers the environments and tasks that calls
    and decorators make, also in modules loaded only to resolve an import. Then it derives the call sites
    (``call_sites``, ``choice_sites``, ``task_object_calls``, ``map_helper_calls``), the envs' declared
    dependencies, the task objects' envs and the images, and seals the resolver: from then on
    ``envs`` and ``tasks`` are fixed, whatever a rule asks in whatever order (a value a rule resolves later that
    would make an env or a task the build never met is still answered, but not listed: Resolver.seal).

    Rules read the model through its collections and queries (``calls_to``, ``context_tasks``,
    ``runs_on_event_loop``, ``literal``, ``bindings_of``...); ``memo`` shares what several rules derive from
    it. ``target_flyte_version`` is the settings' Flyte version the messages may speak of (None: the one the
    rules were measured on)."""

    def __init__(self, project: Project, modules: list[Module], target_flyte_version: str | None = None) -> None:
        self.project = project
        self.target_flyte_version = target_flyte_version
        self.resolver = Resolver(project)
        self._memos: dict[Hashable, Any] = {}
        self.modules = [m for m in modules if m.tree is not None]
        self.calls: list[ResolvedCall] = []
        self.functions: list[nodes.FunctionDef] = []
        self._by_type: dict[type, list[tuple[Module, nodes.NodeNG]]] = {}
        for module in self.modules:
            self.resolver.register(module)
        for module in self.modules:
            self._scan(module)
        self.call_sites: list[CallSite] = [site for call in self.calls if (site := self._call_site(call))]
        self._resolve_dependencies()
        self._derive()
        self.resolver.seal()

    # -- building --------------------------------------------------------------------------------------
    def _scan(self, module: Module) -> None:
        resolver = self.resolver
        by_type = self._by_type
        calls = self.calls
        call_type, import_types = nodes.Call, (nodes.Import, nodes.ImportFrom)
        function_types = (nodes.FunctionDef, nodes.AsyncFunctionDef)
        for node in module.indexed:  # functions, calls, imports, returns, yields in source order, noted while parsing
            if type(node) is call_type:
                callee = resolver.value_of(node.func)
                if isinstance(callee, _MAKERS):  # (a call of anything else is UNKNOWN: Resolver.call_result)
                    resolver.value_of(node)  # registers environments and tasks made by this call
                calls.append(ResolvedCall(node, module, callee, enclosing_function(node)))
            elif isinstance(node, import_types):
                by_type.setdefault(type(node), []).append((module, node))
            elif isinstance(node, function_types):
                self.functions.append(node)
                resolver.function_value(node)

    def _derive(self) -> None:
        """Compute every collection the rules read now, while the resolver may still register what it meets
        (cached_property keeps each: rules only read them)."""
        for name in (
            "tasks",
            "task_by_function",
            "site_of_call",
            "_calls_by_path",
            "_call_order",
            "_function_callers",
            "task_object_envs",
            "task_object_calls",
            "choice_sites",
            "map_helper_calls",
            "has_dependencies",
        ):
            getattr(self, name)
        if self.has_dependencies:
            self.dependency_graph  # noqa: B018  (computed now; networkx only where envs declare dependencies)
        for env in self.envs:
            self.image_need(env)
        for made in {id(c.made): c.made for c in self.task_object_calls}.values():
            self.object_image_need(made)
        # (run_roots is left to its first use: finding who calls a task by name resolves every load of a name in
        # the component, which graph never needs and which can spend a module's lookup budget; it reads the
        # sealed model, so it can register nothing)
        if len(self.resolver.tasks) != len(self.tasks):  # (a task the derivations above met: listed too)
            self.__dict__.pop("tasks", None)
            self.__dict__.pop("task_by_function", None)

    def _call_site(self, call: ResolvedCall) -> CallSite | None:
        callee = call.callee
        func = call.function if isinstance(call.function, FUNCTION_NODES) else None
        site = None
        if isinstance(callee, TaskRef):
            form = CallForm.OVERRIDE if callee.overridden else CallForm.CALL
            site = CallSite(call.node, call.module, form, callee.task, callee, func, overridden=callee.overridden)
        elif isinstance(callee, Method) and isinstance(callee.owner, TaskRef) and callee.name in ("aio", "forward"):
            owner = callee.owner
            site = CallSite(
                call.node,
                call.module,
                CallForm(callee.name),
                owner.task,
                callee,
                func,
                via_aio=callee.name == "aio",
                overridden=owner.overridden,
            )
        elif isinstance(callee, AgentToolRef):  # (its call awaits the task's .aio)
            site = CallSite(call.node, call.module, CallForm.AIO, callee.task, callee, func, via_aio=True)
        elif isinstance(callee, PartialRef) and isinstance(callee.target, TaskRef):
            site = CallSite(call.node, call.module, CallForm.PARTIAL, callee.target.task, callee, func)
        elif isinstance(callee, RemoteTaskRef):
            site = CallSite(call.node, call.module, CallForm.REMOTE, None, callee, func)
        elif isinstance(callee, Method) and isinstance(callee.owner, RemoteTaskRef) and callee.name == "aio":
            site = CallSite(call.node, call.module, CallForm.REMOTE, None, callee, func, via_aio=True)
        elif isinstance(callee, External) and callee.path in ("flyte.map", "flyte.map.aio") and call.node.args:
            target = self.resolver.value_of(call.node.args[0])
            if isinstance(target, PartialRef):
                target = target.target
            task = target.task if isinstance(target, TaskRef) else None
            form = CallForm.MAP_AIO if callee.path.endswith(".aio") else CallForm.MAP
            if task is not None:
                site = CallSite(call.node, call.module, form, task, callee, func)
        return site

    @cached_property
    def task_object_envs(self) -> dict[int, Env]:
        """The env of each task object not made by ``@env.task``, by ``id`` of the call that made it (see
        Resolver.construction_of): an object passed to ``TaskEnvironment.from_task(name, obj, ...)`` runs in that
        env (a ContainerTask, a plugin's task, a shell task's ``.as_task()``); any other shell task
        (``flyte.extras.shell.create``) gets an env of its own, named like it, when its ``.env`` is first read,
        which only the model knows (it is no env of ``envs``: the env rules do not see it)."""
        found: dict[int, Env] = {}
        for env in self.envs:
            # (an env made as a task runs is no deploy's: only top-level ones give their objects an env)
            if env.origin == EnvOrigin.FROM_TASK and enclosing_function(env.node) is None:
                for arg in env.node.args[1:]:
                    if (
                        isinstance(arg, nodes.Call)
                        and isinstance(arg.func, nodes.Attribute)
                        and arg.func.attrname == "as_task"
                    ):
                        arg = arg.func.expr  # a shell task's container task: the shell task runs in this env
                    made = self.resolver.construction_of(arg)
                    if made is not None:
                        found.setdefault(id(made), env)
        for call in self.calls_to(SHELL_CREATE):
            name_node = argument(call.node, 0, "name")
            name = string_literal(name_node)
            found.setdefault(
                id(call.node),
                Env(node=call.node, module=call.module, name=name, name_node=name_node, origin=EnvOrigin.SHELL),
            )
        return found

    @cached_property
    def task_object_calls(self) -> list[TaskObjectCall]:
        """The calls of task objects (``greet(...)``, ``greet.aio(...)``, ``greet.override(...)(...)``, and
        ``flyte.map(greet, ...)`` or its ``.aio``; not ``.forward``, which runs the task in the caller) whose
        env the model knows (task_object_envs), or that a ``ContainerTask(...)`` made (its env may be unknown)."""
        envs = self.task_object_envs
        containers = {id(c.node) for c in self.calls_to(CONTAINER_TASK)}
        found: list[TaskObjectCall] = []
        if not envs and not containers:
            return found
        for call in self.calls:
            callee = call.callee  # (what an object made by a call resolves to, and its .aio: most calls are neither)
            if type(callee) is External and callee.path in MAPS:
                if not call.node.args:
                    continue
                target, _ = called_object(call.node.args[0])  # (an object mapped, or its override)
                form = MAPS[callee.path]
            elif (
                type(callee) is Instance
                or type(callee) is Unknown
                or (type(callee) is External and callee.path.endswith(".aio"))
            ):
                target, form = called_object(call.node.func)
            else:
                continue
            made = self.resolver.construction_of(target) if target is not None else None
            if made is None:
                continue
            maker = self.resolver.value_of(made.func)
            maker_path = maker.path if isinstance(maker, External) else None
            # (a ContainerTask made in a module this analysis only resolves names in: known by its maker)
            if id(made) in envs or id(made) in containers or maker_path == CONTAINER_TASK:
                found.append(TaskObjectCall(call, made, envs.get(id(made)), target.as_string(), form, maker_path))
        return found

    # -- queries ---------------------------------------------------------------------------------------
    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """What ``compute()`` gives, computed once per analysis for ``key`` (a name the caller owns, such as
        ``"flyte1.index"``): what several rules (or the graph and a rule) derive from the model, shared. It
        raises what ``compute`` raises, and computes again when asked again after that."""
        memos = self._memos
        if key in memos:
            return memos[key]
        found = memos[key] = compute()
        return found

    def literal(self, node: nodes.NodeNG | None) -> Any:
        """The value of a literal (str, number, bool, None, a tuple or list of those), following names bound once
        to one, across project modules; model.constants.MISSING when it is no such literal."""
        return literal(self.resolver, node)

    def definition(self, node: nodes.NodeNG | None) -> nodes.NodeNG | None:
        """The expression the name (or ``module.NAME``) ``node`` stands for when it is bound exactly once; the
        node itself when it is no name; None when that cannot be pinned down."""
        return definition(self.resolver, node)

    @staticmethod
    def bindings_of(name: nodes.Name) -> list[nodes.NodeNG]:
        """The statements that may have bound ``name`` where it is used (model/names.py)."""
        return bindings_of(name)

    @staticmethod
    def is_builtin(name: nodes.Name) -> bool:
        """``name`` reads a builtin where it is used: nothing around it binds the name (model/names.py)."""
        return is_builtin(name)

    @staticmethod
    def rebinds_same_variable(name: nodes.Name, stmt: nodes.NodeNG) -> bool:
        """Assigning ``name`` in a statement at ``stmt`` rebinds the variable this use of it reads, not a new
        local shadowing it (model/names.py)."""
        return rebinds_same_variable(name, stmt)

    def calls_to(self, *paths: str) -> list[ResolvedCall]:
        """The calls whose callee is one of these dotted paths outside the project, in source order."""
        index = self._calls_by_path
        if len(paths) == 1:
            return list(index.get(paths[0], ()))
        return [call for _, call in sorted((self._call_order[id(c)], c) for p in paths for c in index.get(p, ()))]

    @cached_property
    def choice_sites(self) -> list[CallSite]:
        """The calls of one of several tasks, not known which (``candidates``; ``task`` is None): an element of
        a literal container of tasks called by subscript or through a loop variable (``TOOLS[k](x)``,
        ``for t in [a, b]: await t.aio(x)``), also ``.aio``, ``.override(...)`` and a ``functools.partial`` of one.
        Not in ``call_sites``: a rule reports on one only when its finding holds for every candidate."""
        found: list[CallSite] = []
        for call in self.calls:
            callee = call.callee
            func = call.function if isinstance(call.function, FUNCTION_NODES) else None
            if isinstance(callee, TaskChoice):
                overridden = all(o.overridden for o in callee.options)
                form = CallForm.OVERRIDE if overridden else CallForm.CALL
                choice = callee
            elif isinstance(callee, Method) and isinstance(callee.owner, TaskChoice) and callee.name == "aio":
                choice, form, overridden = callee.owner, CallForm.AIO, all(o.overridden for o in callee.owner.options)
            elif isinstance(callee, PartialRef) and isinstance(callee.target, TaskChoice):
                choice, form, overridden = callee.target, CallForm.PARTIAL, False
            else:
                continue
            found.append(
                CallSite(
                    call.node,
                    call.module,
                    form,
                    None,
                    callee,
                    func,
                    via_aio=form == CallForm.AIO,
                    overridden=overridden,
                    candidates=tuple(dict.fromkeys(o.task for o in choice.options)),
                )
            )
        return found

    @cached_property
    def map_helper_calls(self) -> list[tuple[ResolvedCall, frozenset[str]]]:
        """The calls of project functions that return a ``flyte.map`` they make (``def fan(xs): return
        flyte.map(t, xs)``; Resolver.returned_map), with the map paths returned: such a call gives a generator
        that runs no item until it is iterated."""
        found = []
        for call in self.calls:
            if type(call.callee) is FunctionRef and not call.callee.traced:
                paths = self.resolver.returned_map(call.callee.func)
                if paths:
                    found.append((call, paths))
        return found

    @cached_property
    def site_of_call(self) -> dict[int, CallSite]:
        """The call site made by each call expression, by ``id`` of the call node."""
        return {id(site.node): site for site in self.call_sites}

    @cached_property
    def _calls_by_path(self) -> dict[str, list[ResolvedCall]]:
        index: dict[str, list[ResolvedCall]] = {}
        for call in self.calls:
            if call.external_path is not None:
                index.setdefault(call.external_path, []).append(call)
        return index

    @cached_property
    def _call_order(self) -> dict[int, int]:
        return {id(call): i for i, call in enumerate(self.calls)}

    def nodes_of(self, *types: type) -> list[tuple[Module, nodes.NodeNG]]:
        """Every (module, node) of the given astroid node types (imports) in the analysed modules, module by
        module in source order, as noted while parsing (rules need not walk trees again)."""
        assert all(t in (nodes.Import, nodes.ImportFrom) for t in types), "only imports are indexed"
        if len(types) == 1:
            return list(self._by_type.get(types[0], ()))
        order = {id(m): i for i, m in enumerate(self.modules)}
        found = [item for t in types for item in self._by_type.get(t, ())]
        return sorted(found, key=lambda mn: (order[id(mn[0])], mn[1].lineno or 0, mn[1].col_offset or 0))

    @cached_property
    def envs(self) -> list[Env]:
        return sorted(self.resolver.envs.values(), key=lambda e: (str(e.module.path), e.node.lineno, e.node.col_offset))

    @cached_property
    def tasks(self) -> list[Task]:
        return sorted(self.resolver.tasks.values(), key=lambda t: (str(t.module.path), t.func.lineno))

    @cached_property
    def task_by_function(self) -> dict[int, Task]:
        return {id(task.func): task for task in self.tasks}

    # -- images and run roots (model/images.py, model/roots.py) -------------------------------------------
    @cached_property
    def _images(self):
        from flyte_lint.model.images import ImageReader

        return ImageReader(self.resolver)

    def image_need(self, env: Env):
        """Whether ``env``'s image must be built (an ImageNeed: "none", "build", "dockerfile", "unknown")."""
        return self._images.of_env(env)

    def object_image_need(self, made: nodes.Call):
        """Whether the image of the task object ``made`` made (a ContainerTask, a shell task...) must be built."""
        return self._images.of_object(made)

    @cached_property
    def run_roots(self):
        """The task call graph and the roots of remote runs (a RunRoots: ``roots``, ``reaching(task)``)."""
        from flyte_lint.model.roots import RunRoots

        return RunRoots(self)

    def guarded_against(self, node: nodes.NodeNG, exception: str) -> bool:
        """The author's code catches ``exception`` (a class by dotted path, ``builtins.TypeError``) where ``node``
        is evaluated, in its own function: ``try: ... except TypeError:``, a deliberate probe (model/guards.py)."""
        return guarded_against(self.resolver, node, exception)


def build_analysis(project: Project, modules: list[Module], target_flyte_version: str | None = None) -> Analysis:
    """The analysis model of ``modules`` (their imports resolved through ``project``), built completely before
    any rule runs: the one way ``check`` and ``graph`` (and tests) make it."""
    return Analysis(project, modules, target_flyte_version)
