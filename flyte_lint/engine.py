"""One lint run: discover files, build the analysis model once, run the rules, filter the findings."""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from flyte_lint.config import Settings, matches
from flyte_lint.discovery import discover, is_excluded
from flyte_lint.model.analysis import Analysis
from flyte_lint.model.project import Module, Project
from flyte_lint.rules import REGISTRY, Finding, Rule, Severity
from flyte_lint.rules.base import char_column

IMPORT_RE = re.compile(rb"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import|import[ \t]+([\w., \t]+))", re.M)
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


def select_modules(project: Project, files: list[Path], index: list[Path]) -> list[Module]:
    """The modules worth analysing: those that mention flyte, and those importing (transitively) one that does.
    Everything else costs one byte scan."""
    candidates = list(dict.fromkeys(files + index))
    data: dict[Path, bytes] = {}
    relevant: set[Path] = set()
    for path in candidates:
        try:
            raw = path.read_bytes()
        except OSError:
            relevant.add(path)  # reported as unreadable by the parse step
            continue
        data[path] = raw
        if mentions_flyte(raw):
            relevant.add(path)
    pending = [p for p in candidates if p not in relevant and p in data]
    changed = True
    while changed and pending:
        changed = False
        for path in list(pending):
            if _imports_any(project, path, data[path], relevant):
                relevant.add(path)
                pending.remove(path)
                changed = True
    return [project.load(p) for p in candidates if p in relevant]


def _imports_any(project: Project, path: Path, raw: bytes, relevant: set[Path]) -> bool:
    for match in IMPORT_RE.finditer(raw):
        names = [match.group(1)] if match.group(1) is not None else match.group(2).split(b",")
        for name in names:
            dotted = name.strip().split()[0].decode("ascii", "ignore") if name.strip() else ""
            if not dotted:
                continue
            if dotted.startswith("."):
                level = len(dotted) - len(dotted.lstrip("."))
                base = path.parent
                for _ in range(level - 1):
                    base = base.parent
                rest = dotted.lstrip(".")
                target = base / Path(*rest.split(".")) if rest else base
                for candidate in (target.with_suffix(".py") if rest else None, target / "__init__.py"):
                    if candidate is not None and candidate.resolve() in relevant:
                        return True
                if any(p.parent == target.resolve() for p in relevant):
                    return True  # from . import mod
                continue
            parts = dotted.split(".")
            for end in range(len(parts), 0, -1):
                found = project.locate(".".join(parts[:end]), path.parent)
                if found is not None:
                    if found in relevant or (found.name == "__init__.py" and any(p.parent == found.parent for p in relevant)):
                        return True
                    break
    return False


def run(paths: list[Path], settings: Settings, options: Options, cwd: Path | None = None) -> RunResult:
    cwd = (cwd or Path.cwd()).resolve()
    base = settings.project_dir or cwd
    files, path_errors = discover(paths, settings.exclude, base)
    roots: list[Path] = []
    file_mode = False
    for given in paths:
        absolute = Path(given).resolve()
        if absolute.is_dir():
            roots.append(absolute)
        elif absolute.exists():
            file_mode = True
            roots.append(absolute.parent)
    roots.extend(options.root_dirs)
    roots.extend(settings.src)
    index: list[Path] = []
    if file_mode and settings.project_dir is not None:
        # Files passed one by one (pre-commit) are resolved against their whole project, so cross-module
        # facts such as env.add_dependency(...) in a deploy script are known.
        project_dirs = settings.src or [settings.project_dir]
        roots.extend(project_dirs)
        index, _ = discover(project_dirs, settings.exclude, base)
    project = Project(roots, cwd=cwd)
    modules = select_modules(project, files, index)
    linted = {m.path for m in modules if m.path in set(files)}

    findings: list[Finding] = []
    internal: list[str] = []
    rules = enabled_rules(settings, options)
    codes = {r.code for r in rules}
    for module in modules:
        if module.failure is not None and module.path in linted and "FLY001" in codes:
            findings.append(_syntax_finding(module))
    analysis = None
    try:
        analysis = Analysis(project, modules)
    except Exception as exc:  # an internal error must not hide the other files' parse findings
        internal.append(f"internal error while building the analysis model: {exc!r}\n{traceback.format_exc()}")
    if analysis is not None:
        for rule in rules:
            try:
                for finding in rule.check(analysis):
                    if finding.module is not None and finding.module.path in linted:
                        findings.append(finding)
            except Exception as exc:
                internal.append(f"internal error in rule {rule.code} ({rule.symbol}): {exc!r}\n{traceback.format_exc()}")
    findings = [f for f in findings if not _per_file_ignored(f, settings, base)]
    kept, unused = apply_noqa(findings, [m for m in modules if m.path in linted], report_unused=options.report_unused_noqa)
    kept = sorted(_dedupe(kept), key=lambda f: f.sort_key)
    return RunResult(kept, [m for m in modules if m.path in linted], internal, path_errors, analysis, unused)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen = set()
    out = []
    for f in findings:
        key = (f.path, f.line, f.column, f.code, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _syntax_finding(module: Module) -> Finding:
    rule = REGISTRY["FLY001"]
    failure = module.failure
    return Finding(
        code=rule.code, symbol=rule.symbol, severity=rule.severity, message=f"cannot analyse this file: {failure.reason}",
        path=module.display_path, line=failure.line, column=failure.column, end_line=failure.line,
        end_column=failure.column, module=module,
    )


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
    file_level = {m.path for m in modules if m.path in mentions and any(FILE_NOQA_RE.search(c) for c in m.comments.by_line.values())}
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
