"""Output formats for findings: text (default), json, sarif, github."""

from __future__ import annotations

from collections.abc import Callable

from flyte_lint.findings import Finding
from flyte_lint.report.common import counts_by_severity, one_line

FORMATS = ("text", "json", "sarif", "github")


def render(fmt: str, findings: list[Finding], **context) -> str:
    renderer: Callable[..., str]
    if fmt == "json":
        from flyte_lint.report.json_format import render as renderer
    elif fmt == "sarif":
        from flyte_lint.report.sarif import render as renderer
    elif fmt == "github":
        from flyte_lint.report.github import render as renderer
    else:
        from flyte_lint.report.text import render as renderer
    return renderer(findings, **context)


__all__ = ["FORMATS", "counts_by_severity", "one_line", "render"]
