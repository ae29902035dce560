"""Applying fixes: exact text edits, never overlapping, verified to parse, written atomically."""

from __future__ import annotations

import ast
import difflib
import os
import tempfile
from pathlib import Path

from flyte_lint.rules import Finding
from flyte_lint.rules.base import Edit


def _offsets(text: str) -> list[int]:
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def _to_offset(text: str, starts: list[int], line: int, byte_col: int) -> int:
    """astroid positions are (1-based line, UTF-8 byte column)."""
    line_text = text[starts[line - 1]: starts[line]] if line < len(starts) else ""
    col = len(line_text.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))
    return starts[line - 1] + col


def apply_edits(text: str, edits: list[Edit]) -> str:
    starts = _offsets(text)
    spans = sorted(((_to_offset(text, starts, *e.start), _to_offset(text, starts, *e.end), e.text) for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def fixed_text(text: str, findings: list[Finding], unsafe: bool) -> tuple[str, list[Finding]]:
    """Apply the fixes of ``findings`` whose edits do not overlap an earlier fix; returns the applied ones."""
    starts = _offsets(text)
    taken: list[tuple[int, int]] = []
    chosen: list[Edit] = []
    applied: list[Finding] = []
    for finding in sorted(findings, key=lambda f: f.sort_key):
        fix = finding.fix
        if fix is None or (not fix.safe and not unsafe):
            continue
        spans = [(_to_offset(text, starts, *e.start), _to_offset(text, starts, *e.end)) for e in fix.edits]
        if any(a < d and c < b or (a == b == c == d) for a, b in spans for c, d in taken):
            continue  # overlaps a fix already chosen; the next run picks it up
        taken.extend(spans)
        chosen.extend(fix.edits)
        applied.append(finding)
    return apply_edits(text, chosen), applied


def write_atomic(path: Path, text: str, newline_source: bytes) -> None:
    """Write through a temporary file in the same folder and rename; keep mode and line endings."""
    newline = "\r\n" if b"\r\n" in newline_source else "\n"
    data = text.replace("\r\n", "\n").replace("\n", newline).encode("utf-8")
    mode = path.stat().st_mode
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".flyte-lint", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def apply_fixes(result, unsafe: bool, write: bool) -> tuple[list[Finding], str]:
    """Fix what can be fixed. Returns the findings left and a report (a unified diff when not writing)."""
    by_module: dict[Path, list[Finding]] = {}
    for finding in result.findings:
        if finding.fix is not None and finding.module is not None:
            by_module.setdefault(finding.module.path, []).append(finding)
    fixed_ids: set[int] = set()
    report: list[str] = []
    for path, findings in sorted(by_module.items()):
        module = findings[0].module
        if module.text is None:
            continue
        new_text, applied = fixed_text(module.text, findings, unsafe)
        if not applied or new_text == module.text:
            continue
        try:
            ast.parse(new_text)
        except (SyntaxError, ValueError) as exc:
            report.append(f"{module.display_path}: not fixed: the fixed code would not parse ({exc})")
            continue
        if not write:
            report.append("".join(difflib.unified_diff(
                module.text.splitlines(keepends=True), new_text.splitlines(keepends=True),
                fromfile=f"a/{module.display_path}", tofile=f"b/{module.display_path}")))
            continue
        if path.is_symlink():
            report.append(f"{module.display_path}: not fixed: it is a symbolic link")
            continue
        try:
            original = path.read_bytes()
            write_atomic(path, new_text, original)
        except OSError as exc:
            report.append(f"{module.display_path}: not fixed: {exc.strerror or exc}")
            continue
        fixed_ids.update(id(f) for f in applied)
        report.append(f"{module.display_path}: fixed {len(applied)} finding{'s' if len(applied) != 1 else ''}")
    remaining = [f for f in result.findings if id(f) not in fixed_ids]
    return remaining, "\n".join(report)
