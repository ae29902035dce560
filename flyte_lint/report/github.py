"""``--format github``: GitHub Actions workflow commands, one annotation per finding."""

from __future__ import annotations

from flyte_lint.findings import Finding
from flyte_lint.report.common import one_line

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(findings: list[Finding], **_) -> str:
    lines = []
    for f in findings:
        props = ",".join(
            [
                f"file={_escape_property(f.path)}",
                f"line={f.line}",
                f"col={f.column}",
                f"endLine={f.end_line}",
                f"endColumn={f.end_column}",
                f"title={_escape_property(f'flyte-lint ({f.code})')}",
            ]
        )
        lines.append(f"::{LEVELS[f.severity.value]} {props}::{_escape_data(one_line(f.message))}")
    return "\n".join(lines) + ("\n" if lines else "")
