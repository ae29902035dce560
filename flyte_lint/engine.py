"""One lint run: discover the files, index the project, reuse what the cache holds, analyse the rest in work
units (here or on worker processes), and merge the findings.

The pieces each have their module: sources.py (the source roots and the files indexed beside the given ones),
index.py (the byte scan, the import graph and its components), incremental.py (what a cached finding depends
on), unit.py (a work unit: its analysis, the rules run on it, suppression.py's noqa and per-file ignores),
parallel.py (the workers). A run whose findings all come from the cache never imports astroid nor the rules:
what is enabled comes from the rule catalogue, and the model and the rules are imported where a unit is
analysed."""

from __future__ import annotations

import contextlib
import gc
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from flyte_lint.catalogue import RULES, SCOPES
from flyte_lint.config import Options, Settings, matches
from flyte_lint.discovery import NOT_PYTHON, discover
from flyte_lint.findings import Finding, Severity, char_column
from flyte_lint.index import Lookups, components, index_files, relevant_files
from flyte_lint.model.project import Module, Project, display
from flyte_lint.model.source import ParseFailure
from flyte_lint.sources import (
    outside_words,
    project_layout,
    script_scope as _script_scope,  # noqa: F401  (tests/test_invocation_scope.py)
)
from flyte_lint.suppression import apply_noqa
from flyte_lint.unit import SYNTAX_CODE, RunContext, Unit, UnitResult, analyse, rules_of, syntax_finding

if TYPE_CHECKING:
    from flyte_lint.model.analysis import Analysis


@dataclass
class RunResult:
    findings: list[Finding]
    files: list[Module]
    internal_errors: list[str] = field(default_factory=list)
    path_errors: list[str] = field(default_factory=list)
    analysis: Analysis | None = None
    unused_noqa: list[Finding] = field(default_factory=list)
    files_checked: int = 0


def enabled_codes(settings: Settings, options: Options) -> list[str]:
    """The codes of the rules the settings and options turn on, from the catalogue (no rule is imported)."""
    select = options.select if options.select is not None else settings.select
    extend = settings.extend_select + options.extend_select
    ignore = settings.ignore + options.ignore
    chosen = []
    for code in sorted(RULES):
        symbol, severity = RULES[code]
        on = matches(code, symbol, select) if select is not None else severity != Severity.INFO.value
        on = on or matches(code, symbol, extend)
        if on and not matches(code, symbol, ignore):
            chosen.append(code)
    return chosen


def run(
    paths: list[Path],
    settings: Settings,
    options: Options,
    cwd: Path | None = None,
    cache_dir: Path | None = None,
    jobs: int = 1,
    progress=None,
) -> RunResult:
    """Lint ``paths``. With ``cache_dir``, reuse the findings of files whose component did not change; with
    ``jobs`` > 1, analyse independent components in worker processes (same results as one process)."""
    workers = None
    if jobs > 1:
        from flyte_lint.parallel import Workers

        workers = Workers(jobs, progress is not None)
    try:
        with gc_paused():
            return _run(paths, settings, options, cwd, cache_dir, workers, progress)
    except KeyboardInterrupt:
        if workers is not None:
            workers.abandon()  # (not close(): see there)
            workers = None
        raise
    finally:
        if workers is not None:
            workers.close()


@contextlib.contextmanager
def gc_paused():
    """The cyclic garbage collector off for the run. A run builds a few million objects and keeps them all to
    the end (trees, the model, findings), so the collections Python would start as the heap grows find
    nothing to free and cost a third of the run; the garbage made meanwhile is a few percent of the heap."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# Fewer files than this are analysed in the main process: starting workers would cost more than it saves.
PARALLEL_MIN_FILES = 40


def _run(paths, settings, options, cwd, cache_dir, workers, progress) -> RunResult:
    cwd = (cwd or Path.cwd()).resolve()
    base = settings.project_dir or cwd
    not_python: list[Path] = []
    projects: list[str] = []  # the pyproject.toml files in the folders walked (their source roots: layout.py)
    files, path_errors = discover(paths, settings.exclude, base, not_python, projects)
    roots, extra = project_layout(paths, settings, options, base, projects)
    project = Project(roots, cwd=cwd)
    codes = enabled_codes(settings, options)
    store = None
    if cache_dir is not None:
        from flyte_lint.cache import CacheStore, settings_key

        key = settings_key(
            [
                codes,
                [SCOPES.get(c) for c in codes],
                sorted(map(str, roots)),
                sorted((str(k), sorted(map(str, v))) for k, v in roots.scopes.items()),
                settings.per_file_ignores,
                settings.exclude,
                options.report_unused_noqa,
                str(cwd),
            ]
        )
        store = CacheStore.open(cache_dir, key)
    candidates = list(dict.fromkeys(files + extra))  # (path strings: see discover)
    scanning = None
    if workers is not None and len(files) >= PARALLEL_MIN_FILES and (store is None or not store.entries):
        workers.start()  # a cold run: the workers scan the files, then get ready while the index is resolved
        if store is None or not store.memo.records:
            scanning = workers.scan(candidates, stamped=store is not None)
    given_dirs = [Path(os.path.realpath(p)) for p in paths if os.path.isdir(p)]
    known = (len(store.imports), len(store.reach)) if store is not None else None
    lookups = Lookups(store.loads if store is not None else None)
    index = index_files(
        project,
        candidates,
        store.imports if store is not None else None,
        outside_words(project.roots, given_dirs),
        store.memo if store is not None else None,
        lookups,
        store.reach if store is not None else None,
        scanning() if scanning is not None else None,
    )
    if store is not None and (len(store.imports), len(store.reach)) != known:
        store.changed = True
    relevant = relevant_files(index)
    relevant_by_name = {str(p): p for p in relevant}
    position = {name: i for i, name in enumerate(candidates)}  # (analysed files in the order of the candidates)
    plan = Plan(
        project,
        index,
        lookups,
        components(index, relevant, lookups),
        [relevant_by_name[name] for name in files if name in relevant_by_name],
        {p: position[name] for name, p in relevant_by_name.items() if name in position},
        store is not None,
    )
    context = RunContext(codes, settings, options, base, roots, cwd)
    linted, groups = plan.linted, plan.groups
    reused: dict[frozenset[Path], list[Finding]] = {}  # cached findings, by component
    if store is None:
        results = []
        if workers is None:
            # One analysis over the components of the linted files: the model stays available to callers
            # (graph, plugin, tests). Files of the project that nothing linted connects to are not parsed.
            reach = {p for path in linted for p in groups[path]}
            units = {frozenset(): plan.unit_of(reach, linted)} if linted else {}
        else:  # the components, analysed on the workers
            linted_set = set(linted)
            units = {groups[p]: plan.unit_of(groups[p], [m for m in groups[p] if m in linted_set]) for p in linted}
    else:
        units, results = _incremental(plan, store, reused, context)
    work = sorted(units.values(), key=lambda u: -len(u.analysed))
    results += _run_units(project, work, context, workers, progress)
    findings = [f for found in reused.values() for f in found]
    modules: list[Module] = []
    internal: list[str] = []
    analysis = None
    for result in results:
        findings.extend(f for _, f in result.findings)
        modules.extend(result.modules)
        internal.extend(result.internal)
        analysis = analysis or result.analysis
    if store is not None:
        if _learn_loads(store, results):  # lookups first seen in this run: components as the next run sees them
            lookups = Lookups(store.loads)
            groups = components(index, relevant, lookups)
        from flyte_lint.incremental import Dependencies, scope_reach

        _remember(store, results, Dependencies(index, plan.analysable, groups, lookups, store.envs, scope_reach(codes)))
        store.save()
    if SYNTAX_CODE in codes:  # README.md named on the command line: said, not parsed
        for path in not_python:
            module = Module(path=path, display_path=display(path, cwd), name=path.stem)
            module.failure = ParseFailure(NOT_PYTHON)
            findings.append(syntax_finding(module))
    unused = [f for f in findings if f.code == "NOQA"]
    findings = sorted(_dedupe([f for f in findings if f.code != "NOQA"]), key=lambda f: f.sort_key)
    result = RunResult(
        findings,
        modules,
        internal,
        path_errors,
        analysis if len(results) == 1 else None,
        sorted(unused, key=lambda f: f.sort_key),
    )
    result.files_checked = len(linted) + len(not_python)
    return result


@dataclass
class Plan:
    """The indexed project of one run: the file graph, the components, the linted files, and the units made
    of them (their files in the order the files were given)."""

    project: Project
    index: dict
    lookups: Lookups
    groups: dict[Path, frozenset[Path]]  # each relevant file's import-connected component
    linted: list[Path]
    order: dict[Path, int]  # the relevant files among those given (what an analysis analyses), by position
    remember: bool  # units report what the cache keeps
    analysable: set[Path] = field(init=False)

    def __post_init__(self) -> None:
        self.analysable = set(self.order)

    def unit_of(self, files, lint) -> Unit:
        order = self.order
        ordered = sorted((p for p in files if p in order), key=order.__getitem__)
        parts: dict[frozenset[Path] | Path, list[Path]] = {}
        for path in ordered:  # (its import-connected components, each in the same order)
            parts.setdefault(self.groups.get(path, path), []).append(path)
        return Unit(ordered, set(lint), remember=self.remember, components=list(parts.values()))


def _incremental(
    plan: Plan, store, reused: dict[frozenset[Path], list[Finding]], context: RunContext
) -> tuple[dict[frozenset[Path], Unit], list[UnitResult]]:
    """With the cache: reuse the findings of every linted file whose key is unchanged (into ``reused``, by
    component), analyse the stale ones with only what they reach where that is enough (see incremental.py),
    and return the components to analyse whole, with the results of the restricted analyses."""
    from flyte_lint.cache import finding_from_dict
    from flyte_lint.incremental import Dependencies, scope_reach

    groups, index, linted = plan.groups, plan.index, plan.linted
    deps = Dependencies(index, plan.analysable, groups, plan.lookups, store.envs, scope_reach(context.codes))
    stale: dict[frozenset[Path], list[Path]] = {}
    for path in linted:
        entry = store.entries.get(str(path))
        if entry is not None and index[path].digest is not None and entry.signature == deps.key(path):
            reused.setdefault(groups[path], []).extend(finding_from_dict(f) for f in entry.findings)
        else:
            stale.setdefault(groups[path], []).append(path)
    linted_set = set(linted)
    whole: dict[frozenset[Path], Unit] = {}
    results: list[UnitResult] = []

    def analyse_whole(members: frozenset[Path]) -> None:
        whole[members] = plan.unit_of(members, [p for p in members if p in linted_set])
        reused.pop(members, None)

    for members in dict.fromkeys(groups[p] for p in linted):  # (in the order of the linted files)
        lint = stale.get(members, [])
        if not lint and not deps.stale_env_facts(members):
            continue
        files = deps.restricted(members, lint)
        if files is None:
            analyse_whole(members)
            continue
        result = analyse(plan.project, plan.unit_of(files, lint), context)
        if deps.envs_unchanged(result.envs, files):
            results.append(result)
        else:  # the environments changed, and with them the keys of env-defining files
            analyse_whole(members)
    return whole, results


def _run_units(project: Project, work: list[Unit], context: RunContext, workers, progress) -> list[UnitResult]:
    """Analyse the units, in this process or on the workers. ``progress(files parsed, of total)`` is
    called as each file is parsed."""
    if workers is None or len(work) < 2 or sum(len(u.analysed) for u in work) < PARALLEL_MIN_FILES:
        parsed = None
        if progress:
            total, done = sum(len(u.analysed) for u in work), [0]

            def parsed() -> None:
                done[0] += 1
                progress(done[0], total)

        return [analyse(project, unit, context, parsed) for unit in work]
    return workers.run(work, context, progress)


def _learn_loads(store, results: list[UnitResult]) -> bool:
    """Add the module lookups of this run's analyses to the cache's (kept from run to run: a file's cached
    findings stay valid only while the files its analysis looked up are unchanged)."""
    learnt = False
    for result in results:
        for through, targets in result.loads.items():
            known = store.loads.setdefault(through, [])
            present = set(known)  # (a list, as the cache stores it: membership in it would be quadratic)
            new = [t for t in targets if t not in present]
            if new:
                known.extend(new)
                known.sort()
                learnt = True
    store.changed = store.changed or learnt
    return learnt


def _remember(store, results: list[UnitResult], deps) -> None:
    """Keep the findings of every file this run analysed for, under its key, and the environments of every
    module it analysed (first: the keys of env-defining files are made of them)."""
    from flyte_lint.cache import Entry, finding_to_dict

    for result in results:
        for path, found in result.envs.items():
            store.envs[path] = [deps.module_key(Path(path)), found, path in result.independent]
    by_path: dict[Path, list[Finding]] = {}
    for result in results:
        for path in result.linted:
            by_path[path] = []
    for result in results:
        for path, finding in result.findings:
            if path in by_path:
                by_path[path].append(finding)
    for path, found in by_path.items():
        if path in deps.groups:
            store.entries[str(path)] = Entry(findings=[finding_to_dict(f) for f in found], signature=deps.key(path))
    store.changed = store.changed or bool(results)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen = set()
    out = []
    for f in findings:
        key = (f.path, f.line, f.column, f.code, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


__all__ = [
    "Options",
    "RunContext",
    "RunResult",
    "Unit",
    "UnitResult",
    "analyse",
    "apply_noqa",
    "char_column",
    "enabled_codes",
    "rules_of",
    "run",
]
