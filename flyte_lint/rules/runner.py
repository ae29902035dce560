"""Run one rule over the analysis model so that an internal error names the file it happened on and does not
cost the rule's findings on the other files.

Rules read the model's collections (``calls``, ``call_sites``, ``tasks``, ``envs``, ``modules``, ``nodes_of``,
``calls_to``).
The rule sees the model through a view that notes the module of the item it is working on. When the rule
raises, that module is the one named; the rule then runs again with that module's items left out, so its
findings on every other file still arrive. A failure that no module explains (or one that keeps moving from
module to module past a small budget) stops the rule with one message.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator

from astroid import nodes

from flyte_lint.model.project import Module

if TYPE_CHECKING:
    from flyte_lint.model.analysis import Analysis
    from flyte_lint.rules.base import Finding, Rule

COLLECTIONS = frozenset({"calls", "call_sites", "tasks", "envs", "modules"})
MAX_RERUNS = 20


def module_of(item) -> "Module | None":
    """The module a model item belongs to: a Module, anything with ``.module``, or a tuple led by one of these
    (``nodes_of`` gives (module, node) pairs)."""
    if isinstance(item, Module):
        return item
    if isinstance(item, tuple):
        return module_of(item[0]) if item else None
    module = getattr(item, "module", None)
    return module if isinstance(module, Module) else None


class _Watched:
    """Iterates a model collection, skipping the left-out modules and noting the module of each item."""

    def __init__(self, view: "_View", items: list) -> None:
        self._view, self._items = view, items

    def __iter__(self) -> Iterator:
        # A finished iteration (a lookup such as ``[t for t in analysis.tasks if ...]`` inside the main loop)
        # gives the current item back to the loop around it. An abandoned one does not: when the rule raises,
        # its loops are closed while the exception unwinds, before the runner can read where it was.
        view = self._view
        outer = view.current
        for item in self._kept():  # only the item is noted: its module is looked up on failure
            view.current = item
            yield item
        view.current = outer

    def _kept(self) -> Iterator:
        skipped = self._view.skipped
        if not skipped:  # the usual case
            return iter(self._items)
        return (i for i in self._items if (m := module_of(i)) is None or m.path not in skipped)

    def __len__(self) -> int:
        return sum(1 for _ in self._kept())

    def __bool__(self) -> bool:
        return any(True for _ in self._kept())


class _View:
    """The analysis as one rule sees it."""

    def __init__(self, analysis: "Analysis", skipped: set) -> None:
        self._analysis = analysis
        self.skipped = skipped
        self.current = None  # the item of the innermost unfinished iteration

    def watch(self, items) -> _Watched:
        """A rule's own collection of model items (say, an index it builds), watched like the model's."""
        return _Watched(self, items)

    def calls_to(self, *paths: str) -> _Watched:
        return _Watched(self, self._analysis.calls_to(*paths))

    def nodes_of(self, *types: type) -> _Watched:
        return _Watched(self, self._analysis.nodes_of(*types))

    def __getattr__(self, name: str):
        value = getattr(self._analysis, name)
        return _Watched(self, value) if name in COLLECTIONS else value


def _module_in_traceback(exc: BaseException, analysis: "Analysis") -> "Module | None":
    """The module the failing code was looking at, from the locals of its frames, innermost first: for a rule
    that first drained a collection (``sorted(analysis.envs, ...)``), so the view no longer knows."""
    by_file = {str(m.path): m for m in analysis.modules}
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    for frame in reversed(frames):
        for value in frame.f_locals.values():
            if isinstance(value, Module):
                return value
            module = getattr(value, "module", None) if not isinstance(value, type) else None
            if isinstance(module, Module):
                return module
            if isinstance(value, nodes.NodeNG):
                try:
                    found = by_file.get(value.root().file or "")
                except Exception:  # a node cut from its tree
                    found = None
                if found is not None:
                    return found
    return None


@dataclass
class RuleOutcome:
    findings: list["Finding"] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one message per failure, the file named when known


def run_rule(rule: "Rule", analysis: "Analysis") -> RuleOutcome:
    """The rule's findings, and a message per internal error; the files it failed on give no findings."""
    skipped: set = set()
    outcome = RuleOutcome()
    while True:
        view = _View(analysis, skipped)
        findings: list = []
        try:
            for finding in rule.check(view):  # type: ignore[arg-type]
                findings.append(finding)
        except Exception as exc:
            module = module_of(view.current) or _module_in_traceback(exc, analysis)
            where = f" on {module.display_path}" if module is not None else ""
            retry = module is not None and module.path not in skipped and len(skipped) < MAX_RERUNS
            stopped = "" if retry else "; the rule stopped there"
            outcome.errors.append(f"internal error in rule {rule.code} ({rule.symbol}){where}{stopped}: "
                                  f"{exc!r}\n{traceback.format_exc()}")
            if retry:
                skipped.add(module.path)
                continue
        outcome.findings = [f for f in findings if (f.module is None or f.module.path not in skipped)
                            and not _guarded(f, analysis)]
        return outcome


def _guarded(finding: "Finding", analysis: "Analysis") -> bool:
    """The finding's failure is an exception the author's code catches where it is raised (a deliberate probe:
    ``try: flyte.TaskEnvironment(..., new_kw=1)`` / ``except TypeError:``), so it is no failure."""
    if finding.raises is None or finding.raised_at is None:
        return False
    try:
        return analysis.guarded_against(finding.raised_at, finding.raises)
    except Exception:  # (a guard the model cannot read: the finding stands)  # pragma: no cover
        return False
