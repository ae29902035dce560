"""The TaskEnvironments a migration generates: one per distinct set of container options per module, as few as
needed, each named after its module and its set.

A set used by tasks of one module is defined in that module (before its first task); a set used by several
modules joined by imports, whose options name nothing module-local and whose tasks' names differ (an env keeps
one task per name), is defined once in a shared module (``envs.py`` in the modules' common package) that they
import. An env's variable is ``env`` when it is its module's only or option-less env, else ``<set>_env``; its
name is the module's (the shared module: its package's) with the set's (``gpu``, the image's name,
``cpu2_mem4gi``...). A task of env E that names a task of env F in its body makes E depend on F:
``depends_on=[F]`` where F can be named in E's definition, else ``E.add_dependency(F)`` before the calling
task; never when that closes a cycle (a TODO says so).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from astroid import nodes

from flyte_lint.migrate.task_options import SECTION_TASKS
from flyte_lint.model.analysis import Analysis, walk
from flyte_lint.model.flyte1_index import V1Index
from flyte_lint.model.project import Module
from flyte_lint.model.values import FunctionRef, ModuleRef

if TYPE_CHECKING:
    from flyte_lint.migrate.plan import MigrationPlan, ModulePlan, TaskPlan

SHARED_MODULE = "envs"
ENV_OPTION_ORDER = ("image", "resources", "env_vars", "secrets", "pod_template")


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


def components(plan: MigrationPlan, analysis: Analysis) -> dict[int, int]:
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


def make_envs(plan: MigrationPlan, users, components: dict[int, int]) -> dict[tuple[int, tuple], EnvPlan]:
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
        _name_group(group, group[0].home, set(), taken_names, alone=len(group) == 1)
        plan.shared.extend(group)
    for mplan in plan.modules.values():
        used_shared = list(dict.fromkeys(e for (m, _), e in found.items() if m == id(mplan) and e.is_shared))
        for env in used_shared:
            mplan.use(env)
        alone = len(mplan.envs) + len(used_shared) == 1
        taken = set(module_names(mplan.module)) | set(mplan.imported_envs)
        _name_group(mplan.envs, mplan.module.name, taken, taken_names, alone)
    return found


def _name_group(
    group: list[EnvPlan], module_name: str, taken_vars: set[str], taken_names: set[str], alone: bool
) -> None:
    """Name the envs one module defines: the option-less one (or the only env the module uses) `env`, the
    others `<set>_env`."""
    group.sort(key=lambda e: e.first_line)
    base = env_base(module_name)
    short = [_set_name(e.options) for e in group]
    for env, suffix in zip(group, short, strict=True):
        plain = not env.options or alone
        if short.count(suffix) > 1:  # (two sets differing only in a limit: name both values)
            suffix = _set_name(env.options, both=True)
        var = "env" if plain else f"{suffix}_env"
        env.var = _unique(f"{base}_{var}" if var in taken_vars else var, taken_vars)  # (`env` taken: `main_env`)
        env.name = _unique(base if plain else f"{base}_{suffix}", taken_names)


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    taken.add(candidate)
    return candidate


def module_names(module: Module) -> list[str]:
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


def env_base(module_name: str) -> str:
    parts = [p for p in module_name.split(".") if p not in ("__init__", SHARED_MODULE, "task_envs")]
    return _slug(parts[-1] if parts else "shared") or "main"


def _slug(text: str) -> str:
    return "_".join(p for p in re.split(r"[^a-z0-9]+", text.lower()) if p)


def _set_name(options: dict[str, str], both: bool = False) -> str:
    """A short name for a set of options: ``gpu``, the image variable's stem, ``cpu2_mem4gi`` (the requests;
    ``both``: ``cpu2_4_mem4gi_8gi``, requests and limits), ``secrets``..."""
    parts = []
    resources = options.get("resources", "")
    if "gpu=" in resources:
        parts.append("gpu")
    elif resources:
        values = _resource_values(resources)
        parts.append(_slug("_".join(f"{k[:3]}{v if both else v.split('_')[0]}" for k, v in values)))
    image = options.get("image")
    if image:
        stem = image.rsplit(".", 1)[-1] if image.replace(".", "_").isidentifier() else ""
        parts.append(_slug(re.sub(r"(_?image(_?spec)?|_spec)$", "", stem)) or "image")
    for key, word in (("secrets", "secrets"), ("env_vars", "vars"), ("pod_template", "pod")):
        if key in options:
            parts.append(word)
    return "_".join(p for p in parts if p)[:40].strip("_") or "custom"


def _resource_values(source: str) -> list[tuple[str, str]]:
    """``flyte.Resources(cpu=("1", "2"), memory="4Gi")`` -> ``[("cpu", "1_2"), ("memory", "4Gi")]``."""
    try:
        call = ast.parse(source, mode="eval").body
    except SyntaxError:
        return []
    found = []
    for keyword in call.keywords if isinstance(call, ast.Call) else []:
        values = keyword.value.elts if isinstance(keyword.value, ast.Tuple) else [keyword.value]
        text = "_".join(str(v.value) for v in values if isinstance(v, ast.Constant))
        if keyword.arg and text:
            found.append((keyword.arg, text))
    return found


def dependencies(plan: MigrationPlan, index: V1Index) -> None:
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
