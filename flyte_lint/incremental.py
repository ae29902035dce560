"""Per-file reuse of cached findings: what each file's findings depend on, and what an edit re-analyses.

The cache keeps, for each linted file, its findings and a key: a hash of the content of every file those
findings can depend on. How far that reaches is the widest scope among the enabled rules (``Rule.scope``, read
from the catalogue: a warm run imports no rule), narrowed for each file by what the model can carry from
other modules into the facts about it. For a file F (index.components holds all of it):

- MODULE scope (a rule's findings on F depend on F alone): F and what it imports, transitively, with the
  lookups name resolution made beyond import lines (Resolver.loads): Fwd*(F); and the modules that may change
  what the model makes of any module: env dependency declarations (``add_dependency``; ``from_task``, which
  gives a task object made in another module, a ContainerTask, the env its callers must depend on) and
  rebound flyte attributes, with Fwd* of each;
- IMPORTERS scope (also on the modules importing F): when F may define something other modules call, wrap
  or apply (``index.reach`` is IMPORTERS: a def, a lambda, a task decorator, a trigger...), every module that
  imports F, transitively, and Fwd* of each: a helper's task context comes from its callers, `env.task(fn)`
  elsewhere makes F's function a task, a task decorator made in F with ``triggers=`` is checked against the
  tasks it decorates, and the DAG notes inline F's helpers into their callers. The bytes only say "may":
  once an analysis has found every def of F to be a task by its own decorator, inside one or a method (see
  independent_of_importers), F counts as not reaching its importers for as long as Fwd*(F) is unchanged.
  That is the usual module defining an environment and its tasks, which every flow imports. The facts the
  model keeps per component about F come with it: when F uses flyte.remote (reach COMPONENT), a reference
  there names a task anywhere in the component, so the whole component; when F defines environments, the
  environments of every module of its component, as the last analysis of each module found them, and the
  component's import structure (names in use, deploy groups, dependency cycles through declarations and
  clones);
- COMPONENT scope (anything in F's import-connected component): the whole component, whatever F's bytes say.

A rule's scope is a promise about what it reads; nothing here knows any rule. A stale file is analysed again
together with what its findings depend on (analysed, not only loaded: the DAG compiler and the Flyte 1 index
read analysed modules only), and only its findings are kept. The environments the modules edited since their
last analysis define are then compared with the cached ones: any difference sends the component to a full
analysis, since the keys of env-defining files were computed from the cached ones. A stale env-defining file,
or one that needs its whole component, is analysed with its whole component.

Known limits, where an analysis of fewer files can differ from one of the whole component: a module's
name-resolution budget (the "analysis stopped" note) is also spent by the modules resolving names in it, so
a module within a few lookups of the 400,000-step budget may stop at another point; and a resolution cycle
(``a = b`` in one module, ``b = a`` in another) gives UNKNOWN in an order that could in theory depend on
which modules are analysed. Neither has been seen outside constructed cases.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from flyte_lint.catalogue import SCOPES
from flyte_lint.index import COMPONENT, IMPORTERS, OWN, Indexed, Lookups, _digest_outside, content_hash, import_targets

if TYPE_CHECKING:
    from flyte_lint.model.analysis import Analysis
    from flyte_lint.model.entities import Env
    from flyte_lint.model.project import Module

# A restricted analysis as large as this share of the component's files is no cheaper than a full one.
FULL_SHARE = 0.6

# A rule's scope (``Rule.scope``'s value, in the catalogue) as the reach of a file it caps, narrowest first.
REACH_OF_SCOPE = {"module": OWN, "importers": IMPORTERS, "component": COMPONENT}
WIDTH = {OWN: 0, IMPORTERS: 1, COMPONENT: 2}


def scope_reach(codes: list[str]) -> str:
    """How far the findings of the rules ``codes`` may reach: the widest of their scopes (a rule the catalogue
    does not know, say one registered by a test or a plugin, counts as COMPONENT: the safe choice)."""
    widest = OWN
    for code in codes:
        reach = REACH_OF_SCOPE.get(SCOPES.get(code, "component"), COMPONENT)
        if WIDTH[reach] > WIDTH[widest]:
            widest = reach
    return widest


class Dependencies:
    """The file graph of one run (imports and lookups, both ways), and the keys of linted files."""

    def __init__(
        self,
        index: dict[Path, Indexed],
        analysable: set[Path],
        groups: dict[Path, frozenset[Path]],
        lookups: Lookups,
        env_facts: dict[str, list],
        scope: str = COMPONENT,
    ) -> None:
        self.scope = scope  # the widest reach of the enabled rules (scope_reach)
        self.index = index
        self.analysable = analysable  # the relevant files among those given: what an analysis analyses
        self.groups = groups
        self.lookups = lookups
        self.env_facts = env_facts  # path -> [module key, facts] (from the cache)
        self._forward: dict[Path, list[Path]] = {}
        self._importers: dict[Path, list[Path]] | None = None
        self._closures: dict[Path, frozenset[Path]] = {}
        self._digests: dict[Path, str | None] = {}
        self._env_digests: dict[frozenset[Path], str] = {}
        self._declarers: dict[frozenset[Path], list[Path]] = {}
        self._module_keys: dict[Path, str] = {}
        self._component_keys: dict[frozenset[Path], str] = {}

    # -- the graph -------------------------------------------------------------------------------------
    def targets(self, path: Path) -> list[Path]:
        found = self._forward.get(path)
        if found is None:
            found = self._forward[path] = import_targets(self.index, self.lookups, path)
        return found

    def imports_of(self, path: Path) -> frozenset[Path]:
        """Fwd*(path): the file and everything it imports or looks up, transitively."""
        found = self._closures.get(path)
        if found is None:
            found = self._closures[path] = frozenset(_reachable(path, self.targets))
        return found

    def importers_of(self, path: Path) -> set[Path]:
        """The file and the files that import it (or look it up), transitively."""
        if self._importers is None:
            self._importers = {}
            for source in self.groups:  # (every file of every component)
                for target in self.targets(source):
                    self._importers.setdefault(target, []).append(source)
        importers = self._importers
        return _reachable(path, lambda target: importers.get(target, ()))

    def digest(self, path: Path) -> str | None:
        if path not in self._digests:
            entry = self.index.get(path)
            self._digests[path] = (
                entry.digest if entry is not None and entry.digest is not None else _digest_outside(path)
            )
        return self._digests[path]

    # -- what a file's findings depend on ---------------------------------------------------------------
    def reach(self, path: Path) -> str:
        if self.scope != IMPORTERS:
            return self.scope  # (MODULE: nothing beyond Fwd*; COMPONENT: the whole component, whatever the bytes)
        entry = self.index.get(path)
        if entry is None:
            return COMPONENT
        if entry.reach == IMPORTERS:
            cached = self.env_facts.get(str(path))
            if cached is not None and len(cached) > 2 and cached[2] and cached[0] == self.module_key(path):
                return OWN  # (an analysis of the same Fwd* found it independent of its importers)
        return entry.reach

    def defines_envs(self, path: Path) -> bool:
        """It defines environments, whose findings then depend on the component's (IMPORTERS scope: see the
        module docstring; a COMPONENT-scope key has the whole component anyway)."""
        if self.scope != IMPORTERS:
            return False
        cached = self.env_facts.get(str(path))
        return bool(cached and cached[1])

    def needs_component(self, path: Path) -> bool:
        """Its findings depend on the whole component (see the module docstring)."""
        return self.reach(path) == COMPONENT or self.defines_envs(path)

    def files_of(self, path: Path) -> set[Path]:
        """Every file the findings of ``path`` can depend on, but the environments of its component."""
        members = self.groups[path]
        if self.reach(path) == COMPONENT:
            return set(members)
        found = set(self.imports_of(path))
        if self.reach(path) == IMPORTERS:
            for importer in self.importers_of(path):
                found |= self.imports_of(importer)
        for declarer in self.declarers(members):
            found |= self.imports_of(declarer)
        return found

    def declarers(self, members: frozenset[Path]) -> list[Path]:
        """The files of a component that may declare env dependencies (``add_dependency``, ``from_task``)."""
        found = self._declarers.get(members)
        if found is None:
            found = self._declarers[members] = [
                p for p in members if (entry := self.index.get(p)) is not None and entry.declares_dependencies
            ]
        return found

    def key(self, path: Path) -> str:
        if self.scope == COMPONENT:  # (one hash per component, not one per file of it)
            members = self.groups[path]
            found = self._component_keys.get(members)
            if found is None:
                found = self._component_keys[members] = self._contents(members)
            return found
        files = self._contents(self.files_of(path))
        if not self.defines_envs(path):
            return files
        return content_hash(f"{files}\0{self.env_digest(self.groups[path])}".encode())

    def module_key(self, path: Path) -> str:
        """What the environments a module defines depend on: its Fwd*."""
        found = self._module_keys.get(path)
        if found is None:
            found = self._module_keys[path] = self._contents(self.imports_of(path))
        return found

    def _contents(self, files) -> str:
        """A hash of the paths and contents of ``files``."""
        text = "\n".join(sorted(f"{p}\0{self.digest(p)}" for p in files))
        return content_hash(text.encode("utf-8", "surrogateescape"))

    def env_digest(self, members: frozenset[Path]) -> str:
        """The environments of a component's modules as last analysed, and the component's import structure
        (which decides its deploy groups)."""
        found = self._env_digests.get(members)
        if found is None:
            parts = []
            for path in sorted(p for p in members if p in self.analysable):
                cached = self.env_facts.get(str(path))
                parts.append([str(path), cached[1] if cached else [], sorted(map(str, self.targets(path)))])
            parts.append(sorted(map(str, members)))
            found = self._env_digests[members] = content_hash(json.dumps(parts).encode("utf-8", "surrogateescape"))
        return found

    def stale_env_facts(self, members: frozenset[Path]) -> set[Path]:
        """The relevant modules of a component whose cached environments may be out of date."""
        stale = set()
        for path in members:
            if path in self.analysable:
                cached = self.env_facts.get(str(path))
                if cached is None or cached[0] != self.module_key(path):
                    stale.add(path)
        return stale

    def restricted(self, members: frozenset[Path], stale: list[Path]) -> set[Path] | None:
        """The files to analyse again for the findings of ``stale`` (some linted files of the component
        ``members``) and to bring the cached environments of its modules up to date, or None when only a
        full analysis of the component will do."""
        if any(self.needs_component(p) for p in stale):
            return None
        if not any(str(p) in self.env_facts for p in members if p in self.analysable):
            return None  # never analysed: nothing to compare its environments with afterwards
        files = set(self.stale_env_facts(members))
        for path in stale:
            files |= self.files_of(path)
        files &= self.analysable
        total = sum(1 for p in members if p in self.analysable)
        return None if len(files) >= FULL_SHARE * total else files

    def envs_unchanged(self, found: dict[str, list], analysed: set[Path]) -> bool:
        """The environments the analysis found in the analysed modules whose cached ones were out of date
        are the cached ones (or none, for a module never analysed before)."""
        for path in analysed:
            cached = self.env_facts.get(str(path))
            if cached is not None and cached[0] == self.module_key(path):
                continue
            if found.get(str(path), []) != (cached[1] if cached else []):
                return False
        return True


def _reachable(start: Path, step: Callable[[Path], Iterable[Path]]) -> set[Path]:
    """``start`` and every file ``step`` leads to from it, transitively."""
    seen = {start}
    todo = [start]
    while todo:
        for following in step(todo.pop()):
            if following not in seen:
                seen.add(following)
                todo.append(following)
    return seen


def env_facts(analysis: Analysis) -> dict[str, list]:
    """The environments each analysed module defines: what the keys of env-defining files are made of."""
    facts: dict[str, list] = {str(m.path): [] for m in analysis.modules}
    for env in analysis.envs:
        key = str(env.module.path)
        if key in facts:
            facts[key].append(_env_fact(analysis, env))
    return facts


def independent_of_importers(analysis: Analysis, module: Module) -> bool:
    """No finding of ``module`` can depend on the modules that import it: nothing in it that others can call
    takes anything from its callers. A task runs in its own context whoever calls it, so the callers give it
    none (the model's context of a call: Analysis.context_tasks), but whether it is the root of a run
    (model/roots.py, asked of a call into another env) depends on them, and `env.task(t)` of a task elsewhere
    makes no new task. Nor does the model give a method or a lambda bound at module level a context from its
    callers: a call through a class or an instance (``Box().get(x)``) or of a lambda is not resolved to the
    function it runs, so no context, no `env.task(...)` wrapping and no DAG inlining reaches it (a test,
    test_cache's ..._methods_and_lambdas_..., holds the model to that: should it learn to resolve them,
    they count as helpers here too).
    So: every def in it is a task by its own decorators (a decorator above the task that may replace it does
    not count), lies inside one, or is a method (its outermost def is in a class); no trigger (checked against
    the tasks it decorates, wherever they are), and every task decorator it makes (`env.task(...)`) is applied
    where it is made, not bound to a name others can apply. What the DAG compiler makes of it then comes from
    its own task bodies only: others compile its tasks as nodes and never inline them. Decided from the module and what its names resolve to, that is from
    Fwd*(module)."""
    from astroid import nodes

    from flyte_lint.model.values import EnvRef, Method, TaskRef

    text = module.text
    if module.tree is None or text is None or "rigger" in text:
        return False
    resolver = analysis.resolver
    function_types = (nodes.FunctionDef, nodes.AsyncFunctionDef)
    for node in module.indexed:
        if isinstance(node, function_types):
            outermost = node
            parent = node.parent
            while type(parent) is not nodes.Module:
                if isinstance(parent, function_types):
                    outermost = parent
                parent = parent.parent
            if type(outermost.parent) is nodes.ClassDef:
                continue  # a method
            if type(outermost.parent) is not nodes.Module or not isinstance(
                resolver.function_value(outermost), TaskRef
            ):
                return False
        elif type(node) is nodes.Call and not node.args and type(node.parent) is not nodes.Decorators:
            callee = resolver.value_of(node.func)
            if isinstance(callee, Method) and callee.name == "task" and isinstance(callee.owner, EnvRef):
                return False  # a task decorator that others may apply
    return not _calls_into_another_env(analysis, module)


def _calls_into_another_env(analysis: Analysis, module: Module) -> bool:
    """A task of ``module`` calls a task (or a task object) of another env. Which roots reach the call is then
    asked, and whether a task is a root depends on who calls it: its importers (model/roots.py)."""
    from flyte_lint.model.scopes import enclosing_function

    def other(a, b) -> bool:
        return a is not b and (a.name is None or a.name != b.name)

    sites = [s for s in (*analysis.call_sites, *analysis.choice_sites) if s.module is module]
    for site in sites:
        called = getattr(site, "candidates", ()) or ((site.task,) if site.task is not None else ())
        callers = analysis.context_tasks(enclosing_function(site.node)) if called else ()
        if any(other(caller.env, task.env) for caller in callers for task in called):
            return True
    for used in analysis.task_object_calls:
        if (
            used.call.module is module
            and used.env is not None
            and any(other(caller.env, used.env) for caller in analysis.context_tasks(used.call.function))
        ):
            return True
    return False


def _env_fact(analysis: Analysis, env: Env) -> list:
    from astroid import nodes

    from flyte_lint.model.scopes import enclosing_function
    from flyte_lint.model.values import EnvRef

    declared = []
    for kw in env.node.keywords or []:
        if kw.arg == "depends_on":
            elements = kw.value.elts if isinstance(kw.value, (nodes.List, nodes.Tuple)) else [kw.value]
            for element in elements:
                value = analysis.resolver.value_of(element)
                declared.append(_where(value.env) if isinstance(value, EnvRef) else element.as_string())
    return [
        _where(env),
        env.name,
        env.origin,
        enclosing_function(env.node) is not None,
        _where(env.parent) if env.parent is not None else None,
        declared,
    ]


def _where(env: Env) -> list:
    return [str(env.module.path), env.node.lineno, env.node.col_offset]
