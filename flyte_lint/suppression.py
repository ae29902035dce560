"""Suppression: ``# noqa[: CODES]`` comments, ``# flyte-lint: noqa`` files and the ``per-file-ignores``
setting. Applied to the findings of each work unit, on the modules it was analysed for."""

from __future__ import annotations

import re
from pathlib import Path

from flyte_lint.config import Settings, matches
from flyte_lint.discovery import is_excluded
from flyte_lint.findings import Finding, Severity
from flyte_lint.model.project import Module

NOQA_RE = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Za-z0-9_, \t-]+?))?\s*(?:#|$)", re.I)
NOQA_WORD_RE = re.compile(r"noqa", re.I)
FILE_NOQA_RE = re.compile(r"#\s*flyte-lint:\s*noqa\b", re.I)


def per_file_ignored(finding: Finding, settings: Settings, base: Path) -> bool:
    """The finding's code is ignored for its file by ``per-file-ignores`` (patterns relative to ``base``)."""
    if not settings.per_file_ignores or finding.module is None:
        return False
    for pattern, codes in settings.per_file_ignores.items():
        if is_excluded(finding.module.path, [pattern], base) and matches(finding.code, finding.symbol, codes):
            return True
    return False


def apply_noqa(
    findings: list[Finding], modules: list[Module], report_unused: bool = False
) -> tuple[list[Finding], list[Finding]]:
    """Drop findings suppressed by ``# noqa[: CODES]`` on their line or ``# flyte-lint: noqa`` in the file."""
    mentions = {m.path for m in modules if m.text and NOQA_WORD_RE.search(m.text)}
    # (the text is searched first: reading a file's comments means tokenizing all of it)
    file_level = {
        m.path
        for m in modules
        if m.path in mentions
        and FILE_NOQA_RE.search(m.text)
        and any(FILE_NOQA_RE.search(c) for c in m.comments.by_line.values())
    }
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
            if not codes or matches(
                finding.code, finding.symbol, [c.strip().upper() for c in re.split(r"[,\s]+", codes) if c.strip()]
            ):
                used.add((module.path, finding.line))
                continue
        kept.append(finding)
    unused: list[Finding] = []
    if report_unused:
        for module in modules:
            for line, comment in sorted(module.comments.by_line.items()):
                if NOQA_RE.search(comment) and (module.path, line) not in used and not FILE_NOQA_RE.search(comment):
                    col = module.text.splitlines()[line - 1].find("#") if module.text else 0
                    unused.append(
                        Finding(
                            "NOQA",
                            "unused-noqa",
                            Severity.INFO,
                            f"unused `{comment.strip()}`",
                            module.display_path,
                            line,
                            col + 1,
                            line,
                            col + 1 + len(comment),
                            module=module,
                        )
                    )
    return kept, unused
