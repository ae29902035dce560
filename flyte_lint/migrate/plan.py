"""The project-wide migration plan, computed once from the analysis model before any file is rewritten.

It says, for every module that uses flytekit: which module-level functions are Flyte 1 tasks, workflows or
dynamic workflows (model/flyte1_index.py decides), what their decorator options become (task_options.py), and
which ``flyte.TaskEnvironment`` each lands on.

The environments (their sets, names, sharing and depends_on) are environments.py's. Transforms read the plan
(transforms/base.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from astroid import nodes

from flyte_lint.migrate.environments import EnvPlan, components, dependencies, env_base, make_envs, module_names
from flyte_lint.migrate.task_options import Options, translate
from flyte_lint.model.analysis import Analysis
from flyte_lint.model.flyte1_index import flyte1_index
from flyte_lint.model.names import bindings_of
from flyte_lint.model.project import Module
from flyte_lint.model.values import External, FunctionRef

KINDS = {"task": "task", "workflow": "workflow", "dynamic": "dynamic", "eager": "eager"}


@dataclass(eq=False)
class TaskPlan:
    """One Flyte 1 task, workflow or dynamic workflow and what it becomes."""

    name: str
    kind: str
    env: EnvPlan
    options: Options
    func: nodes.FunctionDef
    on_failure: tuple[str, list[str] | None] | None = None  # a workflow's failure handler: (source, parameters)
    becomes_async: bool = False  # a (sync) workflow that calls an async task: it becomes `async def`
    callees: list[TaskPlan] = field(default_factory=list)  # the planned tasks its body names
    # Flyte 1's typed iterators in its signature: "return" or a parameter's name -> "list" (``Iterator[T]``:
    # Flyte 1 sends a list of T, Flyte 2 types it ``list[T]``) or "json" (``Iterator[JSON]``: a JSONL file)
    iterators: dict[str, str] = field(default_factory=dict)
    # A failure handler's parameters typed with Flyte 1's FlyteError (the error of the failed node): Flyte 2 has no
    # such type, so they take the exception's message (``str``) the ``except`` block passes
    error_params: set[str] = field(default_factory=set)

    @property
    def is_async(self) -> bool:
        return self.becomes_async or isinstance(self.func, nodes.AsyncFunctionDef)

    @property
    def outputs(self) -> str:
        """What a call returns: "none", "one", "many" (a Tuple return annotation, or ``(A, B)``) or "named" (a
        NamedTuple: Flyte 1 returns it, Flyte 2 a plain tuple, or the value itself for one field)."""
        returns = self.func.returns
        if returns is None or (isinstance(returns, nodes.Const) and returns.value is None):
            return "none"
        if self.output_fields is not None:
            return "named"
        if isinstance(returns, nodes.Tuple):
            return "many"
        text = returns.as_string()
        return "many" if text.split("[")[0] in ("typing.Tuple", "Tuple", "tuple") and "[" in text else "one"

    @property
    def output_fields(self) -> list[str] | None:
        """The fields of the NamedTuple the task returns (``NamedTuple("N", [("a", int)])`` bound to a name, or a
        ``class N(NamedTuple)``); None for any other return annotation."""
        returns = self.func.returns
        stmts = bindings_of(returns) if isinstance(returns, nodes.Name) else []
        if len(stmts) != 1:
            return None
        stmt = stmts[0]
        if isinstance(stmt, nodes.ClassDef):
            if not any(b.as_string().rsplit(".", 1)[-1] == "NamedTuple" for b in stmt.bases):
                return None
            return [
                n.target.name
                for n in stmt.body
                if isinstance(n, nodes.AnnAssign) and isinstance(n.target, nodes.AssignName)
            ]
        parent = stmt.parent if isinstance(stmt, nodes.AssignName) else None
        call = parent.value if isinstance(parent, nodes.Assign) else None
        if not isinstance(call, nodes.Call) or call.func.as_string().rsplit(".", 1)[-1] != "NamedTuple":
            return None
        if len(call.args) == 2 and isinstance(call.args[1], (nodes.List, nodes.Tuple)):
            items = call.args[1].elts
            fields = [
                e.elts[0].value
                for e in items
                if isinstance(e, nodes.Tuple) and e.elts and isinstance(e.elts[0], nodes.Const)
            ]
            return fields if len(fields) == len(items) else None
        if len(call.args) == 1 and call.keywords:
            return [k.arg for k in call.keywords if k.arg]
        return None


@dataclass(eq=False)
class ModulePlan:
    module: Module
    aliases: dict[str, str]  # local name -> flytekit dotted path (V1Index.aliases)
    tasks: dict[str, TaskPlan] = field(default_factory=dict)
    envs: list[EnvPlan] = field(default_factory=list)  # defined here, in order of their first task
    imported_envs: dict[str, EnvPlan] = field(default_factory=dict)  # local name -> env defined elsewhere
    add_dependency: list[tuple[EnvPlan, EnvPlan, str]] = field(default_factory=list)  # E.add_dependency(F) before task
    todos: list[tuple[str, str]] = field(default_factory=list)  # module-level (message, section)
    task_names: dict[str, TaskPlan] = field(default_factory=dict)  # names bound here to a planned task

    @property
    def constants(self) -> dict[str, str]:
        """The module-level names bound once, to a string literal (``SECRET_GROUP = "db"``)."""
        tree = self.module.tree
        found: dict[str, str] = {}
        for name, bound in tree.locals.items() if tree is not None else []:
            if len(bound) != 1 or not isinstance(bound[0], nodes.AssignName):
                continue
            parent = bound[0].parent
            if isinstance(parent, nodes.Assign) and parent.parent is tree and len(parent.targets) == 1:
                value = parent.value
                if isinstance(value, nodes.Const) and isinstance(value.value, str):
                    found[name] = value.value
        return found

    @property
    def path(self) -> Path:
        return self.module.path

    def name_of(self, env: EnvPlan) -> str:
        """The name ``env`` has in this module."""
        for local, other in self.imported_envs.items():
            if other is env:
                return local
        return env.var

    def names(self) -> dict[int, str]:
        return {id(e): self.name_of(e) for e in [*self.envs, *self.imported_envs.values()]}

    def use(self, env: EnvPlan) -> str:
        """Make ``env`` available here (imported when defined elsewhere) and return its local name."""
        if env.home == self.module.name or any(e is env for e in self.imported_envs.values()):
            return self.name_of(env)
        taken = set(module_names(self.module)) | {e.var for e in self.envs} | set(self.imported_envs)
        local = env.var if env.var not in taken else f"{env_base(env.home)}_{env.var}"
        self.imported_envs[local] = env
        return local

    def env_imports(self) -> list[str]:
        """The import statements of the envs this module uses but does not define."""
        by_home: dict[str, list[str]] = {}
        for local, env in self.imported_envs.items():
            by_home.setdefault(env.home, []).append(env.var if local == env.var else f"{env.var} as {local}")
        return [
            f"from {self._spelling(home)} import {', '.join(sorted(set(names)))}"
            for home, names in sorted(by_home.items())
        ]

    def _spelling(self, home: str) -> str:
        """How this module names ``home`` in an import: relative (``.workflow``) when it imports the project's
        modules relatively (the same module under two names would define its env twice), else absolute."""
        tree = self.module.tree
        relative = tree is not None and any(isinstance(node, nodes.ImportFrom) and node.level for node in tree.body)
        package = self.module.package
        if not relative:
            return home
        if not package:
            return "." + home
        if home.startswith(package + "."):
            return "." + home[len(package) + 1 :]
        return home


@dataclass
class MigrationPlan:
    modules: dict[Path, ModulePlan] = field(default_factory=dict)
    shared: list[EnvPlan] = field(default_factory=list)  # the envs of the shared module
    local_packages: set[str] = field(default_factory=set)  # the project's top-level module names (import groups)

    def module(self, path: Path) -> ModulePlan | None:
        return self.modules.get(path)

    @property
    def new_files(self) -> dict[Path, str]:
        """The shared env modules (one per group of modules joined by imports that share envs): path -> source."""
        found: dict[Path, str] = {}
        for env in self.shared:
            found.setdefault(env.path, "import flyte\n\n")
            found[env.path] += env.source() + "\n"
        return found


def build_plan(analysis: Analysis, paths: set[Path]) -> MigrationPlan:
    """The plan for the modules at ``paths`` (the files being migrated), read from ``analysis``."""
    index = flyte1_index(analysis)
    plan = MigrationPlan(local_packages={m.name.split(".")[0] for m in analysis.modules if m.name})
    users: dict[tuple, list[tuple[ModulePlan, nodes.FunctionDef]]] = {}
    drafts: list[tuple[ModulePlan, nodes.FunctionDef, str, Options, tuple]] = []
    for module in analysis.modules:
        if module.path not in paths:
            continue
        aliases = index.aliases(module)
        functions = index.task_functions(module)
        if not aliases and not functions:
            continue
        mplan = ModulePlan(module, aliases)
        plan.modules[module.path] = mplan
        for func, ref in functions:
            options = translate(ref.call, index)
            key = tuple(sorted(options.env.items()))
            users.setdefault(key, []).append((mplan, func))
            drafts.append((mplan, func, ref.symbol, options, key))
    envs = make_envs(plan, users, components(plan, analysis))
    handlers: list[nodes.FunctionDef] = []  # the failure handlers the workflows name
    for mplan, func, symbol, options, key in drafts:
        env = envs[(id(mplan), key)]
        mplan.tasks[func.name] = TaskPlan(func.name, KINDS.get(symbol, "task"), env, options, func)
        mplan.tasks[func.name].iterators = _iterators(index.analysis, func)
        if options.on_failure is not None:
            handler = index.analysis.resolver.value_of(options.on_failure)
            params = [a.name for a in handler.func.args.args] if isinstance(handler, FunctionRef) else None
            source = options.on_failure.as_string()
            mplan.tasks[func.name].on_failure = (source, params)  # (params None: the handler is not resolved)
            if isinstance(handler, FunctionRef):
                handlers.append(handler.func)
    for func in handlers:
        for task in (t for m in plan.modules.values() for t in m.tasks.values() if t.func is func):
            task.error_params = _flyte_error_params(index.analysis, func)
    dependencies(plan, index)
    _task_names(plan, [m for m in analysis.modules if m.path in paths and m.path not in plan.modules])
    _reference_callers(plan, index)
    _async_callers(plan)
    return plan


ITERATORS = ("typing.Iterator", "collections.abc.Iterator")  # what flytekit's IteratorTransformer is registered for
JSON = ("flytekit.types.iterator.JSON", "flytekit.types.iterator.json_iterator.JSON")


def _iterators(analysis: Analysis, func: nodes.FunctionDef) -> dict[str, str]:
    """The typed iterators of ``func``'s signature (TaskPlan.iterators)."""
    args = func.args
    annotated = [("return", func.returns)]
    annotated += zip(
        [a.name for a in args.posonlyargs + args.args], args.posonlyargs_annotations + args.annotations, strict=False
    )
    annotated += zip([a.name for a in args.kwonlyargs], args.kwonlyargs_annotations, strict=False)
    found: dict[str, str] = {}
    for name, annotation in annotated:
        if not isinstance(annotation, nodes.Subscript):
            continue
        origin = analysis.resolver.value_of(annotation.value)
        if isinstance(origin, External) and origin.path in ITERATORS:
            item = analysis.resolver.value_of(annotation.slice)
            found[name] = "json" if isinstance(item, External) and item.path in JSON else "list"
    return found


def _flyte_error_params(analysis: Analysis, func: nodes.FunctionDef) -> set[str]:
    """The parameters of ``func`` whose annotation names flytekit's FlyteError (``Optional[FlyteError]``)."""
    found = set()
    for arg, annotation in zip(func.args.args, func.args.annotations, strict=False):
        for node in [annotation, *annotation.nodes_of_class((nodes.Name, nodes.Attribute))] if annotation else []:
            value = analysis.resolver.value_of(node)
            if isinstance(value, External) and value.path.startswith("flytekit") and value.path.endswith(".FlyteError"):
                found.add(arg.name)
    return found


def _reference_callers(plan: MigrationPlan, index) -> None:
    """A workflow calling a Flyte 1 reference task, workflow or launch plan becomes async: the reference becomes
    a ``flyte.remote.Task.get(...)`` entity, whose call is a coroutine (transforms/references.py awaits it)."""
    references = {
        id(r.decorated)
        for r in index.refs_to("reference_task", "reference_workflow", "reference_launch_plan")
        if r.decorated is not None
    }
    value_of = index.analysis.resolver.value_of
    for mplan in plan.modules.values():
        for task in mplan.tasks.values():
            if task.kind not in ("workflow", "dynamic") or task.is_async:
                continue
            for node in task.func.nodes_of_class(nodes.Call):
                value = value_of(node.func)
                if isinstance(value, FunctionRef) and id(value.func) in references:
                    task.becomes_async = True
                    break


def _async_callers(plan: MigrationPlan) -> None:
    """A workflow (or dynamic workflow) that calls an async task (an eager workflow) becomes async itself, and
    so do the workflows calling it: a sync task cannot await."""
    tasks = [t for m in plan.modules.values() for t in m.tasks.values()]
    changed = True
    while changed:
        changed = False
        for task in tasks:
            if task.kind in ("workflow", "dynamic") and not task.is_async and any(c.is_async for c in task.callees):
                task.becomes_async = True
                changed = True


def _task_names(plan: MigrationPlan, others: list[Module]) -> None:
    """The names each module binds to a planned task: its own, and those it imports from another module. Of
    ``others`` (modules without flytekit), those importing a planned task join the plan (their ``__main__`` block
    may run it)."""
    by_name = {m.module.name: m for m in plan.modules.values()}
    candidates = [*plan.modules.values(), *(ModulePlan(m, {}) for m in others)]
    for mplan in candidates:
        mplan.task_names = dict(mplan.tasks)
        for node in mplan.module.tree.body if mplan.module.tree is not None else []:
            if not isinstance(node, nodes.ImportFrom):
                continue
            base = node.modname
            if node.level:
                package = mplan.module.package.split(".") if mplan.module.package else []
                package = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                base = ".".join([*package, node.modname] if node.modname else package)
            other = by_name.get(base)
            for written, alias in node.names if other is not None else []:
                if written in other.tasks:
                    mplan.task_names[alias or written] = other.tasks[written]
        if mplan.task_names and mplan.path not in plan.modules:
            plan.modules[mplan.path] = mplan
