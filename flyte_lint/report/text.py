"""``path:line:col: CODE message``, then a summary. Colour only on a terminal."""

from __future__ import annotations

from collections import Counter

from flyte_lint.findings import Finding
from flyte_lint.report.common import counts_by_severity, one_line

COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
BOLD, RESET = "\033[1m", "\033[0m"


def render(
    findings: list[Finding], *, colour: bool = False, statistics: bool = False, files: int = 0, fixable: int = 0, **_
) -> str:
    lines = []
    for f in findings:
        location = f"{f.path}:{f.line}:{f.column}:"
        code = f.code
        if colour:
            location = f"{BOLD}{location}{RESET}"
            code = f"{COLOURS.get(f.severity.value, '')}{code}{RESET}"
        lines.append(f"{location} {code} {one_line(f.message)}")
    if statistics and findings:
        lines.append("")
        by_rule = Counter((f.code, f.symbol) for f in findings)
        width = max(len(str(n)) for n in by_rule.values())
        for (code, symbol), n in sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"{n:>{width}}\t{code}\t{symbol}")
    lines.append(summary(findings, files, fixable))
    return "\n".join(lines) + "\n"


def summary(findings: list[Finding], files: int, fixable: int = 0) -> str:
    if not findings:
        return f"All checks passed ({files} file{'s' if files != 1 else ''} checked)."
    counts = counts_by_severity(findings)
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning", "info") if counts[s]]
    text = f"Found {len(findings)} finding{'s' if len(findings) != 1 else ''} ({', '.join(parts)}) in {files} file{'s' if files != 1 else ''} checked."
    if fixable:
        text += f"\n{fixable} fixable with `--fix` (more may be with `--unsafe-fixes`)."
    return text
