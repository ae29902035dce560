"""Run one rule over the analysis model so that an internal error costs only the findings of the part of the
analysis that fails, and names it.

A rule first runs once over the whole analysis (the usual case: one pass). When it raises, the rule's scope
says what the findings of a module depend on, and so how the analysis can be cut without changing them:

- a MODULE-scope rule runs again on each module alone (a failure costs only that module);
- an IMPORTERS- or COMPONENT-scope rule runs again on each import-connected component of the work unit (the
  components the engine hands over): nothing its findings on a module depend on lies outside its component,
  which is also why ``-j N`` may analyse components in separate processes.

Each part is a model of its own, built by ``restrict`` (the engine's: the same settings as the whole). A part
that fails is named by its files; when every part fails (or there is one), the rule stops with one message.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from flyte_lint.rules.base import Scope

if TYPE_CHECKING:
    from flyte_lint.model.analysis import Analysis
    from flyte_lint.model.project import Module
    from flyte_lint.rules.base import Finding, Rule

# At most this many files are named for a failing part (a component may be large).
NAMED_FILES = 3


@dataclass
class RuleOutcome:
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one message per failure, the files named when known


def run_rule(
    rule: Rule,
    analysis: Analysis,
    components: Iterable[Iterable[Path]] = (),
    restrict: Callable[[list[Module]], Analysis] | None = None,
) -> RuleOutcome:
    """The rule's findings, and a message per internal error; the parts it failed on give no findings.
    ``components`` are the analysis's import-connected components (paths; without them only a MODULE-scope
    rule's failure can be isolated) and ``restrict`` builds the analysis of some of its modules."""
    outcome = RuleOutcome()
    try:
        found = list(rule.check(analysis))
    except Exception as exc:
        failure = (exc, traceback.format_exc())
    else:
        outcome.findings = [f for f in found if not _guarded(f, analysis)]
        return outcome
    parts = _parts(rule, analysis, components)
    if restrict is None or len(parts) < 2:  # (one module alone is named: it is all the rule lost)
        alone = parts[0] if len(parts) == 1 and len(parts[0]) == 1 else None
        outcome.errors.append(_message(rule, alone, *failure))
        return outcome
    failed = []
    for part in parts:
        try:
            sub = restrict(part)
            found = list(rule.check(sub))
        except Exception as exc:
            failed.append((part, exc, traceback.format_exc()))
            continue
        outcome.findings.extend(f for f in found if not _guarded(f, sub))
    if len(failed) == len(parts):  # (no part explains the failure)
        outcome.errors.append(_message(rule, None, *failure))
    elif not failed:  # (each part alone passes: the failure stands, though every finding arrived)
        exc, text = failure
        outcome.errors.append(
            f"internal error in rule {rule.code} ({rule.symbol}) on the whole analysis, though each "
            f"part of it alone passes: {exc!r}\n{text}"
        )
    else:
        outcome.errors.extend(_message(rule, part, exc, text) for part, exc, text in failed)
    return outcome


def _parts(rule: Rule, analysis: Analysis, components: Iterable[Iterable[Path]]) -> list[list[Module]]:
    """The pieces the analysis can be cut into for this rule without changing its findings (see the module
    docstring), each a list of the analysis's modules in their order."""
    modules = analysis.modules
    if getattr(rule, "scope", Scope.COMPONENT) is Scope.MODULE:
        return [[m] for m in modules]
    part_of: dict[Path, int] = {}
    for i, component in enumerate(components):
        for path in component:
            part_of.setdefault(path, i)
    if not part_of:  # (no components known: the analysis cannot be cut)
        return [list(modules)]
    parts: dict[object, list[Module]] = {}
    for module in modules:  # (a module no component names is a part of its own)
        parts.setdefault(part_of.get(module.path, module.path), []).append(module)
    return list(parts.values())


def _message(rule: Rule, part: list[Module] | None, exc: BaseException, text: str) -> str:
    if part is None:
        where, stopped = "", "; the rule stopped there"
    else:
        names = [m.display_path for m in part[:NAMED_FILES]]
        more = len(part) - len(names)
        where = " on " + ", ".join(names) + (f" and {more} other files of its component" if more else "")
        stopped = ""
    return f"internal error in rule {rule.code} ({rule.symbol}){where}{stopped}: {exc!r}\n{text}"


def _guarded(finding: Finding, analysis: Analysis) -> bool:
    """The finding's failure is an exception the author's code catches where it is raised (a deliberate probe:
    ``try: flyte.TaskEnvironment(..., new_kw=1)`` / ``except TypeError:``), so it is no failure."""
    if finding.raises is None or finding.raised_at is None:
        return False
    try:
        return analysis.guarded_against(finding.raised_at, finding.raises)
    except Exception:  # (a guard the model cannot read: the finding stands)  # pragma: no cover
        return False
