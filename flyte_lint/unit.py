"""A work unit: a set of files analysed together, with the analysis model built once over them, the rules
run on it, and the findings suppressed as the settings and the files' comments say. The engine hands units
to this module in its own process or (``-j N``) in worker processes; nothing here knows which."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from flyte_lint.catalogue import RULES
from flyte_lint.config import Options, Settings
from flyte_lint.findings import Finding, Severity
from flyte_lint.model.project import Module, Project
from flyte_lint.suppression import apply_noqa, per_file_ignored

if TYPE_CHECKING:
    from flyte_lint.model.analysis import Analysis
    from flyte_lint.rules import Rule

# The rule whose findings the engine makes itself: a file that cannot be analysed (it does not parse, is no
# Python, or its names need more flow analysis than the budget allows).
SYNTAX_CODE = "FLY001"


@dataclass(frozen=True)
class RunContext:
    """What every unit of one run is analysed with: the enabled rules (by code), the settings and options,
    the folder per-file-ignores patterns are relative to, and the source roots and working folder a worker
    process rebuilds the project from."""

    codes: list[str]
    settings: Settings
    options: Options
    base: Path
    roots: list[Path] = field(default_factory=list)  # (layout.SourceRoots)
    cwd: Path | None = None


@dataclass
class Unit:
    """One piece of analysis work: a set of files analysed together, whose findings are reported for
    ``linted`` among them."""

    analysed: list[Path]
    linted: set[Path]
    remember: bool = False  # report what the cache keeps besides findings (the environments of each module)
    components: list[list[Path]] = field(default_factory=list)  # its import-connected components (runner.py)


@dataclass
class UnitResult:
    findings: list[tuple[Path, Finding]]  # (absolute path of the file, finding)
    modules: list[Module]
    internal: list[str]
    analysis: Analysis | None = None
    files_analysed: int = 0
    loads: dict[str, list[str]] = field(default_factory=dict)  # Resolver.loads, for the cache
    envs: dict[str, list] = field(default_factory=dict)  # incremental.env_facts, when the unit asks
    independent: set[str] = field(default_factory=set)  # incremental.independent_of_importers, when it asks
    linted: set[Path] = field(default_factory=set)  # the files it was analysed for (all their findings are here)


def rules_of(codes: list[str]) -> list[Rule]:
    from flyte_lint.rules import REGISTRY

    return [REGISTRY[code] for code in codes]


def build_analysis(project: Project, modules: list[Module], settings: Settings) -> Analysis:
    """The analysis model of ``modules``, built completely before any rule runs (model.analysis.build_analysis,
    the one way check and graph make it)."""
    from flyte_lint.model.analysis import build_analysis as build_model

    return build_model(project, modules, settings.target_flyte_version)


def analyse(project: Project, unit: Unit, context: RunContext, parsed: Callable[[], None] | None = None) -> UnitResult:
    """Parse the unit's files, build the analysis model once, run the rules (by code), apply suppressions.
    ``parsed`` is called after each file is parsed (the progress line)."""
    from flyte_lint.rules.runner import run_rule

    codes, settings = context.codes, context.settings
    rules = rules_of(codes)
    modules = []
    for path in unit.analysed:
        modules.append(project.load(path))
        if parsed is not None:
            parsed()
    findings: list[Finding] = []
    internal: list[str] = []
    for module in modules:
        if module.failure is not None and module.path in unit.linted and SYNTAX_CODE in codes:
            findings.append(syntax_finding(module))
    analysis = None
    try:
        analysis = build_analysis(project, modules, settings)
    except Exception as exc:  # an internal error must not hide the other files' parse findings
        internal.append(f"internal error while building the analysis model: {exc!r}\n{traceback.format_exc()}")
    if analysis is not None:

        def restrict(part: list[Module]) -> Analysis:
            return build_analysis(project, part, settings)

        for rule in rules:
            outcome = run_rule(rule, analysis, unit.components, restrict)
            internal.extend(outcome.errors)
            findings.extend(f for f in outcome.findings if f.module is not None and f.module.path in unit.linted)
        if SYNTAX_CODE in codes:
            findings.extend(
                _budget_finding(m, analysis.resolver.exhausted[id(m.tree)])
                for m in modules
                if m.tree is not None and id(m.tree) in analysis.resolver.exhausted and m.path in unit.linted
            )
    findings = [f for f in findings if not per_file_ignored(f, settings, context.base)]
    linted_modules = [m for m in modules if m.path in unit.linted]
    kept, unused = apply_noqa(findings, linted_modules, report_unused=context.options.report_unused_noqa)
    loads = {k: sorted(v) for k, v in analysis.resolver.loads.items()} if analysis is not None else {}
    envs, independent = {}, set()
    if unit.remember and analysis is not None:
        from flyte_lint.incremental import env_facts, independent_of_importers

        try:  # (a module that does not parse defines none)
            envs = {**{str(m.path): [] for m in modules}, **env_facts(analysis)}
            independent = {str(m.path) for m in modules if independent_of_importers(analysis, m)}
        except Exception as exc:  # the findings stand; the cache just keeps nothing of this unit
            envs, independent = {}, set()
            internal.append(f"internal error while noting the environments for the cache: {exc!r}")
    return UnitResult(
        [(f.module.path, f) for f in kept + unused],
        linted_modules,
        internal,
        analysis,
        len(modules),
        loads,
        envs,
        independent,
        set(unit.linted),
    )


def _fly001(module: Module, line: int, column: int, message: str, severity: Severity | None = None) -> Finding:
    symbol, rule_severity = RULES[SYNTAX_CODE]
    return Finding(
        code=SYNTAX_CODE,
        symbol=symbol,
        severity=severity or Severity(rule_severity),
        message=message,
        path=module.display_path,
        line=line,
        column=column,
        end_line=line,
        end_column=column,
        module=module,
    )


def syntax_finding(module: Module) -> Finding:
    """The finding on a file that could not be analysed (``module.failure``). Syntax of a newer Python than
    flyte-lint's is a warning: the file may well be right for the Python it is meant for."""
    failure = module.failure
    severity = Severity.WARNING if failure.newer_syntax else None
    return _fly001(module, failure.line, failure.column, f"cannot analyse this file: {failure.reason}", severity)


def _budget_finding(module: Module, where) -> Finding:
    from flyte_lint.model.name_lookup import LOOKUP_BUDGET

    return _fly001(
        module,
        where.line,
        1,
        f"analysis stopped: resolving names here needs more than {LOOKUP_BUDGET:,} steps of flow analysis "
        f"('{where.name}' is bound {where.bindings:,} times in one scope); from here on its names are "
        f"unknown and findings in this file may be missing",
    )
