"""One lint run: discover files, build the analysis model once, run the rules, filter the findings."""

from __future__ import annotations

import contextlib
import gc
import os
import re
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from flyte_lint.config import Settings, matches
from flyte_lint.discovery import NOT_PYTHON, discover, is_excluded
from flyte_lint.model.analysis import Analysis
from flyte_lint.model.project import Module, Project, display
from flyte_lint.model.resolver import LOOKUP_BUDGET
from flyte_lint.model.source import ParseFailure
from flyte_lint.rules import REGISTRY, Finding, Rule, Severity
from flyte_lint.rules.base import char_column
from flyte_lint.rules.runner import run_rule

NOQA_RE = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Za-z0-9_, \t-]+?))?\s*(?:#|$)", re.I)
NOQA_WORD_RE = re.compile(r"noqa", re.I)
FILE_NOQA_RE = re.compile(r"#\s*flyte-lint:\s*noqa\b", re.I)


@dataclass
class Options:
    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    root_dirs: list[Path] = field(default_factory=list)
    report_unused_noqa: bool = False


@dataclass
class RunResult:
    findings: list[Finding]
    files: list[Module]
    internal_errors: list[str] = field(default_factory=list)
    path_errors: list[str] = field(default_factory=list)
    analysis: Analysis | None = None
    unused_noqa: list[Finding] = field(default_factory=list)
    files_checked: int = 0


def enabled_rules(settings: Settings, options: Options) -> list[Rule]:
    select = options.select if options.select is not None else settings.select
    extend = settings.extend_select + options.extend_select
    ignore = settings.ignore + options.ignore
    chosen = []
    for code in sorted(REGISTRY):
        rule = REGISTRY[code]
        on = matches(code, rule.symbol, select) if select is not None else rule.severity != Severity.INFO
        on = on or matches(code, rule.symbol, extend)
        if on and not matches(code, rule.symbol, ignore):
            chosen.append(rule)
    return chosen


def mentions_flyte(data: bytes) -> bool:
    return b"flyte" in data


# Files whose content can change the env dependency graph of modules that never import them.
DEPENDENCY_DECLARATION = b"add_dependency"


def raw_imports(data: bytes) -> list[str]:
    """Every module an import statement may bind: ``.pkg``, ``.pkg.name`` (a submodule or not), ``a.b``.
    A byte-level scan (``bytes.find``), no regular expression over the whole file."""
    found: list[str] = []
    position = data.find(b"import")
    while position != -1:
        start = data.rfind(b"\n", 0, position) + 1
        end = data.find(b"\n", position)
        end = len(data) if end == -1 else end
        line = data[start:end].strip()
        if line.startswith(b"from ") or line.startswith(b"from\t"):
            head, sep, names = line[4:].partition(b" import")
            if sep:
                if names.lstrip().startswith(b"(") and b")" not in names:
                    close = data.find(b")", end)
                    names = names + data[end:close if close != -1 else len(data)]
                    end = close if close != -1 else len(data)
                _from_names(head.strip(), names, found)
        elif line.startswith(b"import ") or line.startswith(b"import\t"):
            for part in line[6:].split(b"#")[0].split(b";")[0].split(b","):
                name = part.strip().split()[0] if part.strip() else b""
                if name:
                    found.append(name.decode("ascii", "ignore"))
        position = data.find(b"import", max(end, position + 6))
    return found


def _from_names(head: bytes, names: bytes, found: list[str]) -> None:
    base = head.decode("ascii", "ignore")
    if not base or not all(c.isalnum() or c in "._" for c in base):
        return
    found.append(base)
    names = names.split(b"#")[0] if b"(" not in names else re.sub(rb"#[^\n]*", b"", names)
    cleaned = names.replace(b"(", b" ").replace(b")", b" ").replace(b"\\", b" ").replace(b"\n", b" ")
    for part in cleaned.split(b","):
        name = part.strip().split()[0].decode("ascii", "ignore") if part.strip() else ""
        if name and name != "*" and name.isidentifier():
            found.append(f"{base}.{name}" if not base.endswith(".") else f"{base}{name}")


@dataclass
class Indexed:
    """What one byte scan of a file tells: its content hash, whether it mentions flyte, what it imports."""

    path: Path
    digest: str | None  # None when the file cannot be read (or was never needed)
    mentions: bool
    imports: list[Path] = field(default_factory=list)  # project files it imports (packages on the way too)
    declares_dependencies: bool = False


def index_files(project: Project, candidates: list[Path], known_imports: dict[str, list[str]] | None = None,
                extra_words: frozenset[str] = frozenset()) -> dict[Path, Indexed]:
    """The project index: one read of every candidate file, no parsing. Imports are resolved for files that
    mention flyte and for files whose import lines name one of the modules that do (transitively); every
    other file costs a byte scan and one regular-expression pass."""
    from flyte_lint.cache import content_hash

    index: dict[Path, Indexed] = {}
    data: dict[Path, bytes] = {}
    for path in candidates:
        try:
            raw = path.read_bytes()
        except OSError:
            index[path] = Indexed(path, None, True)  # reported as unreadable by the parse step
            continue
        data[path] = raw
        index[path] = Indexed(path, None, mentions_flyte(raw), declares_dependencies=DEPENDENCY_DECLARATION in raw)

    def resolve(path: Path) -> None:
        entry = index[path]
        if entry.digest is not None or path not in data:
            return
        entry.digest = content_hash(data[path])
        names = known_imports.get(entry.digest) if known_imports is not None else None
        if names is None:
            names = raw_imports(data[path])
            if known_imports is not None:
                known_imports[entry.digest] = names
        entry.imports = _resolve_imports(project, path, names)
        for target in entry.imports:  # a module outside the given paths (a source root, src/): index it too
            if target not in index:
                try:
                    raw = target.read_bytes()
                except OSError:
                    continue
                data[target] = raw
                index[target] = Indexed(target, None, mentions_flyte(raw), declares_dependencies=DEPENDENCY_DECLARATION in raw)
                if index[target].mentions:
                    outside.append(target)
                else:
                    pending_names[target] = None

    resolved: set[Path] = set()
    outside: list[Path] = []
    wanted = [p for p, e in index.items() if e.mentions and p in data]
    pending = [p for p, e in index.items() if not e.mentions and p in data]
    pending_names: dict[Path, set[str] | None] = {p: None for p in pending}
    first = True
    while wanted or first:
        first = False
        while wanted:
            path = wanted.pop()
            resolve(path)
            resolved.add(path)
            wanted.extend(outside)
            outside.clear()
        names = {_module_word(p) for p in resolved} | extra_words
        wanted = []
        for path in list(pending_names):
            imported = pending_names[path]
            if imported is None:
                imported = pending_names[path] = {part for name in raw_imports(data[path]) for part in name.split(".") if part}
            if imported & names:
                wanted.append(path)
                del pending_names[path]
    for entry in list(index.values()):  # files the resolved ones import need a digest for the cache
        for target in entry.imports:
            if target in index and index[target].digest is None and target in data:
                index[target].digest = content_hash(data[target])
    return index


def _module_word(path: Path) -> str:
    return path.parent.name if path.name == "__init__.py" else path.stem


def _resolve_imports(project: Project, path: Path, names: list[str]) -> list[Path]:
    targets: dict[Path, None] = {}
    for dotted in names:
        if dotted.startswith("."):
            level = len(dotted) - len(dotted.lstrip("."))
            base = path.parent
            for _ in range(level - 1):
                base = base.parent
            rest = dotted.lstrip(".")
            if not rest:
                if (base / "__init__.py").is_file():
                    targets[(base / "__init__.py").resolve()] = None
                continue
            parts = rest.split(".")
            for end in range(1, len(parts) + 1):
                found = project._locate_cached(base, ".".join(parts[:end]))
                if found is not None:
                    targets[found] = None
            continue
        parts = dotted.split(".")
        if not project.may_contain(parts[0], path.parent):
            continue  # `flyte`, `asyncio`, `pandas`: nothing of that name in the project
        for end in range(1, len(parts) + 1):
            found = project.locate(".".join(parts[:end]), path.parent)
            if found is not None:
                targets[found] = None
    targets.pop(path, None)
    return list(targets)


def relevant_files(index: dict[Path, Indexed]) -> set[Path]:
    """Files worth analysing: those that mention flyte, and those importing (transitively) one that does.
    Everything else costs one byte scan."""
    relevant = {p for p, entry in index.items() if entry.mentions}
    importers: dict[Path, list[Path]] = {}
    for path, entry in index.items():
        for target in entry.imports:
            importers.setdefault(target, []).append(path)
    todo = list(relevant)
    while todo:
        target = todo.pop()
        for importer in importers.get(target, ()):
            if importer not in relevant:
                relevant.add(importer)
                todo.append(importer)
    return relevant


def components(index: dict[Path, Indexed], relevant: set[Path]) -> dict[Path, frozenset[Path]]:
    """Relevant files grouped by imports (either way) and package trees: everything the analysis of one
    file can ever consult lies in its component, so a component is the unit of caching and of parallel work."""
    parent: dict[Path, Path] = {}

    def find(key: Path) -> Path:
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def union(a: Path, b: Path) -> None:
        parent[find(a)] = find(b)

    for path in relevant:
        find(path)
        for target in index[path].imports:
            union(path, target)
        init = path.parent / "__init__.py"
        if init in index:
            union(path, init)
            if path.name == "__init__.py" and (path.parent.parent / "__init__.py") in index:
                union(path, path.parent.parent / "__init__.py")
    groups: dict[Path, set[Path]] = {}
    for path in list(parent):
        groups.setdefault(find(path), set()).add(path)
    return {path: frozenset(members) for members in groups.values() for path in members}


def _signature(members: frozenset[Path], index: dict[Path, Indexed]) -> str:
    from flyte_lint.cache import content_hash

    text = "\n".join(f"{p}\0{index[p].digest if p in index else _digest_outside(p)}" for p in sorted(members))
    return content_hash(text.encode("utf-8", "surrogateescape"))


def _digest_outside(path: Path) -> str | None:
    from flyte_lint.cache import content_hash

    try:
        return content_hash(path.read_bytes())
    except OSError:
        return None


def _outside_words(roots: list[Path], given_dirs: list[Path]) -> frozenset[str]:
    """Top-level module names of the source roots that lie outside the given directories (``--root-dir``,
    ``src``, a file's package root): a file importing one of them is worth resolving, since what it imports
    is not among the files scanned."""
    words: set[str] = set()
    for root in roots:
        if any(root == d or d in root.parents for d in given_dirs):
            continue
        try:
            for name in os.listdir(root):
                words.add(name[:-3] if name.endswith(".py") else name)
        except OSError:
            continue
    return frozenset(w for w in words if w.isidentifier())


def _import_root(folder: Path) -> Path:
    """The first folder above a package that is not itself a package, as Python (and pylint) would put on
    the import path for ``folder``: for ``check app/`` where app/ is a package, ``from app.x import y``
    must still resolve."""
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        folder = folder.parent
    return folder


def _project_layout(paths: list[Path], settings: Settings, options: Options, base: Path) -> tuple[list[Path], list[Path]]:
    """Source roots, and the extra files to index when files are passed one by one."""
    roots: list[Path] = []
    file_mode = False
    for given in paths:
        absolute = Path(os.path.realpath(given))
        if absolute.is_dir():
            roots.append(_import_root(absolute))
            if roots[-1] != absolute:
                roots.append(absolute)
        elif absolute.exists():
            file_mode = True
            roots.append(absolute.parent)
            package_root = _import_root(absolute.parent)
            if package_root != absolute.parent:
                roots.append(package_root)
    roots.extend(options.root_dirs)
    roots.extend(settings.src)
    index: list[Path] = []
    if file_mode and settings.project_dir is not None:
        # Files passed one by one (pre-commit) are resolved against their whole project, so cross-module
        # facts such as env.add_dependency(...) in a deploy script are known.
        project_dirs = settings.src or [settings.project_dir]
        roots.extend(project_dirs)
        index, _ = discover(project_dirs, settings.exclude, base)
    return roots, index


@dataclass
class Unit:
    """One piece of analysis work: a set of files analysed together, whose findings are reported for
    ``linted`` among them."""

    analysed: list[Path]
    linted: set[Path]


@dataclass
class UnitResult:
    findings: list[tuple[Path, Finding]]  # (absolute path of the file, finding)
    modules: list[Module]
    internal: list[str]
    analysis: Analysis | None = None
    files_analysed: int = 0


def analyse(project: Project, unit: Unit, rules: list[Rule], settings: Settings, options: Options, base: Path) -> UnitResult:
    """Parse the unit's files, build the analysis model once, run the rules, apply suppressions."""
    modules = [project.load(p) for p in unit.analysed]
    findings: list[Finding] = []
    internal: list[str] = []
    codes = {r.code for r in rules}
    for module in modules:
        if module.failure is not None and module.path in unit.linted and "FLY001" in codes:
            findings.append(_syntax_finding(module))
    analysis = None
    try:
        analysis = Analysis(project, modules)
        analysis.target_flyte_version = settings.target_flyte_version
    except Exception as exc:  # an internal error must not hide the other files' parse findings
        internal.append(f"internal error while building the analysis model: {exc!r}\n{traceback.format_exc()}")
    if analysis is not None:
        for rule in rules:
            outcome = run_rule(rule, analysis)
            internal.extend(outcome.errors)
            findings.extend(f for f in outcome.findings if f.module is not None and f.module.path in unit.linted)
        if "FLY001" in codes:
            findings.extend(_budget_finding(m, analysis.resolver.exhausted[id(m.tree)]) for m in modules
                            if m.tree is not None and id(m.tree) in analysis.resolver.exhausted and m.path in unit.linted)
    findings = [f for f in findings if not _per_file_ignored(f, settings, base)]
    linted_modules = [m for m in modules if m.path in unit.linted]
    kept, unused = apply_noqa(findings, linted_modules, report_unused=options.report_unused_noqa)
    return UnitResult([(f.module.path, f) for f in kept + unused], linted_modules, internal, analysis, len(modules))


def run(paths: list[Path], settings: Settings, options: Options, cwd: Path | None = None,
        cache_dir: Path | None = None, jobs: int = 1, progress=None) -> RunResult:
    """Lint ``paths``. With ``cache_dir``, reuse the findings of files whose component did not change; with
    ``jobs`` > 1, analyse independent components in worker processes (same results as one process)."""
    with gc_paused():
        return _run(paths, settings, options, cwd, cache_dir, jobs, progress)


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


def _run(paths, settings, options, cwd, cache_dir, jobs, progress) -> RunResult:
    cwd = (cwd or Path.cwd()).resolve()
    base = settings.project_dir or cwd
    not_python: list[Path] = []
    files, path_errors = discover(paths, settings.exclude, base, not_python)
    roots, extra = _project_layout(paths, settings, options, base)
    project = Project(roots, cwd=cwd)
    rules = enabled_rules(settings, options)
    store = None
    if cache_dir is not None:
        from flyte_lint.cache import CacheStore, settings_key

        key = settings_key([sorted(r.code for r in rules), sorted(map(str, roots)), settings.per_file_ignores,
                            settings.exclude, options.report_unused_noqa, str(cwd)])
        store = CacheStore.open(cache_dir, key)
    candidates = list(dict.fromkeys(files + extra))
    given_dirs = [Path(os.path.realpath(p)) for p in paths if os.path.isdir(p)]
    index = index_files(project, candidates, store.imports if store is not None else None,
                        _outside_words(project.roots, given_dirs))
    relevant = relevant_files(index)
    linted = [p for p in files if p in relevant]
    groups = components(index, relevant)
    signatures: dict[frozenset[Path], str] = {}

    def signature(path: Path) -> str:
        members = groups[path]
        if members not in signatures:
            signatures[members] = _signature(members, index)
        return signatures[members]

    reused: list[Finding] = []
    stale: list[Path] = []
    for path in linted:
        entry = store.entries.get(str(path)) if store is not None else None
        if entry is not None and index[path].digest is not None and entry.signature == signature(path):
            from flyte_lint.cache import finding_from_dict

            reused.extend(finding_from_dict(f) for f in entry.findings)
        else:
            stale.append(path)
    if store is None and jobs <= 1:
        # One analysis over the components of the linted files: the model stays available to callers
        # (graph, plugin, tests). Files of the project that nothing linted connects to are not parsed.
        reach = {p for path in linted for p in groups[path]}
        units = {frozenset(): Unit([p for p in candidates if p in reach and p in relevant], set(linted))} if linted else {}
    else:
        # Work units: the dirty components, each analysed whole (project-wide rules see all of it); the linted
        # files of a dirty component are all recomputed.
        units = {}
        position = {p: i for i, p in enumerate(candidates)}  # (members in the order of the candidates)
        linted_set = set(linted)
        for path in stale:
            members = groups[path]
            if members not in units:
                units[members] = Unit(sorted((p for p in members if p in position and p in relevant), key=position.__getitem__),
                                      {p for p in members if p in linted_set})
    work = sorted(units.values(), key=lambda u: -len(u.analysed))
    results = _run_units(project, work, rules, settings, options, base, jobs, progress, roots, cwd)
    findings = list(reused)
    modules: list[Module] = []
    internal: list[str] = []
    analysis = None
    for result in results:
        findings.extend(f for _, f in result.findings)
        modules.extend(result.modules)
        internal.extend(result.internal)
        analysis = analysis or result.analysis
    if store is not None:
        _remember(store, results, work, signature)
        store.save()
    if any(r.code == "FLY001" for r in rules):  # README.md named on the command line: said, not parsed
        for path in not_python:
            module = Module(path=path, display_path=display(path, cwd), name=path.stem)
            module.failure = ParseFailure(NOT_PYTHON)
            findings.append(_syntax_finding(module))
    unused = [f for f in findings if f.code == "NOQA"]
    findings = sorted(_dedupe([f for f in findings if f.code != "NOQA"]), key=lambda f: f.sort_key)
    result = RunResult(findings, modules, internal, path_errors, analysis if len(results) == 1 else None,
                       sorted(unused, key=lambda f: f.sort_key))
    result.files_checked = len(linted) + len(not_python)
    return result


def _run_units(project, work, rules, settings, options, base, jobs, progress, roots, cwd) -> list[UnitResult]:
    if jobs <= 1 or len(work) < 2 or sum(len(u.analysed) for u in work) < 40:
        results = []
        for unit in work:
            results.append(analyse(project, unit, rules, settings, options, base))
            if progress:
                progress(sum(r.files_analysed for r in results), sum(len(u.analysed) for u in work))
        return results
    from flyte_lint.parallel import run_parallel

    return run_parallel(work, rules, settings, options, base, jobs, roots, cwd, progress)


def _remember(store, results: list[UnitResult], work: list[Unit], signature) -> None:
    from flyte_lint.cache import Entry, finding_to_dict

    by_path: dict[Path, list[Finding]] = {}
    for unit in work:
        for path in unit.linted:
            by_path[path] = []
    for result in results:
        for path, finding in result.findings:
            if path in by_path:
                by_path[path].append(finding)
    for path, found in by_path.items():
        store.entries[str(path)] = Entry(findings=[finding_to_dict(f) for f in found], signature=signature(path))


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen = set()
    out = []
    for f in findings:
        key = (f.path, f.line, f.column, f.code, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _fly001(module: Module, line: int, column: int, message: str) -> Finding:
    rule = REGISTRY["FLY001"]
    return Finding(code=rule.code, symbol=rule.symbol, severity=rule.severity, message=message, path=module.display_path,
                   line=line, column=column, end_line=line, end_column=column, module=module)


def _syntax_finding(module: Module) -> Finding:
    failure = module.failure
    return _fly001(module, failure.line, failure.column, f"cannot analyse this file: {failure.reason}")


def _budget_finding(module: Module, where) -> Finding:
    return _fly001(module, where.line, 1,
                   f"analysis stopped: resolving names here needs more than {LOOKUP_BUDGET:,} steps of flow analysis "
                   f"('{where.name}' is bound {where.bindings:,} times in one scope); from here on its names are "
                   f"unknown and findings in this file may be missing")


def _per_file_ignored(finding: Finding, settings: Settings, base: Path) -> bool:
    if not settings.per_file_ignores or finding.module is None:
        return False
    for pattern, codes in settings.per_file_ignores.items():
        if is_excluded(finding.module.path, [pattern], base) and matches(finding.code, finding.symbol, codes):
            return True
    return False


def apply_noqa(findings: list[Finding], modules: list[Module], report_unused: bool = False) -> tuple[list[Finding], list[Finding]]:
    """Drop findings suppressed by ``# noqa[: CODES]`` on their line or ``# flyte-lint: noqa`` in the file."""
    mentions = {m.path for m in modules if m.text and NOQA_WORD_RE.search(m.text)}
    # (the text is searched first: reading a file's comments means tokenizing all of it)
    file_level = {m.path for m in modules if m.path in mentions and FILE_NOQA_RE.search(m.text)
                  and any(FILE_NOQA_RE.search(c) for c in m.comments.by_line.values())}
    used: set[tuple[Path, int]] = set()
    kept = []
    for finding in findings:
        module = finding.module
        if module is None or module.text is None:
            kept.append(finding)
            continue
        if module.path in file_level:
            continue
        comment = module.comments.by_line.get(finding.line) if module.path in mentions else None
        match = NOQA_RE.search(comment) if comment else None
        if match:
            codes = match.group("codes")
            if not codes or matches(finding.code, finding.symbol, [c.strip().upper() for c in re.split(r"[,\s]+", codes) if c.strip()]):
                used.add((module.path, finding.line))
                continue
        kept.append(finding)
    unused: list[Finding] = []
    if report_unused:
        for module in modules:
            for line, comment in sorted(module.comments.by_line.items()):
                if NOQA_RE.search(comment) and (module.path, line) not in used and not FILE_NOQA_RE.search(comment):
                    col = module.text.splitlines()[line - 1].find("#") if module.text else 0
                    unused.append(Finding("NOQA", "unused-noqa", Severity.INFO, f"unused `{comment.strip()}`",
                                          module.display_path, line, col + 1, line, col + 1 + len(comment), module=module))
    return kept, unused


__all__ = ["Options", "RunResult", "run", "enabled_rules", "char_column"]
