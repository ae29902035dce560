"""The project-wide migration plan, computed once from the analysis model before any file is rewritten.

It says, for every module that uses flytekit: which module-level functions are Flyte 1 tasks, workflows or
dynamic workflows (model/flyte1_index.py decides), what their decorator options become (task_options.py), and
which ``flyte.TaskEnvironment`` each lands on.

Environments: one per distinct set of container options, as few as needed. A set used by tasks of one module is
defined in that module (before its first task); a set used by several modules whose options name nothing
module-local is defined once in a shared module (``envs.py`` in the modules' common package) that they import.
An env is named after its module (the shared module: its package) and its set (``gpu``, the image's name,
``cpu2_mem4gi``...); its variable is ``env`` when it is the module's only or option-less env, else
``<set>_env``. A task of env E that calls a task of env F gets ``depends_on=[F]`` on E (or
``E.add_dependency(F)`` in the caller's module when E is shared and F is not), unless that closes a cycle.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from astroid import nodes

from flyte_lint.migrate.task_options import SECTION_TASKS, Options, translate
from flyte_lint.model.analysis import Analysis, walk
from flyte_lint.model.flyte1_index import V1Index, flyte1_index
from flyte_lint.model.names import bindings_of
from flyte_lint.model.project import Module
from flyte_lint.model.values import FunctionRef, ModuleRef

SHARED_MODULE = "envs"
ENV_OPTION_ORDER = ("image", "resources", "env_vars", "secrets", "pod_template")
KINDS = {"task": "task", "workflow": "workflow", "dynamic": "dynamic", "eager": "eager"}


@dataclass(eq=False)
class EnvPlan:
    """A TaskEnvironment to generate: its variable, its name, its options (keyword -> Flyte 2 source), where it
    is defined (a module name, a file) and the envs it depends on."""

    var: str
    name: str
    options: dict[str, str]
    home: str
    path: Path
    depends_on: list[EnvPlan] = field(default_factory=list)
    first_line: int = 0  # the line of its first task in its home (0: the shared module)

    def source(self, names: dict[int, str] | None = None) -> str:
        """``var = flyte.TaskEnvironment(...)``, as flyte-sdk's examples write it; ``names`` gives the name each
        env it depends on has where it is defined (its own variable by default)."""
        names = names or {}
        ordered = sorted(
            self.options.items(), key=lambda kv: ENV_OPTION_ORDER.index(kv[0]) if kv[0] in ENV_OPTION_ORDER else 99
        )
        args = [f'name="{self.name}"', *(f"{k}={v}" for k, v in ordered)]
        if self.depends_on:
            args.append(f"depends_on=[{', '.join(names.get(id(d), d.var) for d in self.depends_on)}]")
        one_line = f"{self.var} = flyte.TaskEnvironment({', '.join(args)})"
        if len(one_line) <= 100:
            return one_line
        return f"{self.var} = flyte.TaskEnvironment(\n" + "".join(f"    {a},\n" for a in args) + ")"

    @property
    def is_shared(self) -> bool:
        return self.first_line == 0


@dataclass(eq=False)
class TaskPlan:
    """One Flyte 1 task, workflow or dynamic workflow and what it becomes."""

    name: str
    kind: str
    env: EnvPlan
    options: Options
    func: nodes.FunctionDef
    on_failure: tuple[str, list[str]] | None = None  # a workflow's failure handler: (its source, its parameters)
    becomes_async: bool = False  # a (sync) workflow that calls an async task: it becomes `async def`
    callees: list[TaskPlan] = field(default_factory=list)  # the planned tasks its body names

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
        taken = set(_module_names(self.module)) | {e.var for e in self.envs} | set(self.imported_envs)
        local = env.var if env.var not in taken else f"{_env_base(env.home)}_{env.var}"
        self.imported_envs[local] = env
        return local

    def env_imports(self) -> list[str]:
        """The import statements of the envs this module uses but does not define."""
        by_home: dict[str, list[str]] = {}
        for local, env in self.imported_envs.items():
            by_home.setdefault(env.home, []).append(env.var if local == env.var else f"{env.var} as {local}")
        return [f"from {home} import {', '.join(sorted(set(names)))}" for home, names in sorted(by_home.items())]


@dataclass
class MigrationPlan:
    modules: dict[Path, ModulePlan] = field(default_factory=dict)
    shared: list[EnvPlan] = field(default_factory=list)  # the envs of the shared module

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
    plan = MigrationPlan()
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
    envs = _make_envs(plan, users, _components(plan, analysis))
    for mplan, func, symbol, options, key in drafts:
        env = envs[(id(mplan), key)]
        mplan.tasks[func.name] = TaskPlan(func.name, KINDS.get(symbol, "task"), env, options, func)
        if options.on_failure is not None:
            handler = index.analysis.resolver.value_of(options.on_failure)
            params = [a.name for a in handler.func.args.args] if isinstance(handler, FunctionRef) else None
            source = options.on_failure.as_string()
            mplan.tasks[func.name].on_failure = (source, params) if params is not None else (source, ["?"])
    _dependencies(plan, index)
    _task_names(plan)
    _async_callers(plan)
    return plan


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


def _task_names(plan: MigrationPlan) -> None:
    """The names each module binds to a planned task: its own, and those it imports from another module."""
    by_name = {m.module.name: m for m in plan.modules.values()}
    for mplan in plan.modules.values():
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


def _components(plan: MigrationPlan, analysis: Analysis) -> dict[int, int]:
    """The planned modules joined by imports between them (a module importing another, either way): module
    id -> the id of its component's first module. Unrelated scripts each keep their own envs."""
    parent = {id(m): id(m) for m in plan.modules.values()}

    def find(key: int) -> int:
        while parent[key] != key:
            key = parent[key]
        return key

    by_path = {m.path: m for m in plan.modules.values()}
    resolver = analysis.resolver
    for mplan in plan.modules.values():
        for stmt in walk(mplan.module.tree) if mplan.module.tree is not None else []:
            if not isinstance(stmt, (nodes.Import, nodes.ImportFrom)):
                continue
            for value in resolver.import_targets(stmt, mplan.module):
                target = value.module if isinstance(value, ModuleRef) else None
                if isinstance(value, FunctionRef):
                    target = resolver.module_of(value.func)
                other = by_path.get(target.path) if target is not None else None
                if other is not None:
                    parent[find(id(other))] = find(id(mplan))
    return {key: find(key) for key in parent}


def _make_envs(plan: MigrationPlan, users, components: dict[int, int]) -> dict[tuple[int, tuple], EnvPlan]:
    """One EnvPlan per option set and module (or one shared by the modules of a component that use a shareable
    set), named."""
    found: dict[tuple[int, tuple], EnvPlan] = {}
    split: dict[tuple, list] = {}  # (option set, component) -> its users
    for key, used in users.items():
        for mplan, func in used:
            split.setdefault((key, components[id(mplan)]), []).append((mplan, func))
    users = {}
    for (key, _), used in split.items():
        users.setdefault(key, []).append(used)
    taken_names: set[str] = set()
    shared_by_home: dict[Path, list[EnvPlan]] = {}
    for key, groups in users.items():
        for used in groups:
            modules = list(dict.fromkeys(m for m, _ in used))
            names = [f.name for _, f in used]  # (an env keeps one task per name: two modules' `main` cannot share)
            if len(modules) > 1 and _shareable(dict(key)) and len(set(names)) == len(names):
                home, home_path = _shared_home(modules)
                env = EnvPlan("", "", dict(key), home, home_path)
                shared_by_home.setdefault(home_path, []).append(env)
                for mplan in modules:
                    found[(id(mplan), key)] = env
                continue
            for mplan in modules:
                first = min(f.lineno for m, f in used if m is mplan)
                env = EnvPlan("", "", dict(key), mplan.module.name, mplan.path, first_line=first)
                mplan.envs.append(env)
                found[(id(mplan), key)] = env
    for group in shared_by_home.values():
        _name_group(group, group[0].home, set(), taken_names)
        plan.shared.extend(group)
    for mplan in plan.modules.values():
        used_shared = list(dict.fromkeys(e for (m, _), e in found.items() if m == id(mplan) and e.is_shared))
        for env in used_shared:
            mplan.use(env)
        alone = len(mplan.envs) + len(used_shared) == 1
        taken = set(_module_names(mplan.module)) | set(mplan.imported_envs)
        _name_group(mplan.envs, mplan.module.name, taken, taken_names, alone)
    return found


def _name_group(
    group: list[EnvPlan], module_name: str, taken_vars: set[str], taken_names: set[str], alone: bool = False
) -> None:
    """Name the envs one module defines: the option-less (or only) one `env`, the others `<set>_env`."""
    group.sort(key=lambda e: e.first_line)
    base = _env_base(module_name)
    alone = alone or len(group) == 1
    for env in group:
        plain = not env.options or alone
        suffix = _set_name(env.options)
        env.var = _unique("env" if plain else f"{suffix}_env", taken_vars)
        env.name = _unique(base if plain else f"{base}_{suffix}", taken_names)


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    taken.add(candidate)
    return candidate


def _module_names(module: Module) -> list[str]:
    tree = module.tree
    return list(tree.locals) if tree is not None else []


def _shareable(options: dict[str, str]) -> bool:
    """The options name nothing but ``flyte`` and literals (they can move to another module)."""
    for text in options.values():
        try:
            tree = ast.parse(text, mode="eval")
        except SyntaxError:
            return False
        if any(isinstance(n, ast.Name) and n.id != "flyte" for n in ast.walk(tree)):
            return False
    return True


def _shared_home(modules: list[ModulePlan]) -> tuple[str, Path]:
    """The shared module's dotted name and path: ``envs`` in the deepest package every user is in."""
    packages = [m.module.name.split(".") if m.module.is_package else m.module.name.split(".")[:-1] for m in modules]
    prefix: list[str] = []
    for parts in zip(*packages, strict=False):
        if len(set(parts)) != 1:
            break
        prefix.append(parts[0])
    folder = modules[0].path.parent
    for _ in range(len(packages[0]) - len(prefix)):
        folder = folder.parent
    stem = SHARED_MODULE
    if (folder / f"{stem}.py").exists():
        stem = "task_envs"
    return ".".join([*prefix, stem]), folder / f"{stem}.py"


def _env_base(module_name: str) -> str:
    parts = [p for p in module_name.split(".") if p not in ("__init__", SHARED_MODULE, "task_envs")]
    return _slug(parts[-1] if parts else "shared") or "main"


def _slug(text: str) -> str:
    return "_".join(p for p in re.split(r"[^a-z0-9]+", text.lower()) if p)


def _set_name(options: dict[str, str]) -> str:
    """A short name for a set of options: ``gpu``, the image variable's stem, ``cpu2_mem4gi``, ``secrets``..."""
    parts = []
    resources = options.get("resources", "")
    if "gpu=" in resources:
        parts.append("gpu")
    elif resources:
        pairs = re.findall(r"(\w+)=\(?['\"]?([\w.]+)", resources.removeprefix("flyte.Resources("))
        parts.append(_slug("_".join(k[:3] + v for k, v in pairs)))
    image = options.get("image")
    if image:
        stem = image.rsplit(".", 1)[-1] if image.replace(".", "_").isidentifier() else ""
        parts.append(_slug(re.sub(r"(_?image(_?spec)?|_spec)$", "", stem)) or "image")
    for key, word in (("secrets", "secrets"), ("env_vars", "vars"), ("pod_template", "pod")):
        if key in options:
            parts.append(word)
    return "_".join(p for p in parts if p)[:40].strip("_") or "custom"


def _dependencies(plan: MigrationPlan, index: V1Index) -> None:
    """depends_on from the env of each calling task to the envs of the tasks it calls (or names in its body)."""
    by_func: dict[int, TaskPlan] = {}
    for mplan in plan.modules.values():
        for task in mplan.tasks.values():
            by_func[id(task.func)] = task
    value_of = index.analysis.resolver.value_of
    for mplan in plan.modules.values():
        for caller in mplan.tasks.values():
            for use in walk(caller.func):  # (a call, or a task handed on: map_task(partial(t, ...)))
                if not isinstance(use, (nodes.Name, nodes.Attribute)) or use is caller.func:
                    continue
                value = value_of(use)
                callee = by_func.get(id(value.func)) if isinstance(value, FunctionRef) else None
                if callee is not None and callee is not caller and callee not in caller.callees:
                    caller.callees.append(callee)
                if callee is None or callee.env is caller.env or callee.env in caller.env.depends_on:
                    continue
                if any(e is caller.env and d is callee.env for e, d, _ in mplan.add_dependency):
                    continue
                if _reaches(callee.env, caller.env):
                    mplan.todos.append(
                        (
                            f"`{caller.name}` ({caller.env.name}) calls `{callee.name}` ({callee.env.name}), which "
                            "already depends on it: declare the dependency by hand without a cycle",
                            SECTION_TASKS,
                        )
                    )
                    continue
                _depend(mplan, caller.env, callee.env, caller.name)


def _depend(mplan: ModulePlan, env: EnvPlan, dep: EnvPlan, caller: str) -> None:
    """``env`` (of a task of ``mplan``) depends on ``dep``: in its definition where ``dep`` can be named there
    (defined before it in the same module, shared, or importable into ``env``'s module, which is ``mplan``),
    else ``env.add_dependency(dep)`` in ``mplan`` before the calling task."""
    if env.home == dep.home and (dep.first_line <= env.first_line or env.is_shared):
        env.depends_on.append(dep)
    elif not env.is_shared and env.home == mplan.module.name and env.home != dep.home:
        mplan.use(dep)
        env.depends_on.append(dep)
    else:
        mplan.use(env)
        mplan.use(dep)
        mplan.add_dependency.append((env, dep, caller))


def _reaches(start: EnvPlan, goal: EnvPlan, seen: set[int] | None = None) -> bool:
    seen = seen if seen is not None else set()
    if start is goal:
        return True
    if id(start) in seen:
        return False
    seen.add(id(start))
    return any(_reaches(d, goal, seen) for d in start.depends_on)
